"""The inspector's library: one local SQLite file, written through sqlite-utils.

WAL mode lets the window read while a save commits; every multi-row change runs in one transaction so a crash
leaves either the old or the new state, never half of one. Each step of :data:`MIGRATIONS` runs once, and the
file records which have run (see :mod:`qaworkstation.core.library.sqlite_file`).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

from ..domain import DRAFT, FINAL, Check, Dispute, Evaluation, Flag, Hearing, ItemScore, Segment, Verdict, Word
from ..i18n import _
from . import audit, search
from .migrations import MIGRATIONS, STEP_EVIDENCE
from .query import LibraryQuery, LibraryReader
from .sqlite_file import SqliteFile, StoreError, filter_clause, open_connection


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def new_id() -> str:
    return str(uuid.uuid4())


class LifecycleError(Exception):
    """The evaluation's status forbids the change (amending a final one, disputing a draft); the message
    says which evaluation and why."""


_RECORDING_FIELDS = ("agent", "team", "call_id", "call_time")


class Store(SqliteFile):
    """All reads and writes of the library. One instance per connection; calls are serialised by a lock.

    Opening, locking, migrating, encryption and backups are :class:`SqliteFile`'s.
    """

    noun = "library"
    error = StoreError
    migrations = MIGRATIONS
    schema = MIGRATIONS
    step_evidence = STEP_EVIDENCE

    # recordings -------------------------------------------------------------------------------------------

    def recording_by_hash(self, sha256: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM recordings WHERE sha256 = ?", (sha256,))
        return rows[0] if rows else None

    def recording(self, recording_id: str) -> dict[str, Any]:
        rows = self._rows("SELECT * FROM recordings WHERE id = ?", (recording_id,))
        if not rows:
            raise KeyError(recording_id)
        return rows[0]

    def add_recording(self, fields: dict[str, Any]) -> tuple[str, bool]:
        """Insert a recording unless its content hash is known; returns (id, whether it is new)."""
        with self.transaction() as db:
            existing = self.recording_by_hash(fields["sha256"])
            if existing:
                return existing["id"], False
            stamp = now_iso()
            row = {"id": new_id(), "imported_at": stamp, "updated_at": stamp, **fields}
            db["recordings"].insert(row)
            return row["id"], True

    def update_recording(self, recording_id: str, **fields: Any) -> None:
        with self.transaction() as db:
            db["recordings"].update(recording_id, {**fields, "updated_at": now_iso()})

    def list_recordings(self, agent: str = "", team: str = "", status: str = "", date_from: str = "",
                        date_to: str = "", rubric_id: str = "") -> list[dict[str, Any]]:
        """Every matching call, riskiest first, with its flag count (for one rubric, or every rubric's) and
        how many evaluations it has. For scripts and small lists: the window pages through
        :meth:`reader` instead of loading a year of calls."""
        query = LibraryQuery(agent=agent, team=team, status=status, date_from=date_from, date_to=date_to)
        condition, params = query.where()
        rows = self._rows(f"SELECT r.* FROM recordings r WHERE {condition} ORDER BY {query.order_by()}", params)
        if rubric_id:
            counts = self._flag_counts(rubric_id)
            rows = [{**row, "flag_count": counts.get(row["id"], 0)} for row in rows]
        return rows

    def _flag_counts(self, rubric_id: str) -> dict[str, int]:
        rows = self._rows("SELECT recording_id, COUNT(*) AS n FROM flags WHERE rubric_id = ? AND deduction > 0 "
                          "GROUP BY recording_id", (rubric_id,))
        return {row["recording_id"]: row["n"] for row in rows}

    def unanalysed_ids(self) -> list[str]:
        """The calls "Analyse all" queues: every one without an analysis (new, or failed before)."""
        return [row["id"] for row in self._rows("SELECT id FROM recordings WHERE status <> 'analysed'")]

    def search_transcripts(self, query: str, filters: search.SearchFilters = search.SearchFilters(),
                           limit: int = search.DEFAULT_LIMIT) -> list[search.Moment]:
        """The moments where ``query`` was said (see :func:`qaworkstation.core.library.search.search`)."""
        with self._lock:
            return search.search(self.db.conn, query, filters, limit)

    def reader(self) -> LibraryReader:
        """A read-only connection of its own for the window's library list and search (see
        :class:`LibraryReader`), encrypted with the library's key when it has one."""
        path, key = self.path, self._key
        return LibraryReader(open_connection(path, key), lambda: open_connection(path, key))

    # transcripts ------------------------------------------------------------------------------------------

    def save_transcript(self, recording_id: str, cache_key: str, model: str, settings: dict[str, Any],
                        language: str, segments: list[Segment]) -> int:
        """Replace any transcript under the same cache key, segments and words included, atomically."""
        with self.transaction() as db:
            db.execute("DELETE FROM transcripts WHERE cache_key = ?", (cache_key,))
            transcript_id = db["transcripts"].insert({
                "recording_id": recording_id, "cache_key": cache_key, "model": model,
                "settings": json.dumps(settings, sort_keys=True), "language": language, "created_at": now_iso(),
            }).last_pk
            for index, segment in enumerate(segments):
                self._insert_segment(db, transcript_id, index, segment)
            search.index_transcript(db.conn, recording_id, transcript_id)
            db["recordings"].update(recording_id, {"language": language, "updated_at": now_iso()})
            return transcript_id

    @staticmethod
    def _insert_segment(db: sqlite_utils.Database, transcript_id: int, index: int, segment: Segment) -> None:
        segment_id = db["segments"].insert({
            "transcript_id": transcript_id, "idx": index, "speaker": segment.speaker, "start": segment.start,
            "end": segment.end, "text": segment.text, "language": segment.language,
        }).last_pk
        db["words"].insert_all(
            {"segment_id": segment_id, "start": w.start, "end": w.end, "text": w.text, "probability": w.probability}
            for w in segment.words
        )

    def cached_segments(self, cache_key: str) -> tuple[list[Segment], str] | None:
        rows = self._rows("SELECT id, language FROM transcripts WHERE cache_key = ?", (cache_key,))
        return (self._segments(rows[0]["id"]), rows[0]["language"]) if rows else None

    def latest_transcript(self, recording_id: str) -> tuple[list[Segment], str] | None:
        rows = self._rows(
            "SELECT id, language FROM transcripts WHERE recording_id = ? ORDER BY created_at DESC LIMIT 1",
            (recording_id,),
        )
        return (self._segments(rows[0]["id"]), rows[0]["language"]) if rows else None

    def _segments(self, transcript_id: int) -> list[Segment]:
        segments: dict[int, Segment] = {}
        for row in self._rows("SELECT * FROM segments WHERE transcript_id = ? ORDER BY idx", (transcript_id,)):
            segments[row["id"]] = Segment(row["speaker"], row["start"], row["end"], row["text"], [], row["language"])
        words = self._rows(
            "SELECT w.* FROM words w JOIN segments s ON s.id = w.segment_id WHERE s.transcript_id = ? ORDER BY w.id",
            (transcript_id,),
        )
        for row in words:
            segments[row["segment_id"]].words.append(Word(row["start"], row["end"], row["text"], row["probability"]))
        return list(segments.values())

    # analysis ---------------------------------------------------------------------------------------------

    def save_analysis(self, recording_id: str, rubric_id: str, flags: list[Flag], checks: list[Check],
                      risk: float = 0.0) -> None:
        with self.transaction() as db:
            params = (recording_id, rubric_id)
            db.execute("DELETE FROM flags WHERE recording_id = ? AND rubric_id = ?", params)
            db.execute("DELETE FROM checks WHERE recording_id = ? AND rubric_id = ?", params)
            db["flags"].insert_all({"recording_id": recording_id, "rubric_id": rubric_id, **asdict(f)} for f in flags)
            db["checks"].insert_all(
                {"recording_id": recording_id, "rubric_id": rubric_id, **asdict(c)} for c in checks
            )
            db["recordings"].update(recording_id, {"status": "analysed", "error": "", "risk": risk,
                                                   "updated_at": now_iso()})

    def flags(self, recording_id: str, rubric_id: str) -> list[Flag]:
        rows = self._rows(
            'SELECT category, phrase, text, speaker, start, "end", item, deduction, similarity, confidence FROM flags '
            "WHERE recording_id = ? AND rubric_id = ? ORDER BY start",
            (recording_id, rubric_id),
        )
        return [Flag(**row) for row in rows]

    def checks(self, recording_id: str, rubric_id: str) -> list[Check]:
        rows = self._rows(
            "SELECT category, present, item, deduction, part FROM checks WHERE recording_id = ? AND rubric_id = ?",
            (recording_id, rubric_id),
        )
        return [Check(row["category"], bool(row["present"]), row["item"], row["deduction"], row["part"])
                for row in rows]

    # drafts and evaluations -------------------------------------------------------------------------------

    def save_draft(self, recording_id: str, rubric_id: str, inspector: str, payload: dict[str, Any]) -> None:
        """Keep the unsaved scorecard so a crash loses at most the typing since the last autosave."""
        with self.transaction() as db:
            db["drafts"].upsert(
                {"recording_id": recording_id, "rubric_id": rubric_id, "inspector": inspector,
                 "payload": json.dumps(payload, ensure_ascii=False), "updated_at": now_iso()},
                pk=("recording_id", "rubric_id", "inspector"),
            )

    def draft(self, recording_id: str, rubric_id: str, inspector: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT payload FROM drafts WHERE recording_id = ? AND rubric_id = ? AND inspector = ?",
            (recording_id, rubric_id, inspector),
        )
        return json.loads(rows[0]["payload"]) if rows else None

    def save_evaluation(self, evaluation: Evaluation, actor: str = "") -> Evaluation:
        """Write the scorecard as the latest version of its evaluation and drop the draft, in one transaction.

        A draft version is replaced in place. A released version is never touched again: the change becomes a
        new draft version, unless nothing changed, in which case the released version is returned as it is.
        Each save is audited with the scores it changed, by ``actor`` (default: the evaluation's inspector).
        """
        stamp = now_iso()
        with self.transaction() as db:
            latest = self._latest_version(evaluation.recording_id, evaluation.rubric_id, evaluation.inspector)
            if latest and latest.status == FINAL:
                raise LifecycleError(_("evaluation {id} is final (version {version}); it cannot be changed any "
                                       "more").format(id=latest.id, version=latest.version))
            if latest and latest.status != DRAFT and _same_scores(latest, evaluation):
                self._drop_draft(db, evaluation)
                return latest
            in_place = bool(latest and latest.status == DRAFT)
            evaluation.id = latest.id if latest else (evaluation.id or new_id())
            evaluation.version = (latest.version + (0 if in_place else 1)) if latest else 1
            evaluation.created_at = latest.created_at if latest else stamp
            evaluation.updated_at, evaluation.status = stamp, DRAFT
            self._write_version(db, evaluation, in_place)
            audit.append(db, actor or evaluation.inspector, audit.SCORE, evaluation.id,
                         _score_changes(latest, evaluation))
            self._drop_draft(db, evaluation)
        evaluation.disputes = self.disputes(evaluation.id)
        return evaluation

    @staticmethod
    def _write_version(db: sqlite_utils.Database, evaluation: Evaluation, in_place: bool) -> None:
        values = {"comment": evaluation.comment, "total": evaluation.total, "max_total": evaluation.max_total,
                  "passed": int(evaluation.passed), "critical_failed": int(evaluation.critical_failed),
                  "updated_at": evaluation.updated_at, **_review_columns(evaluation)}
        key = (evaluation.id, evaluation.version)
        if in_place:
            assignments = ", ".join(f"{name} = :{name}" for name in values)
            db.execute(f"UPDATE evaluations SET {assignments} WHERE id = :id AND version = :version",
                       {**values, "id": evaluation.id, "version": evaluation.version})
            db.execute("DELETE FROM item_scores WHERE evaluation_id = ? AND version = ?", key)
        else:
            db["evaluations"].insert({
                "id": evaluation.id, "version": evaluation.version, "status": DRAFT,
                "recording_id": evaluation.recording_id, "rubric_id": evaluation.rubric_id,
                "inspector": evaluation.inspector, "created_at": evaluation.created_at, **values,
            })
        db["item_scores"].insert_all(
            {"evaluation_id": evaluation.id, "version": evaluation.version, "item_id": s.item_id,
             "score": s.score, "na": int(s.na), "comment": s.comment, "reviewed": int(s.reviewed)}
            for s in evaluation.items.values()
        )

    @staticmethod
    def _drop_draft(db: sqlite_utils.Database, evaluation: Evaluation) -> None:
        db.execute("DELETE FROM drafts WHERE recording_id = ? AND rubric_id = ? AND inspector = ?",
                   (evaluation.recording_id, evaluation.rubric_id, evaluation.inspector))

    def set_evaluation_status(self, evaluation_id: str, version: int, status: str) -> None:
        """Move one version along its lifecycle; the database refuses any move that is not forward."""
        with self.transaction() as db:
            db.execute("UPDATE evaluations SET status = ?, updated_at = ? WHERE id = ? AND version = ?",
                       (status, now_iso(), evaluation_id, version))

    def evaluation(self, recording_id: str, rubric_id: str, inspector: str) -> Evaluation | None:
        """The latest version of the inspector's evaluation of the call under the rubric, if any."""
        found = self.evaluations(recording_id=recording_id, rubric_id=rubric_id, inspector=inspector)
        return found[0] if found else None

    def evaluations(self, recording_id: str = "", rubric_id: str = "", inspector: str = "") -> list[Evaluation]:
        """The latest version of every matching evaluation, with its disputes and the call's rule flags."""
        condition, params = filter_clause({"e.recording_id": recording_id, "e.rubric_id": rubric_id,
                                           "e.inspector": inspector})
        rows = self._rows(f"{_SELECT_EVALUATIONS} WHERE {_LATEST_VERSION} AND {condition} ORDER BY e.updated_at",
                          params)
        return [self._evaluation(row) for row in rows]

    def evaluation_versions(self, evaluation_id: str) -> list[Evaluation]:
        """Every version of the evaluation, oldest first: the history a dispute or an audit reads."""
        rows = self._rows(f"{_SELECT_EVALUATIONS} WHERE e.id = ? ORDER BY e.version", (evaluation_id,))
        return [self._evaluation(row) for row in rows]

    def evaluation_version(self, evaluation_id: str, version: int | None = None) -> Evaluation:
        """One version of the evaluation, the latest when ``version`` is None; KeyError when there is none."""
        condition = "e.version = ?" if version is not None else _LATEST_VERSION
        params = (evaluation_id, version) if version is not None else (evaluation_id,)
        rows = self._rows(f"{_SELECT_EVALUATIONS} WHERE e.id = ? AND {condition}", params)
        if not rows:
            raise KeyError(f"{evaluation_id} v{version}" if version is not None else evaluation_id)
        return self._evaluation(rows[0])

    def _latest_version(self, recording_id: str, rubric_id: str, inspector: str) -> Evaluation | None:
        rows = self._rows(f"{_SELECT_EVALUATIONS} WHERE e.recording_id = ? AND e.rubric_id = ? AND e.inspector = ? "
                          "ORDER BY e.version DESC LIMIT 1", (recording_id, rubric_id, inspector))
        return self._evaluation(rows[0]) if rows else None

    def disputes(self, evaluation_id: str) -> list[Dispute]:
        """Every dispute on any version of the evaluation, in the order they were raised."""
        rows = self._rows("SELECT * FROM disputes WHERE evaluation_id = ? ORDER BY raised_at, id", (evaluation_id,))
        return [Dispute(**row) for row in rows]

    def dispute(self, dispute_id: str) -> Dispute:
        rows = self._rows("SELECT * FROM disputes WHERE id = ?", (dispute_id,))
        if not rows:
            raise KeyError(dispute_id)
        return Dispute(**rows[0])

    def _evaluation(self, row: dict[str, Any]) -> Evaluation:
        items = {
            s["item_id"]: ItemScore(s["item_id"], s["score"], bool(s["na"]), s["comment"], bool(s["reviewed"]))
            for s in self._rows("SELECT * FROM item_scores WHERE evaluation_id = ? AND version = ?",
                                (row["id"], row["version"]))
        }
        fields = {k: row[k] for k in ("id", "recording_id", "rubric_id", "inspector", "comment", "total",
                                      "max_total", "created_at", "updated_at", *_RECORDING_FIELDS, "file_name",
                                      "version", "status", "call_type")}
        return Evaluation(items=items, passed=bool(row["passed"]), critical_failed=bool(row["critical_failed"]),
                          disputes=self.disputes(row["id"]), **fields, **_review_fields(row))


