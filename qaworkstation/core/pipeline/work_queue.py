"""The persistent analysis queue: a day's recordings are analysed in the background, surviving crashes.

Jobs live in the library file, so closing the app or a crash loses nothing: on the next start, a job left
``running`` goes back to ``queued``. A call is never transcribed twice because a finished transcript is
cached under its audio hash before its job is marked done. Claiming a job is one transaction, so a second
runner on the same library never takes the same job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..asr.transcribe import Cancelled, Transcriber
from ..audio.reading import AudioError
from ..domain import Segment
from ..library.store import Store, now_iso
from .analysis import AnalysisResult, RubricLibrary, analyse_recording

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
OPENED_PRIORITY = 100


@dataclass(frozen=True)
class QueueStatus:
    """Overall progress with an ETA from the speed measured so far in this run."""

    total: int
    done: int
    failed: int
    queued: int
    running: int
    current_file: str = ""
    current_fraction: float = 0.0
    eta_s: float | None = None

    @property
    def fraction(self) -> float:
        finished = self.done + self.failed + self.current_fraction
        return finished / self.total if self.total else 1.0


class WorkQueue:
    def __init__(self, store: Store) -> None:
        self.store = store

    def enqueue(self, recording_ids: Iterable[str], priority: int = 0) -> int:
        """Add calls that have no job yet, or whose job failed or was cancelled; finished calls stay finished."""
        added = 0
        with self.store.transaction() as db:
            for recording_id in recording_ids:
                existing = list(db.query("SELECT state FROM jobs WHERE recording_id = ?", (recording_id,)))
                if not existing:
                    db["jobs"].insert({"recording_id": recording_id, "priority": priority, "enqueued_at": now_iso()})
                    added += 1
                elif existing[0]["state"] in (FAILED, CANCELLED):
                    db.execute("UPDATE jobs SET state = ?, error = '', priority = ? WHERE recording_id = ?",
                               (QUEUED, priority, recording_id))
                    added += 1
        return added

    def prioritise(self, recording_id: str) -> None:
        """The call the inspector just opened goes to the front."""
        with self.store.transaction() as db:
            db.execute("UPDATE jobs SET priority = ? WHERE recording_id = ? AND state = ?",
                       (OPENED_PRIORITY, recording_id, QUEUED))

    def recover(self) -> int:
        """Jobs a crash left running are queued again; their transcript cache makes the rerun cheap."""
        with self.store.transaction() as db:
            return db.execute("UPDATE jobs SET state = ? WHERE state = ?", (QUEUED, RUNNING)).rowcount

    def cancel_all(self) -> int:
        """Calls waiting and calls in progress: a runner that finishes one anyway stores it as done, one that
        stops hands it back (:meth:`give_back`) without reviving it."""
        with self.store.transaction() as db:
            return db.execute("UPDATE jobs SET state = ? WHERE state IN (?, ?)",
                              (CANCELLED, QUEUED, RUNNING)).rowcount

    def give_back(self, job_id: int) -> None:
        """A call a paused runner did not finish goes back to the queue, unless it was cancelled meanwhile."""
        with self.store.transaction() as db:
            db.execute("UPDATE jobs SET state = ? WHERE id = ? AND state = ?", (QUEUED, job_id, RUNNING))

    def claim_next(self, longest_first: bool = False) -> dict[str, Any] | None:
        """The next job, marked running. ``longest_first`` takes the longest call among those of the highest
        priority: a pool of workers finishes a batch sooner when long calls start first and short ones fill
        the gaps at the end."""
        order = "r.duration * r.channels DESC, j.id" if longest_first else "j.id"
        with self.store.transaction() as db:
            rows = list(db.query(
                "SELECT j.*, r.file_name, r.duration FROM jobs j JOIN recordings r ON r.id = j.recording_id "
                f"WHERE j.state = ? ORDER BY j.priority DESC, {order} LIMIT 1", (QUEUED,)))
            if not rows:
                return None
            db.execute("UPDATE jobs SET state = ?, attempts = attempts + 1, started_at = ? WHERE id = ?",
                       (RUNNING, now_iso(), rows[0]["id"]))
            return rows[0]

    def finish(self, job_id: int, state: str, error: str = "") -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE jobs SET state = ?, error = ?, finished_at = ? WHERE id = ?",
                       (state, error, now_iso(), job_id))

    def counts(self) -> dict[str, int]:
        with self.store.transaction() as db:
            return {row["state"]: row["n"] for row in db.query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")}

    def waiting(self) -> int:
        """Calls without a result yet: queued, or left running by a crash (the next run takes those first)."""
        with self.store.transaction() as db:
            return db.execute("SELECT COUNT(*) FROM jobs WHERE state IN (?, ?)", (QUEUED, RUNNING)).fetchone()[0]

    def remaining_audio_s(self) -> float:
        with self.store.transaction() as db:
            row = next(db.query("SELECT COALESCE(SUM(r.duration), 0) AS s FROM jobs j JOIN recordings r "
                                "ON r.id = j.recording_id WHERE j.state IN (?, ?)", (QUEUED, RUNNING)))
            return float(row["s"])

    def jobs(self) -> list[dict[str, Any]]:
        with self.store.transaction() as db:
            return list(db.query("SELECT j.*, r.file_name FROM jobs j JOIN recordings r ON r.id = j.recording_id "
                                 "ORDER BY j.id"))


StatusCallback = Callable[[QueueStatus], None]
ResultCallback = Callable[[AnalysisResult], None]


class QueueRunner:
    """Works through the queue with one loaded model until it is empty, cancelled or paused."""

    def __init__(self, store: Store, transcriber: Transcriber, rubrics: RubricLibrary) -> None:
        self.queue = WorkQueue(store)
        self.store = store
        self.transcriber = transcriber
        self.rubrics = rubrics
        self._audio_done_s = 0.0
        self._busy_s = 0.0

    def run(self, on_status: StatusCallback | None = None, on_result: ResultCallback | None = None,
            on_error: Callable[[str, str], None] | None = None, stop: Callable[[], bool] = lambda: False,
            on_segment: Callable[[str, Segment], None] | None = None) -> QueueStatus:
        """Work until the queue is empty or ``stop`` says so; a stopped call goes back to the queue."""
        self.queue.recover()
        while not stop():
            job = self.queue.claim_next()
            if job is None:
                break
            self._run_job(job, on_status, on_result, on_error, stop, on_segment)
        return self.status()

    def _run_job(self, job: dict[str, Any], on_status: StatusCallback | None, on_result: ResultCallback | None,
                 on_error: Callable[[str, str], None] | None, stop: Callable[[], bool],
                 on_segment: Callable[[str, Segment], None] | None) -> None:
        started = time.monotonic()

        def progress(fraction: float) -> None:
            if on_status:
                on_status(self.status(job["file_name"], fraction, started))

        segment_sink = partial(on_segment, job["recording_id"]) if on_segment else None
        try:
            result = analyse_recording(self.store, self.transcriber, self.rubrics, job["recording_id"], progress,
                                       segment_sink, stop)
        except Cancelled:
            self.queue.give_back(job["id"])
            return
        except (AudioError, OSError, RuntimeError, ValueError) as exc:
            self.queue.finish(job["id"], FAILED, str(exc))
            self.store.update_recording(job["recording_id"], status="error", error=str(exc))
            if on_error:
                on_error(job["file_name"], str(exc))
            return
        self.queue.finish(job["id"], DONE)
        if not result.from_cache:
            self._audio_done_s += job["duration"]
            self._busy_s += time.monotonic() - started
        if on_result:
            on_result(result)

    def status(self, current_file: str = "", fraction: float = 0.0, started: float | None = None) -> QueueStatus:
        counts = self.queue.counts()
        total = sum(counts.get(state, 0) for state in (QUEUED, RUNNING, DONE, FAILED))
        speed = self._audio_done_s / self._busy_s if self._busy_s else None
        eta = self.queue.remaining_audio_s() / speed if speed else None
        return QueueStatus(total, counts.get(DONE, 0), counts.get(FAILED, 0), counts.get(QUEUED, 0),
                           counts.get(RUNNING, 0), current_file, fraction, eta)
