"""Crash safety, proven: SIGKILL in the middle of saves, full disks and write errors during saves and syncs, the
library refused on network filesystems, and backups through SQLite's backup API while the library is written.

Each test that repeats a fault prints (and puts in its assertion messages) how many runs it made.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qaworkstation.core.domain import SUBMITTED, Evaluation, ItemScore
from qaworkstation.core.library import sqlite_file
from qaworkstation.core.library.sqlite_file import database_errors, network_location, open_connection
from qaworkstation.core.library.store import Store, StoreError
from qaworkstation.core.privacy import keys
from qaworkstation.core.team.aggregate import TeamDatabase
from qaworkstation.core.team.sync import MANIFEST_NAME, read_synced_evaluations, sync_evaluations
from tests import crash_child

SIGKILL_RUNS = 60


def _integrity(path: Path, key: bytes | None) -> str:
    conn = open_connection(path, key)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _recording(store: Store, sha: str = "a" * 64) -> str:
    recording_id, _ = store.add_recording({"sha256": sha, "path": "/calls/c.wav", "file_name": "c.wav",
                                           "duration": 30.0, "channels": 2, "samplerate": 8000})
    return recording_id


def _evaluation(recording_id: str, rubric_id: str, items: int = 3, comment: str = "ok") -> Evaluation:
    scores = {f"i{n}": ItemScore(f"i{n}", float(n), False, comment) for n in range(items)}
    return Evaluation(id="", recording_id=recording_id, rubric_id=rubric_id, inspector="ins", items=scores,
                      comment=comment, total=1.0, max_total=5.0, passed=True)


def _snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table: what "the database is unchanged" is checked against."""
    tables = [row["name"] for row in store.db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: sorted(map(repr, store.db.execute(f'SELECT * FROM "{table}"').fetchall())) for table in tables}


# ------------------------------------------------------------------------------------------- SIGKILL


def _kill_runs(context: multiprocessing.context.BaseContext, path: Path, key: bytes | None, log: Path,
               runs: range, rng: random.Random) -> None:
    for run in runs:
        ready = context.Event()
        child = context.Process(target=crash_child.save_until_killed, args=(str(path), key, str(log), run, ready))
        child.start()
        assert ready.wait(30), f"run {run}: the save loop did not start"
        time.sleep(rng.uniform(0.0, 0.12))
        child.kill()
        child.join(10)
        assert child.exitcode == -9, f"run {run}: the child ended with {child.exitcode}, not by SIGKILL"
        assert _integrity(path, key) == "ok", f"run {run}: integrity_check failed after SIGKILL"


def test_sigkill_at_random_points_loses_no_committed_evaluation(tmp_path: Path) -> None:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.crash_child"])
    rng = random.Random(7)
    key = keys.new_key()
    libraries = {"plain": (tmp_path / "plain.sqlite3", None), "encrypted": (tmp_path / "encrypted.sqlite3", key)}
    started = time.monotonic()
    half = SIGKILL_RUNS // 2
    for number, (path, library_key) in enumerate(libraries.values()):
        runs = range(number * half, (number + 1) * half)
        _kill_runs(context, path, library_key, path.with_suffix(".committed"), runs, rng)
    elapsed = time.monotonic() - started

    committed_total = 0
    for name, (path, library_key) in libraries.items():
        committed = path.with_suffix(".committed").read_text().splitlines()
        store = Store(path, key=library_key)
        stored = {ev.id: len(ev.items) for ev in store.evaluations(inspector=crash_child.INSPECTOR)}
        store.close()
        lost = [ev_id for ev_id in committed if stored.get(ev_id) != crash_child.ITEMS]
        assert lost == [], f"{name}: {len(lost)} of {len(committed)} committed evaluations lost or incomplete"
        assert len(committed) > half, f"{name}: only {len(committed)} saves committed in {half} runs"
        committed_total += len(committed)
    print(f"{SIGKILL_RUNS} SIGKILL runs ({half} plain, {half} SQLCipher) in {elapsed:.1f} s: integrity_check ok "
          f"after every kill, {committed_total} committed evaluations, none lost")


# ------------------------------------------------------------------------------- full disk, write errors


@pytest.fixture(params=["plain", "encrypted"])
def library(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "library.sqlite3", key=keys.new_key() if request.param == "encrypted" else None)
    yield store
    store.close()


def _seeded(store: Store) -> str:
    recording_id = _recording(store)
    for number in range(5):
        store.save_evaluation(_evaluation(recording_id, f"seed-{number}"))
    return recording_id


