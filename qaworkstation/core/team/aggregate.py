"""Merge every inspector's synced files into the supervisor's team database.

The share holds one folder per inspector (see :mod:`qaworkstation.core.team.sync`); its journals are the record.
The team database is a separate SQLite file on the supervisor's own disk (never on the share: WAL does not
work over a network filesystem) and is rebuilt from the journals incrementally:

* a journal whose name and sha256 (from the inspector's manifest) were already ingested is not read again,
  so refreshing a year of journals over a slow share costs one directory listing per inspector;
* a journal is marked ingested in the same transaction as its evaluations, so a crash or cancel never
  leaves one half counted;
* an evaluation is keyed by its id and only replaced by a higher version, or the same version with a later
  ``updated_at`` (the share's own reading rule), so re-reading, re-sending or reading journals in another
  order can never count an evaluation twice or bring back an older version;
* a journal that differs from its manifest (a sync client still copying it) is read for what it has but not
  marked ingested, so it is read again once complete;
* what is read is what :func:`~qaworkstation.core.team.sync.inspector_shares` and
  :func:`~qaworkstation.core.team.sync.read_journal` trust: journals listed in the manifest of a folder named after
  its inspector, never through a link, records with finite numbers of that folder's own inspector; and an
  evaluation id published from two inspectors' folders counts for nobody, whatever order they are merged in
  (the rule :func:`~qaworkstation.core.team.sync.read_synced_evaluations` applies), until one folder is cleaned
  up.

Each evaluation brings the inspector's verdicts on the rules' suggestions, kept with its version and replaced
with it, so a re-merge never counts a verdict twice; :func:`rule_precision` turns them into each rule's
precision, the figure that tells a QA lead which rule to tighten.

Only released versions are kept, so every team figure, report and calibration counts only them. A draft
is work in progress that the inspector may still change, so it is never merged (sync no longer publishes
drafts, but older apps did). A disputed version does count: it is the released score until a supervisor
rules, and an upheld dispute brings a corrected version that then replaces it; leaving it out would let an
agent take a bad score out of the figures just by disputing it.

Problems never abort the merge: each names the inspector and file, and says why, for the supervisor to chase.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from platformdirs import user_data_dir

from ..domain import (CONFIRMED, DRAFT, REJECTED, SEQUENCE_CATEGORY, SUBMITTED, Evaluation, Flag, Hearing, ItemScore,
                      Verdict)
from ..i18n import N_, _
from ..library.sqlite_file import SqliteFile, StoreError, filter_clause
from ..library.store import now_iso

# The share's format has one reader: sync's own parsers, so a journal means the same thing everywhere.
from ..privacy.keys import TEAM_KEY, WORKSTATION, KeyChoice, KeyUnavailable, resolve
from ..scoring.scorecard import concerns
from .sync import (InspectorShare, Refusal, contested_refusal, inspector_folder_name, inspector_shares, plan_reading,
                   read_journal)

TEAM_DB_ENV = "QAWS_TEAM_DB"

ProgressCallback = Callable[[float], None]
CancelCheck = Callable[[], bool]

ADDED, UPDATED, UNCHANGED, LEFT_OUT, CONTESTED = "added", "updated", "unchanged", "left out", "contested"
# Said of journals a merge leaves for the budget of one run (see sync.plan_reading): merged journals are not read
# again, so each merge reads on where the last one stopped.
_MERGED_NEXT_TIME = N_("the next merge reads on from there")


def default_team_db_path() -> Path:
    """``$QAWS_TEAM_DB`` if set, else ``team.sqlite3`` in the user's data directory (a local disk)."""
    override = os.environ.get(TEAM_DB_ENV)
    return Path(override) if override else Path(user_data_dir("qaworkstation")) / "team.sqlite3"


class TeamDatabaseError(StoreError):
    """The team database cannot be opened; the message says which file and why."""


@dataclass(frozen=True)
class Problem:
    """One file that could not be (fully) read, worded for the supervisor."""

    inspector: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.inspector}: {self.path}: {self.reason}"


@dataclass
class AggregateResult:
    """What one merge did; ``problems`` is empty when every file was read cleanly."""

    journals_read: int = 0
    journals_skipped: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    drafts: int = 0  # draft records, which older apps synced, left out
    cancelled: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.cancelled

    @property
    def message(self) -> str:
        text = (f"Read {self.journals_read} new journals ({self.journals_skipped} already merged): "
                f"{self.added} evaluations added, {self.updated} updated.")
        if self.drafts:
            text += f" {self.drafts} drafts left out until submitted."
        if self.cancelled:
            text += " Cancelled; run again to finish."
        if self.problems:
            text += f" {len(self.problems)} files had problems."
        return text


