"""The audit log: append-only by trigger, and a hash chain that names the first row someone altered after
dropping the triggers. Tampering runs on copies of a real library through a raw connection."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qaworkstation.core.domain import Evaluation, ItemScore
from qaworkstation.core.library import audit
from qaworkstation.core.library.store import Store, StoreError
from qaworkstation.core.scoring import lifecycle, roles

BOSS, INSPECTOR = "boss", "ins"


def populated(path: Path) -> Store:
    """A library with every kind of audit entry in it."""
    store = Store(path)
    roles.ensure_user(store, BOSS)
    roles.ensure_user(store, INSPECTOR)
    roles.set_role(store, INSPECTOR, roles.INSPECTOR, BOSS)
    for number in range(3):
        recording_id, _ = store.add_recording({"sha256": f"{number}" * 64, "path": f"/x/{number}.wav",
                                               "file_name": f"{number}.wav", "duration": 30.0, "channels": 2,
                                               "samplerate": 8000})
        draft = Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector=INSPECTOR,
                           items={"greeting": ItemScore("greeting", 3.0 + number, reviewed=True)}, total=3.0 + number,
                           max_total=5)
        released = lifecycle.save_and_submit(store, draft, INSPECTOR)
        roles.visible_text(roles.INSPECTOR, "我的手机13812345678", store, INSPECTOR, f"transcript of {recording_id}")
        dispute = lifecycle.open_dispute(store, released.id, "greeting", "不同意", INSPECTOR)
        lifecycle.resolve_dispute(store, dispute.id, "rejected", "维持原判", BOSS)
        lifecycle.finalise(store, released.id, BOSS)
    return store


@pytest.fixture(scope="module")
def library_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audit") / "library.sqlite3"
    populated(path).close()
    return path


def copy_of(library_file: Path, folder: Path) -> Path:
    target = folder / "copy.sqlite3"
    shutil.copyfile(library_file, target)
    return target


def tamper(path: Path, *statements: str) -> None:
    """What someone with an SQLite browser does: drop the triggers, then edit."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("DROP TRIGGER IF EXISTS audit_log_append_only_update")
    connection.execute("DROP TRIGGER IF EXISTS audit_log_append_only_delete")
    connection.execute("DROP TRIGGER IF EXISTS audit_log_chained")
    for statement in statements:
        connection.execute(statement)
    connection.close()


def check(path: Path) -> audit.ChainCheck:
    store = Store(path)
    try:
        return audit.verify(store.db)
    finally:
        store.close()


def test_every_kind_of_change_is_in_the_log_and_the_chain_holds(library_file: Path) -> None:
    store = Store(library_file)
    entries = audit.entries(store.db)
    store.close()
    kinds = {entry.action for entry in entries}
    assert kinds == set(audit.ACTIONS)
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:]))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert "13812345678" not in str(entries)
    result = check(library_file)
    assert result.ok and result.rows == len(entries) == 21 and result.head == entries[-1].hash
    assert result.describe() == f"OK: 21 audit entries, hash chain intact, head {entries[-1].hash[:16]}"


