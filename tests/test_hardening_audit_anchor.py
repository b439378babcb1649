"""The audit anchor on the share only ever moves forward, verifying against a share that holds no anchor is not
a pass, and read-only commands never wait for the write lock. Real libraries, real share folders and real
``qaws`` subprocesses (see :func:`tests.test_cli_hardening.qaws`, which also fails on any traceback)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from qaworkstation.core.library import audit
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import roles
from qaworkstation.core.team.sync import MANIFEST_NAME, sync_evaluations
from tests.test_cli_hardening import one_line, qaws
from tests.test_sync import make_evaluation

INSPECTOR = "ins"  # what tests.test_cli_hardening.qaws sets as QAWS_INSPECTOR


def library(path: Path, users: int) -> Path:
    """A library whose audit log has one entry per user added."""
    store = Store(path)
    for n in range(users):
        roles.ensure_user(store, f"{path.stem}-user-{n}")
    store.close()
    return path


def share_state(share: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (share / INSPECTOR).iterdir()}


def anchored(share: Path) -> dict[str, object]:
    return json.loads((share / INSPECTOR / MANIFEST_NAME).read_text(encoding="utf-8"))["audit"]


def test_an_export_after_rows_were_cut_keeps_the_anchor(tmp_path: Path) -> None:
    db, share = library(tmp_path / "library.sqlite3", 5), tmp_path / "share"
    share.mkdir()
    assert qaws("export", "--to", str(share), db=db).returncode == 0
    before = share_state(share)
    with sqlite3.connect(db) as raw:  # the last rows removed behind the app's back
        raw.execute("DROP TRIGGER audit_log_append_only_delete")
        raw.execute("DELETE FROM audit_log WHERE seq > 2")

    refused = one_line(qaws("export", "--to", str(share), db=db))

    assert "not exported" in refused and "entries were removed from its end" in refused and "5 entries" in refused
    assert share_state(share) == before and anchored(share)["rows"] == 5
    assert qaws("audit", "verify", "--share", str(share), db=db).returncode != 0


def test_an_export_from_another_or_an_empty_library_leaves_the_share_as_it_was(tmp_path: Path) -> None:
    """A colleague's library, a new empty one: either would move the anchor backwards (or elsewhere) and empty
    the inspector's spreadsheets on the share."""
    share = tmp_path / "share"
    share.mkdir()
    assert qaws("export", "--to", str(share), db=library(tmp_path / "mine.sqlite3", 3)).returncode == 0
    before = share_state(share)

    other = one_line(qaws("export", "--to", str(share), db=library(tmp_path / "other.sqlite3", 6)))
    empty = one_line(qaws("export", "--to", str(share), db=library(tmp_path / "empty.sqlite3", 0)))

    assert "not exported" in other and "hash differs" in other
    assert "not exported" in empty and "entries were removed from its end" in empty
    assert share_state(share) == before


def test_a_sync_never_records_a_shorter_audit_head(tmp_path: Path) -> None:
    """The guard inside sync itself, for any caller that hands over the library's head."""
    share = tmp_path / "share"
    share.mkdir()
    assert sync_evaluations(share, INSPECTOR, [], key=None, audit_head=audit.AuditHead(5, "a" * 64)).ok

    shorter = sync_evaluations(share, INSPECTOR, [], key=None, audit_head=audit.AuditHead(3, "b" * 64))

    assert not shorter.ok and "has 3 entries" in shorter.message and "recorded 5" in shorter.message
    assert anchored(share) == {"rows": 5, "head": "a" * 64}


def test_a_sync_without_the_audit_head_keeps_the_anchor(tmp_path: Path) -> None:
    """The window's sync hands over no head: the one recorded before must survive it."""
    share = tmp_path / "share"
    share.mkdir()
    assert sync_evaluations(share, INSPECTOR, [], key=None, audit_head=audit.AuditHead(5, "a" * 64)).ok
    ev = make_evaluation(1, INSPECTOR)

    assert sync_evaluations(share, INSPECTOR, [ev], key=None).ok

    assert anchored(share) == {"rows": 5, "head": "a" * 64}


def test_verifying_against_a_share_without_an_anchor_is_not_a_pass(tmp_path: Path) -> None:
    db, share = library(tmp_path / "library.sqlite3", 2), tmp_path / "share"
    share.mkdir()
    store = Store(db)
    assert sync_evaluations(share, "old-app", [], key=None).ok  # a manifest without the audit key
    store.close()

    cases = {"unknown inspector": ("--inspector", "nobody", "--share", str(share)),
             "no such share": ("--share", str(tmp_path / "nowhere")),
             "manifest without an anchor": ("--inspector", "old-app", "--share", str(share))}
    lines = {name: one_line(qaws("audit", "verify", *extra, db=db)) for name, extra in cases.items()}

    assert all("holds no audit anchor" in line for line in lines.values()), lines
    assert "no folder of inspector 'nobody'" in lines["unknown inspector"]
    assert "was not found" in lines["no such share"]
    assert "records no audit head" in lines["manifest without an anchor"]


def test_reading_commands_do_not_wait_for_another_process_writing(tmp_path: Path) -> None:
    """A window (or a hung script) holding a write transaction: verify and export read the last committed state
    at once instead of waiting for the write lock and failing after a minute."""
    db, share = library(tmp_path / "library.sqlite3", 3), tmp_path / "share"
    share.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE'); c.execute(\"INSERT INTO users VALUES ('w', 'inspector', 'w', 'now')\")\n"
        "print('locked', flush=True); time.sleep(120)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        verified = qaws("audit", "verify", db=db)
        exported = qaws("export", "--to", str(share), db=db)
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()

    assert verified.returncode == 0 and verified.stdout.startswith("OK: 3 audit entries"), verified.stderr
    assert exported.returncode == 0, exported.stderr
    assert elapsed < 30


def test_the_windows_sync_anchors_the_head_and_refuses_a_cut_log(qtbot, tmp_path: Path, transcriber, rubrics,
                                                                   warnings: list[str]) -> None:  # noqa: ANN001
    """The window publishes as ``qaws export`` does: it records the audit head, and after rows were cut from the
    end of the log it sends nothing and says why, in the person's language."""
    from PySide6.QtCore import QSettings

    from qaworkstation.ui.main_window import MainWindow

    db, share = library(tmp_path / "library.sqlite3", 4), tmp_path / "share"
    share.mkdir()
    store = Store(db)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    settings.setValue("inspector", INSPECTOR)
    settings.setValue("sync_folder", str(share))
    window = MainWindow(store, transcriber, rubrics, settings)
    qtbot.addWidget(window)

    window.sync()
    qtbot.waitUntil(lambda: (share / INSPECTOR / MANIFEST_NAME).exists(), timeout=10000)
    qtbot.waitUntil(lambda: "audit" in json.loads((share / INSPECTOR / MANIFEST_NAME).read_text(encoding="utf-8")),
                    timeout=10000)
    window.runner.wait()
    rows = store.query("SELECT COUNT(*) AS n FROM audit_log")[0]["n"]
    assert anchored(share)["rows"] == rows > 2
    before = share_state(share)
    with sqlite3.connect(db) as raw:
        raw.execute("DROP TRIGGER audit_log_append_only_delete")
        raw.execute("DELETE FROM audit_log WHERE seq > 2")

    window.sync()
    qtbot.waitUntil(lambda: bool(warnings), timeout=10000)

    assert "audit log does not continue" in warnings[0] and "Nothing was lost on this computer" in warnings[0]
    assert share_state(share) == before and anchored(share)["rows"] == rows
    window.close()
    store.close()