def test_a_full_database_during_save_changes_nothing_and_a_retry_succeeds(library: Store) -> None:
    recording_id = _seeded(library)
    before = _snapshot(library)
    pages = library.db.execute("PRAGMA page_count").fetchone()[0]
    big = _evaluation(recording_id, "big", items=200, comment="long comment " * 40)  # about 30 pages
    runs = 0
    for headroom in range(0, 24, 2):  # the disk fills at a different point of the transaction each run
        library.db.execute(f"PRAGMA max_page_count = {pages + headroom}")
        with pytest.raises(StoreError, match="the disk is full; nothing of this change was saved"):
            library.save_evaluation(big)
        runs += 1
        assert _snapshot(library) == before, f"run {runs}: a failed save changed the database"
        assert library.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    library.db.execute("PRAGMA max_page_count = 1073741823")  # space freed
    saved = library.save_evaluation(big)
    assert library.evaluation(recording_id, "big", "ins").items == saved.items
    print(f"full database: {runs} failed saves left the database unchanged; the retry succeeded")


def test_write_errors_injected_at_random_points_of_a_save_roll_it_back(library: Store) -> None:
    """SQLite's progress handler aborts the save after a random number of VM steps: a failure anywhere inside
    the transaction, from its BEGIN to its COMMIT. A save the abort came too late for is whole. (This found a
    BEGIN interrupted after it took effect leaving a transaction open that swallowed every later save.)"""
    recording_id = _seeded(library)
    rng, aborted, completed = random.Random(11), 0, 0
    for run in range(40):
        steps = rng.randint(1, 60) if run % 4 == 0 else rng.randint(1, 3000)  # a quarter near BEGIN
        before, rubric_id = _snapshot(library), f"interrupted-{run}"
        if _save_with_error_after(library, _evaluation(recording_id, rubric_id, items=30), steps):
            completed += 1
        else:
            aborted += 1
            assert not library.db.conn.in_transaction, f"run {run} ({steps} steps): a transaction was left open"
            assert _snapshot(library) == before, f"run {run} ({steps} steps): a failed save changed the database"
            library.save_evaluation(_evaluation(recording_id, rubric_id, items=30))  # the retry
        assert len(library.evaluation(recording_id, rubric_id, "ins").items) == 30
    assert aborted >= 20, f"only {aborted} of 40 injected errors hit the save"
    assert library.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    print(f"injected write errors: {aborted} of 40 saves aborted at a random step, each left the database "
          f"unchanged and its retry succeeded ({completed} finished before the error point)")


def _save_with_error_after(store: Store, evaluation: Evaluation, steps: int) -> bool:
    """Save with SQLite aborting once, after ``steps`` VM steps (a transient failure: the rollback that
    follows works); True if the save finished first."""
    fired: list[bool] = []
    store.db.conn.set_progress_handler(lambda: not fired and not fired.append(True), steps)
    try:
        store.save_evaluation(evaluation)
    except database_errors():  # "interrupted", or sqlite-utils' cleanup failing after SQLite rolled back itself
        return False
    finally:
        store.db.conn.set_progress_handler(None, 0)
    return True


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB filesystem (tmpfs), where the disk really fills; skipped where mounting is not allowed."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode(errors='replace').strip()})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the filesystem until only about ``leave`` bytes are free."""
    filler = folder / "filler"
    with filler.open("wb") as handle:
        stat = os.statvfs(folder)
        handle.write(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))
    return filler


