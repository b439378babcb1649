"""The library list as SQL: filters, sort orders and pages over ``recordings``, for 100,000 calls and more.

The window never holds the whole list: it asks for the number of matching calls, then for the page it is
about to paint (:meth:`LibraryReader.page`), so opening a year of calls costs one indexed ``LIMIT`` query.
Every order ends with the call's id, so pages never overlap or skip a call, and each order has an index whose
columns and directions match it (created by the library's step 9), so a page never sorts the whole table.

No sqlite-utils and no Qt here: the window's first paint reads through a plain connection with nothing else
imported (see :mod:`qaworkstation.ui.app`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .drivers import connect_plain, database_errors

# Review states of a call: the most pressing of the latest versions of its evaluations (see step 8's triggers).
NOT_SCORED = "none"
REVIEW_DRAFT = "draft"
REVIEW_SUBMITTED = "submitted"
REVIEW_DISPUTED = "disputed"
REVIEW_STATES = (NOT_SCORED, REVIEW_DRAFT, REVIEW_SUBMITTED, REVIEW_DISPUTED)

# Sort keys: each is the columns of its order as (expression, descending) in the order's first direction, the
# direction its index is built in. The call's id breaks ties, ascending, as it follows the order in every index.
CALL_NAME = "COALESCE(NULLIF(r.call_id, ''), r.file_name)"
_RISK = (("r.risk", True), ("r.flag_count", True), ("r.call_time", True), ("r.file_name", False))
SORTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "risk": _RISK,
    "call": ((CALL_NAME, False),),
    "agent": (("r.agent", False), *_RISK),  # each agent's riskiest calls first, off one index
    "time": (("r.call_time", True),),
    "length": (("r.duration", True),),
    "review": (("r.review", False), *_RISK),
}
DEFAULT_SORT = "risk"

# The indexes behind the orders and the common filters; each filter column leads an index in risk order, so
# "one agent, riskiest first" reads its first page straight off the index. Every index also carries the other
# filter columns, so a combination no index leads (one team's drafts of complaints) is checked inside the index
# without a lookup per row: without them a rare combination read 10,000 rows to fill its first page (19 ms).
_RISK_ORDER = "risk DESC, flag_count DESC, call_time DESC, file_name"
FILTER_COLUMNS = ("agent", "team", "review", "status", "call_type", "call_time")


def _covering(*leading: str) -> str:
    """An index's columns: the order ``leading``, the call's id that ends every order (so a page is read off the
    index, never sorted), then the filter columns it does not already hold."""
    return "(" + ", ".join([*leading, "id", *(column for column in FILTER_COLUMNS
                                               if not any(part.split()[0] == column for part in leading))]) + ")"


_RISK_PARTS = tuple(_RISK_ORDER.split(", "))
INDEXES = {
    "recordings_by_risk": _covering(*_RISK_PARTS),
    "recordings_agent_risk": _covering("agent", *_RISK_PARTS),
    "recordings_team_risk": _covering("team", *_RISK_PARTS),
    "recordings_review_risk": _covering("review", *_RISK_PARTS),
    "recordings_status_risk": _covering("status", *_RISK_PARTS),
    "recordings_call_type_risk": _covering("call_type", *_RISK_PARTS),
    "recordings_by_time": _covering("call_time DESC"),
    "recordings_by_length": _covering("duration DESC"),
    "recordings_by_name": _covering("COALESCE(NULLIF(call_id, ''), file_name)"),
}

LIST_COLUMNS_STEP = 8  # the library step that added the last columns the list reads (its counts, review state)
ROW_COLUMNS = ("id", "call_id", "file_name", "path", "agent", "team", "call_time", "duration", "status", "error",
               "risk", "flag_count", "review", "evaluation_count", "call_type", "language")


@dataclass(frozen=True)
class LibraryQuery:
    """Which calls the library shows and in what order; empty strings do not filter.

    ``date_to`` is exclusive (the day after the last one shown), ``sample`` limits the list to a drawn sample's
    calls, and ``review`` is one of :data:`REVIEW_STATES`.
    """

    agent: str = ""
    team: str = ""
    status: str = ""
    review: str = ""
    call_type: str = ""
    date_from: str = ""
    date_to: str = ""
    sample: tuple[str, ...] | None = None
    sort: str = DEFAULT_SORT
    descending: bool = True

    def sorted_by(self, sort: str, descending: bool) -> LibraryQuery:
        return replace(self, sort=sort, descending=descending)

    def where(self, dates_in_order: bool = False) -> tuple[str, dict[str, Any]]:
        """The WHERE condition over ``recordings r`` and its parameters; values are always parameters.

        ``dates_in_order`` keeps the date range from choosing the index (SQLite's unary ``+``): a page in
        another order then reads that order's index, which holds the call time, and stops at its last row,
        where the time index would read and sort the whole range (32 ms for a month of 100,000 calls)."""
        conditions, params = ["1 = 1"], {}
        call_time = "+r.call_time" if dates_in_order and self.sort != "time" else "r.call_time"
        for column in ("agent", "team", "status", "call_type"):
            if getattr(self, column):
                conditions.append(f"r.{column} = :{column}")
                params[column] = getattr(self, column)
        if self.review:
            conditions.append("r.review = :review")
            params["review"] = "" if self.review == NOT_SCORED else self.review
        if self.date_from:
            conditions.append(f"{call_time} >= :date_from")
            params["date_from"] = self.date_from
        if self.date_to:
            conditions.append(f"{call_time} < :date_to")
            params["date_to"] = self.date_to
        if self.sample is not None:
            conditions.append("r.id IN (SELECT value FROM json_each(:sample))")
            params["sample"] = json.dumps(list(self.sample))
        return " AND ".join(conditions), params

    def order_terms(self) -> list[tuple[str, bool]]:
        """(expression, descending) for each column of the order, the call's id last so the order is total."""
        if self.sort not in SORTS:
            raise ValueError(f"unknown library order {self.sort!r}; expected one of {', '.join(SORTS)}")
        flip = self.descending != SORTS[self.sort][0][1]
        return [(expression, descending != flip) for expression, descending in (*SORTS[self.sort], ("r.id", False))]

    def order_by(self) -> str:
        return ", ".join(f"{expression} {'DESC' if descending else 'ASC'}" for expression, descending in
                         self.order_terms())


_SELECT = f"SELECT {', '.join(f'r.{column}' for column in ROW_COLUMNS)} FROM recordings r"


def page_sql(query: LibraryQuery) -> tuple[str, dict[str, Any]]:
    condition, params = query.where(dates_in_order=True)
    return f"{_SELECT} WHERE {condition} ORDER BY {query.order_by()} LIMIT :limit OFFSET :offset", params


def count_sql(query: LibraryQuery, at_most: int | None = None) -> tuple[str, dict[str, Any]]:
    """The number of matching calls; with ``at_most``, counting stops there, so the read is bounded however many
    calls match (an unbounded count walks every match: 250 ms for two unindexed filters on 100,000 calls)."""
    condition, params = query.where()
    if at_most is None:
        return f"SELECT COUNT(*) FROM recordings r WHERE {condition}", params
    return (f"SELECT COUNT(*) FROM (SELECT 1 FROM recordings r WHERE {condition} LIMIT :at_most)",
            {**params, "at_most": at_most})


def _before(terms: list[tuple[str, bool]]) -> str:
    """Rows that come before the anchor row ``k`` in the order: a keyset comparison, term by term."""
    alternatives = []
    for index, (expression, descending) in enumerate(terms):
        equal = [f"{terms[j][0]} = k.k{j}" for j in range(index)]
        alternatives.append("(" + " AND ".join([*equal, f"{expression} {'>' if descending else '<'} k.k{index}"]) + ")")
    return "(" + " OR ".join(alternatives) + ")"


def _anchor(terms: list[tuple[str, bool]]) -> str:
    """The anchor row's order key, as ``k.k0``, ``k.k1`` ..."""
    key = ", ".join(f"{expression} AS k{index}" for index, (expression, _desc) in enumerate(terms))
    return f"(SELECT {key} FROM recordings r WHERE r.id = :id) k"


def position_sql(query: LibraryQuery, at_most: int | None = None) -> tuple[str, dict[str, Any]]:
    """How many matching calls come before ``:id`` in the order: its row in the list (keyset comparison, so
    keeping the selected call never reads the pages above it); with ``at_most``, counting stops there."""
    condition, params = query.where()
    terms = query.order_terms()
    sql = f"SELECT 1 FROM recordings r, {_anchor(terms)} WHERE {condition} AND {_before(terms)}"
    if at_most is None:
        return f"SELECT COUNT(*) FROM ({sql})", params
    return f"SELECT COUNT(*) FROM ({sql} LIMIT :at_most)", {**params, "at_most": at_most}


class LibraryReader:
    """Read-only queries of the library list over one DB-API connection of its own.

    The window reads its pages through this connection on the GUI thread: each read is one indexed query of a
    millisecond or two, and WAL lets it read while the database thread or the queue writes, so it never waits
    for a save (it does not share the store's lock). Exact counts of large lists take longer; ``reopen`` (how
    this connection was opened) gives :meth:`another` reader for a thread that counts them.
    """

    def __init__(self, connection: Any, reopen: Callable[[], Any] | None = None) -> None:
        self.connection = connection
        self.connection.execute("PRAGMA query_only = 1")
        self._reopen = reopen

    def another(self) -> LibraryReader | None:
        """A reader over a connection of its own, for another thread; None when this one cannot be reopened."""
        return LibraryReader(self._reopen(), self._reopen) if self._reopen else None

    def close(self) -> None:
        self.connection.close()

    def count(self, query: LibraryQuery, at_most: int | None = None) -> int:
        sql, params = count_sql(query, at_most)
        return self.connection.execute(sql, params).fetchone()[0]

    def count_within(self, query: LibraryQuery, at_most: int, work: int) -> int | None:
        """:meth:`count` up to ``at_most``, or None if that needs more than ``work`` thousand steps of SQLite's
        engine: a few matches spread over a large index range would otherwise hold up the first paint. Steps,
        not seconds, so the same library and query always give the same answer, however busy the machine."""
        steps = iter(range(work))
        self.connection.set_progress_handler(lambda: next(steps, None) is None, 1000)
        try:
            return self.count(query, at_most)
        except database_errors() as exc:
            if "interrupt" not in str(exc):
                raise
            return None
        finally:
            self.connection.set_progress_handler(None, 0)

    def page(self, query: LibraryQuery, offset: int, limit: int) -> list[dict[str, Any]]:
        sql, params = page_sql(query)
        cursor = self.connection.execute(sql, {**params, "limit": limit, "offset": offset})
        return [dict(zip(ROW_COLUMNS, row)) for row in cursor]

    def position(self, query: LibraryQuery, recording_id: str, at_most: int | None = None) -> int | None:
        """The row of ``recording_id`` in the list (``at_most`` if it is that far down or further), or None when
        the filters leave it out."""
        condition, params = query.where()
        found = self.connection.execute(f"SELECT 1 FROM recordings r WHERE r.id = :id AND {condition}",
                                        {**params, "id": recording_id}).fetchone()
        if not found:
            return None
        sql, params = position_sql(query, at_most)
        return self.connection.execute(sql, {**params, "id": recording_id}).fetchone()[0]

    def choices(self) -> dict[str, list[str]]:
        """The agents, teams and call types the filters offer, each read off its index."""
        return {column: [row[0] for row in self.connection.execute(
                    f"SELECT DISTINCT {column} FROM recordings WHERE {column} <> '' ORDER BY {column}")]
                for column in ("agent", "team", "call_type")}


def quick_reader(path: Path, key: bytes | None) -> LibraryReader | None:
    """A reader for the window's first paint that opens nothing but the file: no sqlite-utils, no migrations.

    None when the library must be opened in full first: it is encrypted (``key``), missing, not a database, or
    from before the list's columns existed (its migrations have to run). The later steps of an existing
    library only add indexes and tables the list does not read, so it can be shown while they run.
    """
    if key is not None or not path.is_file():
        return None
    try:
        connection = connect_plain(str(path))
        if connection.execute("PRAGMA user_version").fetchone()[0] >= LIST_COLUMNS_STEP:
            return LibraryReader(connection, lambda: connect_plain(str(path)))
        connection.close()
    except sqlite3.DatabaseError:
        pass
    return None
