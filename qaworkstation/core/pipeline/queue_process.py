"""The analysis queue in a child process, so the window never shares an interpreter with decoding.

Decoding and the rules hold Python's GIL in long stretches (feature extraction over a chunk, pinyin matching,
voice clustering); run on a thread of the window's process, each stretch was a frozen frame — 364 ms gaps
between event-loop ticks measured by ``benchmarks/library.py`` on the quiet machine. A spawned child owns the
model and its own connection to the library (WAL lets the window read meanwhile); it reports over a queue what
the thread reported through callbacks, and stops after the current segment when asked. If the child dies
(killed, out of memory) its call stays marked running and the next run takes it first
(:meth:`WorkQueue.recover`); the parent reports the death instead of waiting for ever.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..asr.transcribe import TranscribeSettings, Transcriber
from ..i18n import _
from ..library.store import Store
from .analysis import RubricLibrary
from .work_queue import QueueRunner, QueueStatus

STATUS, ANALYSED, SEGMENT, FAILED, DONE = "status", "analysed", "segment", "failed", "done"
_POLL_S = 0.1
# Below the window in the scheduler's eyes: on two cores the decoders would otherwise take the window's core in
# turns of several milliseconds whenever it has a frame to paint. Analysis loses nothing when nobody is waiting.
BACKGROUND_NICENESS = 10


@dataclass(frozen=True)
class QueueJob:
    """What the child needs to build the same runner the window would: plain, picklable settings."""

    db_path: Path
    transcribe: TranscribeSettings
    rubric_choice: str
    rubric_folder: Path


def serve(job: QueueJob, events: Any, stop: Any, parent_pid: int) -> None:
    """The child's whole life: work through the queue, then say ``done`` (also after a failure, which comes
    first as ``failed``). It also stops when its parent has gone, so a killed window leaves no orphan decoding."""
    def stopped() -> bool:
        return stop.is_set() or os.getppid() != parent_pid

    _step_aside()
    store: Store | None = None
    final: QueueStatus | None = None
    try:
        store = Store(job.db_path)
        runner = QueueRunner(store, Transcriber(job.transcribe), RubricLibrary(job.rubric_choice, job.rubric_folder))
        final = runner.run(on_status=lambda status: events.put((STATUS, status)),
                           on_result=lambda result: events.put((ANALYSED, result.recording["id"])),
                           on_error=lambda name, message: events.put((FAILED, name, message)),
                           stop=stopped,
                           on_segment=lambda recording_id, segment: events.put((SEGMENT, recording_id, segment)))
    except Exception as exc:  # the parent must hear of it: a child's traceback would go nowhere
        events.put((FAILED, "", str(exc)))
    finally:
        if store is not None:
            store.close()
        events.put((DONE, final))


def _step_aside() -> None:
    """Run the child only on time nobody else wants. Linux's idle policy gives a waking window its core at once
    (a niceness of 10 still let a decoder finish its turn first: 33-38 ms frames with two decoders running);
    elsewhere, or where the policy is refused, a plain niceness. Threads the decoder starts later inherit it."""
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return
        except OSError:
            pass
    if hasattr(os, "nice"):
        os.nice(BACKGROUND_NICENESS)


class QueueProcess:
    """The parent's side: start the child, pass on a stop, and yield its events until it is done or dead."""

    def __init__(self, job: QueueJob) -> None:
        context = multiprocessing.get_context("spawn")  # a fork would copy the window's threads and Qt state
        self._events = context.Queue()
        self._stop = context.Event()
        self._process = context.Process(target=serve, args=(job, self._events, self._stop, os.getpid()),
                                        name="qaws-queue", daemon=True)

    def start(self) -> None:
        self._process.start()

    @property
    def pid(self) -> int | None:
        """The child's process id once started (the coaching of a stuck run starts with ``ps``)."""
        return self._process.pid

    def events(self, stop: Callable[[], bool]) -> Iterator[tuple[Any, ...]]:
        """Each event as ``(kind, *arguments)``, ending with ``(DONE, final status or None)``; ``stop`` is
        polled and forwarded to the child, which then gives its call back to the queue and finishes."""
        while True:
            if stop():
                self._stop.set()
            try:
                event = self._events.get(timeout=_POLL_S)
            except queue.Empty:
                if self._process.is_alive():
                    continue
                yield from self._after_death()
                return
            yield event
            if event[0] == DONE:
                self._process.join()
                return

    def _after_death(self) -> Iterator[tuple[Any, ...]]:
        """The child is gone: pass on what it managed to say, then report how it ended if it never said done."""
        while True:
            try:
                event = self._events.get(timeout=_POLL_S)
            except queue.Empty:
                break
            yield event
            if event[0] == DONE:
                return
        yield (FAILED, "", _("The analysis process stopped unexpectedly (exit code {code}); its call goes back "
                             "to the queue and is analysed on the next run.").format(code=self._process.exitcode))
        yield (DONE, None)
