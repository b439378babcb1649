"""Where the library file is, and the two DB-API drivers it is opened with: plain sqlite3, and SQLCipher's for
an encrypted library.

Kept apart from :mod:`.sqlite_file` (which brings sqlite-utils, and with it numpy: a third of a second) so the
library list, painted before the rest of the window has loaded, can open and read the file with nothing more.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

DB_ENV = "QAWS_DB"
# Every connection: usable from the thread that hands it on, autocommit (transactions are opened explicitly),
# and a wait for a writer's lock before "database is locked".
CONNECT_OPTIONS: dict[str, Any] = {"check_same_thread": False, "isolation_level": None, "timeout": 10}


def default_db_path() -> Path:
    """``$QAWS_DB`` if set, else ``library.sqlite3`` in the user's data directory."""
    override = os.environ.get(DB_ENV)
    return Path(override) if override else Path(user_data_dir("qaworkstation")) / "library.sqlite3"


def connect_plain(target: str, uri: bool = False) -> sqlite3.Connection:
    """An unencrypted connection with :data:`CONNECT_OPTIONS`."""
    return sqlite3.connect(target, uri=uri, **CONNECT_OPTIONS)


def database_errors() -> tuple[type[Exception], ...]:
    """The DB-API errors of both drivers: SQLCipher's do not derive from :mod:`sqlite3`'s (and can only occur
    once it has been imported)."""
    sqlcipher = sys.modules.get("sqlcipher3")
    return (sqlite3.DatabaseError,) if sqlcipher is None else (sqlite3.DatabaseError, sqlcipher.DatabaseError)
