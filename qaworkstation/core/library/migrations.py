"""The library's schema, step by step: each migration brings the previous version to the next.

Steps are never edited once released; a change is a new step. :class:`~.sqlite_file.SqliteFile` records which
steps a file has (``schema_migrations``) and runs the missing ones in order, each in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlite_utils

from . import search
from .query import INDEXES


def _migration_1(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE recordings (
            id TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, path TEXT NOT NULL, file_name TEXT NOT NULL,
            duration REAL NOT NULL, channels INTEGER NOT NULL, samplerate INTEGER NOT NULL, format TEXT,
            agent TEXT NOT NULL DEFAULT '', team TEXT NOT NULL DEFAULT '', call_id TEXT NOT NULL DEFAULT '',
            call_time TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'new', error TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT '', imported_at TEXT NOT NULL, updated_at TEXT NOT NULL
        );
        CREATE TABLE transcripts (
            id INTEGER PRIMARY KEY, recording_id TEXT NOT NULL REFERENCES recordings(id),
            cache_key TEXT NOT NULL UNIQUE, model TEXT NOT NULL, settings TEXT NOT NULL,
            language TEXT NOT NULL, created_at TEXT NOT NULL
        );
        CREATE TABLE segments (
            id INTEGER PRIMARY KEY, transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL, speaker TEXT NOT NULL, start REAL NOT NULL, "end" REAL NOT NULL,
            text TEXT NOT NULL, language TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX segments_transcript ON segments(transcript_id, idx);
        CREATE TABLE words (
            id INTEGER PRIMARY KEY, segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            start REAL NOT NULL, "end" REAL NOT NULL, text TEXT NOT NULL, probability REAL NOT NULL
        );
        CREATE INDEX words_segment ON words(segment_id);
        CREATE TABLE flags (
            id INTEGER PRIMARY KEY, recording_id TEXT NOT NULL REFERENCES recordings(id), rubric_id TEXT NOT NULL,
            category TEXT NOT NULL, phrase TEXT NOT NULL, text TEXT NOT NULL, speaker TEXT NOT NULL,
            start REAL NOT NULL, "end" REAL NOT NULL, item TEXT, deduction REAL NOT NULL
        );
        CREATE INDEX flags_recording ON flags(recording_id, rubric_id);
        CREATE TABLE checks (
            recording_id TEXT NOT NULL REFERENCES recordings(id), rubric_id TEXT NOT NULL, category TEXT NOT NULL,
            present INTEGER NOT NULL, item TEXT, deduction REAL NOT NULL,
            PRIMARY KEY (recording_id, rubric_id, category)
        );
        CREATE TABLE evaluations (
            id TEXT PRIMARY KEY, recording_id TEXT NOT NULL REFERENCES recordings(id), rubric_id TEXT NOT NULL,
            inspector TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', total REAL NOT NULL,
            max_total REAL NOT NULL, passed INTEGER NOT NULL, critical_failed INTEGER NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            UNIQUE (recording_id, rubric_id, inspector)
        );
        CREATE TABLE item_scores (
            evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE, item_id TEXT NOT NULL,
            score REAL, na INTEGER NOT NULL DEFAULT 0, comment TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (evaluation_id, item_id)
        );
        CREATE TABLE drafts (
            recording_id TEXT NOT NULL, rubric_id TEXT NOT NULL, inspector TEXT NOT NULL,
            payload TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (recording_id, rubric_id, inspector)
        );
        """
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    """The persistent work queue and each call's risk score."""
    db.executescript(
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY, recording_id TEXT NOT NULL UNIQUE REFERENCES recordings(id),
            state TEXT NOT NULL DEFAULT 'queued', priority INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', enqueued_at TEXT NOT NULL,
            started_at TEXT, finished_at TEXT
        );
        CREATE INDEX jobs_next ON jobs(state, priority DESC, id);
        ALTER TABLE recordings ADD COLUMN risk REAL NOT NULL DEFAULT 0;
        """
    )


def _migration_3(db: sqlite_utils.Database) -> None:
    """How sure each flag is, and the inspectors' verdicts on suggestions: the data for tuning rules later."""
    db.executescript(
        """
        ALTER TABLE flags ADD COLUMN similarity REAL NOT NULL DEFAULT 1.0;
        CREATE TABLE suggestion_decisions (
            id TEXT PRIMARY KEY, recording_id TEXT NOT NULL REFERENCES recordings(id), rubric_id TEXT NOT NULL,
            inspector TEXT NOT NULL, category TEXT NOT NULL, phrase TEXT NOT NULL, start REAL, item TEXT,
            text TEXT NOT NULL DEFAULT '', similarity REAL,
            decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')), decided_at TEXT NOT NULL
        );
        CREATE INDEX suggestion_decisions_recording ON suggestion_decisions(recording_id, rubric_id);
        """
    )


