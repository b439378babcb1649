"""The library list as SQL: filters, sort orders and pages over ``recordings``, for 100,000 calls and more.

The window never holds the whole list: it asks for the number of matching calls, then for the page it is
about to paint (:meth:`LibraryReader.page`), so opening a year of calls costs one indexed ``LIMIT`` query.
Every order ends with the row id, so pages never overlap or skip a call, and each order has an index whose
columns and directions match it (created by the library's step 8), so a page never sorts the whole table.

No sqlite-utils and no Qt here: the window's first paint reads through a plain connection with nothing else
imported (see :mod:`qaworkstation.ui.app`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

# Review states of a call: the most pressing of the latest versions of its evaluations (see step 8's triggers).
NOT_SCORED = "none"
REVIEW_DRAFT = "draft"
REVIEW_SUBMITTED = "submitted"
REVIEW_DISPUTED = "disputed"
REVIEW_STATES = (NOT_SCORED, REVIEW_DRAFT, REVIEW_SUBMITTED, REVIEW_DISPUTED)

# Sort keys: each is the columns of its order as (expression, descending) in the order's first direction, the
# direction its index is built in. The row id breaks ties, ascending in that direction as in every index.
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
# "one agent, riskiest first" reads its first page straight off the index.
_RISK_ORDER = "risk DESC, flag_count DESC, call_time DESC, file_name"
INDEXES = {
    "recordings_by_risk": f"({_RISK_ORDER})",
    "recordings_agent_risk": f"(agent, {_RISK_ORDER})",
    "recordings_team_risk": f"(team, {_RISK_ORDER})",
    "recordings_review_risk": f"(review, {_RISK_ORDER})",
    "recordings_status_risk": f"(status, {_RISK_ORDER})",
    "recordings_call_type_risk": f"(call_type, {_RISK_ORDER})",
    "recordings_by_time": "(call_time DESC)",
    "recordings_by_length": "(duration DESC)",
    "recordings_by_name": "(COALESCE(NULLIF(call_id, ''), file_name))",
}

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

    def where(self) -> tuple[str, dict[str, Any]]:
        """The WHERE condition over ``recordings r`` and its parameters; values are always parameters."""
        conditions, params = ["1 = 1"], {}
        for column in ("agent", "team", "status", "call_type"):
            if getattr(self, column):
                conditions.append(f"r.{column} = :{column}")
                params[column] = getattr(self, column)
        if self.review:
            conditions.append("r.review = :review")
            params["review"] = "" if self.review == NOT_SCORED else self.review
        if self.date_from:
            conditions.append("r.call_time >= :date_from")
            params["date_from"] = self.date_from
        if self.date_to:
            conditions.append("r.call_time < :date_to")
            params["date_to"] = self.date_to
        if self.sample is not None:
            conditions.append("r.id IN (SELECT value FROM json_each(:sample))")
            params["sample"] = json.dumps(list(self.sample))
        return " AND ".join(conditions), params

    def order_terms(self) -> list[tuple[str, bool]]:
        """(expression, descending) for each column of the order, the row id last so the order is total."""
        if self.sort not in SORTS:
            raise ValueError(f"unknown library order {self.sort!r}; expected one of {', '.join(SORTS)}")
        flip = self.descending != SORTS[self.sort][0][1]
        return [(expression, descending != flip) for expression, descending in (*SORTS[self.sort], ("r.rowid", False))]

    def order_by(self) -> str:
        return ", ".join(f"{expression} {'DESC' if descending else 'ASC'}" for expression, descending in
                         self.order_terms())


_SELECT = f"SELECT {', '.join(f'r.{column}' for column in ROW_COLUMNS)} FROM recordings r"


def page_sql(query: LibraryQuery) -> tuple[str, dict[str, Any]]:
    condition, params = query.where()
    return f"{_SELECT} WHERE {condition} ORDER BY {query.order_by()} LIMIT :limit OFFSET :offset", params


def count_sql(query: LibraryQuery) -> tuple[str, dict[str, Any]]:
    condition, params = query.where()
    return f"SELECT COUNT(*) FROM recordings r WHERE {condition}", params


def position_sql(query: LibraryQuery) -> tuple[str, dict[str, Any]]:
    """How many matching calls come before ``:id`` in the order: its row in the list (keyset comparison, so
    keeping the selected call never reads the pages above it)."""
    condition, params = query.where()
    terms = query.order_terms()
    key = ", ".join(f"{expression} AS k{index}" for index, (expression, _desc) in enumerate(terms))
    before = []
    for index, (expression, descending) in enumerate(terms):
        equal = [f"{terms[j][0]} = k.k{j}" for j in range(index)]
        before.append("(" + " AND ".join([*equal, f"{expression} {'>' if descending else '<'} k.k{index}"]) + ")")
    sql = (f"SELECT COUNT(*) FROM recordings r, (SELECT {key} FROM recordings r WHERE r.id = :id) k "
           f"WHERE {condition} AND ({' OR '.join(before)})")
    return sql, params


class LibraryReader:
    """Read-only queries of the library list over one DB-API connection of its own.

    The window reads its pages through this connection on the GUI thread: each read is one indexed query of a
    millisecond or two, and WAL lets it read while the database thread or the queue writes, so it never waits
    for a save (it does not share the store's lock).
    """

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.connection.execute("PRAGMA query_only = 1")

    def close(self) -> None:
        self.connection.close()

    def count(self, query: LibraryQuery) -> int:
        sql, params = count_sql(query)
        return self.connection.execute(sql, params).fetchone()[0]

    def page(self, query: LibraryQuery, offset: int, limit: int) -> list[dict[str, Any]]:
        sql, params = page_sql(query)
        cursor = self.connection.execute(sql, {**params, "limit": limit, "offset": offset})
        return [dict(zip(ROW_COLUMNS, row)) for row in cursor]

    def position(self, query: LibraryQuery, recording_id: str) -> int | None:
        """The row of ``recording_id`` in the list, or None when the filters leave it out."""
        condition, params = query.where()
        found = self.connection.execute(f"SELECT 1 FROM recordings r WHERE r.id = :id AND {condition}",
                                        {**params, "id": recording_id}).fetchone()
        if not found:
            return None
        sql, params = position_sql(query)
        return self.connection.execute(sql, {**params, "id": recording_id}).fetchone()[0]

    def choices(self) -> dict[str, list[str]]:
        """The agents, teams and call types the filters offer, each read off its index."""
        return {column: [row[0] for row in self.connection.execute(
                    f"SELECT DISTINCT {column} FROM recordings WHERE {column} <> '' ORDER BY {column}")]
                for column in ("agent", "team", "call_type")}