def test_a_really_full_disk_during_save_changes_nothing_and_a_retry_succeeds(tiny_disk: Path) -> None:
    store = Store(tiny_disk / "library.sqlite3", key=None)
    recording_id = _seeded(store)
    before = _snapshot(store)
    big = _evaluation(recording_id, "big", items=80, comment="long comment " * 40)
    runs = 0
    for leave in range(0, 64 * 1024, 8 * 1024):  # the disk fills at a different point of the save each run
        filler = _fill(tiny_disk, leave)
        try:
            store.save_evaluation(big)
        except StoreError as err:  # one line for a person, never a database error
            assert "the disk is full" in str(err) or "the disk failed a write" in str(err)
            runs += 1
            assert _snapshot(store) == before, f"run {runs}: a failed save changed the database"
        else:
            break
        finally:
            filler.unlink()
    assert runs >= 3, f"the disk filled only {runs} times"
    store.save_evaluation(big)  # space freed: the retry succeeds (or finds the save already made)
    assert len(store.evaluation(recording_id, "big", "ins").items) == 80
    store.close()
    assert _integrity(tiny_disk / "library.sqlite3", None) == "ok"
    print(f"full tmpfs: {runs} failed saves left the database unchanged; the retry succeeded")


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_disk_full_at_every_write_of_a_sync_keeps_the_share_consistent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encrypted: bool
) -> None:
    """The disk fills at each write, fsync and rename of a sync in turn (on a fresh copy of the share each
    time): the published state never changes on a failure, and the retry publishes everything."""
    pristine, share = tmp_path / "pristine", tmp_path / "share"
    pristine.mkdir()
    key = keys.new_key() if encrypted else None
    evaluations = [_shared(n) for n in range(1, 4)]
    assert sync_evaluations(pristine, "ins", evaluations, key=key).ok
    published = _published(pristine / "ins")
    wanted = [*evaluations, _shared(4)]
    operations = _count_disk_operations(monkeypatch, lambda: sync_evaluations(tmp_path / "count", "ins", wanted,
                                                                             key=key), pristine, tmp_path / "count")
    failed = 0
    for fail_at in range(1, operations + 1):
        shutil.rmtree(share, ignore_errors=True)
        shutil.copytree(pristine, share)
        _fail_nth_disk_operation(monkeypatch, fail_at)
        result = sync_evaluations(share, "ins", wanted, key=key)
        monkeypatch.undo()
        assert not list(share.rglob(".*.tmp")), f"operation {fail_at}: temp files left behind"
        if not result.ok:  # a folder fsync that fails is harmless and ignored; everything else must fail cleanly
            failed += 1
            assert "disk is full" in result.message
            assert _published(share / "ins") == published, f"operation {fail_at}: the published state changed"
            assert sync_evaluations(share, "ins", wanted, key=key).ok, f"operation {fail_at}: the retry failed"
        assert read_synced_evaluations(share, key=key) == (wanted, [])
    assert failed >= 6, f"only {failed} of {operations} disk operations could fail"
    print(f"sync ({'encrypted' if encrypted else 'plain'}): {operations} runs, the disk full at each write, fsync "
          f"and rename in turn; {failed} failed cleanly with the share consistent, every retry succeeded")


def _count_disk_operations(monkeypatch: pytest.MonkeyPatch, sync, pristine: Path, scratch: Path) -> int:
    shutil.copytree(pristine, scratch)
    calls = []
    for name in ("write", "fsync", "replace"):
        real = getattr(os, name)
        monkeypatch.setattr(os, name, lambda *args, _real=real: calls.append(1) or _real(*args))
    assert sync().ok
    monkeypatch.undo()
    return len(calls)


