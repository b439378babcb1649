"""The save loop that the crash-safety test kills with SIGKILL.

Kept out of the test module so a forkserver can import it (and the store, a second or two on a busy machine)
once, and fork every run from there in milliseconds.
"""

from __future__ import annotations

import os
from multiprocessing.synchronize import Event

from qaworkstation.core.domain import Evaluation, ItemScore
from qaworkstation.core.library.store import Store

INSPECTOR = "crash-test"
ITEMS = 8


def save_until_killed(db_path: str, key: bytes | None, log_path: str, run: int, ready: Event) -> None:
    """Save evaluations until killed; each id is appended to ``log_path`` only after its save returned
    (committed), in a single ``write`` so a kill never leaves half a line that looks complete."""
    store = Store(db_path, key=key)
    recording_id, _ = store.add_recording({
        "sha256": f"{run:064x}", "path": f"/calls/{run}.wav", "file_name": f"{run}.wav", "duration": 60.0,
        "channels": 2, "samplerate": 8000, "agent": "A", "team": "T",
    })
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    ready.set()
    number = 0
    while True:
        saved = store.save_evaluation(_evaluation(recording_id, f"rubric-{run}-{number}"))
        os.write(log, f"{saved.id}\n".encode())
        number += 1


def _evaluation(recording_id: str, rubric_id: str) -> Evaluation:
    items = {f"item{i}": ItemScore(f"item{i}", float(i), False, "comment " * 20) for i in range(ITEMS)}
    return Evaluation(id="", recording_id=recording_id, rubric_id=rubric_id, inspector=INSPECTOR, items=items,
                      comment="saved by the crash test", total=28.0, max_total=40.0, passed=True)
