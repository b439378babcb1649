"""The library file: schema, WAL, transactions, drafts, duplicates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qaworkstation.core.domain import Evaluation, ItemScore, Segment, Word
from qaworkstation.core.store import SCHEMA_VERSION, Store, StoreError


def _recording(store: Store, sha: str = "a" * 64) -> str:
    recording_id, _ = store.add_recording({"sha256": sha, "path": "/x/call.wav", "file_name": "call.wav",
                                           "duration": 12.0, "channels": 2, "samplerate": 8000,
                                           "agent": "A1", "team": "T"})
    return recording_id


def _evaluation(recording_id: str, score: float = 3.0) -> Evaluation:
    return Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector="ins",
                      items={"a": ItemScore("a", score, False, "late greeting"), "b": ItemScore("b", None, True)},
                      comment="ok", total=score, max_total=5, passed=False)


def test_new_library_is_wal_and_at_current_schema(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    first = Store(tmp_path / "lib.sqlite3")
    recording_id = _recording(first)
    first.close()
    again = Store(tmp_path / "lib.sqlite3")
    assert again.recording(recording_id)["agent"] == "A1"
    assert again.schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="future.sqlite3.*newer"):
        Store(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="notes.sqlite3"):
        Store(path)


def test_same_audio_is_recognised_by_hash(store: Store) -> None:
    first = _recording(store)
    second, created = store.add_recording({"sha256": "a" * 64, "path": "/y/copy.wav", "file_name": "copy.wav",
                                           "duration": 12.0, "channels": 2, "samplerate": 8000})
    assert (second, created) == (first, False)


def test_transcript_round_trips_with_words(store: Store) -> None:
    recording_id = _recording(store)
    segments = [Segment("agent", 0.5, 1.5, "您好", [Word(0.5, 1.0, "您", 0.9), Word(1.0, 1.5, "好", 0.8)], "zh"),
                Segment("customer", 2.0, 3.0, "你好", [], "zh")]
    store.save_transcript(recording_id, "key", "m", {"beam": 5}, "zh", segments)
    assert store.cached_segments("key") == (segments, "zh")
    assert store.latest_transcript(recording_id) == (segments, "zh")
    store.save_transcript(recording_id, "key", "m", {"beam": 5}, "zh", segments[:1])
    assert store.cached_segments("key") == (segments[:1], "zh")


def test_evaluation_save_replaces_items_and_drops_draft(store: Store) -> None:
    recording_id = _recording(store)
    store.save_draft(recording_id, "r", "ins", {"comment": "typing"})
    saved = store.save_evaluation(_evaluation(recording_id))
    assert store.draft(recording_id, "r", "ins") is None
    again = store.save_evaluation(_evaluation(recording_id, score=4.0))
    assert again.id == saved.id and again.created_at == saved.created_at and again.updated_at > saved.updated_at
    loaded = store.evaluation(recording_id, "r", "ins")
    assert loaded.items["a"] == ItemScore("a", 4.0, False, "late greeting")
    assert loaded.items["b"].na and loaded.agent == "A1"


def test_failed_save_leaves_the_previous_evaluation_whole(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    recording_id = _recording(store)
    store.save_evaluation(_evaluation(recording_id, score=2.0))
    broken = _evaluation(recording_id, score=5.0)

    def failing_insert_all(*args, **kwargs):  # the disk fills up half way through the save
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(type(store.db["item_scores"]), "insert_all", failing_insert_all)
    with pytest.raises(sqlite3.OperationalError):
        store.save_evaluation(broken)
    monkeypatch.undo()
    loaded = store.evaluation(recording_id, "r", "ins")
    assert loaded.total == 2.0 and loaded.items["a"].score == 2.0 and set(loaded.items) == {"a", "b"}


def test_library_filters_and_orders_by_flags(store: Store) -> None:
    quiet = _recording(store, "b" * 64)
    noisy = _recording(store, "c" * 64)
    from qaworkstation.core.domain import Flag

    store.save_analysis(noisy, "r", [Flag("forbidden", "喂", "喂", "agent", 1, 2, "x", 2.0)], [])
    store.save_analysis(quiet, "r", [], [])
    rows = store.list_recordings(rubric_id="r")
    assert [row["id"] for row in rows] == [noisy, quiet]
    assert rows[0]["flag_count"] == 1
    assert store.list_recordings(agent="nobody") == []
