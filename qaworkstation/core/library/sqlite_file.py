"""One SQLite file on the local disk, plain or encrypted: how the library and the team database are opened,
migrated, locked and backed up.

:class:`SqliteFile` holds what :class:`~qaworkstation.core.library.store.Store` and
:class:`~qaworkstation.core.team.aggregate.TeamDatabase` share; :func:`open_connection` is the one place a
connection is made, so encryption (SQLCipher, when this workstation has a database key) applies to both.

Two rules from SQLite itself are enforced here rather than documented and forgotten:

* the file must be on a local disk: SQLite's locking (and WAL's shared memory) do not work over network
  filesystems, where two writers can silently corrupt the file; the shared folder is for sync exports only;
* copies are made with the backup API, never by copying the file, which can catch a page half-written or miss
  the changes still in ``-wal``;
* writers take turns: every transaction takes the write lock at its start (``BEGIN IMMEDIATE``), waiting for
  another process's transaction to finish (busy timeout, then a few more tries) instead of failing half-way
  with "database is locked" when a read turns into a write;
* a library that cannot be written (a read-only file, folder or filesystem) is opened read-only, so commands
  that only read still work, and a disk that fills, a write refused or a lock never released comes back as one
  :class:`StoreError` line saying so, never as a database traceback.

Migration steps are recorded one by one in ``schema_migrations``, not inferred from ``PRAGMA user_version``:
steps have been committed out of order (6 before 3 and 5), and a file made in between would otherwise never
get the lower ones. ``user_version`` still holds the highest step applied, for code that reads it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

import sqlite_utils

from ..atomic import fsync_path
from ..i18n import N_, _
from ..privacy import keys
from .drivers import CONNECT_OPTIONS, connect_plain, database_errors

Migration = Callable[[sqlite_utils.Database], None]

_SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATIONS_TABLE = "schema_migrations"
# BEGIN IMMEDIATE waits up to the busy timeout for the write lock; a long import in another process may hold it
# for a while between its short transactions, so the wait is tried again before giving up.
_BEGIN_ATTEMPTS = 6
_FOREIGN_TABLES_SHOWN = 5  # another program's tables named when its file is refused; a long list is cut short

# Linux /proc/mounts types whose locking SQLite cannot rely on. FUSE types cover sshfs, rclone, s3fs and GNOME's
# gvfs (how a desktop mounts SMB shares); 9p is also how WSL 2 sees Windows drives.
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs", "lustre", "gfs2", "ocfs2",
    "davfs", "coda", "fuse.sshfs", "fuse.rclone", "fuse.s3fs", "fuse.gvfsd-fuse", "fuse.glusterfs", "fuse.ceph",
    "fuse.davfs2", "fuse.smbnetfs",
})  # fmt: skip
MOUNTS_FILE = Path("/proc/self/mounts")
_DRIVE_REMOTE = 4  # GetDriveTypeW: a mapped network drive


class StoreError(Exception):
    """A database file cannot be opened, written or copied; the message says which file, why and what to do."""


# The kinds of file (a subclass's ``noun``) as said to the person; an unknown noun is said as it is.
_NOUN_WORDS = {"library": N_("library"), "team database": N_("team database")}


def _noun(noun: str) -> str:
    return _(_NOUN_WORDS.get(noun, noun))


def _sqlcipher() -> Any:
    """SQLCipher is imported only when a key is in use: a plain library never pays for it."""
    import sqlcipher3

    return sqlcipher3


def open_connection(path: Path, key: bytes | None, read_only: bool = False) -> Any:
    """A DB-API connection to ``path`` in autocommit mode (sqlite-utils opens transactions itself): plain
    sqlite3 without a key, SQLCipher keyed with ``key`` otherwise. A wrong key raises :class:`StoreError`.
    ``read_only`` opens it for reading only (see :func:`read_only_reason`).
    """
    target, uri = (_read_only_uri(path), True) if read_only else (str(path), False)
    if key is None:
        return connect_plain(target, uri)
    sqlcipher = _sqlcipher()
    conn = sqlcipher.connect(target, uri=uri, **CONNECT_OPTIONS)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our error to word, not a log line
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")  # a raw 256-bit key: no passphrase stretching needed
        conn.execute("PRAGMA temp_store = MEMORY")  # sorts and temp indexes never reach the disk
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        conn.close()
        raise StoreError(_keyed_open_failure(path)) from exc
    return conn


def _keyed_open_failure(path: Path) -> str:
    if is_plain_database(path):
        return _("{file} is not encrypted, but encryption is on for this workstation: run 'qaws encrypt' to "
                 "convert it (with the window closed)").format(file=path)
    return _("{file}: the encryption key is wrong: this file is encrypted with a different key than the one this "
             "workstation holds (or it is not a database at all). Restore the right key into the keyring; nothing "
             "in the file was changed").format(file=path)


def _read_only_uri(path: Path) -> str:
    """``mode=ro``; on a folder nobody can write, also ``immutable``: SQLite could not create the ``-shm`` file a
    WAL reader needs there, and no other process can be changing the file either."""
    quoted = urllib.parse.quote(str(path.resolve()))
    immutable = "&immutable=1" if not _writable_folder(path.parent) else ""
    return f"file:{quoted}?mode=ro{immutable}"


def _writable_folder(folder: Path) -> bool:
    return os.access(folder, os.W_OK) and not _read_only_filesystem(folder)


def _read_only_filesystem(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows: the permission check stands alone
        return False


def read_only_reason(path: Path) -> str | None:
    """Why an existing database file cannot be written (a read-only filesystem, folder or file), or None. The
    folder counts because SQLite writes its journal files beside the database."""
    if not path.is_file():
        return None
    if _read_only_filesystem(path.parent):
        return _("it is on a read-only filesystem")
    if not os.access(path.parent, os.W_OK):
        return _("its folder is read-only")
    if not os.access(path, os.W_OK):
        return _("the file is read-only")
    return None


def is_plain_database(path: Path) -> bool:
    """Whether ``path`` starts like an unencrypted SQLite file (an encrypted one looks like random bytes)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _open_failure(path: Path, noun: str, exc: Exception, keyed: bool) -> str:
    if not keyed and path.is_file() and path.stat().st_size and not is_plain_database(path):
        return _("{file}: cannot open the {noun}: it is encrypted (or not a database), and no database key is set "
                 "on this workstation. Restore the key into the keyring, or set ${variable}").format(
            file=path, noun=_noun(noun), variable=keys.KEY_ENV[keys.DATABASE_KEY])
    if _error_kind(exc) == "corrupt":
        return damaged_message(path, noun, str(exc))
    return _("{file}: cannot open the {noun} ({error}); check the path and free space").format(
        file=path, noun=_noun(noun), error=exc)