_SELECT_EVALUATIONS = ("SELECT e.*, r.agent, r.team, r.call_id, r.call_time, r.file_name FROM evaluations e "
                       "JOIN recordings r ON r.id = e.recording_id")
_LATEST_VERSION = "e.version = (SELECT MAX(v.version) FROM evaluations v WHERE v.id = e.id)"


def _review_columns(evaluation: Evaluation) -> dict[str, Any]:
    """The review an evaluation version carries, as its columns: hearing, call type, the flags it stands by
    and the verdicts, the last three as JSON since they are only ever read whole with the version."""
    hearing = evaluation.hearing
    return {"call_type": evaluation.call_type, "heard_s": hearing.heard_s, "duration_s": hearing.duration_s,
            "flags_visited": hearing.flags_visited, "flags_total": hearing.flags_total,
            "accepted_remaining": json.dumps(evaluation.accepted_remaining, ensure_ascii=False),
            "flags": json.dumps([asdict(flag) for flag in evaluation.flags], ensure_ascii=False),
            "verdicts": json.dumps([asdict(verdict) for verdict in evaluation.verdicts], ensure_ascii=False)}


def _review_fields(row: dict[str, Any]) -> dict[str, Any]:
    """:func:`_review_columns` read back into the evaluation's fields."""
    return {"hearing": Hearing(row["heard_s"], row["duration_s"], row["flags_visited"], row["flags_total"]),
            "accepted_remaining": json.loads(row["accepted_remaining"]),
            "flags": [Flag(**flag) for flag in json.loads(row["flags"])],
            "verdicts": [Verdict(**verdict) for verdict in json.loads(row["verdicts"])]}


