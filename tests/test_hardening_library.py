"""A mistyped --db and a damaged library, on the command line: one line naming the file, what is wrong and what to
do, never a traceback (see :func:`tests.test_cli_hardening.qaws`) or a raw database error; a reading command never
creates a library, and a new one is made only in a folder that exists."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qaworkstation.core.domain import Evaluation, ItemScore
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.team.aggregate import TeamDatabase, TeamDatabaseError
from tests.test_cli_hardening import CALL, one_line, qaws

READING_COMMANDS = {
    "audit verify": ("audit", "verify"),
    "search": ("search", "退款"),
    "export": ("export", "--to", "{share}"),
    "backup": ("backup", "--to", "{tmp}/copy.sqlite3"),
}


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_a_reading_command_refuses_a_library_that_does_not_exist(tmp_path: Path, command: str) -> None:
    (tmp_path / "share").mkdir()
    mistyped = tmp_path / "nope" / "lib.sqlite3"
    args = [arg.format(share=tmp_path / "share", tmp=tmp_path) for arg in READING_COMMANDS[command]]

    line = one_line(qaws(*args, db=mistyped))

    assert f"{mistyped}: there is no library there; check --db" in line
    assert not mistyped.parent.exists()


def test_a_new_library_is_made_only_in_a_folder_that_exists(tmp_path: Path) -> None:
    mistyped = tmp_path / "nope" / "lib.sqlite3"

    line = one_line(qaws("import", str(CALL), db=mistyped))

    assert f"the folder {mistyped.parent} does not exist" in line and not mistyped.parent.exists()
    assert qaws("import", str(CALL), db=tmp_path / "lib.sqlite3").returncode == 0


def damaged(tmp_path: Path, *statements: str) -> Path:
    """A library with a few audited changes, then edited as someone with an SQLite browser would."""
    db = tmp_path / "library.sqlite3"
    store = Store(db, key=None)
    for n in range(3):
        roles.ensure_user(store, f"user-{n}")
    store.close()
    with sqlite3.connect(db, isolation_level=None) as raw:
        for statement in statements:
            raw.execute(statement)
    return db


@pytest.mark.parametrize("statements, what", [
    pytest.param(("PRAGMA foreign_keys = OFF", "DROP TABLE recordings"), "table recordings is missing",
                 id="table dropped"),
    pytest.param(("ALTER TABLE evaluations RENAME COLUMN total TO total_x",), "table evaluations has no column total",
                 id="column renamed"),
    pytest.param(("DROP INDEX recordings_by_length", "ALTER TABLE recordings DROP COLUMN duration"),
                 "table recordings has no column duration", id="column dropped"),
])
@pytest.mark.parametrize("command", ["audit verify", "search", "export"])
def test_a_damaged_library_is_one_line_naming_the_file_and_the_remedy(tmp_path: Path, statements: tuple[str, ...],
                                                                      what: str, command: str) -> None:
    db = damaged(tmp_path, *statements)
    (tmp_path / "share").mkdir()
    args = [arg.format(share=tmp_path / "share", tmp=tmp_path) for arg in READING_COMMANDS[command]]

    line = one_line(qaws(*args, db=db))

    assert line == (f"qaws: {db}: the library is damaged: {what}. Put the last backup in its place (backups are "
                    "made with 'qaws backup --to FILE') and keep this file for whoever investigates")


def test_malformed_pages_are_said_as_damage(tmp_path: Path) -> None:
    db = damaged(tmp_path)
    with sqlite3.connect(db) as raw:
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
        root = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0]
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with db.open("r+b") as handle:  # the audit log's first page zeroed, as a failing disk leaves it
        handle.seek((root - 1) * page_size)
        handle.write(bytes(page_size))

    line = one_line(qaws("audit", "verify", db=db))

    assert f"{db}: the library is damaged: database disk image is malformed. Put the last backup" in line


def test_an_audit_row_holding_a_blob_is_a_broken_row_not_a_crash(tmp_path: Path) -> None:
    db = damaged(tmp_path, "DROP TRIGGER audit_log_append_only_update",
                 "UPDATE audit_log SET actor = X'FFFE00' WHERE seq = 2")

    result = qaws("audit", "verify", db=db)

    assert result.returncode == 1 and result.stderr == ""
    assert result.stdout.strip() == ("audit log broken at row 2: it holds a bytes value where the app writes text "
                                     "(the row was altered)")


@pytest.mark.parametrize("args, words", [
    pytest.param(("import", str(CALL), "--metadata", "{tmp}/missing.csv"), "--metadata {tmp}/missing.csv does not "
                 "exist", id="metadata missing"),
    pytest.param(("import", str(CALL), "--metadata", "{tmp}"), "--metadata {tmp} is a folder, not a CSV file",
                 id="metadata a folder"),
    pytest.param(("import", str(CALL), "--pattern", "{agent}_{agent}"), "names the field {agent} more than once",
                 id="pattern naming a field twice"),
    pytest.param(("search", "x", "--limit", "99999999999999999999999"), "--limit: expected at most 1000000",
                 id="huge search limit"),
])
def test_an_option_the_command_cannot_use_is_refused_before_the_library_is_touched(
        tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    db = tmp_path / "library.sqlite3"
    if args[0] == "search":
        Store(db, key=None).close()
    line = one_line(qaws(*(arg.replace("{tmp}", str(tmp_path)) for arg in args), db=db))

    assert words.replace("{tmp}", str(tmp_path)) in line
    assert args[0] == "search" or not db.exists()


@pytest.mark.parametrize("column, value", [("comment", "X'FFFE00'"), ("total", "'abc'")],
                         ids=["BLOB comment", "text total"])
def test_an_evaluation_damaged_in_the_library_is_named_and_nothing_is_exported(tmp_path: Path, column: str,
                                                                              value: str) -> None:
    db, share = tmp_path / "library.sqlite3", tmp_path / "share"
    share.mkdir()
    store = Store(db, key=None)
    roles.ensure_user(store, "ins")
    recording_id, _ = store.add_recording({"sha256": "c" * 64, "path": "/calls/c.wav", "file_name": "c.wav",
                                           "duration": 30.0, "channels": 2, "samplerate": 8000})
    ev = lifecycle.save_and_submit(store, Evaluation(
        id="", recording_id=recording_id, rubric_id="r", inspector="ins",
        items={"greeting": ItemScore("greeting", 2.0, reviewed=True)}, total=2.0, max_total=5.0), "ins")
    store.close()
    with sqlite3.connect(db, isolation_level=None) as raw:
        for trigger in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
                                   "'evaluations'").fetchall():
            raw.execute(f"DROP TRIGGER {trigger[0]}")
        raw.execute(f"UPDATE evaluations SET {column} = {value}")

    line = one_line(qaws("export", "--to", str(share), db=db))

    assert f"The library is damaged: evaluation {ev.id} holds something the app never writes in {column}" in line
    assert not any(path.is_file() for path in share.rglob("*"))



def other_program_database(tmp_path: Path) -> Path:
    """A SQLite file another program made: tables of its own, none of a library's."""
    db = tmp_path / "other.sqlite3"
    with sqlite3.connect(db) as raw:
        raw.executescript("CREATE TABLE foo (x); INSERT INTO foo VALUES (1); CREATE TABLE bar (y);")
    raw.close()
    return db


@pytest.mark.parametrize("command", ["import", *READING_COMMANDS])
def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path, command: str) -> None:
    db = other_program_database(tmp_path)
    before = db.read_bytes()
    (tmp_path / "share").mkdir()
    args = ("import", str(CALL)) if command == "import" else READING_COMMANDS[command]

    line = one_line(qaws(*(arg.format(share=tmp_path / "share", tmp=tmp_path) for arg in args), db=db))

    assert line == (f"qaws: {db} is a SQLite database of another program (it has tables bar, foo but none of a QA "
                    "Workstation library); choose another file")
    assert db.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["other.sqlite3", "share"]  # no -wal, no -journal


def test_another_programs_database_is_refused_as_a_team_database_too(tmp_path: Path) -> None:
    db = other_program_database(tmp_path)
    before = db.read_bytes()

    with pytest.raises(TeamDatabaseError, match="another program .* tables bar, foo but none of a QA Workstation team"):
        TeamDatabase(db, key=None)
    assert db.read_bytes() == before


def test_an_empty_sqlite_file_still_becomes_a_library(tmp_path: Path) -> None:
    db = tmp_path / "empty.sqlite3"
    sqlite3.connect(db).close()

    Store(db, key=None).close()

    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] > 0