# ---------------------------------------------------------------------------------------- network paths


def network_location(path: str | os.PathLike[str], *, windows: bool = os.name == "nt") -> str | None:
    """Why ``path`` is on a network filesystem (worded for a message), or None when it is on a local disk."""
    if windows:
        return _windows_network_location(os.fspath(path))
    return _mounted_network_location(os.path.realpath(path))


def _windows_network_location(path: str) -> str | None:
    text = path.replace("/", "\\")
    upper = text.upper()
    for prefix in ("\\\\?\\UNC\\", "\\\\.\\UNC\\"):
        if upper.startswith(prefix):
            return _("the network (UNC) path {path}").format(path="\\\\" + text[len(prefix):])
    if text.startswith(("\\\\?\\", "\\\\.\\")):  # a local path in the long-path or device namespace
        text = text[4:]
    elif text.startswith("\\\\"):
        return _("the network (UNC) path {path}").format(path=text)
    drive = text[:2]
    if len(drive) == 2 and drive[1] == ":" and hasattr(ctypes, "windll"):
        if ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\") == _DRIVE_REMOTE:
            return _("the network drive {drive}").format(drive=drive.upper())
    return None


def _mounted_network_location(path: str) -> str | None:
    """The filesystem holding ``path`` is the mount with the longest mount point that contains it."""
    best: tuple[str, str, str] | None = None
    for device, mount_point, fstype in _mounts():
        inside = path == mount_point or path.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) >= len(best[1])):
            best = (device, mount_point, fstype)
    if best is None or best[2] not in NETWORK_FILESYSTEMS:
        return None
    device, mount_point, fstype = best
    return _("a network filesystem ({type} mount of {device} at {mount_point})").format(
        type=fstype, device=device, mount_point=mount_point)


