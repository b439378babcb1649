"""The audit log: who changed a score, released, disputed, ruled, changed a role or saw unredacted data.

The log is a table in the library that only ever grows. Triggers refuse UPDATE and DELETE, so the app (or a
curious user with an SQLite browser) cannot quietly rewrite history; and each row stores the SHA-256 of the
previous row's hash followed by its own canonical content, so a row edited or removed by someone who first drops
the triggers breaks the chain at that row and :func:`verify` names it.

A chain without a secret proves the log was not altered *piecemeal*: whoever rewrites every later row and
recomputes every hash, or cuts off the newest rows, leaves a chain that still links. So the head (row count and
last hash, :func:`head`) is anchored off this computer: each sync records it in the inspector's manifest on the
team share, and :func:`verify` given that anchor refuses a log that is shorter than it, or whose row at the
anchored count has another hash. Rows cut off after the last sync, or a log rewritten together with the share's
manifest, still go unnoticed; a printout of the head covers what matters more than that.

A missing ``audit_log`` table is itself a finding, reported as :class:`AuditLogMissing`, never a database error.

Rows never hold the sensitive data itself (no transcript text, no comments): only what was done, by whom, to
which subject, with small structured details.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

from .sqlite_file import StoreError, database_errors

GENESIS_HASH = "0" * 64

# What is recorded. Every entry names one of these so reports and filters need no free-text matching.
SCORE = "score"
RELEASE = "release"
DISPUTE = "dispute"
RULING = "ruling"
FINALISE = "finalise"
ROLE_CHANGE = "role_change"
UNREDACTED_VIEW = "unredacted_view"
ACTIONS = (SCORE, RELEASE, DISPUTE, RULING, FINALISE, ROLE_CHANGE, UNREDACTED_VIEW)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    role: str
    action: str
    subject: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditLogMissing(StoreError):
    """The library has no ``audit_log`` table: it was dropped (or the file is not a library). A
    :class:`StoreError`, so every front end already says it in one line."""


@dataclass(frozen=True)
class AuditHead:
    """How long the chain was and the hash of its last row, as recorded somewhere the library cannot rewrite."""

    rows: int
    hash: str


@dataclass(frozen=True)
class ChainCheck:
    """The result of walking the chain: ``broken_seq`` is the first row that fails, with the reason."""

    ok: bool
    rows: int
    broken_seq: int | None = None
    problem: str = ""
    head: str = GENESIS_HASH  # the last row's hash, to compare with a copy kept elsewhere

    def describe(self) -> str:
        if self.ok:
            return f"OK: {self.rows} audit entries, hash chain intact, head {self.head[:16]}"
        if self.broken_seq is None:
            return f"audit log broken: {self.problem}"
        return f"audit log broken at row {self.broken_seq}: {self.problem}"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _canonical_detail(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_hash(prev_hash: str, seq: int, at: str, actor: str, role: str, action: str, subject: str,
             detail_json: str) -> str:
    """SHA-256 of the previous hash followed by this row's content as one canonical JSON array.

    The detail is hashed as the exact text stored, so verifying never depends on how JSON numbers round-trip.
    """
    content = json.dumps([seq, at, actor, role, action, subject, detail_json], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def _role_of(db: sqlite_utils.Database, actor: str) -> str:
    row = db.execute("SELECT role FROM users WHERE user_id = ?", (actor,)).fetchone()
    return row[0] if row else ""


def append(db: sqlite_utils.Database, actor: str, action: str, subject: str = "",
           detail: dict[str, Any] | None = None, role: str | None = None) -> AuditEntry:
    """Add one entry; call inside the transaction that makes the change, so the change and its record of it
    commit or vanish together. ``role`` defaults to the actor's role in the library at this moment."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    role = _role_of(db, actor) if role is None else role
    detail_json = _canonical_detail(detail or {})
    at = now_iso()
    digest = row_hash(prev_hash, seq, at, actor, role, action, subject, detail_json)
    db.execute(
        "INSERT INTO audit_log (seq, at, actor, role, action, subject, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, role, action, subject, detail_json, prev_hash, digest),
    )
    return AuditEntry(seq, at, actor, role, action, subject, detail or {}, prev_hash, digest)


_COLUMNS = "seq, at, actor, role, action, subject, detail, prev_hash, hash"


