"""The analysis queue in its own process: the window's side sees the same events the thread used to send, a stop
gives the call back, and a child that dies is reported instead of waited for."""

from __future__ import annotations

import os
import signal
import shutil
from pathlib import Path

from qaworkstation.core.asr.transcribe import TranscribeSettings
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import RubricLibrary
from qaworkstation.core.pipeline.queue_process import (ANALYSED, DONE, FAILED, SEGMENT, STATUS, QueueJob,
                                                       QueueProcess)
from qaworkstation.core.pipeline.work_queue import WorkQueue


def _queued_call(store: Store, corpus: Path, tmp_path: Path, name: str = "zh_insult_escalation.wav") -> str:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus / "calls" / name, folder / name)
    recording_id = import_paths(store, [folder]).recording_ids[0]
    WorkQueue(store).enqueue([recording_id])
    return recording_id


def _process(store: Store) -> QueueProcess:
    rubrics = RubricLibrary()
    process = QueueProcess(QueueJob(store.path, TranscribeSettings(), rubrics.choice, rubrics.folder))
    process.start()
    return process


def test_the_child_analyses_the_call_and_streams_what_the_window_shows(store: Store, corpus: Path,
                                                                         tmp_path: Path) -> None:
    recording_id = _queued_call(store, corpus, tmp_path)
    events = list(_process(store).events(stop=lambda: False))
    kinds = [event[0] for event in events]
    assert kinds[-1] == DONE and FAILED not in kinds
    assert STATUS in kinds and (ANALYSED, recording_id) in events
    segments = [event[2] for event in events if event[0] == SEGMENT]
    assert segments and all(event[1] == recording_id for event in events if event[0] == SEGMENT)
    final = events[-1][1]
    assert (final.done, final.failed, final.queued) == (1, 0, 0)
    assert store.recording(recording_id)["status"] == "analysed"
    stored_segments, _ = store.latest_transcript(recording_id)
    assert sorted(segment.text for segment in stored_segments) == sorted(segment.text for segment in segments)
    assert store.recording(recording_id)["flag_count"] > 0  # the insult call is flagged


def test_a_stop_gives_the_call_back_to_the_queue(store: Store, corpus: Path, tmp_path: Path) -> None:
    _queued_call(store, corpus, tmp_path)
    process = _process(store)
    asked = []
    events = []
    for event in process.events(stop=lambda: bool(asked)):
        events.append(event)
        if event[0] == SEGMENT:
            asked.append(True)  # stop once decoding has visibly begun
    assert events[-1][0] == DONE and ANALYSED not in [event[0] for event in events]
    assert WorkQueue(store).waiting() == 1


def test_a_child_that_dies_is_reported_and_its_call_is_taken_first_next_time(store: Store, corpus: Path,
                                                                              tmp_path: Path) -> None:
    recording_id = _queued_call(store, corpus, tmp_path)
    process = _process(store)
    events = []
    for event in process.events(stop=lambda: False):
        if event[0] == SEGMENT and SEGMENT not in [seen[0] for seen in events]:
            os.kill(process.pid, signal.SIGKILL)
        events.append(event)
    assert events[-1] == (DONE, None)
    failure = events[-2]
    assert failure[0] == FAILED and "-9" in failure[2] and "queue" in failure[2]
    queue = WorkQueue(store)
    assert queue.waiting() == 1  # left running, as after a crash of the whole program
    queue.recover()  # what the next run does first
    assert queue.claim_next()["recording_id"] == recording_id