def _mounts() -> list[tuple[str, str, str]]:
    """(device, mount point, type) from /proc/mounts; empty where there is none (macOS), so nothing is refused."""
    try:
        text = MOUNTS_FILE.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return []
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape(fields[0]), _unescape(fields[1]), fields[2]))
    return mounts


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash in names as octal escapes (``\\040``)."""
    for escaped, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(escaped, char)
    return field


def refuse_network_path(path: Path, noun: str) -> None:
    """Raise :class:`StoreError` if ``path`` is on a network filesystem, saying what to do instead."""
    where = network_location(path)
    if where is not None:
        raise StoreError(
            _("{file}: the {noun} cannot be kept on {where}: SQLite's locking is not safe over a network and the "
              "file could be corrupted. Keep the {noun} on a local disk and use the shared folder only for sync.")
            .format(file=path, noun=_noun(noun), where=where)
        )


# ------------------------------------------------------------------------------------------ base class


def filter_clause(equal: Mapping[str, str], span_column: str = "", span_from: str = "",
                  span_to: str = "") -> tuple[str, dict[str, str]]:
    """A WHERE condition and its parameters for a list's filters: each non-empty ``equal`` value must match its
    column, and ``span_column`` must lie in ``[span_from, span_to)`` (either end may be open).

    Half-open, so consecutive periods (a week, the next week) never count a row twice. Column names come from
    the caller's code, never from input; values are always parameters.
    """
    where, params = ["1 = 1"], {}
    conditions = [(column, "=", value) for column, value in equal.items()]
    conditions += [(span_column, ">=", span_from), (span_column, "<", span_to)]
    for column, operator, value in conditions:
        if value:
            name = f"filter_{len(params)}"  # numbered: two tables' columns of one name never share a value
            where.append(f"{column} {operator} :{name}")
            params[name] = value
    return " AND ".join(where), params


class SqliteFile:
    """A local SQLite file behind sqlite-utils: WAL, foreign keys, recorded migrations, one lock.

    One instance per connection; calls are serialised by a re-entrant lock so a transaction's helpers may
    read through the same instance. Subclasses set ``noun``, ``error`` and ``migrations``.
    """

    noun: ClassVar[str] = "database"
    error: ClassVar[type[StoreError]] = StoreError
    # Step number -> the step; each runs once, lowest pending first. Steps are never edited once released.
    migrations: ClassVar[Mapping[int, Migration]] = {}
    # The released steps as they are, whose tables and columns an opened file must have (those of the steps in
    # ``migrations``): kept apart from ``migrations``, which a test may wrap or cut short.
    schema: ClassVar[Mapping[int, Migration]] = {}
    # Step number -> whether a file from before ``schema_migrations`` has that step (see _bootstrap_record).
    step_evidence: ClassVar[Mapping[int, Callable[[sqlite_utils.Database], bool]]] = {}

    def __init__(self, path: Path | str, key: keys.KeyChoice = keys.WORKSTATION) -> None:
        """Open (creating if needed) and migrate the file; ``key`` None keeps it unencrypted, the default
        uses this workstation's database key if it has one (see :mod:`qaworkstation.core.privacy.keys`)."""
        self.path = Path(path)
        self._lock = threading.RLock()
        self.read_only = read_only_reason(self.path)  # why the file cannot be written, or None
        try:
            self._key = keys.resolve(key, keys.DATABASE_KEY)
        except keys.KeyUnavailable as exc:
            raise self.error(_("{file}: cannot open the {noun}: {error}").format(
                file=self.path, noun=_noun(self.noun), error=exc)) from exc
        self.db = self._connect()
        self._prepare()

    def _connect(self) -> sqlite_utils.Database:
        try:
            refuse_network_path(self.path, self.noun)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return sqlite_utils.Database(open_connection(self.path, self._key, self.read_only is not None))
        except StoreError as exc:
            raise self.error(str(exc)) from exc.__cause__
        except OSError as exc:
            raise self.error(_("{file}: cannot open the {noun} ({error}); check the path").format(
                file=self.path, noun=_noun(self.noun), error=exc)) from exc

    def _prepare(self) -> None:
        """WAL and foreign keys, then the migrations and the check that nothing they made has gone; the
        connection is closed if any of it fails."""
        try:
            self.db.execute("PRAGMA foreign_keys = ON")
            self._refuse_foreign()
            if self.read_only is None:
                self.db.enable_wal()
            self._migrate()
            self._check_schema()
        except (*database_errors(), OSError) as exc:
            self.db.close()
            translated = self._failure(exc)
            raise translated if translated is not None else self.error(
                _open_failure(self.path, self.noun, exc, self.encrypted)) from exc
        except BaseException:
            self.db.close()
            raise

    def _refuse_foreign(self) -> None:
        """Refuse another program's database (tables, but neither ``schema_migrations`` nor any table of ours):
        migrating it would add our tables beside its own, and a mistyped ``--db`` would quietly ruin that program's
        file. Checked before anything is written, WAL included (switching to WAL rewrites the file's header)."""
        tables = sorted(row[0] for row in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        ours = set(self._expected_schema()) | {MIGRATIONS_TABLE}
        if tables and not ours.intersection(tables):
            shown = ", ".join(tables[:_FOREIGN_TABLES_SHOWN]) + (", …" if len(tables) > _FOREIGN_TABLES_SHOWN else "")
            raise self.error(_("{file} is a SQLite database of another program (it has tables {tables} but none of a "
                               "QA Workstation {noun}); choose another file").format(
                file=self.path, tables=shown, noun=_noun(self.noun)))

    def _expected_schema(self) -> dict[str, set[str]]:
        """The tables (with their columns) the file's steps make."""
        return _reference_schema(self.schema, frozenset(self.migrations.keys() & self.schema.keys()))

    def _check_schema(self) -> None:
        """Refuse a file missing a table or column its recorded steps made (dropped or renamed by hand, or by a
        tool): every read of it would otherwise fail somewhere later as a bare database error."""
        expected = self._expected_schema()
        for table, columns in expected.items():
            found = {row[1] for row in self.db.execute(f"PRAGMA table_info([{table}])")}
            if not found:
                raise self.error(damaged_message(self.path, self.noun, _("table {table} is missing").format(
                    table=table)))
            missing = sorted(columns - found)
            if missing:
                raise self.error(damaged_message(self.path, self.noun, _("table {table} has no column {columns}")
                                                 .format(table=table, columns=", ".join(missing))))

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """All or nothing; nested calls become savepoints of the outermost one.

        A failure can leave SQLite's transaction open where sqlite-utils does not roll it back (a ``BEGIN``
        interrupted after it took effect); every later write would then join a transaction nobody commits
        and be lost at close, so the outermost level makes sure it is rolled back.
        """
        with self._lock:
            if self.db.conn.in_transaction:
                with self.db.atomic():  # a savepoint
                    yield self.db
                return
            with self._outermost("BEGIN" if self.read_only else "BEGIN IMMEDIATE") as db:
                yield db

    @contextmanager
    def reading(self) -> Iterator[sqlite_utils.Database]:
        """One consistent state for a command that only reads (verify, export's read, search). A deferred
        ``BEGIN`` takes no write lock, so a reader neither waits behind nor is refused by another process's
        long write transaction: under WAL it reads the last committed state."""
        with self._lock:
            if self.db.conn.in_transaction:
                yield self.db
                return
            with self._outermost("BEGIN") as db:
                yield db

    @contextmanager
    def _outermost(self, begin: str) -> Iterator[sqlite_utils.Database]:
        """``begin`` (retried while another process holds the write lock), the body, COMMIT; rolled back on any
        failure, commit included. A full disk, a read-only file or a lock never released becomes one
        :class:`StoreError` line (see :meth:`_failure`); other database errors pass through as they are."""
        try:
            self._begin(begin)
            try:
                yield self.db
                self.db.conn.execute("COMMIT")
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise
        except database_errors() as exc:
            translated = self._failure(exc)
            if translated is None:
                raise
            raise translated from exc

    def _begin(self, statement: str) -> None:
        """``statement`` until it takes the lock; a BEGIN that failed after taking effect (interrupted) is
        rolled back, or its open transaction would swallow every later save."""
        for attempt in range(1, _BEGIN_ATTEMPTS + 1):
            try:
                self.db.conn.execute(statement)
                return
            except database_errors() as exc:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                if _error_kind(exc) != "busy" or attempt == _BEGIN_ATTEMPTS:
                    raise

    def _failure(self, exc: BaseException) -> StoreError | None:
        """The one line to say for a database error a person can act on, or None for any other."""
        kind, file, noun = _error_kind(exc), self.path, _noun(self.noun)
        if kind == "read-only":
            why = self.read_only or _("the file or its folder cannot be written")
            return self.error(_("{file}: the {noun} is read-only ({why}), and this needs to change it; commands "
                                "that only read it still work. Make it writable, or work on a copy").format(
                file=file, noun=noun, why=why))
        if kind == "full":
            return self.error(_("{file}: the disk is full; nothing of this change was saved. Free some space and "
                                "try again").format(file=file))
        if kind == "io":
            return self.error(_("{file}: the disk failed a write ({error}): it may be full or failing; nothing of "
                                "this change was saved. Free some space and try again").format(file=file, error=exc))
        if kind == "corrupt":  # or encrypted, and opened without its key
            return self.error(_open_failure(file, self.noun, exc, self.encrypted))
        if kind == "busy":
            return self.error(_("{file}: the {noun} stayed locked by another program (the window, or another qaws) "
                                "for over a minute; nothing of this change was saved. Try again once it has "
                                "finished").format(file=file, noun=noun))
        return None
    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        """Apply every step the file has not recorded, lowest first, each with its record in one transaction.

        Nothing is written to a file a newer app has upgraded. Only pending steps take the write lock, so
        opening an up-to-date file never waits for another process's save.
        """
        recorded = self._recorded_steps()
        self._refuse_newer(recorded or set())
        if recorded is None:
            recorded = self._bootstrap_record()
        pending = sorted(self.migrations.keys() - recorded)
        for version in pending:
            self._apply(version)
        if pending:  # the steps' pages move into the file and the log shrinks: a new library is half the size
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _recorded_steps(self) -> set[int] | None:
        """The steps ``schema_migrations`` lists, or None for a file from before the table."""
        if not self.db[MIGRATIONS_TABLE].exists():
            return None
        return {row[0] for row in self.db.execute(f"SELECT version FROM {MIGRATIONS_TABLE}")}

    def _refuse_newer(self, recorded: set[int]) -> None:
        """A file with steps this app does not know has a schema it would misread or damage: refuse it."""
        latest, current = max(self.migrations), self.schema_version
        newest = max(recorded | {current})
        if newest > latest:
            raise self.error(
                _("{file}: written by a newer QA Workstation (schema {newest} > {latest}); update the app").format(
                    file=self.path, newest=newest, latest=latest)
            )
        unknown = sorted(recorded - self.migrations.keys())
        if unknown:
            raise self.error(_("{file}: written by a newer QA Workstation (schema steps {steps} are not known to "
                               "this version); update the app").format(file=self.path, steps=unknown))

    def _bootstrap_record(self) -> set[int]:
        """Create ``schema_migrations`` and record which steps up to ``user_version`` the file already has.

        ``user_version`` alone cannot say: a step numbered below the latest landed after it, so a file made
        in between carries the latest number without that step. A step with an entry in
        :attr:`step_evidence` counts as applied only if its mark (a table or column it creates) is in the
        file; the others up to ``user_version`` are taken as applied. Their ``applied_at`` is NULL because when
        they ran is not known. Another process that created the table meanwhile has recorded them.
        """
        with self._write_transaction() as db:
            if not db[MIGRATIONS_TABLE].exists():
                db.execute(f"CREATE TABLE {MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, applied_at TEXT)")
                current = self.schema_version
                present = [version for version in self.migrations if version <= current
                           and self.step_evidence.get(version, lambda _db: True)(db)]
                db.conn.executemany(f"INSERT INTO {MIGRATIONS_TABLE} (version) VALUES (?)",
                                    [(version,) for version in present])
            return {row[0] for row in db.execute(f"SELECT version FROM {MIGRATIONS_TABLE}")}

    def _apply(self, version: int) -> None:
        """Run one step and record it, all or nothing; ``user_version`` becomes the highest step applied.

        The step is skipped if another process opening the same file applied it while this one waited.
        """
        with self._write_transaction() as db:
            if db.execute(f"SELECT 1 FROM {MIGRATIONS_TABLE} WHERE version = ?", (version,)).fetchone():
                return
            self.migrations[version](db)
            db.execute(f"INSERT INTO {MIGRATIONS_TABLE} (version, applied_at) VALUES (?, ?)",
                       (version, datetime.now(timezone.utc).isoformat(timespec="seconds")))
            db.execute(f"PRAGMA user_version = {max(version, self.schema_version)}")

    @contextmanager
    def _write_transaction(self) -> Iterator[sqlite_utils.Database]:
        """A transaction holding the write lock from its first statement (``BEGIN IMMEDIATE``), so what it
        reads cannot change under it before it commits; rolled back on any failure, commit included."""
        if self.read_only is not None:
            raise self.error(_("{file}: the {noun} is read-only ({why}) and needs upgrading by this version of the "
                               "app; make it writable once, or open it with the version that wrote it").format(
                file=self.path, noun=_noun(self.noun), why=self.read_only))
        with self._lock, self._outermost("BEGIN IMMEDIATE") as db:
            yield db

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        """The rows of a read, taken under the connection's lock. Never read through ``self.db`` from another
        thread without it: sqlite-utils commits after a statement it began outside a transaction, and on a shared
        connection that can be another thread's transaction, committed half-way."""
        return self._rows(sql, params)

    def _rows(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.db.query(sql, params))

    def backup(self, target: Path | str) -> Path:
        """Copy the file to ``target`` with SQLite's backup API and return the target.

        The copy is a consistent snapshot even while this or another process writes (WAL readers see one
        committed state), is encrypted with the same key as the original, is a single file (no ``-wal``),
        passes ``quick_check``, and replaces ``target`` only once complete, so a failed backup never destroys
        the previous one. It reads through its own connection, so saves are not blocked while it runs.
        """
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise self.error(_("{file}: cannot back up the {noun} onto itself; choose another file").format(
                file=self.path, noun=_noun(self.noun)))
        temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
        try:
            self._copy_to(temp)
            fsync_path(temp)
            os.replace(temp, target)
        except (*database_errors(), OSError, StoreError) as exc:
            _remove_with_journals(temp)
            raise self.error(_("{file}: backup to {target} failed ({error}); the {noun} itself is unchanged").format(
                file=self.path, target=target, error=exc, noun=_noun(self.noun))) from exc
        fsync_path(target.parent)
        return target

    def _copy_to(self, temp: Path) -> None:
        source = open_connection(self.path, self._key, self.read_only is not None)
        try:
            copy = open_connection(temp, self._key)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
                verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                copy.close()
        finally:
            source.close()
        if verdict != "ok":
            raise StoreError(_("the copy failed its check ({verdict})").format(verdict=verdict))


def _reference_schema(steps: Mapping[int, Migration], versions: frozenset[int]) -> dict[str, set[str]]:
    """Every table the ``versions`` of ``steps`` make, with its columns: they run on an empty database in memory
    (a few milliseconds), once per set of steps."""
    key = (id(steps), versions)
    if key not in _REFERENCE_SCHEMAS:
        db = sqlite_utils.Database(memory=True)
        for version in sorted(versions):
            steps[version](db)
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite_%'")]
        _REFERENCE_SCHEMAS[key] = {table: {row[1] for row in db.execute(f"PRAGMA table_info([{table}])")}
                                   for table in tables}
        db.close()
    return _REFERENCE_SCHEMAS[key]


_REFERENCE_SCHEMAS: dict[tuple[int, frozenset[int]], dict[str, set[str]]] = {}


def damaged_message(path: Path, noun: str, what: str) -> str:
    """The one line for a damaged file: which, what is wrong, and what to do about it."""
    return _("{file}: the {noun} is damaged: {what}. Put the last backup in its place (backups are made with 'qaws "
             "backup --to FILE') and keep this file for whoever investigates").format(
        file=path, noun=_noun(noun), what=what)


def damage_message(path: Path, noun: str, exc: BaseException) -> str | None:
    """:func:`damaged_message` for a database error that means the file is damaged (malformed pages, a table or
    column gone), or None for any other error."""
    text = str(exc)
    if _error_kind(exc) == "corrupt" or text.startswith(("no such table", "no such column")) \
            or "has no column named" in text:
        return damaged_message(path, noun, text)
    return None


def _error_kind(exc: BaseException) -> str:
    """``read-only``, ``full``, ``busy``, ``io``, ``corrupt`` or ``other``, from SQLite's error code where the driver
    gives it (SQLCipher may not), else from its message."""
    if isinstance(exc, OSError):
        return {errno.EROFS: "read-only", errno.ENOSPC: "full"}.get(exc.errno or 0, "other")
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()  # never matched loosely: a trigger's refusal may say "read-only" too
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "database disk image is malformed" in text \
            or "file is not a database" in text:
        return "corrupt"
    if name.startswith("SQLITE_READONLY") or "attempt to write a readonly database" in text:
        return "read-only"
    if name == "SQLITE_FULL" or "database or disk is full" in text:
        return "full"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return "busy"
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return "io"
    return "other"


def _remove_with_journals(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def encrypt_database(path: Path | str, key: bytes) -> None:
    """Turn the unencrypted database at ``path`` into one encrypted with ``key``, in place.

    For a workstation that switches encryption on with a library already on disk. The encrypted copy is
    written beside the original with ``sqlcipher_export`` and renamed over it only when complete, so a crash
    leaves either the plain or the encrypted file, never a mix. Nothing may have the file open meanwhile.
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    plain = sqlite3.connect(str(path), isolation_level=None, timeout=CONNECT_OPTIONS["timeout"])
    try:
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if plain.execute("PRAGMA journal_mode = DELETE").fetchone()[0].lower() != "delete":
            raise sqlite3.OperationalError("database is locked")  # WAL stays while another connection is open
    except sqlite3.DatabaseError as exc:
        if _error_kind(exc) != "busy":
            raise
        raise StoreError(_("{file}: the library is in use by another program (the window, or another qaws); "
                           "close it and run 'qaws encrypt' again. Nothing was changed").format(file=path)) from exc
    finally:
        plain.close()
    conn = _sqlcipher().connect(str(path), isolation_level=None)
    try:
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(temp),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    except BaseException:
        conn.close()
        _remove_with_journals(temp)
        raise
    conn.close()
    fsync_path(temp)
    os.replace(temp, path)
    fsync_path(path.parent)