def test_the_log_refuses_update_and_delete(library_file: Path, tmp_path: Path) -> None:
    connection = sqlite3.connect(copy_of(library_file, tmp_path), isolation_level=None)
    for sql in ("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3", "DELETE FROM audit_log WHERE seq = 3",
                "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(sql)
    connection.close()


def test_an_entry_that_does_not_extend_the_chain_is_refused(library_file: Path, tmp_path: Path) -> None:
    connection = sqlite3.connect(copy_of(library_file, tmp_path), isolation_level=None)
    with pytest.raises(sqlite3.IntegrityError, match="extend the chain"):
        connection.execute("INSERT INTO audit_log (seq, at, actor, action, prev_hash, hash) "
                           "VALUES (100, 'now', 'x', 'score', 'forged', 'forged')")
    connection.close()


COLUMNS = ("at", "actor", "role", "action", "subject", "detail")


def test_altering_any_field_of_any_row_is_detected_at_that_row(library_file: Path, tmp_path: Path) -> None:
    rows = check(library_file).rows
    runs = 0
    for seq in range(1, rows + 1):
        for column in COLUMNS:
            path = copy_of(library_file, tmp_path)
            tamper(path, f"UPDATE audit_log SET {column} = {column} || ' ' WHERE seq = {seq}")
            result = check(path)
            assert (result.ok, result.broken_seq) == (False, seq), (seq, column)
            assert "altered" in result.problem
            runs += 1
    assert runs == rows * len(COLUMNS)
    print(f"audit chain: {runs} tampered copies, every one detected at the altered row")


def test_removing_a_row_is_detected_at_the_next_one(library_file: Path, tmp_path: Path) -> None:
    rows = check(library_file).rows
    for seq in range(1, rows):
        path = copy_of(library_file, tmp_path)
        tamper(path, f"DELETE FROM audit_log WHERE seq = {seq}")
        result = check(path)
        assert (result.ok, result.broken_seq) == (False, seq + 1)
        assert "does not follow" in result.problem
    print(f"audit chain: {rows - 1} removed rows, every one detected")


def test_a_rehashed_row_still_breaks_the_link_to_the_next(library_file: Path, tmp_path: Path) -> None:
    """Editing a row and recomputing its own hash is the obvious cover-up; the next row's link catches it."""
    path = copy_of(library_file, tmp_path)
    store = Store(path)
    row = store.db.execute("SELECT seq, at, actor, role, action, subject, detail, prev_hash FROM audit_log "
                           "WHERE seq = 5").fetchone()
    store.close()
    seq, at, _actor, role, action, subject, detail, prev_hash = row
    forged = audit.row_hash(prev_hash, seq, at, "someone-else", role, action, subject, detail)
    tamper(path, f"UPDATE audit_log SET actor = 'someone-else', hash = '{forged}' WHERE seq = 5")
    assert check(path).broken_seq == 6


# -------------------------------------------------------------------------------------------- the CLI


def qaws_audit_verify(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qaworkstation.cli", "audit", "verify"], capture_output=True,
                          text=True, env={**os.environ, "QAWS_DB": str(db)}, timeout=120)


def test_cli_verify_says_ok_or_names_the_broken_row(library_file: Path, tmp_path: Path) -> None:
    intact = qaws_audit_verify(copy_of(library_file, tmp_path))
    assert intact.returncode == 0
    assert intact.stdout.startswith("OK: 21 audit entries, hash chain intact, head ")

    path = copy_of(library_file, tmp_path)
    tamper(path, "UPDATE audit_log SET detail = '{\"ruling\":\"upheld\"}' WHERE seq = 9")
    broken = qaws_audit_verify(path)
    assert broken.returncode == 1
    assert broken.stdout.strip() == ("audit log broken at row 9: its content does not match its hash "
                                     "(the row was altered)")
    assert "Traceback" not in broken.stderr


# ------------------------------------------------------------------------------ the head anchored on the share


def test_rows_cut_from_the_end_are_detected_against_the_head_anchored_by_the_last_sync(
    library_file: Path, tmp_path: Path
) -> None:
    """Deleting the newest rows leaves a chain that still links ("OK: 16 audit entries" after deleting 5); the
    head each sync records in the manifest on the share shows the log is shorter than the share saw."""
    from qaworkstation.core.team.sync import audit_anchor, sync_evaluations

    path, share = copy_of(library_file, tmp_path), tmp_path / "share"
    share.mkdir()
    store = Store(path)
    head = audit.head(store.db)
    assert sync_evaluations(share, INSPECTOR, [], key=None, audit_head=head).ok
    store.close()
    assert audit_anchor(share, INSPECTOR) == head == audit.AuditHead(21, check(path).head)
    tamper(path, f"DELETE FROM audit_log WHERE seq > {head.rows - 5}")

    assert check(path).ok  # the chain alone cannot tell
    store = Store(path)
    cut = audit.verify(store.db, audit_anchor(share, INSPECTOR))
    store.close()

    assert not cut.ok and cut.rows == 16
    assert cut.describe() == ("audit log broken: it has 16 entries, but the team share recorded 21 at the last sync: "
                              "entries were removed from its end")


def test_a_rewritten_tail_differs_from_the_anchored_head(library_file: Path, tmp_path: Path) -> None:
    store = Store(copy_of(library_file, tmp_path))
    anchored = audit.AuditHead(5, audit.entries(store.db)[4].hash)
    assert audit.verify(store.db, anchored).ok
    forged = audit.verify(store.db, audit.AuditHead(5, "f" * 64))
    store.close()

    assert not forged.ok and forged.broken_seq == 5 and "differs from the one the team share recorded" in forged.problem


def test_a_new_sync_records_the_head_even_when_no_evaluation_changed(tmp_path: Path) -> None:
    from qaworkstation.core.team.sync import audit_anchor, sync_evaluations

    share = tmp_path / "share"
    share.mkdir()
    assert sync_evaluations(share, INSPECTOR, [], key=None, audit_head=audit.AuditHead(3, "a" * 64)).ok
    again = sync_evaluations(share, INSPECTOR, [], key=None, audit_head=audit.AuditHead(4, "b" * 64))

    assert again.ok and audit_anchor(share, INSPECTOR) == audit.AuditHead(4, "b" * 64)
    assert audit_anchor(share, "nobody") is None and audit_anchor("", INSPECTOR) is None


def test_a_dropped_audit_log_is_one_clear_error_not_a_database_error(library_file: Path, tmp_path: Path) -> None:
    """Dropped while the library is open, or before it is opened (then the library is damaged, as for any table)."""
    path = copy_of(library_file, tmp_path)
    store = Store(path)
    try:
        tamper(path, "DROP TABLE audit_log")
        with pytest.raises(audit.AuditLogMissing, match="no audit log .* restore the library from a backup"):
            audit.verify(store.db)
    finally:
        store.close()
    assert issubclass(audit.AuditLogMissing, StoreError)
    with pytest.raises(StoreError, match="the library is damaged: table audit_log is missing. Put the last backup"):
        Store(path)
