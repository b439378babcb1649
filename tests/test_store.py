"""The library file: schema, WAL, transactions, drafts, duplicates."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pytest
import sqlite_utils

from qaworkstation.core.domain import Evaluation, ItemScore, Segment, Word
from qaworkstation.core.library.migrations import MIGRATIONS, SCHEMA_VERSION
from qaworkstation.core.library.sqlite_file import MIGRATIONS_TABLE, Migration, encrypt_database
from qaworkstation.core.library.store import Store, StoreError
from qaworkstation.core.privacy import keys


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
    with pytest.raises(StoreError, match="disk is full"):
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


# ------------------------------------------------------------------------------------------ migrations


def _old_library(path: Path, steps: Iterable[int], user_version: int, recorded: Iterable[int] | None) -> None:
    """A library as an earlier app left it: ``steps`` applied, and ``recorded`` listed in the migrations
    table (None: an app from before the table, which kept only ``user_version``)."""
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    for version in steps:
        MIGRATIONS[version](db)
    if recorded is not None:
        db.execute(f"CREATE TABLE {MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, applied_at TEXT)")
        db.conn.executemany(f"INSERT INTO {MIGRATIONS_TABLE} VALUES (?, 'earlier')", [(v,) for v in recorded])
    db.execute(f"PRAGMA user_version = {user_version}")
    db.close()


def _logged(runs: list[int], migrations: dict[int, Migration] = MIGRATIONS) -> type[Store]:
    """A Store whose steps are the real ones, noting in ``runs`` each step as it runs."""
    def logging(version: int) -> Migration:
        def step(db: sqlite_utils.Database) -> None:
            runs.append(version)
            migrations[version](db)
        return step

    return type("LoggedStore", (Store,), {"migrations": {v: logging(v) for v in migrations}})


def _recorded(path: Path) -> dict[int, str | None]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return dict(conn.execute(f"SELECT version, applied_at FROM {MIGRATIONS_TABLE}").fetchall())


def _user_version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def _tables(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_new_library_records_every_step(tmp_path: Path) -> None:
    runs: list[int] = []
    _logged(runs)(tmp_path / "lib.sqlite3").close()
    assert runs == sorted(MIGRATIONS)
    assert set(_recorded(tmp_path / "lib.sqlite3")) == set(MIGRATIONS)
    runs.clear()
    _logged(runs)(tmp_path / "lib.sqlite3").close()
    assert runs == []


def test_steps_missing_below_user_version_run_in_order(tmp_path: Path) -> None:
    """The window when step 6 was committed before 3 and 5: user_version says 6, but 3 and 5 never ran."""
    path = tmp_path / "gap.sqlite3"
    _old_library(path, steps=(1, 2, 6), user_version=6, recorded=(1, 2, 6))
    runs: list[int] = []
    store = _logged(runs)(path)
    try:
        assert runs == [3, 5, *(step for step in sorted(MIGRATIONS) if step > 6)]
        assert "similarity" in store.db["flags"].columns_dict
        assert {"suggestion_decisions", "audit_log", "disputes", "coaching_sessions"} <= set(store.db.table_names())
        assert store.schema_version == SCHEMA_VERSION
    finally:
        store.close()
    recorded = _recorded(path)
    assert set(recorded) == set(MIGRATIONS)
    assert recorded[6] == "earlier" and recorded[3] not in (None, "earlier")


def test_library_of_the_gap_from_before_the_record_gets_the_steps_it_lacks(tmp_path: Path) -> None:
    """The real file of that window: no record table, user_version 6, steps 3 and 5 never run."""
    path = tmp_path / "gap-unrecorded.sqlite3"
    _old_library(path, steps=(1, 2, 6), user_version=6, recorded=None)
    runs: list[int] = []
    store = _logged(runs)(path)
    try:
        assert runs == [3, 5, *(step for step in sorted(MIGRATIONS) if step > 6)]
        assert "similarity" in store.db["flags"].columns_dict and store.evaluations() == []
    finally:
        store.close()
    assert set(_recorded(path)) == set(MIGRATIONS)


def test_library_from_before_the_record_is_bootstrapped_without_rerunning_steps(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _old_library(path, steps=(1, 2, 3), user_version=3, recorded=None)
    runs: list[int] = []
    _logged(runs)(path).close()
    later = [step for step in sorted(MIGRATIONS) if step > 3]
    assert runs == later
    recorded = _recorded(path)
    assert {v: at is None for v, at in recorded.items()} == {1: True, 2: True, 3: True,
                                                            **{step: False for step in later}}
    assert _user_version(path) == SCHEMA_VERSION


def test_current_library_from_before_the_record_runs_nothing(tmp_path: Path) -> None:
    path = tmp_path / "current.sqlite3"
    _old_library(path, steps=sorted(MIGRATIONS), user_version=SCHEMA_VERSION, recorded=None)
    runs: list[int] = []
    _logged(runs)(path).close()
    assert runs == []
    assert set(_recorded(path)) == set(MIGRATIONS)


@pytest.mark.parametrize("step", [SCHEMA_VERSION + 1, 4], ids=["beyond the latest", "unknown in a gap"])
def test_recorded_step_this_app_does_not_know_is_refused_untouched(tmp_path: Path, step: int) -> None:
    path = tmp_path / "future.sqlite3"
    Store(path).close()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} VALUES (?, 'newer app')", (step,))
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"future\.sqlite3: written by a newer QA Workstation"):
        Store(path)
    assert path.read_bytes() == before


def test_newer_library_from_before_the_record_is_refused_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    _old_library(path, steps=(), user_version=SCHEMA_VERSION + 1, recorded=None)
    with pytest.raises(StoreError, match=f"newer QA Workstation \\(schema {SCHEMA_VERSION + 1} > {SCHEMA_VERSION}"):
        Store(path)
    assert MIGRATIONS_TABLE not in _tables(path)


def test_failing_step_leaves_neither_its_change_nor_its_record(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Store(path).close()

    def half_done(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half (x)")
        db.execute("INSERT INTO nowhere VALUES (1)")

    broken = type("BrokenStore", (Store,), {"migrations": {**MIGRATIONS, SCHEMA_VERSION + 1: half_done}})
    with pytest.raises(StoreError, match="lib.sqlite3.*no such table: nowhere"):
        broken(path)
    assert "half" not in _tables(path)
    assert set(_recorded(path)) == set(MIGRATIONS) and _user_version(path) == SCHEMA_VERSION
    Store(path).close()  # the file is still this app's, fully usable


def test_backup_and_encryption_keep_the_record(tmp_path: Path) -> None:
    path, key = tmp_path / "lib.sqlite3", keys.new_key()
    store = Store(path, key=None)
    recording_id = _recording(store)
    store.backup(tmp_path / "copy.sqlite3")
    store.close()
    assert _recorded(tmp_path / "copy.sqlite3") == _recorded(path)

    encrypt_database(path, key)
    runs: list[int] = []
    encrypted = _logged(runs)(path, key=key)
    try:
        assert runs == [] and encrypted.schema_version == SCHEMA_VERSION
        assert {row["version"] for row in encrypted.db[MIGRATIONS_TABLE].rows} == set(MIGRATIONS)
        assert encrypted.recording(recording_id)["agent"] == "A1"
    finally:
        encrypted.close()