def _same_scores(saved: Evaluation, changed: Evaluation) -> bool:
    """Whether saving ``changed`` over the released ``saved`` would change what was judged (listening again
    changes nothing that was released, so the hearing is left out)."""
    def judged(ev: Evaluation) -> tuple[Any, ...]:
        verdicts = sorted((v.category, v.phrase, v.item or "", v.start if v.start is not None else -1.0,
                           v.decision, v.reason) for v in ev.verdicts)
        return ev.items, ev.comment, ev.call_type, verdicts, sorted(ev.accepted_remaining)

    return judged(saved) == judged(changed)


def _score_changes(before: Evaluation | None, after: Evaluation) -> dict[str, Any]:
    """What an audit reader needs about a save: which version, and each item score that moved (old, new).
    Comments are left out: they are free text and may quote the customer."""
    old_items = before.items if before else {}

    def shown(score: ItemScore | None) -> float | str | None:
        return "n/a" if score and score.na else (score.score if score else None)

    changed = {item_id: [shown(old_items.get(item_id)), shown(score)] for item_id, score in after.items.items()
               if shown(old_items.get(item_id)) != shown(score)}
    detail = {"version": after.version, "total": [before.total if before else None, after.total], "items": changed}
    if after.accepted_remaining:  # released as they stood, not judged one by one: the audit says which
        detail["accepted_remaining"] = after.accepted_remaining
    if after.call_type != (before.call_type if before else ""):
        detail["call_type"] = after.call_type
    return detail
