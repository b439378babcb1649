"""The audit log: who changed a score, released, disputed, ruled, changed a role or saw unredacted data.

The log is a table in the library that only ever grows. Triggers refuse UPDATE and DELETE, so the app (or a
curious user with an SQLite browser) cannot quietly rewrite history; and each row stores the SHA-256 of the
previous row's hash followed by its own canonical content, so a row edited or removed by someone who first drops
the triggers breaks the chain at that row and :func:`verify` names it.

A chain without a secret proves the log was not altered *piecemeal*: whoever rewrites every later row and
recomputes every hash, or cuts off the newest rows, leaves a chain that still verifies. Comparing the row count
and head hash that :func:`verify` reports with a copy kept elsewhere (a printout, the team share) catches that.

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


def verify(db: sqlite_utils.Database) -> ChainCheck:
    """Walk the whole chain and stop at the first row whose link or content does not match."""
    return check_rows(db.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY seq").fetchall())


def check_rows(rows: Iterable[tuple]) -> ChainCheck:
    """The chain check over raw ``(seq, at, actor, role, action, subject, detail, prev_hash, hash)`` rows."""
    expected_prev, count = GENESIS_HASH, 0
    for seq, at, actor, role, action, subject, detail, prev_hash, digest in rows:
        count += 1
        if prev_hash != expected_prev:
            return ChainCheck(False, count, seq, "it does not follow the row before it (a row before it was "
                                                 "removed, inserted or altered)")
        if row_hash(prev_hash, seq, at, actor, role, action, subject, detail) != digest:
            return ChainCheck(False, count, seq, "its content does not match its hash (the row was altered)")
        expected_prev = digest
    return ChainCheck(True, count, head=expected_prev)
