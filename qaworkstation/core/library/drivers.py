"""The two DB-API drivers a library is opened with: plain sqlite3, and SQLCipher's for an encrypted library.

Kept apart from :mod:`.sqlite_file` (which brings sqlite-utils) so the library list, read before the window's
first paint, can tell their errors without importing more than it reads with.
"""

from __future__ import annotations

import sqlite3
import sys


def database_errors() -> tuple[type[Exception], ...]:
    """The DB-API errors of both drivers: SQLCipher's do not derive from :mod:`sqlite3`'s (and can only occur
    once it has been imported)."""
    sqlcipher = sys.modules.get("sqlcipher3")
    return (sqlite3.DatabaseError,) if sqlcipher is None else (sqlite3.DatabaseError, sqlcipher.DatabaseError)