def _migration_5(db: sqlite_utils.Database) -> None:
    """Evaluation versions and lifecycle, disputes, users with roles, and the hash-chained audit log.

    ``evaluations`` and ``item_scores`` are rebuilt keyed by (id, version); every existing evaluation becomes
    version 1, submitted, because saving was the final act before there was a lifecycle and those scores may
    already be on the team share. The triggers are the database's own guarantee, whatever code writes to it:
    a released version's content never changes and is never deleted (its status only moves forward), a new
    version follows the latest released one, and neither disputes nor the audit log can be rewritten.
    """
    db.executescript(
        """
        CREATE TABLE evaluations_v (
            id TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1),
            status TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'submitted', 'disputed', 'resolved', 'final')),
            recording_id TEXT NOT NULL REFERENCES recordings(id), rubric_id TEXT NOT NULL, inspector TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '', total REAL NOT NULL, max_total REAL NOT NULL, passed INTEGER NOT NULL,
            critical_failed INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (id, version), UNIQUE (recording_id, rubric_id, inspector, version)
        );
        INSERT INTO evaluations_v (id, version, status, recording_id, rubric_id, inspector, comment, total, max_total,
                                   passed, critical_failed, created_at, updated_at)
            SELECT id, 1, 'submitted', recording_id, rubric_id, inspector, comment, total, max_total, passed,
                   critical_failed, created_at, updated_at FROM evaluations;
        CREATE TABLE item_scores_v (
            evaluation_id TEXT NOT NULL, version INTEGER NOT NULL, item_id TEXT NOT NULL, score REAL,
            na INTEGER NOT NULL DEFAULT 0, comment TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (evaluation_id, version, item_id),
            FOREIGN KEY (evaluation_id, version) REFERENCES evaluations_v(id, version) ON DELETE CASCADE
        );
        INSERT INTO item_scores_v SELECT evaluation_id, 1, item_id, score, na, comment FROM item_scores;
        DROP TABLE item_scores;
        DROP TABLE evaluations;
        ALTER TABLE evaluations_v RENAME TO evaluations;
        ALTER TABLE item_scores_v RENAME TO item_scores;
        CREATE INDEX evaluations_recording ON evaluations(recording_id, rubric_id, inspector);

        CREATE TRIGGER evaluations_new_version BEFORE INSERT ON evaluations
        WHEN NEW.version <> COALESCE((SELECT MAX(version) FROM evaluations WHERE id = NEW.id), 0) + 1
          OR EXISTS (SELECT 1 FROM evaluations WHERE id = NEW.id AND status = 'draft')
        BEGIN SELECT RAISE(ABORT, 'a new evaluation version must follow the latest, released version'); END;
        CREATE TRIGGER evaluations_released_frozen BEFORE UPDATE ON evaluations
        WHEN OLD.status <> 'draft' AND (
            NEW.id IS NOT OLD.id OR NEW.version IS NOT OLD.version OR NEW.recording_id IS NOT OLD.recording_id
            OR NEW.rubric_id IS NOT OLD.rubric_id OR NEW.inspector IS NOT OLD.inspector
            OR NEW.comment IS NOT OLD.comment OR NEW.total IS NOT OLD.total OR NEW.max_total IS NOT OLD.max_total
            OR NEW.passed IS NOT OLD.passed OR NEW.critical_failed IS NOT OLD.critical_failed
            OR NEW.created_at IS NOT OLD.created_at OR NEW.updated_at < OLD.updated_at)
        BEGIN SELECT RAISE(ABORT, 'a released evaluation version is read-only; save a new version instead'); END;
        CREATE TRIGGER evaluations_status_forward BEFORE UPDATE OF status ON evaluations
        WHEN NEW.status IS NOT OLD.status AND OLD.status || '>' || NEW.status NOT IN (
            'draft>submitted', 'submitted>disputed', 'resolved>disputed', 'disputed>resolved', 'submitted>final',
            'resolved>final')
        BEGIN SELECT RAISE(ABORT, 'evaluation status only moves draft > submitted > (disputed > resolved) > final');
        END;
        CREATE TRIGGER evaluations_released_kept BEFORE DELETE ON evaluations WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'a released evaluation version cannot be deleted'); END;
        CREATE TRIGGER item_scores_released_insert BEFORE INSERT ON item_scores
        WHEN (SELECT status FROM evaluations WHERE id = NEW.evaluation_id AND version = NEW.version) <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'a released evaluation version is read-only; save a new version instead'); END;
        CREATE TRIGGER item_scores_released_update BEFORE UPDATE ON item_scores
        WHEN (SELECT status FROM evaluations WHERE id = OLD.evaluation_id AND version = OLD.version) <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'a released evaluation version is read-only; save a new version instead'); END;
        CREATE TRIGGER item_scores_released_delete BEFORE DELETE ON item_scores
        WHEN (SELECT status FROM evaluations WHERE id = OLD.evaluation_id AND version = OLD.version) <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'a released evaluation version cannot be deleted'); END;

        CREATE TABLE disputes (
            id TEXT PRIMARY KEY, evaluation_id TEXT NOT NULL, version INTEGER NOT NULL, item_id TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (reason <> ''), raised_by TEXT NOT NULL, raised_at TEXT NOT NULL,
            ruling TEXT NOT NULL DEFAULT '' CHECK (ruling IN ('', 'upheld', 'rejected')),
            ruling_comment TEXT NOT NULL DEFAULT '', ruled_by TEXT NOT NULL DEFAULT '',
            ruled_at TEXT NOT NULL DEFAULT '',
            FOREIGN KEY (evaluation_id, version) REFERENCES evaluations(id, version)
        );
        CREATE INDEX disputes_evaluation ON disputes(evaluation_id, version);
        CREATE TRIGGER disputes_ruled_once BEFORE UPDATE ON disputes
        WHEN OLD.ruling <> '' OR NEW.ruling = '' OR NEW.id IS NOT OLD.id
          OR NEW.evaluation_id IS NOT OLD.evaluation_id OR NEW.version IS NOT OLD.version
          OR NEW.item_id IS NOT OLD.item_id OR NEW.reason IS NOT OLD.reason OR NEW.raised_by IS NOT OLD.raised_by
          OR NEW.raised_at IS NOT OLD.raised_at
        BEGIN SELECT RAISE(ABORT, 'a dispute is only ever given its ruling, once'); END;
        CREATE TRIGGER disputes_kept BEFORE DELETE ON disputes
        BEGIN SELECT RAISE(ABORT, 'disputes cannot be deleted'); END;

        CREATE TABLE users (
            user_id TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('inspector', 'coach', 'supervisor', 'trainee')),
            changed_by TEXT NOT NULL, changed_at TEXT NOT NULL
        );

        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL, subject TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '{}',
            prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE
        );
        CREATE INDEX audit_log_subject ON audit_log(subject, seq);
        CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
        WHEN NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
                                           '0000000000000000000000000000000000000000000000000000000000000000')
          OR NEW.seq <= COALESCE((SELECT MAX(seq) FROM audit_log), 0)
        BEGIN SELECT RAISE(ABORT, 'an audit entry must extend the chain from its last row'); END;
        """
    )


