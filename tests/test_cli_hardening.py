"""The command line meets a read-only library, a full disk, a library in use and a damaged audit log with one
line on stderr and an exit code, never a Python traceback; commands that only read work on a read-only library.
Each case runs ``python -m qaworkstation.cli`` in a subprocess, as a nightly script would."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import wave
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


def fill(mount: Path, leave: int = 0) -> None:
    """Take the mount's free space down to about ``leave`` bytes."""
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        while (free := shutil.disk_usage(mount).free) > leave:
            os.write(fd, b"\0" * min(65536, free - leave))
    except OSError:  # full
        pass
    finally:
        os.close(fd)


def noise_calls(folder: Path, count: int) -> list[Path]:
    """``count`` short WAV files, each with audio of its own (the library keeps one copy of the same audio)."""
    folder.mkdir()
    paths = []
    for n in range(count):
        paths.append(folder / f"call_{n:02d}.wav")
        with wave.open(str(paths[-1]), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(8000)
            out.writeframes(os.urandom(8000))
    return paths


def test_a_full_disk_is_one_line(mount: Path) -> None:
    db = mount / "library.sqlite3"
    assert qaws("import", str(CALL), db=db).returncode == 0
    fill(mount)  # leave nothing for the next import's pages
    result = qaws("import", *map(str, sorted(CALLS.glob("*.wav"))), db=db)
    assert "not enough free space next to the library for SQLite's working files" in one_line(result)


@pytest.mark.parametrize("command", [("audit", "verify"), ("search", "refund"), ("backup", "--to", "{tmp}/copy")])
def test_a_reading_command_short_of_space_for_sqlite_working_files_says_so(mount: Path, tmp_path: Path,
                                                                        command: tuple[str, ...]) -> None:
    """Opening a WAL library makes its 32 KB -shm index even to read; short of that, SQLite's "disk I/O error"
    was worded as a change that was not saved, by a command that changes nothing."""
    db = mount / "library.sqlite3"
    assert qaws("import", str(CALL), db=db).returncode == 0
    fill(mount, leave=16 * 1024)

    line = one_line(qaws(*(part.format(tmp=tmp_path) for part in command), db=db))

    assert f"{db}: not enough free space next to the library for SQLite's working files" in line
    assert "free some space" in line.lower() and "nothing of this change was saved" not in line


def test_an_import_stopped_by_a_full_disk_says_which_files_came_in(mount: Path, tmp_path: Path) -> None:
    """The library's "nothing of this change was saved" is about the one file it refused; the files before it
    stay in, and the message and the summary line say which."""
    db = mount / "library.sqlite3"
    assert qaws("import", str(CALL), db=db).returncode == 0
    noise_calls(tmp_path / "calls", 40)
    fill(mount, leave=160 * 1024)

    result = qaws("import", str(tmp_path / "calls"), db=db)

    os.unlink(mount / "filler")
    came_in = sorted(row["file_name"] for row in Store(db, key=None).list_recordings() if row["file_name"] != CALL.name)
    summary = re.fullmatch(r"imported (\d+), already in library 0, failed 0, not imported (\d+) "
                           r"\(the import stopped\)\n", result.stdout)
    assert summary, result.stdout
    assert int(summary[1]) == len(came_in) and int(summary[2]) == 40 - len(came_in) and 0 < len(came_in) < 40
    line = one_line(result)
    assert f"the import stopped after {len(came_in)} of 40 files, at call_{len(came_in):02d}.wav: " in line
    assert ", ".join(came_in[:10]) in line and "the rest were not" in line and "the disk is full" in line


def test_an_analysis_stopped_by_a_full_disk_says_which_calls_were_saved(mount: Path) -> None:
    db = mount / "library.sqlite3"
    second = CALLS / "en_rude_mono.wav"
    assert qaws("analyze", str(CALL), db=db).returncode == 0
    assert qaws("import", str(second), db=db).returncode == 0
    holder = sqlite3.connect(db)  # keeps the -shm index, so the command opens the library and fails at its first write
    try:
        holder.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # and no room left in the log for that write
        fill(mount)
        result = qaws("analyze", str(CALL), str(second), db=db)
    finally:
        holder.close()

    line = one_line(result)
    assert "the analysis stopped after 1 of 2 calls: " in line and "the disk is full" in line
    assert f"{CALL.name} has its analysis saved, the other 1 was not analysed" in line


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


@pytest.mark.parametrize("row, words", [
    (b"call_01.wav,\xff\xfeA2\n", "line 3: the CSV is not UTF-8 text"),
    (b'call_01.wav,"' + b"x" * 200_000 + b'"\n', "line 3: a field is longer than 131072 characters"),
])
def test_a_metadata_csv_that_cannot_be_read_refuses_the_import_before_the_library(tmp_path: Path, row: bytes,
                                                                                  words: str) -> None:
    noise_calls(tmp_path / "good", 2)
    noise_calls(tmp_path / "bad", 2)
    (tmp_path / "good" / "metadata.csv").write_text("file,agent\ncall_00.wav,A1\n", encoding="utf-8")
    csv_file = tmp_path / "bad" / "metadata.csv"
    csv_file.write_bytes(b"file,agent\ncall_00.wav,A1\n" + row)
    db = tmp_path / "library.sqlite3"

    line = one_line(qaws("import", str(tmp_path / "good"), str(tmp_path / "bad"), db=db))

    assert line.startswith(f"qaws: {csv_file}, {words}") and "import again" in line
    assert not db.exists()  # not even an empty library was made for it
