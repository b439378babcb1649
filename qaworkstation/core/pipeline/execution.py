"""The analysis of one recording as a plain function, so where it runs is a choice and not a rewrite.

decode → transcribe each channel → rubric rules → :class:`CallResult`. :func:`analyse_call` takes and returns
plain picklable data, so the same function runs in this process, in a child process or as a Dask task on
another machine; the loaded model is not an argument but lives in a per-process cache
(:func:`transcriber_for`), loaded once per process and reused by every call. Nothing here opens the library:
results travel back to the one process that owns the database, whose :func:`store_result` keys them by the
transcript cache key so a result delivered twice (a retried or duplicated task) is stored once.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..asr.models import resolve_model
from ..asr.transcribe import (CancelCheck, ProgressCallback, SegmentCallback, Transcriber, TranscribeSettings,
                              cache_key, load_model)
from ..audio.reading import AudioError
from ..domain import Check, Flag, Segment
from ..library.store import Store
from .analysis import RubricLibrary, judge

READ_TIMEOUT_S = 30.0
FROM_CACHE = "cache"  # CallResult.where for a call whose transcript the library already had


@dataclass(frozen=True)
class AudioSource:
    """How the process doing the work gets the recording: a path it can read, or the file's bytes."""

    name: str  # the file name, for messages
    path: str = ""
    data: bytes | None = None


@dataclass(frozen=True)
class CallSpec:
    """One recording to analyse, with what the library learnt about it at import."""

    recording_id: str
    sha256: str
    channels: int
    duration: float
    source: AudioSource

    @classmethod
    def from_recording(cls, recording: dict[str, Any], source: AudioSource | None = None) -> CallSpec:
        """A library row as a spec; by default the worker reads the recording where the library found it."""
        source = source or AudioSource(recording["file_name"], path=recording["path"])
        return cls(recording["id"], recording["sha256"], recording["channels"], recording["duration"], source)


@dataclass
class CallResult:
    """Everything a finished call sends back: transcript, flags, checks and its cache key, or an error."""

    recording_id: str
    cache_key: str = ""
    model_id: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    language: str = ""
    segments: list[Segment] = field(default_factory=list)
    rubric_id: str = ""
    flags: list[Flag] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    risk: float = 0.0
    error: str = ""
    where: str = ""  # host:pid of the process that did the work
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error


_cache_lock = threading.Lock()
_models: dict[tuple[str, str, int, int], Any] = {}
_transcribers: dict[TranscribeSettings, Transcriber] = {}


def transcriber_for(settings: TranscribeSettings) -> Transcriber:
    """This process's Transcriber for ``settings``, its model loaded on first use and then kept.

    Models are shared by (model, compute type, threads per decoder, decoders): a worker that serves calls
    with several languages or scripts still holds one copy of the weights, and a task never loads one.
    """
    with _cache_lock:
        transcriber = _transcribers.get(settings)
        if transcriber is None:
            choice = resolve_model(settings.model)
            layout = (choice.id, settings.compute_type, settings.threads_per_worker, max(1, settings.workers))
            if layout not in _models:
                _models[layout] = load_model(choice, settings)
            transcriber = _transcribers[settings] = Transcriber(settings, model=_models[layout])
        return transcriber


def loaded_models() -> int:
    """How many models this process holds: one per process is the point of the cache."""
    with _cache_lock:
        return len(_models)


def check_readable(path: str, timeout_s: float = READ_TIMEOUT_S) -> None:
    """Open the file and read a byte in a helper thread, giving up after ``timeout_s``.

    A dead network mount blocks ``open()`` indefinitely; without this a worker would hold the call until the
    client's deadline. The helper thread may stay blocked, but the call gets its error now.
    """
    outcome: list[OSError | None] = []

    def probe() -> None:
        try:
            with open(path, "rb") as handle:
                handle.read(1)
            outcome.append(None)
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=probe, name="qaws-read-probe", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if not outcome:
        raise AudioError(path, f"not readable within {timeout_s:g} s on {socket.gethostname()} "
                               "(a hung network share?)")
    if outcome[0] is not None:
        reason = outcome[0].strerror or str(outcome[0])
        raise AudioError(path, f"cannot read the file on {socket.gethostname()} ({reason})")