def _migration_6(db: sqlite_utils.Database) -> None:
    """Coaching sessions; their moments are kept as JSON because they are only ever read whole."""
    db.executescript(
        """
        CREATE TABLE coaching_sessions (
            id TEXT PRIMARY KEY, agent TEXT NOT NULL, coach TEXT NOT NULL, action_plan TEXT NOT NULL DEFAULT '',
            follow_up TEXT NOT NULL DEFAULT '', acknowledged_at TEXT NOT NULL DEFAULT '',
            moments TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL, updated_at TEXT NOT NULL
        );
        CREATE INDEX coaching_sessions_agent ON coaching_sessions(agent, created_at);
        """
    )


# The columns a released evaluation version may never change; step 7 adds what an evaluation now carries.
_FROZEN_EVALUATION_COLUMNS = (
    "id", "version", "recording_id", "rubric_id", "inspector", "comment", "total", "max_total", "passed",
    "critical_failed", "created_at", "call_type", "heard_s", "duration_s", "flags_visited", "flags_total",
    "accepted_remaining", "flags", "verdicts",
)


def _migration_7(db: sqlite_utils.Database) -> None:
    """The inspector's review is part of the evaluation: items reviewed or pending, the verdicts on the rules'
    suggestions, the flags the version stands by, how much of the call was heard, and the call's type. A check
    may concern one required part of a greeting or closing, so checks are keyed by their part too.

    A version's flags and verdicts are kept with it (JSON, read whole) so a released score never changes with a
    re-analysis. Versions saved before this step had every item judged as a whole (no pending state existed), so
    their items count as reviewed, and they stand by the call's flags with a deduction on items that are not N/A.
    """
    db.executescript(
        """
        ALTER TABLE recordings ADD COLUMN call_type TEXT NOT NULL DEFAULT '';
        CREATE TABLE checks_parts (
            recording_id TEXT NOT NULL REFERENCES recordings(id), rubric_id TEXT NOT NULL, category TEXT NOT NULL,
            present INTEGER NOT NULL, item TEXT, deduction REAL NOT NULL, part TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (recording_id, rubric_id, category, part)
        );
        INSERT INTO checks_parts (recording_id, rubric_id, category, present, item, deduction)
            SELECT recording_id, rubric_id, category, present, item, deduction FROM checks;
        DROP TABLE checks;
        ALTER TABLE checks_parts RENAME TO checks;
        ALTER TABLE suggestion_decisions ADD COLUMN reason TEXT NOT NULL DEFAULT '';
        ALTER TABLE item_scores ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE evaluations ADD COLUMN call_type TEXT NOT NULL DEFAULT '';
        ALTER TABLE evaluations ADD COLUMN heard_s REAL NOT NULL DEFAULT 0;
        ALTER TABLE evaluations ADD COLUMN duration_s REAL NOT NULL DEFAULT 0;
        ALTER TABLE evaluations ADD COLUMN flags_visited INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE evaluations ADD COLUMN flags_total INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE evaluations ADD COLUMN accepted_remaining TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE evaluations ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE evaluations ADD COLUMN verdicts TEXT NOT NULL DEFAULT '[]';
        DROP TRIGGER evaluations_released_frozen;
        """
    )
    for row in list(db.query("SELECT id, version, recording_id, rubric_id FROM evaluations")):
        flags = [dict(flag) for flag in db.query(
            'SELECT f.category, f.phrase, f.text, f.speaker, f.start, f."end", f.item, f.deduction, f.similarity '
            "FROM flags f WHERE f.recording_id = ? AND f.rubric_id = ? AND f.deduction > 0 AND NOT EXISTS ("
            "  SELECT 1 FROM item_scores s WHERE s.evaluation_id = ? AND s.version = ? AND s.item_id = f.item"
            "  AND s.na = 1) ORDER BY f.start",
            (row["recording_id"], row["rubric_id"], row["id"], row["version"]))]
        db.execute("UPDATE evaluations SET flags = ? WHERE id = ? AND version = ?",
                   (json.dumps(flags, ensure_ascii=False), row["id"], row["version"]))
    changed = " OR ".join(f"NEW.{name} IS NOT OLD.{name}" for name in _FROZEN_EVALUATION_COLUMNS)
    db.executescript(
        f"""
        CREATE TRIGGER evaluations_released_frozen BEFORE UPDATE ON evaluations
        WHEN OLD.status <> 'draft' AND ({changed} OR NEW.updated_at < OLD.updated_at)
        BEGIN SELECT RAISE(ABORT, 'a released evaluation version is read-only; save a new version instead'); END;
        """
    )


