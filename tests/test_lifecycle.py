"""Evaluation versions and the appeal process, and the database's own refusal to rewrite a released version:
every refusal is tried through a raw SQLite connection, as a user with an SQLite browser would."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from qaworkstation.core.domain import (DISPUTED, DRAFT, FINAL, REJECTED, RESOLVED, SUBMITTED, UPHELD, Evaluation, Flag,
                                       ItemScore)
from qaworkstation.core.library import audit
from qaworkstation.core.library.migrations import MIGRATIONS
from qaworkstation.core.library.store import LifecycleError, Store, StoreError
from qaworkstation.core.scoring import lifecycle, roles

BOSS, INSPECTOR = "boss", "ins"


def add_recording(store: Store, sha: str = "a" * 64) -> str:
    recording_id, _ = store.add_recording({"sha256": sha, "path": "/x/call.wav", "file_name": "call.wav",
                                           "duration": 30.0, "channels": 2, "samplerate": 8000, "agent": "A1"})
    return recording_id


def scorecard(recording_id: str, greeting: float = 4.0, comment: str = "") -> Evaluation:
    items = {"greeting": ItemScore("greeting", greeting, comment="late", reviewed=True),
             "closing": ItemScore("closing", 3.0, reviewed=True), "hold": ItemScore("hold", None, na=True, reviewed=True)}
    return Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector=INSPECTOR, items=items,
                      comment=comment, total=greeting + 3.0, max_total=10.0)


@pytest.fixture
def library(store: Store) -> Store:
    roles.ensure_user(store, BOSS)
    roles.ensure_user(store, INSPECTOR)
    roles.set_role(store, INSPECTOR, roles.INSPECTOR, changed_by=BOSS)
    return store


@pytest.fixture
def raw(library: Store) -> sqlite3.Connection:
    """A second connection to the same file that knows nothing of the app."""
    connection = sqlite3.connect(library.path, isolation_level=None)
    yield connection
    connection.close()


def released(store: Store, greeting: float = 4.0) -> Evaluation:
    return lifecycle.save_and_submit(store, scorecard(add_recording(store), greeting), INSPECTOR)


# ------------------------------------------------------------------------------------------- versions


def test_saving_keeps_one_draft_version_until_submitted(library: Store) -> None:
    recording_id = add_recording(library)
    first = lifecycle.save(library, scorecard(recording_id, 4.0), INSPECTOR)
    again = lifecycle.save(library, scorecard(recording_id, 2.0), INSPECTOR)
    assert (first.version, first.status, again.version, again.id) == (1, DRAFT, 1, first.id)
    assert [v.items["greeting"].score for v in library.evaluation_versions(first.id)] == [2.0]

    submitted = lifecycle.submit(library, first.id, INSPECTOR)
    assert (submitted.version, submitted.status, submitted.total) == (1, SUBMITTED, 5.0)
    with pytest.raises(LifecycleError, match="already submitted"):
        lifecycle.submit(library, first.id, INSPECTOR)


def test_a_change_after_submitting_is_a_new_version_and_the_old_one_stays(library: Store) -> None:
    v1 = released(library, greeting=4.0)
    v2 = lifecycle.save(library, scorecard(v1.recording_id, 1.0, comment="missed greeting"), INSPECTOR)

    assert (v2.id, v2.version, v2.status, v2.created_at) == (v1.id, 2, DRAFT, v1.created_at)
    history = library.evaluation_versions(v1.id)
    assert [(v.version, v.status, v.items["greeting"].score, v.comment) for v in history] == [
        (1, SUBMITTED, 4.0, ""), (2, DRAFT, 1.0, "missed greeting")]
    assert history[0].items == v1.items and history[0].total == v1.total
    assert library.evaluation(v1.recording_id, "r", INSPECTOR).version == 2  # callers get the latest
    assert [e.version for e in library.evaluations()] == [2]
    assert library.evaluation_version(v1.id, 1).items["greeting"].score == 4.0
    assert library.list_recordings()[0]["evaluation_count"] == 1


def test_saving_a_released_version_unchanged_adds_no_version(library: Store) -> None:
    v1 = released(library)
    library.save_draft(v1.recording_id, "r", INSPECTOR, {"comment": "typing"})
    same = lifecycle.save(library, scorecard(v1.recording_id), INSPECTOR)
    assert (same.version, same.status) == (1, SUBMITTED)
    assert len(library.evaluation_versions(v1.id)) == 1
    assert library.draft(v1.recording_id, "r", INSPECTOR) is None
    with pytest.raises(LifecycleError, match="nothing changed"):
        lifecycle.save_and_submit(library, scorecard(v1.recording_id), INSPECTOR)


def test_submit_saves_and_releases_together_or_not_at_all(library: Store,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    recording_id = add_recording(library)

    def refuse(*_args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(library, "set_evaluation_status", refuse)
    with pytest.raises(StoreError, match="the disk failed a write"):  # one line for the person, nothing kept
        lifecycle.save_and_submit(library, scorecard(recording_id), INSPECTOR)
    assert library.evaluation(recording_id, "r", INSPECTOR) is None
    assert [e.action for e in audit.entries(library.db)] == [audit.ROLE_CHANGE] * 3


def test_a_final_evaluation_cannot_be_amended(library: Store) -> None:
    v1 = released(library)
    lifecycle.finalise(library, v1.id, BOSS)
    with pytest.raises(LifecycleError, match="final"):
        lifecycle.save(library, scorecard(v1.recording_id, 0.0), INSPECTOR)
    with pytest.raises(LifecycleError, match="only a submitted or resolved"):
        lifecycle.finalise(library, v1.id, BOSS)
    assert [v.status for v in library.evaluation_versions(v1.id)] == [FINAL]


def test_unknown_evaluation_is_a_clear_error(library: Store) -> None:
    with pytest.raises(LifecycleError, match="no evaluation nope"):
        lifecycle.submit(library, "nope", INSPECTOR)


def test_sync_is_handed_the_release_behind_a_draft_correction(library: Store) -> None:
    """The release comes from the library, with the flags it stood by, because its submission may never have
    reached the share; a first draft has nothing behind it, and other inspectors' evaluations stay out."""
    first_draft = lifecycle.save(library, scorecard(add_recording(library, "b" * 64)), INSPECTOR)
    flags = [Flag("forbidden", "不知道", "我不知道", "agent", 3.0, 4.0, "greeting", 2.0)]
    v1 = lifecycle.save_and_submit(library, dataclasses.replace(scorecard(add_recording(library), 2.0), flags=flags),
                                   INSPECTOR)
    library.save_analysis(v1.recording_id, "r", [], [])  # a re-analysis changes nothing a version stood by
    v2 = lifecycle.save(library, scorecard(v1.recording_id, 5.0), INSPECTOR)
    lifecycle.save_and_submit(library, dataclasses.replace(scorecard(v1.recording_id), inspector=BOSS), BOSS)

    handed = lifecycle.versions_for_sync(library, INSPECTOR)

    assert sorted((ev.id, ev.version, ev.status, ev.total) for ev in handed) == sorted([
        (first_draft.id, 1, DRAFT, 7.0), (v2.id, 2, DRAFT, 8.0), (v1.id, 1, SUBMITTED, 5.0)])
    assert {ev.version: ev.flags for ev in handed if ev.id == v1.id} == {1: flags, 2: []}