def entries(db: sqlite_utils.Database, subject: str = "", action: str = "") -> list[AuditEntry]:
    """The log oldest first, optionally for one subject (an evaluation id, a user id) or one action."""
    where, params = ["1 = 1"], []
    for column, value in (("subject", subject), ("action", action)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    rows = db.execute(f"SELECT {_COLUMNS} FROM audit_log WHERE {' AND '.join(where)} ORDER BY seq", params)
    return [_entry(row) for row in rows.fetchall()]


def _entry(row: tuple) -> AuditEntry:
    seq, at, actor, role, action, subject, detail, prev_hash, digest = row
    return AuditEntry(seq, at, actor, role, action, subject, json.loads(detail), prev_hash, digest)


def verify(db: sqlite_utils.Database, anchor: AuditHead | None = None) -> ChainCheck:
    """Walk the whole chain and stop at the first row whose link or content does not match; then, given an
    ``anchor`` (see :func:`~qaworkstation.core.team.sync.audit_anchor`), check the chain still reaches it.
    Raises :class:`AuditLogMissing` when the table is gone."""
    check = check_rows(_audit_rows(db, f"SELECT {_COLUMNS} FROM audit_log ORDER BY seq"))
    return check_anchor(db, check, anchor) if anchor is not None and check.ok else check


def head(db: sqlite_utils.Database) -> AuditHead:
    """The chain's current length and last hash, to anchor off this computer (a sync manifest)."""
    rows = _audit_rows(db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    return AuditHead(rows[0][0], rows[0][1]) if rows else AuditHead(0, GENESIS_HASH)


def check_anchor(db: sqlite_utils.Database, check: ChainCheck, anchor: AuditHead) -> ChainCheck:
    """An intact chain must still hold the anchored row unchanged: rows cut from its end, or a rewritten tail,
    leave it shorter or with another hash there."""
    if check.rows < anchor.rows:
        return ChainCheck(False, check.rows, None, f"it has {check.rows} entries, but the team share recorded "
                                                   f"{anchor.rows} at the last sync: entries were removed from its end",
                          check.head)
    rows = _audit_rows(db, "SELECT hash FROM audit_log WHERE seq = ?", (anchor.rows,)) if anchor.rows else []
    found = rows[0][0] if rows else GENESIS_HASH
    if found != anchor.hash:
        return ChainCheck(False, check.rows, anchor.rows or None,
                          "its hash differs from the one the team share recorded at the last sync (the log was "
                          "rewritten from there on, or this is another library)", check.head)
    return check


def _audit_rows(db: sqlite_utils.Database, sql: str, params: tuple = ()) -> list[tuple]:
    try:
        return db.execute(sql, params).fetchall()
    except database_errors() as exc:
        if "no such table" in str(exc):
            raise AuditLogMissing("the library has no audit log (its audit_log table was removed): its history "
                                  "of changes is gone; restore the library from a backup") from exc
        raise


def check_rows(rows: Iterable[tuple]) -> ChainCheck:
    """The chain check over raw ``(seq, at, actor, role, action, subject, detail, prev_hash, hash)`` rows."""
    expected_prev, count = GENESIS_HASH, 0
    for seq, at, actor, role, action, subject, detail, prev_hash, digest in rows:
        count += 1
        odd = _not_as_written(seq, (at, actor, role, action, subject, detail, prev_hash, digest))
        if odd:
            return ChainCheck(False, count, seq, f"it holds {odd} where the app writes text (the row was altered)")
        if prev_hash != expected_prev:
            return ChainCheck(False, count, seq, "it does not follow the row before it (a row before it was "
                                                 "removed, inserted or altered)")
        if row_hash(prev_hash, seq, at, actor, role, action, subject, detail) != digest:
            return ChainCheck(False, count, seq, "its content does not match its hash (the row was altered)")
        expected_prev = digest
    return ChainCheck(True, count, head=expected_prev)


def _not_as_written(seq: object, texts: tuple[object, ...]) -> str:
    """What a row holds that the app never writes (a BLOB, a number or NULL where text belongs), or "": such a row
    cannot even be hashed, and is as altered as one whose hash differs."""
    odd = [value for value in texts if not isinstance(value, str)]
    if not isinstance(seq, int):
        odd.insert(0, seq)
    return f"a {type(odd[0]).__name__ if odd[0] is not None else 'NULL'} value" if odd else ""