# A call's review state from its evaluations: the most pressing state among the latest version of each (an
# open dispute, then unfinished work, then released), '' when nobody has scored it.
_REVIEW_OF = """COALESCE((SELECT CASE MIN(CASE e.status WHEN 'disputed' THEN 0 WHEN 'draft' THEN 1 ELSE 2 END)
    WHEN 0 THEN 'disputed' WHEN 1 THEN 'draft' WHEN 2 THEN 'submitted' END
    FROM evaluations e WHERE e.recording_id = {call}
    AND e.version = (SELECT MAX(v.version) FROM evaluations v WHERE v.id = e.id)), '')"""
_EVALUATIONS_OF = "(SELECT COUNT(DISTINCT e.id) FROM evaluations e WHERE e.recording_id = {call})"


def _review_update(call: str) -> str:
    return (f"UPDATE recordings SET review = {_REVIEW_OF.format(call=call)}, "
            f"evaluation_count = {_EVALUATIONS_OF.format(call=call)} WHERE id = {call};")


def _migration_8(db: sqlite_utils.Database) -> None:
    """A library of 100,000 calls: the counts the list shows kept on each recording by triggers as analyses
    and evaluations are stored (no GROUP BY over every flag on each refresh), an index for each order and
    common filter of the list, and the transcript search index (see :mod:`qaworkstation.core.library.search`).

    ``flag_count`` counts flags with a deduction under any rubric; ``review`` is '' (not scored), 'draft',
    'submitted' (any released status) or 'disputed'.
    """
    db.executescript(
        f"""
        ALTER TABLE recordings ADD COLUMN flag_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE recordings ADD COLUMN evaluation_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE recordings ADD COLUMN review TEXT NOT NULL DEFAULT '';
        UPDATE recordings SET flag_count = (SELECT COUNT(*) FROM flags f WHERE f.recording_id = recordings.id
                                            AND f.deduction > 0);
        {_review_update("recordings.id").replace(" WHERE id = recordings.id", "")}
        CREATE TRIGGER flags_counted AFTER INSERT ON flags WHEN NEW.deduction > 0
        BEGIN UPDATE recordings SET flag_count = flag_count + 1 WHERE id = NEW.recording_id; END;
        CREATE TRIGGER flags_uncounted AFTER DELETE ON flags WHEN OLD.deduction > 0
        BEGIN UPDATE recordings SET flag_count = flag_count - 1 WHERE id = OLD.recording_id; END;
        CREATE TRIGGER evaluations_review_insert AFTER INSERT ON evaluations
        BEGIN {_review_update("NEW.recording_id")} END;
        CREATE TRIGGER evaluations_review_update AFTER UPDATE OF status ON evaluations
        BEGIN {_review_update("NEW.recording_id")} END;
        CREATE TRIGGER evaluations_review_delete AFTER DELETE ON evaluations
        BEGIN {_review_update("OLD.recording_id")} END;
        CREATE INDEX transcripts_recording ON transcripts(recording_id, created_at);
        CREATE INDEX flags_category ON flags(category, recording_id);
        {search.CREATE_TABLE};
        {";".join(search.TRIGGERS)};
        """
    )
    for name, columns in _INDEXES_8.items():
        db.execute(f"CREATE INDEX {name} ON recordings{columns}")
    search.index_library(db.conn)
    db.execute("ANALYZE")