# ---------------------------------------------------------------------- the database refuses rewrites


RAW_REWRITES = {
    "update a score total": "UPDATE evaluations SET total = 10 WHERE version = 1",
    "update the comment": "UPDATE evaluations SET comment = 'fine' WHERE version = 1",
    "update the inspector": "UPDATE evaluations SET inspector = 'someone' WHERE version = 1",
    "renumber the version": "UPDATE evaluations SET version = 7 WHERE version = 1",
    "turn it back into a draft": "UPDATE evaluations SET status = 'draft' WHERE version = 1",
    "backdate it": "UPDATE evaluations SET updated_at = '2000-01-01' WHERE version = 1",
    "delete the version": "DELETE FROM evaluations WHERE version = 1",
    "change an item score": "UPDATE item_scores SET score = 5 WHERE version = 1",
    "delete an item score": "DELETE FROM item_scores WHERE version = 1",
    "add an item score": "INSERT INTO item_scores (evaluation_id, version, item_id, score) "
                         "SELECT id, 1, 'extra', 1 FROM evaluations WHERE version = 1",
    "insert a version over the draft": "INSERT INTO evaluations (id, version, status, recording_id, rubric_id, "
                                       "inspector, total, max_total, passed, critical_failed, created_at, "
                                       "updated_at) SELECT id, 3, 'draft', recording_id, rubric_id, inspector, 0, "
                                       "10, 0, 0, created_at, updated_at FROM evaluations WHERE version = 1",
    "skip a version number": "INSERT INTO evaluations (id, version, status, recording_id, rubric_id, inspector, "
                             "total, max_total, passed, critical_failed, created_at, updated_at) SELECT id, 9, "
                             "'draft', recording_id, rubric_id, inspector, 0, 10, 0, 0, created_at, updated_at "
                             "FROM evaluations WHERE version = 1",
}


