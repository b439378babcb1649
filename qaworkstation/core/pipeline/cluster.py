"""The analysis on a Dask cluster: worker processes on this machine (a LocalCluster) or an existing scheduler.

This process stays the library's only writer. It claims calls from the persistent queue, submits each as one
task running :func:`execution.analyse_call` on a worker, and stores every result as it comes back, keyed by
the transcript cache key (audio hash + model + settings). That gives exactly-once results without a job
scheduler of our own:

* a worker killed mid-call: Dask re-runs the task elsewhere (up to ``distributed.scheduler.allowed-failures``);
* a task delivered twice, or submitted twice under the same key: the second result finds its transcript stored;
* this process killed: jobs it left running go back to the queue on the next start, and a call whose result
  was stored before the crash is finished from the library instead of being sent again.

Only as many calls are submitted as the cluster has worker threads, longest first: a worker that frees up
takes the next call at once, memory stays bounded however long the queue, and calls sent as bytes
(``send_audio``) are read only when a worker is ready for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import dask
from distributed import Client, Future, LocalCluster, WorkerPlugin, as_completed, get_worker
from distributed.scheduler import KilledWorker

from ..asr.models import resolve_model
from ..asr.transcribe import TranscribeSettings, cache_key
from ..library.store import Store
from .analysis import AnalysisResult, RubricLibrary, judge
from .cluster_settings import ClusterSettings, map_path
from .execution import FROM_CACHE, AudioSource, CallResult, CallSpec, analyse_call, store_result, transcriber_for
from .work_queue import DONE, FAILED, QUEUED, RUNNING, QueueStatus, WorkQueue

CallCallback = Callable[[str, CallResult, QueueStatus], None]


# Two Dask defaults cost a transcribing worker a third of its speed (measured: 8.3 s of CPU for a call that takes
# 5.6 s in a plain process): MALLOC_TRIM_THRESHOLD_=65536 hands memory back to the system after nearly every
# decoding step, only to fault it in again, and the statistical profiler samples every thread 100 times a
# second. The nanny keeps these for workers it restarts. docs/scale-out.md gives the same as a config file
# for `dask worker` on other machines.
WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                 "distributed.worker.profile.enabled": False}


class ClusterError(ConnectionError):
    """The cluster cannot be reached or has no workers; the message says which and why, in one line."""


@contextmanager
def connect(settings: ClusterSettings) -> Iterator[Client]:
    """A client of the scheduler, or of a LocalCluster started for the duration of the block."""
    if settings.scheduler:
        try:
            client = Client(settings.scheduler, timeout=settings.connect_timeout_s, set_as_default=False)
        except (OSError, asyncio.TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {settings.scheduler} ({exc})") from exc
        with client:
            yield client
        return
    with warnings.catch_warnings(), dask.config.set(WORKER_CONFIG):
        warnings.filterwarnings("ignore", message="Port .* is already in use")  # the printed link says where
        cluster = LocalCluster(n_workers=settings.workers, threads_per_worker=settings.threads_per_worker,
                               processes=True, memory_limit=settings.memory_limit,
                               dashboard_address=settings.dashboard_address, silence_logs=logging.ERROR)
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


def worker_settings(settings: TranscribeSettings, nthreads: int) -> TranscribeSettings:
    """The client's settings laid out for one worker process: one single-threaded decoder per task thread.

    Dask runs ``nthreads`` calls at once in a worker; each gets one decoder with one thread, so a machine
    with one single-threaded worker per core is fully used and never oversubscribed (the in-process default
    of two decoders per call would put four busy threads on two cores). The layout is not part of the cache
    key, so the transcript is found by the window whichever way it was made.
    """
    return replace(settings, workers=max(1, nthreads), cpu_threads=1)


class ModelPlugin(WorkerPlugin):
    """Loads the model into each worker process when it joins, before any call, and again after a restart."""

    name = "qaws-model"

    def __init__(self, settings: TranscribeSettings) -> None:
        self.settings = settings

    async def setup(self, worker: Any) -> None:  # noqa: ANN401 - distributed.Worker
        """Loaded in a helper thread so the worker keeps answering heartbeats meanwhile."""
        laid_out = worker_settings(self.settings, worker.state.nthreads)
        await asyncio.get_running_loop().run_in_executor(None, lambda: transcriber_for(laid_out).model)


def analyse_on_worker(spec: CallSpec, settings: TranscribeSettings, rubrics: RubricLibrary | None,
                      read_timeout_s: float, data: bytes | None = None) -> CallResult:
    """The Dask task: :func:`execution.analyse_call` with this worker's layout (and the bytes, when sent)."""
    if data is not None:
        spec = replace(spec, source=AudioSource(spec.source.name, data=data))
    return analyse_call(spec, worker_settings(settings, get_worker().state.nthreads), rubrics, read_timeout_s)