def _fail_nth_disk_operation(monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    """Make the ``fail_at``-th write, fsync or rename fail as a full disk does."""
    calls = 0

    def failing(real):
        def operation(*args):
            nonlocal calls
            calls += 1
            if calls == fail_at:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(*args)

        return operation

    for name in ("write", "fsync", "replace"):
        monkeypatch.setattr(os, name, failing(getattr(os, name)))


def _shared(number: int) -> Evaluation:
    """Submitted, because only released versions reach the share: a draft would leave nothing to write."""
    return Evaluation(id=f"ev-{number}", recording_id=f"rec-{number}", rubric_id="r", inspector="ins",
                      items={"a": ItemScore("a", 2.0)}, total=2.0, max_total=5.0, passed=True,
                      created_at=f"2024-05-01T09:00:0{number}Z", updated_at=f"2024-05-01T09:00:0{number}Z",
                      status=SUBMITTED)


def _published(folder: Path) -> dict[str, bytes]:
    """The manifest and the journals it lists: what machine readers trust. Around them a journal written before
    the failure may sit unlisted (complete: readers take it and the next sync lists it), and a CSV snapshot may
    already be the new one (each file is replaced atomically, never left half-written)."""
    manifest = (folder / MANIFEST_NAME).read_bytes()
    names = [name for name in json.loads(manifest)["files"] if name.startswith("changes-")]
    return {MANIFEST_NAME: manifest, **{name: (folder / name).read_bytes() for name in names}}


# ------------------------------------------------------------------------------------- network paths

FAKE_MOUNTS = """\
/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
fileserver:/export/qa /mnt/team nfs4 rw,relatime,vers=4.2 0 0
//nas/质检 /mnt/smb\\040share cifs rw,vers=3.0 0 0
qa@host:/home/qa /home/qa/remote fuse.sshfs rw,nosuid 0 0
/dev/vdb1 /mnt/team/local-cache ext4 rw 0 0
"""


@pytest.fixture
def fake_mounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    mounts = tmp_path / "mounts"
    mounts.write_text(FAKE_MOUNTS, encoding="utf-8")
    monkeypatch.setattr(sqlite_file, "MOUNTS_FILE", mounts)
    return mounts


@pytest.mark.parametrize("path, fstype", [
    ("/mnt/team/qa/library.sqlite3", "nfs4"),
    ("/mnt/smb share/library.sqlite3", "cifs"),
    ("/home/qa/remote/library.sqlite3", "fuse.sshfs"),
])  # fmt: skip
def test_library_on_a_network_filesystem_is_refused(fake_mounts: Path, path: str, fstype: str) -> None:
    with pytest.raises(StoreError, match=f"network filesystem \\({fstype} .*local disk.*shared folder only for sync"):
        Store(path)
    assert not Path(path).exists()


def test_team_database_on_a_network_filesystem_is_refused(fake_mounts: Path) -> None:
    with pytest.raises(StoreError, match="team database cannot be kept on a network filesystem"):
        TeamDatabase("/mnt/team/team.sqlite3")


def test_local_disks_and_local_mounts_inside_a_share_are_accepted(fake_mounts: Path, tmp_path: Path) -> None:
    assert network_location("/mnt/team/local-cache/library.sqlite3") is None
    assert network_location("/home/qa/library.sqlite3") is None
    link = tmp_path / "looks-local"
    link.symlink_to("/mnt/team/qa")
    assert "nfs4" in network_location(link / "library.sqlite3")  # resolved through the link
    Store(tmp_path / "library.sqlite3").close()


@pytest.mark.parametrize("path, network", [
    (r"\\fileserver\qa\library.sqlite3", True),
    ("//fileserver/qa/library.sqlite3", True),
    (r"\\?\UNC\fileserver\qa\library.sqlite3", True),
    (r"\\?\C:\Users\qa\library.sqlite3", False),
    (r"C:\Users\qa\AppData\Local\qaworkstation\library.sqlite3", False),
])  # fmt: skip
def test_windows_unc_paths_are_network_paths(path: str, network: bool) -> None:
    where = network_location(path, windows=True)
    assert (where is not None) == network
    if network:
        assert "UNC" in where


# -------------------------------------------------------------------------------------------- backups


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_backup_while_the_library_is_written_is_a_consistent_openable_copy(tmp_path: Path, encrypted: bool) -> None:
    key = keys.new_key() if encrypted else None
    store = Store(tmp_path / "library.sqlite3", key=key)
    recording_id = _seeded(store)
    before = {ev.id for ev in store.evaluations()}
    stop, saved = threading.Event(), []

    def keep_saving() -> None:
        writer = Store(tmp_path / "library.sqlite3", key=key)  # another connection, as the queue process is
        while not stop.is_set():
            saved.append(writer.save_evaluation(_evaluation(recording_id, f"during-{len(saved)}")).id)
        writer.close()

    thread = threading.Thread(target=keep_saving)
    thread.start()
    try:
        backups = [store.backup(tmp_path / f"backup-{n}.sqlite3") for n in range(3)]
    finally:
        stop.set()
        thread.join()
    for backup in backups:
        copy = Store(backup, key=key)
        ids = {ev.id for ev in copy.evaluations()}
        assert before <= ids <= before | set(saved)
        assert copy.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        copy.close()
    final = store.backup(tmp_path / "final.sqlite3")
    assert [p.name for p in tmp_path.glob("final*")] == ["final.sqlite3"]  # one file, no -wal to carry along
    copy = Store(final, key=key)
    assert _snapshot(copy) == _snapshot(store) and len(saved) > 0
    copy.close()
    store.close()
    if encrypted:
        with pytest.raises(StoreError, match="encrypted"):
            Store(final, key=None)
    print(f"backup: {len(backups)} copies taken while {len(saved)} evaluations were saved, each consistent")


def test_a_failed_backup_keeps_the_previous_one_and_leaves_no_temp_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.sqlite3", key=None)
    _seeded(store)
    previous = store.backup(tmp_path / "backup.sqlite3").read_bytes()
    with pytest.raises(StoreError, match="backup to .* failed.*library itself is unchanged"):
        store.backup(tmp_path / "missing-folder" / "backup.sqlite3")
    with pytest.raises(StoreError, match="onto itself"):
        store.backup(tmp_path / "library.sqlite3")
    store.close()
    assert (tmp_path / "backup.sqlite3").read_bytes() == previous
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_qaws_backup_writes_an_openable_copy(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite3"
    store = Store(library, key=None)
    recording_id = _seeded(store)
    store.close()
    env = {**os.environ, "QAWS_DB": str(library)}
    done = subprocess.run([sys.executable, "-m", "qaworkstation.cli", "backup", "--to", str(tmp_path / "copy.sqlite3")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "backed up" in done.stdout
    copy = Store(tmp_path / "copy.sqlite3", key=None)
    assert len(copy.evaluations(recording_id=recording_id)) == 5
    copy.close()