def test_raw_sql_cannot_rewrite_a_released_version(library: Store, raw: sqlite3.Connection) -> None:
    v1 = released(library)
    lifecycle.save(library, scorecard(v1.recording_id, 1.0), INSPECTOR)  # version 2, a draft
    before = raw.execute("SELECT * FROM evaluations ORDER BY version").fetchall()
    items_before = raw.execute("SELECT * FROM item_scores ORDER BY version, item_id").fetchall()

    refused = []
    for name, sql in RAW_REWRITES.items():
        with pytest.raises(sqlite3.IntegrityError) as error:
            raw.execute(sql)
        refused.append(name)
        assert "version" in str(error.value) or "status" in str(error.value), name

    assert raw.execute("SELECT * FROM evaluations ORDER BY version").fetchall() == before
    assert raw.execute("SELECT * FROM item_scores ORDER BY version, item_id").fetchall() == items_before
    assert len(refused) == len(RAW_REWRITES), f"refused {len(refused)} of {len(RAW_REWRITES)} rewrites"
    print(f"database refused {len(refused)} raw rewrites of a released version")


def test_raw_sql_may_still_edit_a_draft_version(library: Store, raw: sqlite3.Connection) -> None:
    draft = lifecycle.save(library, scorecard(add_recording(library)), INSPECTOR)
    raw.execute("UPDATE item_scores SET score = 1 WHERE evaluation_id = ? AND item_id = 'greeting'", (draft.id,))
    raw.execute("DELETE FROM evaluations WHERE id = ?", (draft.id,))
    assert library.evaluation_versions(draft.id) == []


def test_status_only_moves_forward(library: Store, raw: sqlite3.Connection) -> None:
    v1 = released(library)
    for backwards in (DRAFT, RESOLVED):
        with pytest.raises(sqlite3.IntegrityError, match="only moves"):
            raw.execute("UPDATE evaluations SET status = ? WHERE id = ?", (backwards, v1.id))
    raw.execute("UPDATE evaluations SET status = 'final', updated_at = updated_at || 'z' WHERE id = ?", (v1.id,))
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("UPDATE evaluations SET status = 'disputed' WHERE id = ?", (v1.id,))


# ------------------------------------------------------------------------------------------- disputes


def test_dispute_and_rulings_walk_the_lifecycle(library: Store) -> None:
    v1 = released(library)
    first = lifecycle.open_dispute(library, v1.id, "greeting", "  I greeted at 0:02  ", INSPECTOR)
    second = lifecycle.open_dispute(library, v1.id, "closing", "The customer hung up", INSPECTOR)
    assert (first.reason, first.version, first.raised_by, first.is_open) == ("I greeted at 0:02", 1, INSPECTOR,
                                                                             True)
    assert library.evaluation_version(v1.id).status == DISPUTED

    ruled = lifecycle.resolve_dispute(library, first.id, UPHELD, "Greeting heard at 0:02", BOSS)
    assert (ruled.ruling, ruled.ruled_by, ruled.ruling_comment) == (UPHELD, BOSS, "Greeting heard at 0:02")
    assert library.evaluation_version(v1.id).status == DISPUTED  # the closing is still open
    lifecycle.resolve_dispute(library, second.id, REJECTED, "Agent closed before the customer", BOSS)
    resolved = library.evaluation_version(v1.id)
    assert resolved.status == RESOLVED and lifecycle.open_disputes(resolved) == []
    assert [(d.item_id, d.ruling) for d in resolved.disputes] == [("greeting", UPHELD), ("closing", REJECTED)]

    corrected = lifecycle.save_and_submit(library, scorecard(v1.recording_id, 5.0), INSPECTOR)
    assert (corrected.version, corrected.status, corrected.items["greeting"].score) == (2, SUBMITTED, 5.0)
    assert len(corrected.disputes) == 2 and {d.version for d in corrected.disputes} == {1}
    assert library.evaluation_version(v1.id, 1).items["greeting"].score == 4.0  # as it was disputed
    assert lifecycle.finalise(library, v1.id, BOSS).status == FINAL
    actions = [e.action for e in audit.entries(library.db, subject=v1.id)]
    assert actions == [audit.SCORE, audit.RELEASE, audit.DISPUTE, audit.DISPUTE, audit.RULING, audit.RULING,
                       audit.SCORE, audit.RELEASE, audit.FINALISE]