def _migration_1(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE evaluations (
            id TEXT PRIMARY KEY, recording_id TEXT NOT NULL, rubric_id TEXT NOT NULL, inspector TEXT NOT NULL,
            agent TEXT NOT NULL, team TEXT NOT NULL, call_id TEXT NOT NULL, call_time TEXT NOT NULL,
            file_name TEXT NOT NULL, day TEXT NOT NULL, comment TEXT NOT NULL, total REAL NOT NULL,
            max_total REAL NOT NULL, passed INTEGER NOT NULL, critical_failed INTEGER NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            source_folder TEXT NOT NULL, source_journal TEXT NOT NULL
        );
        CREATE INDEX evaluations_day ON evaluations(day);
        CREATE INDEX evaluations_call ON evaluations(call_id, rubric_id);
        CREATE TABLE item_scores (
            evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE, item_id TEXT NOT NULL,
            score REAL, na INTEGER NOT NULL, comment TEXT NOT NULL,
            PRIMARY KEY (evaluation_id, item_id)
        );
        CREATE TABLE flags (
            id INTEGER PRIMARY KEY, evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
            category TEXT NOT NULL, phrase TEXT NOT NULL, item TEXT, deduction REAL NOT NULL, start REAL NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX flags_evaluation ON flags(evaluation_id);
        CREATE TABLE journals (
            folder TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, inspector TEXT NOT NULL,
            records INTEGER NOT NULL, ingested_at TEXT NOT NULL,
            PRIMARY KEY (folder, name)
        );
        """
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    """Each evaluation's version and status, where only released statuses fit.

    Rows merged before may be drafts, and nothing in them tells. Their status is left NULL (unknown) and
    every journal is marked unread, so the next merge reads the whole share again: each row then takes the
    status of its journal record, or goes if that record was a draft (see :meth:`TeamDatabase._merge_evaluation`).
    A row whose journal has left the share keeps counting, as it did before, rather than losing its history.
    Separate statements, not a script, keep the step in the migration's transaction.
    """
    db.execute("ALTER TABLE evaluations ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE evaluations ADD COLUMN status TEXT "
               "CHECK (status IN ('submitted', 'disputed', 'resolved', 'final'))")
    db.execute("DELETE FROM journals")


def _migration_3(db: sqlite_utils.Database) -> None:
    """The review behind each score: items reviewed or not, the verdicts on the rules' suggestions, how much of
    the call was heard, the call type and the items accepted without a review of their own.

    Journals never change, so reading them again would add nothing: rows merged before carry what their records
    then meant (items judged as a whole, no verdicts, nothing heard recorded), which the defaults say.
    """
    for statement in (
        "ALTER TABLE item_scores ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE evaluations ADD COLUMN call_type TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE evaluations ADD COLUMN heard_s REAL NOT NULL DEFAULT 0",
        "ALTER TABLE evaluations ADD COLUMN duration_s REAL NOT NULL DEFAULT 0",
        "ALTER TABLE evaluations ADD COLUMN flags_visited INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE evaluations ADD COLUMN flags_total INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE evaluations ADD COLUMN accepted_remaining TEXT NOT NULL DEFAULT '[]'",
        """CREATE TABLE verdicts (
            id INTEGER PRIMARY KEY, evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
            category TEXT NOT NULL, phrase TEXT NOT NULL, item TEXT, start REAL,
            decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')), text TEXT NOT NULL,
            reason TEXT NOT NULL, inspector TEXT NOT NULL, decided_at TEXT NOT NULL
        )""",
        "CREATE INDEX verdicts_evaluation ON verdicts(evaluation_id)",
    ):
        db.execute(statement)


def _migration_4(db: sqlite_utils.Database) -> None:
    """Which folder's journal published which evaluation id, so that an id two inspectors' folders publish
    counts for nobody whatever order the journals are merged in (see :meth:`TeamDatabase.merge_journal`).
    Journals merged before published ids nobody recorded: every journal is marked unread, so the next merge
    reads the share again and records them (rows are keyed by id and version, so nothing counts twice)."""
    db.execute("""CREATE TABLE claims (
        folder TEXT NOT NULL, journal TEXT NOT NULL, evaluation_id TEXT NOT NULL, inspector TEXT NOT NULL,
        PRIMARY KEY (folder, journal, evaluation_id)
    )""")
    db.execute("CREATE INDEX claims_evaluation ON claims(evaluation_id)")
    db.execute("DELETE FROM journals")


# Schema version -> the step that brings the previous version to it; as in store.py, steps are never edited.
MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migration_1,
    2: _migration_2,
    3: _migration_3,
    4: _migration_4,
}
SCHEMA_VERSION = max(MIGRATIONS)

_FLAG_FIELDS = {f.name for f in fields(Flag)}
_VERDICT_COLUMNS = tuple(f.name for f in fields(Verdict))
_EVALUATION_TEXT = ("id", "recording_id", "rubric_id", "inspector", "agent", "team", "call_id", "call_time",
                    "file_name", "comment", "created_at", "updated_at", "call_type")


def evaluation_day(evaluation: Evaluation) -> str:
    """The day (``YYYY-MM-DD``) a report files the evaluation under: the call's own date, because reports
    describe the agents' calls; a call imported without a time falls back to the local day it was scored."""
    candidate = evaluation.call_time[:10]
    try:
        return datetime.strptime(candidate, "%Y-%m-%d").date().isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(evaluation.created_at.replace("Z", "+00:00")).astimezone().date().isoformat()
    except ValueError:
        return ""


class TeamDatabase(SqliteFile):
    """The merged evaluations of a team. One instance per connection; calls are serialised by a lock.

    Opening, locking, migrating, encryption and backups are :class:`SqliteFile`'s.
    """

    noun = "team database"
    error = TeamDatabaseError
    migrations = MIGRATIONS
    schema = MIGRATIONS

    # journals ---------------------------------------------------------------------------------------------

    def ingested_journals(self) -> dict[tuple[str, str], str]:
        """``(inspector folder, journal name) -> sha256`` of every journal merged completely."""
        rows = self._rows("SELECT folder, name, sha256 FROM journals")
        return {(row["folder"], row["name"]): row["sha256"] for row in rows}

    def merge_journal(self, folder: str, name: str, inspector: str, evaluations: list[Evaluation],
                      sha256: str | None) -> list[str]:
        """Merge one journal's evaluations in one transaction and, when ``sha256`` is given (the file was
        complete), remember the journal as ingested. Returns ADDED/UPDATED/UNCHANGED/LEFT_OUT (a draft) or
        CONTESTED per evaluation.

        Every id the journal publishes is recorded as claimed by its folder's inspector first; an id claimed by
        two inspectors is contested and counts for nobody (its row is removed), the rule
        :func:`~qaworkstation.core.team.sync.read_synced_evaluations` applies too, so neither merge order nor a
        colleague publishing someone's id can take a score over."""
        with self.transaction() as db:
            db["claims"].upsert_all(({"folder": folder, "journal": name, "evaluation_id": ev.id,
                                      "inspector": inspector} for ev in evaluations),
                                    pk=("folder", "journal", "evaluation_id"))
            outcomes = [self._merge_evaluation(db, ev, folder, name) for ev in evaluations]
            if sha256 is not None:
                db["journals"].upsert({"folder": folder, "name": name, "sha256": sha256, "inspector": inspector,
                                       "records": len(evaluations), "ingested_at": now_iso()},
                                      pk=("folder", "name"))
        return outcomes

    def _merge_evaluation(self, db: sqlite_utils.Database, ev: Evaluation, folder: str, journal: str) -> str:
        """Keep the latest released version: the highest version, then the latest ``updated_at``, then the
        later journal, so the outcome does not depend on the order in which journals happen to be read."""
        rows = list(db.query("SELECT version, status, updated_at, source_folder, source_journal, inspector "
                             "FROM evaluations WHERE id = ?", (ev.id,)))
        stored = rows[0] if rows else None
        if _is_contested(db, ev.id):
            db.execute("DELETE FROM evaluations WHERE id = ?", (ev.id,))
            return CONTESTED
        if ev.status == DRAFT:
            _drop_if_merged_from(db, stored, ev, folder, journal)
            return LEFT_OUT
        if stored is not None and not _supersedes(ev, folder, journal, stored):
            return UNCHANGED
        db.execute("DELETE FROM evaluations WHERE id = ?", (ev.id,))
        _insert(db, "evaluations", [{
            **{name: getattr(ev, name) for name in _EVALUATION_TEXT}, "day": evaluation_day(ev),
            "total": ev.total, "max_total": ev.max_total, "passed": int(ev.passed),
            "critical_failed": int(ev.critical_failed), "source_folder": folder, "source_journal": journal,
            "version": ev.version, "status": ev.status, "heard_s": ev.hearing.heard_s,
            "duration_s": ev.hearing.duration_s, "flags_visited": ev.hearing.flags_visited,
            "flags_total": ev.hearing.flags_total,
            "accepted_remaining": json.dumps(ev.accepted_remaining, ensure_ascii=False),
        }])
        _insert(db, "item_scores", [
            {"evaluation_id": ev.id, "item_id": s.item_id, "score": s.score, "na": int(s.na), "comment": s.comment,
             "reviewed": int(s.reviewed)}
            for s in ev.items.values()
        ])
        _insert(db, "verdicts", [{"evaluation_id": ev.id, **asdict(v)} for v in ev.verdicts])
        _insert(db, "flags", [
            {"evaluation_id": ev.id, "category": f.category, "phrase": f.phrase, "item": f.item,
             "deduction": f.deduction, "start": f.start, "data": json.dumps(asdict(f), ensure_ascii=False)}
            for f in ev.flags
        ])
        return UPDATED if stored else ADDED

    def contested(self) -> dict[str, list[str]]:
        """Each contested evaluation id with the inspectors whose folders publish it, for the merge to report
        every time (the evaluation stays out of every figure until one folder is cleaned up)."""
        contested: dict[str, set[str]] = defaultdict(set)
        for row in self._rows("SELECT DISTINCT evaluation_id, inspector FROM claims WHERE evaluation_id IN "
                              "(SELECT evaluation_id FROM claims GROUP BY evaluation_id "
                              "HAVING COUNT(DISTINCT inspector) > 1) ORDER BY evaluation_id"):
            contested[row["evaluation_id"]].add(row["inspector"])
        return {ev_id: sorted(names) for ev_id, names in contested.items()}

    def forget_journals_gone(self, present: set[tuple[str, str]]) -> None:
        """Drop the claims of journals no longer published (a forged journal removed, a folder cleaned up or
        refused), and mark unread the journals that claim an id this leaves uncontested, so its owner's records
        are merged again: cleaning up the share is how a contested evaluation comes back. A gone journal is
        marked unread too, so its claims are back if it reappears (a manifest unreadable only for a moment)."""
        gone = [(row["folder"], row["journal"]) for row in self._rows("SELECT DISTINCT folder, journal FROM claims")
                if (row["folder"], row["journal"]) not in present]
        if not gone:  # the usual refresh: nothing to write
            return
        with self.transaction() as db:
            before = set(self._contested_ids(db))
            db.conn.executemany("DELETE FROM claims WHERE folder = ? AND journal = ?", gone)
            db.conn.executemany("DELETE FROM journals WHERE folder = ? AND name = ?", gone)
            freed = sorted(before - set(self._contested_ids(db)))
            db.conn.executemany("DELETE FROM journals WHERE (folder, name) IN (SELECT folder, journal FROM claims "
                                "WHERE evaluation_id = ?)", [(ev_id,) for ev_id in freed])

    @staticmethod
    def _contested_ids(db: sqlite_utils.Database) -> list[str]:
        return [row[0] for row in db.execute("SELECT evaluation_id FROM claims GROUP BY evaluation_id "
                                             "HAVING COUNT(DISTINCT inspector) > 1")]

    # reading ----------------------------------------------------------------------------------------------

    def evaluation_count(self) -> int:
        return self._rows("SELECT COUNT(*) AS n FROM evaluations")[0]["n"]

    def months(self) -> list[str]:
        """The months (``YYYY-MM``) that have evaluations, latest first: the periods a report can be built for."""
        rows = self._rows("SELECT DISTINCT substr(day, 1, 7) AS month FROM evaluations WHERE day != '' "
                          "ORDER BY month DESC")
        return [row["month"] for row in rows]

    def inspectors(self) -> list[str]:
        """Everyone who has released an evaluation to the share, for choosing a calibration's participants."""
        return [row["inspector"] for row in self._rows("SELECT DISTINCT inspector FROM evaluations ORDER BY 1")]

    def scored_calls(self) -> list[tuple[str, str, str]]:
        """``(call id, file name, rubric id)`` of every scored call, latest first, for choosing a calibration call."""
        rows = self._rows("SELECT call_id, file_name, rubric_id, MAX(call_time) AS latest FROM evaluations "
                          "WHERE call_id != '' GROUP BY call_id ORDER BY latest DESC")
        return [(row["call_id"], row["file_name"], row["rubric_id"]) for row in rows]

    def evaluations(self, day_from: str = "", day_to: str = "", team: str = "", agent: str = "",
                    inspector: str = "", rubric_id: str = "") -> list[Evaluation]:
        """Merged evaluations, items, flags and verdicts included; ``day_from`` inclusive, ``day_to`` exclusive
        (``YYYY-MM-DD``, see :func:`evaluation_day`), ordered by day and call time."""
        condition, params = filter_clause({"team": team, "agent": agent, "inspector": inspector,
                                           "rubric_id": rubric_id}, "day", day_from, day_to)
        rows = self._rows(f"SELECT * FROM evaluations WHERE {condition} ORDER BY day, call_time, id", params)
        children = {table: self._children(table, condition, params) for table in ("item_scores", "flags", "verdicts")}
        return [self._evaluation(row, *(children[table].get(row["id"], []) for table in children)) for row in rows]

    def _children(self, table: str, condition: str, params: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
        """All rows of ``table`` for the selected evaluations in one query, grouped by evaluation id."""
        order = {"flags": "c.start, c.id", "verdicts": "c.id"}.get(table, "c.rowid")
        sql = (f"SELECT c.* FROM {table} c WHERE c.evaluation_id IN "
               f"(SELECT id FROM evaluations WHERE {condition}) ORDER BY c.evaluation_id, {order}")
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in self._rows(sql, params):
            grouped.setdefault(row["evaluation_id"], []).append(row)
        return grouped

    @staticmethod
    def _evaluation(row: dict[str, Any], items: list[dict[str, Any]], flags: list[dict[str, Any]],
                    verdicts: list[dict[str, Any]]) -> Evaluation:
        """A row merged before statuses were kept and not seen since reads as submitted, which is what it
        counted as then."""
        return Evaluation(
            **{name: row[name] for name in _EVALUATION_TEXT}, total=row["total"], max_total=row["max_total"],
            passed=bool(row["passed"]), critical_failed=bool(row["critical_failed"]),
            version=row["version"], status=row["status"] or SUBMITTED,
            items={s["item_id"]: ItemScore(s["item_id"], s["score"], bool(s["na"]), s["comment"], bool(s["reviewed"]))
                   for s in items},
            flags=[_flag(json.loads(f["data"])) for f in flags],
            verdicts=[Verdict(**{name: v[name] for name in _VERDICT_COLUMNS}) for v in verdicts],
            hearing=Hearing(row["heard_s"], row["duration_s"], row["flags_visited"], row["flags_total"]),
            accepted_remaining=json.loads(row["accepted_remaining"]),
        )


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows of one shape with a plain statement: sqlite-utils looks the table up again on every call, which
    was most of a merge's time (20,000 small records: 11.9 s through it, 4.8 s like this)."""
    if rows:
        columns = list(rows[0])
        names, marks = ", ".join(f"[{name}]" for name in columns), ", ".join("?" * len(columns))
        db.conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({marks})",
                            [tuple(row[name] for name in columns) for row in rows])


def _is_contested(db: sqlite_utils.Database, evaluation_id: str) -> bool:
    row = db.execute("SELECT COUNT(DISTINCT inspector) FROM claims WHERE evaluation_id = ?", (evaluation_id,))
    return row.fetchone()[0] > 1


def _supersedes(ev: Evaluation, folder: str, journal: str, stored: dict[str, Any]) -> bool:
    """Whether a released record replaces the stored row. A row of unknown status (merged before statuses
    were kept) gives way to any released record of its evaluation: its journals are all read again after the
    upgrade, so it ends up as the latest released record all the same."""
    if stored["status"] is None:
        return True
    kept = (stored["version"], stored["updated_at"], stored["source_folder"], stored["source_journal"])
    return (ev.version, ev.updated_at, folder, journal) > kept


def _drop_if_merged_from(db: sqlite_utils.Database, stored: dict[str, Any] | None, draft: Evaluation, folder: str,
                         journal: str) -> None:
    """Delete the row an older app merged from this very draft record (same journal, same ``updated_at``,
    status still unknown): it was never a score."""
    if stored is None or stored["status"] is not None:
        return
    if (stored["updated_at"], stored["source_folder"], stored["source_journal"]) == (draft.updated_at, folder, journal):
        db.execute("DELETE FROM evaluations WHERE id = ?", (draft.id,))


def _flag(data: dict[str, Any]) -> Flag:
    """Flags are kept whole as JSON (the queried fields are columns too), so fields added to
    :class:`Flag` later survive the team database without a migration; unknown ones are dropped."""
    return Flag(**{key: value for key, value in data.items() if key in _FLAG_FIELDS})


# ---------------------------------------------------------------------------------------------- merging


def aggregate(share: str | os.PathLike[str], team_db: TeamDatabase, progress: ProgressCallback | None = None,
              cancelled: CancelCheck | None = None, key: KeyChoice = WORKSTATION) -> AggregateResult:
    """Merge the journals under ``share`` that ``team_db`` has not ingested yet; never raises for a bad share.
    Encrypted journals are read with ``key``, by default this workstation's team key.

    Running it again with nothing new reads no journal and changes nothing. One run reads no more than the share's
    reading budgets (see :func:`~qaworkstation.core.team.sync.plan_reading`); what is left is reported, and the
    next run reads on from there.
    """
    result = AggregateResult()
    team_key = _team_key(key, result.problems)
    folders = _inspector_folders(Path(share), result.problems)
    if folders is not None:
        team_db.forget_journals_gone({(f.folder.name, j.name) for f in folders for j in f.journals})
    folders = folders or []
    ingested = team_db.ingested_journals()
    pending = [(f, j) for f in folders for j in f.journals
               if _needs_reading(ingested.get((f.folder.name, j.name)), f.files.get(j.name))]
    result.journals_skipped = sum(len(f.journals) for f in folders) - len(pending)
    refusals: list[Refusal] = []
    pending = plan_reading(Path(share), pending, refusals, _(_MERGED_NEXT_TIME))
    result.problems.extend(map(_problem, refusals))
    for done, (inspector_folder, journal) in enumerate(pending):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        _merge_journal(team_db, inspector_folder, journal, result, team_key)
        if progress is not None:
            progress((done + 1) / len(pending))
    result.problems.extend(_contested_problems(Path(share), team_db))
    return result


def _contested_problems(share: Path, team_db: TeamDatabase) -> list[Problem]:
    """Every contested id, against each folder publishing it, on every merge: it is out of the figures until
    someone cleans up, and a merge that reads nothing new must still say so."""
    return [_problem(contested_refusal(share / inspector_folder_name(name), name, ev_id, names))
            for ev_id, names in team_db.contested().items() for name in names]


def _team_key(key: KeyChoice, problems: list[Problem]) -> bytes | None:
    """A team key that cannot be loaded leaves the plain journals readable, so it is a problem, not a stop."""
    try:
        return resolve(key, TEAM_KEY)
    except KeyUnavailable as err:
        problems.append(Problem("", "", f"encrypted journals cannot be read: {err}"))
        return None


def _needs_reading(ingested_sha256: str | None, manifest_sha256: str | None) -> bool:
    """Journals never change once written, so one merged completely is read again only when the manifest
    names a different hash (it was replaced); a manifest that is unreadable right now changes nothing."""
    if ingested_sha256 is None:
        return True
    return manifest_sha256 is not None and manifest_sha256 != ingested_sha256


def _inspector_folders(share: Path, problems: list[Problem]) -> list[InspectorShare] | None:
    """The inspectors' folders a merge may trust (see :func:`~qaworkstation.core.team.sync.inspector_shares`); an
    unreadable share, and every folder or journal refused, is a problem. None when the share could not be
    listed at all, so that an unmounted share is not taken for one whose journals were all removed."""
    try:
        if not share.is_dir():
            reason = "the shared folder was not found or is not a folder; check that the share is mounted"
            problems.append(Problem("", str(share), reason))
            return None
        folders, refusals = inspector_shares(share)
    except OSError as err:
        problems.append(Problem("", str(share), f"could not list the folder ({err.strerror or err})"))
        return None
    problems.extend(map(_problem, refusals))
    return folders


def _problem(refusal: Refusal) -> Problem:
    return Problem(refusal.inspector, str(refusal.path), refusal.reason)


def _merge_journal(team_db: TeamDatabase, source: InspectorShare, journal: Path, result: AggregateResult,
                   key: bytes | None) -> None:
    """Read one journal and merge it; it is marked ingested only when it matches the manifest, because a
    journal that is still being copied will be read again next time. An encrypted journal that cannot be
    decrypted is not merged at all, so it is tried again (with the right key) next time."""
    read = read_journal(journal, source, key)
    result.problems.extend(map(_problem, read.refusals))
    if read.sha256 is None:
        return
    complete = read.sha256 if read.sha256 == source.files.get(journal.name) else None
    outcomes = team_db.merge_journal(source.folder.name, journal.name, source.inspector, read.evaluations, complete)
    result.journals_read += 1
    result.added += outcomes.count(ADDED)
    result.updated += outcomes.count(UPDATED)
    result.unchanged += outcomes.count(UNCHANGED)
    result.drafts += outcomes.count(LEFT_OUT)


# ---------------------------------------------------------------------------------------------- precision


@dataclass(frozen=True, order=True)
class RuleKey:
    """A rule as its hits and verdicts name it: rubric, category and item. A phrase rule's many phrases are one
    rule; sequence rules can share a category and an item, so theirs is told apart by the rule's name, which
    is what a sequence flag carries as its phrase."""

    rubric_id: str
    category: str
    item: str
    phrase: str = ""


def rule_key(rubric_id: str, category: str, item: str | None, phrase: str) -> RuleKey:
    return RuleKey(rubric_id, category, item or "", phrase if category == SEQUENCE_CATEGORY else "")


@dataclass(frozen=True)
class RulePrecision:
    """How a rule fared with the inspectors: its hits, and how many of them they confirmed or rejected."""

    rule: RuleKey
    hits: int
    confirmed: int
    rejected: int

    @property
    def pending(self) -> int:
        """Hits nobody gave a verdict on (kept as they were suggested)."""
        return self.hits - self.confirmed - self.rejected

    @property
    def precision(self) -> float | None:
        """Confirmed over judged, 0..1; None before any verdict (not 0: no verdict is no evidence)."""
        judged = self.confirmed + self.rejected
        return self.confirmed / judged if judged else None


Judged = tuple[RuleKey, str | None]  # one hit of a rule and its verdict: confirmed, rejected or None (pending)


def evaluation_hits(evaluation: Evaluation) -> list[Judged]:
    """Every hit of the rules on one evaluated call with its verdict: the flags the evaluation stands by
    (confirmed, or pending without a verdict), then every suggestion judged that it does not stand by: the
    rejected ones, and those confirmed on an item the inspector then scored otherwise (the rule was right)."""
    judged: list[Judged] = []
    used: set[int] = set()
    for flag in evaluation.flags:
        matching = [index for index, v in enumerate(evaluation.verdicts)
                    if concerns(v.category, v.phrase, v.item, v.start, flag)]
        used.update(matching)
        latest = max((evaluation.verdicts[index] for index in matching), key=lambda v: v.decided_at, default=None)
        judged.append((_key_of(evaluation, flag), latest.decision if latest else None))
    judged += [(_key_of(evaluation, v), v.decision) for index, v in enumerate(evaluation.verdicts) if index not in used]
    return judged


def _key_of(evaluation: Evaluation, hit: Flag | Verdict) -> RuleKey:
    return rule_key(evaluation.rubric_id, hit.category, hit.item, hit.phrase)


def tally(judged: Iterable[Judged]) -> list[RulePrecision]:
    """Hits and verdicts per rule, the least precise rule first (most rejections first among equals): the order
    in which a QA lead should look at them. Rules without a verdict yet come last."""
    counts: dict[RuleKey, Counter[str | None]] = defaultdict(Counter)
    for key, decision in judged:
        counts[key][decision] += 1
    rows = [RulePrecision(key, sum(c.values()), c[CONFIRMED], c[REJECTED]) for key, c in counts.items()]
    return sorted(rows, key=lambda r: (r.precision is None, r.precision or 0.0, -r.rejected, -r.hits, r.rule))


def rule_precision(evaluations: Iterable[Evaluation]) -> list[RulePrecision]:
    """Each rule's precision over ``evaluations``, from the verdicts their inspectors gave (see :func:`tally`)."""
    return tally(hit for evaluation in evaluations for hit in evaluation_hits(evaluation))