_RISK_ORDER_8 = "risk DESC, flag_count DESC, call_time DESC, file_name"
_INDEXES_8 = {  # as step 8 released them; step 9 replaces them
    "recordings_by_risk": f"({_RISK_ORDER_8})", "recordings_agent_risk": f"(agent, {_RISK_ORDER_8})",
    "recordings_team_risk": f"(team, {_RISK_ORDER_8})", "recordings_review_risk": f"(review, {_RISK_ORDER_8})",
    "recordings_status_risk": f"(status, {_RISK_ORDER_8})",
    "recordings_call_type_risk": f"(call_type, {_RISK_ORDER_8})", "recordings_by_time": "(call_time DESC)",
    "recordings_by_length": "(duration DESC)", "recordings_by_name": "(COALESCE(NULLIF(call_id, ''), file_name))",
}


def _migration_9(db: sqlite_utils.Database) -> None:
    """The list's indexes carry every filter column, so any combination of filters is checked inside the index
    it reads (see :data:`~qaworkstation.core.library.query.INDEXES`)."""
    for name in _INDEXES_8:
        db.execute(f"DROP INDEX IF EXISTS {name}")
    for name, columns in INDEXES.items():
        db.execute(f"CREATE INDEX {name} ON recordings{columns}")
    db.execute("ANALYZE")