@dataclass
class _Submitted:
    """A call out on the cluster, with the timer that gives up on it."""

    job: dict[str, Any]
    future: Future
    timer: threading.Timer | None = None
    timed_out: bool = False
    timeout_s: float = 0.0
    keep: list[Any] = field(default_factory=list)  # futures of scattered bytes, released with the call


class ClusterRunner:
    """Works through the queue on a Dask cluster, storing each result in the library as it completes."""

    def __init__(self, store: Store, client: Client, settings: TranscribeSettings, rubrics: RubricLibrary,
                 cluster: ClusterSettings | None = None) -> None:
        self.store = store
        self.queue = WorkQueue(store)
        self.client = client
        self.settings = settings
        self.rubrics = rubrics
        self.rubrics.all()  # loaded here, so workers get the rubrics themselves and not this machine's folder
        self.cluster = cluster or ClusterSettings()
        self.model_id = resolve_model(settings.model).id
        self._in_flight: dict[Future, _Submitted] = {}
        self._started = 0.0
        self._audio_done_s = 0.0
        self._run = ""

    def prepare(self, timeout_s: float = 120.0, stop: Callable[[], bool] = lambda: False) -> float:
        """Wait for a worker and load the model on every worker (and on any that joins later); returns seconds.

        A worker that cannot load the model (package missing) makes this raise with the worker's reason. The
        wait for a worker gives way to ``stop`` within a second, so a window closing meanwhile is not held up.
        """
        started = time.monotonic()
        while not self.client.nthreads():
            if stop():
                return time.monotonic() - started
            if time.monotonic() - started > timeout_s:
                raise ClusterError(f"no Dask worker joined within {timeout_s:g} s; start some with "
                                   "'dask worker tcp://SCHEDULER:8786'")
            with contextlib.suppress(asyncio.TimeoutError, TimeoutError):
                self.client.wait_for_workers(1, timeout=1.0)
        self.client.register_plugin(ModelPlugin(self.settings))
        return time.monotonic() - started

    def run(self, on_status: Callable[[QueueStatus], None] | None = None,
            on_result: Callable[[AnalysisResult], None] | None = None,
            on_error: Callable[[str, str], None] | None = None, stop: Callable[[], bool] = lambda: False,
            on_call: CallCallback | None = None) -> QueueStatus:
        """Until the queue is empty or ``stop`` says so (checked every 0.1 s; calls still out on the cluster
        then go back to the queue). Callbacks get each call as it is stored."""
        self.queue.recover()
        self._started, self._audio_done_s, self._run = time.monotonic(), 0.0, uuid.uuid4().hex[:12]
        completed = as_completed(loop=self.client.loop)

        def record(job: dict[str, Any], result: CallResult) -> None:
            self._record(job, result)
            status = self.status(job["file_name"])
            if on_call:
                on_call(job["file_name"], result, status)
            if on_status:
                on_status(status)
            if result.ok and on_result:
                on_result(self._analysis(result))
            elif not result.ok and on_error:
                on_error(job["file_name"], result.error)

        try:
            self._top_up(completed, record, stop)
            while (future := self._next_finished(completed, stop)) is not None:
                submitted = self._in_flight.pop(future)
                self._top_up(completed, record, stop)  # the freed worker starts its next call before this is stored
                record(submitted.job, self._outcome(submitted))
                if stop():
                    break
        finally:  # stopped, finished or failed (e.g. the scheduler lost): nothing stays marked running
            self._give_back()
        return self.status()

    @staticmethod
    def _next_finished(completed: as_completed, stop: Callable[[], bool]) -> Future | None:
        """The next call back from the cluster; None when all are back or ``stop`` says so while waiting, so a
        pause in the window takes effect at once rather than after the longest call out."""
        while not completed.has_ready():
            if completed.is_empty() or stop():
                return None
            time.sleep(0.1)
        return next(completed)

    def status(self, current_file: str = "") -> QueueStatus:
        """Queue counts with an ETA from the audio this run has analysed per second of wall time."""
        counts = self.queue.counts()
        total = sum(counts.get(state, 0) for state in (QUEUED, RUNNING, DONE, FAILED))
        elapsed = time.monotonic() - self._started if self._started else 0.0
        speed = self._audio_done_s / elapsed if elapsed and self._audio_done_s else None
        eta = self.queue.remaining_audio_s() / speed if speed else None
        return QueueStatus(total, counts.get(DONE, 0), counts.get(FAILED, 0), counts.get(QUEUED, 0),
                           counts.get(RUNNING, 0), current_file, 0.0, eta)

    def _capacity(self) -> int:
        """Worker threads now in the cluster; workers that join later get calls as soon as they are counted."""
        return max(1, sum(self.client.nthreads().values()))

    def _top_up(self, completed: as_completed, record: Callable[[dict[str, Any], CallResult], None],
                stop: Callable[[], bool]) -> None:
        """Submit calls until every worker thread has one; calls the library already has are finished here."""
        capacity = self._capacity()
        while len(self._in_flight) < capacity and not stop():
            job = self.queue.claim_next(longest_first=True)
            if job is None:
                return
            recording = self.store.recording(job["recording_id"])
            cached = self._from_library(recording)
            if cached is not None:
                record(job, cached)
                continue
            try:
                data = Path(recording["path"]).read_bytes() if self.cluster.send_audio else None
            except OSError as exc:  # only the file: a lost connection is not this call's fault
                record(job, CallResult(recording["id"], error=f"{recording['path']}: cannot read ({exc})"))
                continue
            submitted = self._submit(job, recording, data)
            self._in_flight[submitted.future] = submitted
            completed.add(submitted.future)

    def _from_library(self, recording: dict[str, Any]) -> CallResult | None:
        """The call's result from its stored transcript (a run that crashed after storing it), rules re-run."""
        key = cache_key(recording["sha256"], self.settings, self.model_id)
        cached = self.store.cached_segments(key)
        if cached is None:
            return None
        segments, language = cached
        verdict = judge(self.rubrics, segments, language, recording["duration"], recording["path"])
        return CallResult(recording["id"], key, self.model_id, {}, language, segments, verdict.rubric_id,
                          verdict.flags, verdict.checks, verdict.risk, where=FROM_CACHE)

    def _submit(self, job: dict[str, Any], recording: dict[str, Any], data: bytes | None) -> _Submitted:
        """One call as one task. Its key is new for every run: a scheduler that still remembers an earlier
        run's task under the same key would hand back that result (of another library, or another rubric).

        Sent audio is scattered to a worker first (Dask then runs the call where its bytes are) instead of
        riding in the task through the scheduler.
        """
        keep: list[Any] = []
        if data is not None:
            source = AudioSource(recording["file_name"])
            keep.append(self.client.scatter(data, hash=False))
        else:
            source = AudioSource(recording["file_name"], path=map_path(recording["path"], self.cluster.path_map))
        spec = CallSpec.from_recording(recording, source)
        key = cache_key(recording["sha256"], self.settings, self.model_id)
        future = self.client.submit(analyse_on_worker, spec, self.settings, self.rubrics,
                                    self.cluster.read_timeout_s, *keep, key=f"qaws-analyse-{key}-{self._run}",
                                    retries=self.cluster.retries)
        submitted = _Submitted(job, future, keep=keep,
                               timeout_s=self.cluster.call_timeout(recording["duration"], recording["channels"]))
        submitted.timer = threading.Timer(submitted.timeout_s, self._expire, args=(submitted,))
        submitted.timer.daemon = True
        submitted.timer.start()
        return submitted

    @staticmethod
    def _expire(submitted: _Submitted) -> None:
        """No result in time: cancelling makes the call come out of ``as_completed`` as a timeout error."""
        submitted.timed_out = True
        submitted.future.cancel()

    def _outcome(self, submitted: _Submitted) -> CallResult:
        """The worker's result, or an error result saying why there is none."""
        if submitted.timer:
            submitted.timer.cancel()
        future, name, recording_id = submitted.future, submitted.job["file_name"], submitted.job["recording_id"]
        if future.status == "finished":
            return future.result()
        if submitted.timed_out:
            message = (f"{name}: no result within {submitted.timeout_s:.0f} s (a hung worker, or no free "
                       "worker); it goes back to the queue on the next run")
        elif future.status == "error":
            message = self._task_error(name, future.exception())
        else:
            message = f"{name}: the cluster dropped the call ({future.status})"
        return CallResult(recording_id, error=message)

    @staticmethod
    def _task_error(name: str, exc: BaseException) -> str:
        if isinstance(exc, KilledWorker):
            return (f"{name}: every worker that took this call died ({exc.allowed_failures + 1} times); it may "
                    "exhaust a worker's memory")
        return f"{name}: {type(exc).__name__}: {exc}"

    def _record(self, job: dict[str, Any], result: CallResult) -> None:
        """The single writer: store the result once, then close the job."""
        if result.ok:
            store_result(self.store, result)
            self.queue.finish(job["id"], DONE)
            self._audio_done_s += job["duration"]
            return
        self.queue.finish(job["id"], FAILED, result.error)
        self.store.update_recording(job["recording_id"], status="error", error=result.error)

    def _give_back(self) -> None:
        """Stopped: calls still out on the cluster are cancelled and queued again (unless cancelled meanwhile)."""
        for submitted in self._in_flight.values():
            if submitted.timer:
                submitted.timer.cancel()
            submitted.future.cancel()
            self.queue.give_back(submitted.job["id"])
        self._in_flight.clear()

    def _analysis(self, result: CallResult) -> AnalysisResult:
        return AnalysisResult(self.store.recording(result.recording_id), result.language, result.segments,
                              result.flags, result.checks, result.rubric_id, result.where == FROM_CACHE)
