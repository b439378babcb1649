"""Two real processes writing one library take turns instead of crashing ("database is locked" when a read in a
transaction turns into a write), a library that cannot be written is opened for reading, and failures a person can
act on (read-only, disk full, a library in use) are one StoreError line, never a database error."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from qaworkstation.core.library import audit
from qaworkstation.core.library.sqlite_file import encrypt_database
from qaworkstation.core.library.store import Store, StoreError
from qaworkstation.core.privacy import keys

ROOT = Path(__file__).resolve().parents[1]
RECORDINGS_EACH = 150

# Each writer waits for the go file, then adds recordings one transaction at a time: read (is the hash known?)
# then write, the pattern that failed with "database is locked" under a deferred BEGIN. Given a hold file, it
# keeps the library open after writing until that file appears, so a test knows the library is in use.
WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from qaworkstation.core.library.store import Store
    db, name, go, count = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    hold = Path(sys.argv[5]) if len(sys.argv) > 5 else None
    store = Store(db, key=None)
    Path(f"{go}.{name}.ready").touch()
    while not go.exists():
        time.sleep(0.001)
    for n in range(count):
        store.add_recording({"sha256": f"{name}-{n:06d}".ljust(64, "0"), "path": f"/x/{name}{n}.wav",
                             "file_name": f"{name}{n}.wav", "duration": 1.0, "channels": 1, "samplerate": 8000})
    while hold is not None and not hold.exists():
        time.sleep(0.001)
    store.close()
""")


def writers(db: Path, tmp_path: Path, names: list[str], count: int,
            hold: Path | None = None) -> list[subprocess.Popen]:
    """Start one writer process per name, and release them together once all have opened the library; with
    ``hold``, each keeps the library open after writing until that file exists."""
    go = tmp_path / "go"
    extra = [str(hold)] if hold is not None else []
    started = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), name, str(go), str(count), *extra],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in names]
    while not all(Path(f"{go}.{name}.ready").exists() or p.poll() is not None for name, p in zip(names, started)):
        pass
    go.touch()
    return started


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "library.sqlite3"
    Store(path, key=None).close()
    yield path


def test_two_processes_adding_recordings_at_once_both_finish(library: Path, tmp_path: Path) -> None:
    processes = writers(library, tmp_path, ["a", "b"], RECORDINGS_EACH)
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in processes]

    assert [code for code, _ in outcomes] == [0, 0], [err[-600:] for _, err in outcomes]
    store = Store(library, key=None)
    assert len(store.list_recordings()) == 2 * RECORDINGS_EACH
    store.close()


def test_encrypt_while_another_process_writes_refuses_in_one_line_and_the_writer_finishes(
    library: Path, tmp_path: Path
) -> None:
    hold = tmp_path / "hold"
    [writer] = writers(library, tmp_path, ["w"], RECORDINGS_EACH, hold)  # open, and writing or about to
    try:
        with pytest.raises(StoreError, match="in use by another program .* Nothing was changed"):
            encrypt_database(library, keys.new_key())
    finally:
        hold.touch()
        code, err = writer.wait(timeout=300), writer.stderr.read()
    assert code == 0, err[-600:]
    store = Store(library, key=None)
    assert len(store.list_recordings()) == RECORDINGS_EACH
    store.close()


# ----------------------------------------------------------------------------------------- read-only library


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs holding a library with an audit log, then remounted read-only (as root can; skipped elsewhere)."""
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        store = Store(mount / "library.sqlite3", key=None)
        store.add_recording({"sha256": "1" * 64, "path": "/x/1.wav", "file_name": "1.wav", "duration": 1.0,
                             "channels": 1, "samplerate": 8000})
        store.close()
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / "library.sqlite3"
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_library_on_a_read_only_filesystem_opens_for_reading_and_refuses_writes_in_one_line(
    read_only_mount: Path, tmp_path: Path
) -> None:
    store = Store(read_only_mount, key=None)
    try:
        assert store.read_only == "it is on a read-only filesystem"
        assert [row["file_name"] for row in store.list_recordings()] == ["1.wav"]
        with store.transaction() as db:
            assert audit.verify(db).ok
        assert store.backup(tmp_path / "copy.sqlite3").is_file()
        with pytest.raises(StoreError, match="is read-only \\(it is on a read-only filesystem\\).*commands that only "
                                             "read it still work"):
            store.add_recording({"sha256": "2" * 64, "path": "/x/2.wav", "file_name": "2.wav", "duration": 1.0,
                                 "channels": 1, "samplerate": 8000})
    finally:
        store.close()


def test_a_read_only_library_file_in_a_writable_folder_refuses_writes_in_one_line(library: Path) -> None:
    """As root the permission bits would not stop SQLite, so the file is opened the way a normal user's is."""
    library.chmod(0o444)
    reopened = _opened_read_only(library)
    try:
        with pytest.raises(StoreError, match="the library is read-only \\(the file is read-only\\)"):
            reopened.add_recording({"sha256": "3" * 64, "path": "/x/3.wav", "file_name": "3.wav", "duration": 1.0,
                                    "channels": 1, "samplerate": 8000})
        assert reopened.list_recordings() == []
    finally:
        reopened.close()


def _opened_read_only(path: Path) -> Store:
    """The library as a user without write permission opens it: ``os.access`` answers for that user."""
    real_access = os.access
    with mock.patch("os.access", lambda p, mode: False if (Path(p) == path and mode == os.W_OK)
                    else real_access(p, mode)):
        return Store(path, key=None)