def _migration_10(db: sqlite_utils.Database) -> None:
    """Lines re-indexed in the search's current form: words, not letter pairs, outside Chinese (see
    :mod:`qaworkstation.core.library.search`). One pass over the transcripts, as step 8 made."""
    db.execute(f"DELETE FROM {search.SEARCH_TABLE}")
    search.index_library(db.conn)


def _migration_11(db: sqlite_utils.Database) -> None:
    """Two things the supervisor's month needs: the caller's number (ANI) from the call metadata, so a caller
    who rings again within days is seen (first-call resolution), and the samples drawn under a coverage plan,
    so a plan's progress (drawn, scored, remaining) outlives the window. A sample's calls are kept as a JSON
    list: it is read and written whole, never queried by call."""
    db.executescript(
        """
        ALTER TABLE recordings ADD COLUMN caller TEXT NOT NULL DEFAULT '';
        CREATE TABLE samples (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, plan TEXT NOT NULL, date_from TEXT NOT NULL,
            date_to TEXT NOT NULL, seed INTEGER NOT NULL, recording_ids TEXT NOT NULL, created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """
    )


def _migration_12(db: sqlite_utils.Database) -> None:
    """Flags carry a confidence (:attr:`~qaworkstation.core.domain.Flag.confidence`), and a call's risk orders
    calls with the same problems by it (see :mod:`qaworkstation.core.rules.risk`). Flags of earlier analyses
    count as sure, as they always did; their risks move the angry-caller fraction down a decimal and take the
    top confidence step, so they keep their places among each other until analysed again."""
    db.executescript(
        """
        ALTER TABLE flags ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;
        UPDATE recordings SET risk = CAST(risk AS INTEGER)
            + CASE WHEN CAST(risk AS INTEGER) > 0 THEN 0.9 ELSE 0.0 END
            + (risk - CAST(risk AS INTEGER)) / 10.0
            WHERE risk > 0;
        """
    )


# Schema version -> the step that brings the previous version to it. Steps are never edited once released;
# a change is a new step.
MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migration_1,
    2: _migration_2,
    3: _migration_3,
    5: _migration_5,
    6: _migration_6,
    7: _migration_7,
    8: _migration_8,
    9: _migration_9,
    10: _migration_10,
    11: _migration_11,
    12: _migration_12,
}
SCHEMA_VERSION = max(MIGRATIONS)
# What each step leaves behind, for files from before steps were recorded: step 6 was numbered and released
# before 3 and 5 existed, so a file of that time says version 6 without them.
STEP_EVIDENCE: dict[int, Callable[[sqlite_utils.Database], bool]] = {
    2: lambda db: db["jobs"].exists(),
    3: lambda db: db["suggestion_decisions"].exists(),
    5: lambda db: db["disputes"].exists(),
    6: lambda db: db["coaching_sessions"].exists(),
    7: lambda db: "verdicts" in db["evaluations"].columns_dict,
    8: lambda db: db[search.SEARCH_TABLE].exists(),
}