def test_disputes_are_refused_where_they_make_no_sense(library: Store) -> None:
    draft = lifecycle.save(library, scorecard(add_recording(library)), INSPECTOR)
    with pytest.raises(LifecycleError, match="still a draft"):
        lifecycle.open_dispute(library, draft.id, "greeting", "why", INSPECTOR)
    v1 = lifecycle.submit(library, draft.id, INSPECTOR)
    cases = {"no reason": ("greeting", "   ", "reason"), "unknown item": ("bogus", "why", "no item 'bogus'")}
    for item_id, reason, message in cases.values():
        with pytest.raises(LifecycleError, match=message):
            lifecycle.open_dispute(library, v1.id, item_id, reason, INSPECTOR)
    dispute = lifecycle.open_dispute(library, v1.id, "greeting", "why", INSPECTOR)
    with pytest.raises(LifecycleError, match="already has an open dispute"):
        lifecycle.open_dispute(library, v1.id, "greeting", "again", INSPECTOR)
    with pytest.raises(LifecycleError, match="only a submitted or resolved"):
        lifecycle.finalise(library, v1.id, BOSS)
    for ruling, comment, message in (("maybe", "x", "upheld, rejected"), (UPHELD, " ", "comment")):
        with pytest.raises(LifecycleError, match=message):
            lifecycle.resolve_dispute(library, dispute.id, ruling, comment, BOSS)
    lifecycle.resolve_dispute(library, dispute.id, REJECTED, "stands", BOSS)
    with pytest.raises(LifecycleError, match="already ruled rejected"):
        lifecycle.resolve_dispute(library, dispute.id, UPHELD, "changed my mind", BOSS)
    lifecycle.finalise(library, v1.id, BOSS)
    with pytest.raises(LifecycleError, match="is final"):
        lifecycle.open_dispute(library, v1.id, "closing", "too late", INSPECTOR)


def test_a_resolved_version_can_be_disputed_again(library: Store) -> None:
    v1 = released(library)
    first = lifecycle.open_dispute(library, v1.id, "greeting", "why", INSPECTOR)
    lifecycle.resolve_dispute(library, first.id, REJECTED, "stands", BOSS)
    lifecycle.open_dispute(library, v1.id, "closing", "and this?", INSPECTOR)
    assert library.evaluation_version(v1.id).status == DISPUTED


def test_raw_sql_cannot_rewrite_or_delete_disputes(library: Store, raw: sqlite3.Connection) -> None:
    v1 = released(library)
    dispute = lifecycle.open_dispute(library, v1.id, "greeting", "why", INSPECTOR)
    for sql in ("UPDATE disputes SET reason = 'something else'", "DELETE FROM disputes",
                "UPDATE disputes SET ruling = 'upheld', item_id = 'closing'"):
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute(sql)
    lifecycle.resolve_dispute(library, dispute.id, REJECTED, "stands", BOSS)
    with pytest.raises(sqlite3.IntegrityError, match="once"):
        raw.execute("UPDATE disputes SET ruling = 'upheld'")
    assert library.dispute(dispute.id).ruling == REJECTED


# ------------------------------------------------------------------------------------------ migration


def test_existing_evaluations_become_submitted_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    before_versions = sorted(version for version in MIGRATIONS if version < 5)
    for version in before_versions:
        MIGRATIONS[version](old)
    old.execute(f"PRAGMA user_version = {before_versions[-1]}")
    old["recordings"].insert({"id": "r1", "sha256": "a" * 64, "path": "/x", "file_name": "x.wav", "duration": 1,
                              "channels": 1, "samplerate": 8000, "imported_at": "t", "updated_at": "t"})
    old["evaluations"].insert({"id": "e1", "recording_id": "r1", "rubric_id": "r", "inspector": INSPECTOR,
                               "comment": "ok", "total": 3, "max_total": 5, "passed": 0, "critical_failed": 0,
                               "created_at": "2024-05-01", "updated_at": "2024-05-02"})
    old["item_scores"].insert_all([{"evaluation_id": "e1", "item_id": "a", "score": 3, "na": 0, "comment": "c"},
                                   {"evaluation_id": "e1", "item_id": "b", "score": None, "na": 1, "comment": ""}])
    old.close()

    store = Store(path)
    [migrated] = store.evaluations()
    assert (migrated.id, migrated.version, migrated.status, migrated.comment, migrated.updated_at) == (
        "e1", 1, SUBMITTED, "ok", "2024-05-02")
    # judged as a whole before items had a pending state, so every item counts as reviewed
    assert migrated.items == {"a": ItemScore("a", 3.0, False, "c", reviewed=True),
                              "b": ItemScore("b", None, True, "", reviewed=True)}
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE evaluations SET total = 5")
    roles.ensure_user(store, INSPECTOR)  # the first user after the upgrade
    amended = lifecycle.save(store, Evaluation(id="", recording_id="r1", rubric_id="r", inspector=INSPECTOR,
                                               items={"a": ItemScore("a", 5.0)}, total=5, max_total=5), INSPECTOR)
    assert (amended.id, amended.version) == ("e1", 2)
    store.close()
