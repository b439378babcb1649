"""The command line meets a read-only library, a full disk, a library in use and a damaged audit log with one
line on stderr and an exit code, never a Python traceback; commands that only read work on a read-only library.
Each case runs ``python -m qaworkstation.cli`` in a subprocess, as a nightly script would."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qaworkstation.core.library.store import Store
from tests.conftest import CALLS

ROOT = Path(__file__).resolve().parents[1]
CALL = CALLS / "zh_good_delivery.wav"


def qaws(*args: str, db: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QAWS_DB": str(db), "QAWS_INSPECTOR": "ins",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # key files (a test folder), never the keyring
    result = subprocess.run([sys.executable, "-m", "qaworkstation.cli", *args], capture_output=True, text=True,
                            env=env, timeout=600, cwd=cwd or ROOT)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0 and len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of our own (root can mount one here; elsewhere these cases are skipped)."""
    point = tmp_path / "mnt"
    point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(point)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def test_a_read_only_library_serves_reading_commands_and_refuses_writing_ones_in_one_line(
    mount: Path, tmp_path: Path
) -> None:
    db = mount / "library.sqlite3"
    assert qaws("import", str(CALL), db=db).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    share = tmp_path / "share"
    share.mkdir()

    assert qaws("audit", "verify", db=db).stdout.startswith("OK: ")
    assert qaws("backup", "--to", str(tmp_path / "copy.sqlite3"), db=db).returncode == 0
    assert qaws("export", "--to", str(share), db=db).returncode == 0
    assert "the library is read-only (it is on a read-only filesystem)" in one_line(
        qaws("import", str(CALLS / "en_rude_mono.wav"), db=db))


def test_a_full_disk_is_one_line(mount: Path) -> None:
    db = mount / "library.sqlite3"
    assert qaws("import", str(CALL), db=db).returncode == 0
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
    try:  # leave nothing for the next import's pages
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    result = qaws("import", *map(str, sorted(CALLS.glob("*.wav"))), db=db)
    assert "the disk is full" in one_line(result) or "the disk failed a write" in one_line(result)


def test_a_dropped_audit_log_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    Store(db, key=None).close()
    connection = sqlite3.connect(db)
    connection.executescript("DROP TRIGGER IF EXISTS audit_log_append_only_update; "
                             "DROP TRIGGER IF EXISTS audit_log_append_only_delete; "
                             "DROP TRIGGER IF EXISTS audit_log_chained; DROP TABLE audit_log;")
    connection.close()

    assert f"{db}: the library is damaged: table audit_log is missing" in one_line(qaws("audit", "verify", db=db))


def test_encrypt_while_the_library_is_open_elsewhere_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    holder = Store(db, key=None)  # the window, say
    try:
        result = qaws("encrypt", db=db)
    finally:
        holder.close()
    assert "in use by another program" in one_line(result)


@pytest.mark.parametrize("kind", ["loop", "dangling"])
def test_a_link_named_directly_gets_its_own_status(tmp_path: Path, kind: str) -> None:
    link = tmp_path / "call.wav"
    link.symlink_to("call.wav" if kind == "loop" else str(tmp_path / "deleted.wav"))

    result = qaws("import", str(link), db=tmp_path / "library.sqlite3")

    assert {"loop": "symbolic link loop", "dangling": "broken symbolic link"}[kind] in result.stderr


def test_an_unexpected_failure_is_one_line_and_a_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from qaworkstation import cli

    def broken(_args: object) -> int:
        raise AttributeError("'NoneType' object has no attribute 'hash'")

    monkeypatch.setenv("QAWS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(cli._COMMANDS, "backup", broken)
    assert cli.main(["backup", "--to", str(tmp_path / "copy.sqlite3")]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "AttributeError" in err and "details in" in err
    [log] = (tmp_path / "cache" / "logs").glob("qaws-*.log")
    assert "Traceback" in log.read_text(encoding="utf-8") and "'hash'" in log.read_text(encoding="utf-8")


def test_audit_verify_against_the_share_notices_rows_cut_from_the_end(tmp_path: Path) -> None:
    db, share = tmp_path / "library.sqlite3", tmp_path / "share"
    share.mkdir()
    assert qaws("import", str(CALL), db=db).returncode == 0
    store = Store(db)
    from qaworkstation.core.scoring import roles

    for n in range(4):  # audited changes: the chain grows
        roles.ensure_user(store, f"user-{n}")
    store.close()
    assert qaws("export", "--to", str(share), db=db).returncode == 0  # the head is anchored on the share
    with sqlite3.connect(db) as raw:  # someone with an SQLite browser removes the last rows
        raw.execute("DROP TRIGGER audit_log_append_only_delete")
        raw.execute("DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) - 2 FROM audit_log)")
    assert qaws("audit", "verify", db=db).returncode == 0  # the chain still links on its own...
    cut = qaws("audit", "verify", "--share", str(share), db=db)
    assert cut.returncode != 0  # ...but no longer reaches the head the share saw