@contextmanager
def local_audio(source: AudioSource, read_timeout_s: float = READ_TIMEOUT_S) -> Iterator[str]:
    """A path this process can decode: the source's own path once it proved readable, or the bytes spooled
    to a private temporary folder (removed afterwards) under the original name, so messages still name it."""
    if source.data is None:
        check_readable(source.path, read_timeout_s)
        yield source.path
        return
    folder = tempfile.mkdtemp(prefix="qaws-call-")
    try:
        path = Path(folder) / Path(source.name).name
        path.write_bytes(source.data)
        try:
            yield str(path)
        except AudioError as exc:
            raise AudioError(source.name, exc.reason) from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_call(transcriber: Transcriber, spec: CallSpec, rubrics: RubricLibrary | None = None,
             progress: ProgressCallback | None = None, on_segment: SegmentCallback | None = None,
             cancelled: CancelCheck | None = None, read_timeout_s: float = READ_TIMEOUT_S) -> CallResult:
    """The pipeline with a given transcriber; raises what goes wrong (the in-process callers handle it)."""
    key = cache_key(spec.sha256, transcriber.settings, transcriber.model_choice.id)
    result = CallResult(spec.recording_id, key, transcriber.model_choice.id, asdict(transcriber.settings))
    with local_audio(spec.source, read_timeout_s) as path:
        transcript = transcriber.transcribe_file(path, spec.channels, spec.duration, progress, on_segment,
                                                 cancelled)
        result.language, result.segments = transcript.language, transcript.segments
        if rubrics is not None:
            verdict = judge(rubrics, transcript.segments, transcript.language, spec.duration, path)
            result.rubric_id, result.flags, result.checks = verdict.rubric_id, verdict.flags, verdict.checks
            result.risk = verdict.risk
    return result


def analyse_call(spec: CallSpec, settings: TranscribeSettings, rubrics: RubricLibrary | None = None,
                 read_timeout_s: float = READ_TIMEOUT_S) -> CallResult:
    """The picklable unit of work: never raises, so one bad file is one error result and never stops a batch
    or makes a task scheduler retry what would fail again."""
    started = time.monotonic()
    try:
        result = run_call(transcriber_for(settings), spec, rubrics, read_timeout_s=read_timeout_s)
    except Exception as exc:  # noqa: BLE001 - every failure becomes this call's error, reported by the client
        result = CallResult(spec.recording_id, error=describe_error(spec, exc))
    result.where = f"{socket.gethostname()}:{os.getpid()}"
    result.elapsed_s = time.monotonic() - started
    return result


def describe_error(spec: CallSpec, exc: BaseException) -> str:
    """One line that names the file: audio errors already do, anything else gets the name in front."""
    if isinstance(exc, AudioError):
        return str(exc)
    return f"{spec.source.name}: {type(exc).__name__}: {exc}"


def transcript_stored(store: Store, key: str) -> bool:
    """Whether the library already holds a transcript under ``key``, without loading its segments."""
    with store.transaction() as db:
        return next(db.query("SELECT COUNT(*) AS n FROM transcripts WHERE cache_key = ?", (key,)))["n"] > 0


def store_result(store: Store, result: CallResult) -> bool:
    """Write a finished call into the library in one transaction; returns whether its transcript was new.

    The transcript is written once per cache key: a second delivery of the same call (a task Dask re-ran
    after a worker died, or a duplicate) keeps the first. Flags and checks replace the rubric's earlier ones.
    """
    with store.transaction():
        first = not transcript_stored(store, result.cache_key)
        if first:
            store.save_transcript(result.recording_id, result.cache_key, result.model_id, result.settings,
                                  result.language, result.segments)
        if result.rubric_id:
            store.save_analysis(result.recording_id, result.rubric_id, result.flags, result.checks, result.risk)
    return first
