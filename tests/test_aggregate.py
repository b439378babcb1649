"""Team aggregation on real files: three inspectors' libraries sync into one share, a supervisor merges it.
Only released versions count: drafts never reach the team database, not even from older apps' journals."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from qaworkstation.core.domain import DISPUTED, DRAFT, SUBMITTED, Evaluation, Flag, ItemScore
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.team.aggregate import (MIGRATIONS, SCHEMA_VERSION, TeamDatabase, TeamDatabaseError, aggregate,
                                               evaluation_day)
from qaworkstation.core.team.calibration import new_session, save_session
from qaworkstation.core.team.demo_data import INSPECTORS, default_rubrics, generate_month, save_to_store
from qaworkstation.core.team.reports import Period, team_quality_report
from qaworkstation.core.team.sync import MANIFEST_NAME, _evaluation_record, read_synced_evaluations, sync_evaluations
from tests.share_files import write_listed_journal

MONTH = "2026-10"


@pytest.fixture(scope="module")
def month() -> list[Evaluation]:
    return generate_month(MONTH)


@pytest.fixture
def libraries(tmp_path: Path, month: list[Evaluation]) -> Iterator[dict[str, Store]]:
    """One real library file per inspector, filled with that inspector's share of the demo month, submitted."""
    stores = {name: Store(tmp_path / f"library-{name}.sqlite3") for name in INSPECTORS}
    for name, store in stores.items():
        roles.ensure_user(store, name)  # the library's first user: allowed to submit
    for evaluation in month:
        store = stores[evaluation.inspector]
        lifecycle.submit(store, save_to_store(store, evaluation).id, evaluation.inspector)
    yield stores
    for store in stores.values():
        store.close()


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


@pytest.fixture
def team(tmp_path: Path) -> Iterator[TeamDatabase]:
    database = TeamDatabase(tmp_path / "supervisor" / "team.sqlite3")
    yield database
    database.close()


def sync_all(libraries: dict[str, Store], share: Path) -> None:
    for name, store in libraries.items():
        result = sync_evaluations(share, name, store.evaluations(inspector=name))
        assert result.ok, result.message


def dump(team: TeamDatabase) -> dict[str, list[tuple]]:
    """Everything in the team database, for 'nothing changed' comparisons."""
    tables = ("evaluations", "item_scores", "flags", "verdicts", "journals")
    return {t: sorted(tuple(r) for r in team.db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}


def monthly_calls(team: TeamDatabase) -> int:
    return team_quality_report(team, Period.month(MONTH), default_rubrics()).summary.calls


# ------------------------------------------------------------------------------------------ the done criterion


def test_three_inspectors_are_counted_exactly_once_through_resyncs_and_edits(
    libraries: dict[str, Store], share: Path, team: TeamDatabase, month: list[Evaluation]
) -> None:
    sync_all(libraries, share)

    first = aggregate(share, team)

    assert first.ok, first.problems
    assert (first.journals_read, first.added, first.updated) == (3, len(month), 0)
    local_ids = sorted(ev.id for store in libraries.values() for ev in store.evaluations())
    assert sorted(ev.id for ev in team.evaluations()) == local_ids
    assert team.evaluation_count() == len(month)
    assert monthly_calls(team) == len(month)

    # a second sync of unchanged libraries writes nothing, and a second merge reads nothing
    before = dump(team)
    sync_all(libraries, share)
    second = aggregate(share, team)
    assert (second.journals_read, second.journals_skipped, second.added, second.updated) == (0, 3, 0, 0)
    assert dump(team) == before

    # one inspector changes a verdict: while it is a draft the share and the team keep the submitted version
    inspector = INSPECTORS[1]
    store = libraries[inspector]
    original = store.evaluations(inspector=inspector)[0]
    items = {**original.items, "closing": ItemScore("closing", 0.0, comment="复核：未说结束语", reviewed=True)}
    draft = lifecycle.save(store, dataclasses.replace(original, items=items, total=original.total - 3,
                                                      passed=False, comment="复核后改为不合格"), inspector)
    sync_all(libraries, share)
    assert aggregate(share, team).journals_read == 0 and dump(team) == before

    # submitted: one new journal, one updated evaluation, still counted once
    edited = lifecycle.submit(store, draft.id, inspector)
    sync_all(libraries, share)
    third = aggregate(share, team)

    assert third.ok
    assert (third.journals_read, third.added, third.updated) == (1, 0, 1)
    assert team.evaluation_count() == len(month)
    merged = next(ev for ev in team.evaluations() if ev.id == edited.id)
    assert (merged.comment, merged.passed, merged.items["closing"].score) == ("复核后改为不合格", False, 0.0)
    assert (merged.version, merged.status, merged.updated_at) == (2, SUBMITTED, edited.updated_at)
    assert monthly_calls(team) == len(month)
    assert aggregate(share, team).journals_read == 0


def test_merged_evaluations_equal_what_the_sync_reader_sees(
    libraries: dict[str, Store], share: Path, team: TeamDatabase
) -> None:
    sync_all(libraries, share)
    aggregate(share, team)

    synced, problems = read_synced_evaluations(share)

    assert problems == []
    key = lambda ev: ev.id  # noqa: E731
    assert sorted(team.evaluations(), key=key) == sorted(synced, key=key)


def test_flags_travel_from_the_library_through_the_share(
    libraries: dict[str, Store], share: Path, team: TeamDatabase, month: list[Evaluation]
) -> None:
    sync_all(libraries, share)
    aggregate(share, team)

    flagged = next(ev for ev in month if any(f.deduction > 0 for f in ev.flags))
    merged = next(ev for ev in team.evaluations() if ev.call_id == flagged.call_id)

    assert merged.flags == flagged.flags
    journal = next((share / flagged.inspector).glob("changes-*.jsonl")).read_text(encoding="utf-8")
    assert '"flags": [' in journal and flagged.flags[0].phrase in journal


def test_filters_select_by_day_team_and_agent(libraries: dict[str, Store], share: Path, team: TeamDatabase,
                                              month: list[Evaluation]) -> None:
    sync_all(libraries, share)
    aggregate(share, team)
    first_week = [ev for ev in month if "2026-10-01" <= evaluation_day(ev) < "2026-10-08"]
    agent = month[0].agent

    assert len(team.evaluations(day_from="2026-10-01", day_to="2026-10-08")) == len(first_week)
    assert {ev.agent for ev in team.evaluations(agent=agent)} == {agent}
    assert len(team.evaluations(team="物流组")) == sum(ev.team == "物流组" for ev in month)


# ------------------------------------------------------------------------------------------ merging rules


def record(number: int, inspector: str = "张敏", **changes: object) -> Evaluation:
    evaluation = Evaluation(
        id=f"ev-{number}", recording_id=f"rec-{number}", rubric_id="zh-monitoring", inspector=inspector,
        items={"greeting": ItemScore("greeting", 3.0, reviewed=True)}, total=90.0, max_total=100.0, passed=True,
        created_at="2026-10-02T01:00:00Z", updated_at="2026-10-02T01:00:00Z", agent="刘洋", team="物流组",
        call_id=f"C{number}", call_time="2026-10-01T09:00:00", file_name=f"c{number}.wav",
        flags=[Flag("filler", "嗯", "嗯，您稍等", "agent", 3.0, 3.5, "filler", 0.5)], status=SUBMITTED,
    )
    return dataclasses.replace(evaluation, **changes)


def test_an_older_version_read_later_does_not_win(share: Path, team: TeamDatabase) -> None:
    newer = record(1, comment="新", updated_at="2026-10-05T00:00:00Z")
    older = record(1, comment="旧", updated_at="2026-10-03T00:00:00Z")
    sync_evaluations(share, "张敏", [newer])
    aggregate(share, team)
    sync_evaluations(share, "张敏", [older])  # restored from an old backup

    result = aggregate(share, team)

    assert (result.journals_read, result.unchanged, result.updated) == (1, 1, 0)
    assert [ev.comment for ev in team.evaluations()] == ["新"]


def test_damaged_journal_is_reported_with_inspector_and_file_and_the_rest_is_merged(
    share: Path, team: TeamDatabase
) -> None:
    sync_evaluations(share, "张敏", [record(1), record(2)])
    sync_evaluations(share, "李娜", [record(3, inspector="李娜")])
    damaged = next((share / "张敏").glob("changes-*.jsonl"))
    damaged.write_bytes(damaged.read_bytes().splitlines()[0] + b'\n{"id": "half a rec')

    result = aggregate(share, team)

    assert sorted(ev.id for ev in team.evaluations()) == ["ev-1", "ev-3"]
    assert {p.inspector for p in result.problems} == {"张敏"}
    assert all(p.path == str(damaged) for p in result.problems)
    reasons = " ".join(p.reason for p in result.problems)
    assert "differ from manifest.json" in reasons and "line 2" in reasons
    assert not result.ok and "张敏" in str(result.problems[0])


def test_a_journal_still_being_copied_is_read_again_once_complete(share: Path, team: TeamDatabase) -> None:
    sync_evaluations(share, "张敏", [record(1), record(2)])
    journal = next((share / "张敏").glob("changes-*.jsonl"))
    complete = journal.read_bytes()
    journal.write_bytes(complete[: complete.index(b"\n") + 1])  # the sync client has copied one line so far

    partial = aggregate(share, team)
    journal.write_bytes(complete)
    finished = aggregate(share, team)

    assert (partial.added, len(partial.problems)) == (1, 1)
    assert finished.ok and (finished.journals_read, finished.added, finished.unchanged) == (1, 1, 1)
    assert team.evaluation_count() == 2
    assert aggregate(share, team).journals_read == 0


def test_records_with_text_where_numbers_belong_are_refused(share: Path, team: TeamDatabase) -> None:
    good = sync_record(record(1))
    bad = {**sync_record(record(2)), "total": "ninety"}
    write_listed_journal(share, "张敏", "20261001T000000000000Z",
                         [json.dumps(good, ensure_ascii=False), json.dumps(bad, ensure_ascii=False)])

    result = aggregate(share, team)

    assert [ev.id for ev in team.evaluations()] == ["ev-1"]
    assert len(result.problems) == 1 and "line 2" in result.problems[0].reason


def test_a_status_this_app_does_not_know_is_one_refused_line_not_a_failed_merge(share: Path,
                                                                                 team: TeamDatabase) -> None:
    lines = [sync_record(record(1)), {**sync_record(record(2)), "status": "Submitted"},
             {**sync_record(record(3)), "status": "archived"}, sync_record(record(4))]
    write_listed_journal(share, "张敏", "20261001T000000000000Z",
                         [json.dumps(line, ensure_ascii=False) for line in lines])

    result = aggregate(share, team)

    assert [ev.id for ev in team.evaluations()] == ["ev-1", "ev-4"]
    reasons = sorted(p.reason for p in result.problems)
    assert len(reasons) == 2 and "line 2" in reasons[0] and "'Submitted'" in reasons[0] and "line 3" in reasons[1]


def sync_record(evaluation: Evaluation) -> dict[str, object]:
    from qaworkstation.core.team import sync

    return sync._evaluation_record(evaluation)


def test_unreadable_manifest_is_reported_and_its_journals_wait_for_the_next_sync(share: Path,
                                                                                 team: TeamDatabase) -> None:
    """Without a manifest nothing vouches for the journals, so none is merged until the inspector's next sync
    writes a good one (listing the full export it makes then)."""
    sync_evaluations(share, "张敏", [record(1)])
    (share / "张敏" / MANIFEST_NAME).write_text("{ broken", encoding="utf-8")

    result = aggregate(share, team)

    assert team.evaluation_count() == 0
    assert [p.path for p in result.problems] == [str(share / "张敏")]
    assert MANIFEST_NAME in result.problems[0].reason and "syncs again" in result.problems[0].reason

    assert sync_evaluations(share, "张敏", [record(1)]).ok
    assert aggregate(share, team).ok and team.evaluation_count() == 1


def test_a_journal_merged_before_the_manifest_broke_is_not_read_again(share: Path, team: TeamDatabase) -> None:
    sync_evaluations(share, "张敏", [record(1)])
    aggregate(share, team)
    (share / "张敏" / MANIFEST_NAME).write_text("{ broken", encoding="utf-8")

    assert aggregate(share, team).journals_read == 0


def test_missing_share_is_a_problem_not_an_exception(tmp_path: Path, team: TeamDatabase) -> None:
    result = aggregate(tmp_path / "not-mounted", team)

    assert not result.ok and result.journals_read == 0
    assert "mounted" in result.problems[0].reason


def test_calibration_folder_and_hidden_folders_are_not_inspectors(share: Path, team: TeamDatabase) -> None:
    sync_evaluations(share, "张敏", [record(1)])
    save_session(share, new_session("zh-monitoring", "C1", ["张敏", "李娜"]))
    (share / ".sync-client-cache").mkdir()

    result = aggregate(share, team)

    assert result.ok and team.evaluation_count() == 1


def test_an_inspector_named_like_the_calibration_folder_still_counts(share: Path, team: TeamDatabase) -> None:
    from qaworkstation.core.team.calibration import load_sessions

    calibration = new_session("zh-monitoring", "C1", ["calibration", "李娜"])
    save_session(share, calibration)
    assert sync_evaluations(share, "calibration", [record(1, inspector="calibration")]).ok

    result = aggregate(share, team)

    assert result.ok and [ev.inspector for ev in team.evaluations()] == ["calibration"]
    assert load_sessions(share) == ([calibration], [])


def test_cancel_stops_between_journals_and_the_next_run_finishes(share: Path, team: TeamDatabase) -> None:
    for name in ("张敏", "李娜", "王磊"):
        sync_evaluations(share, name, [record(len(name) + ord(name[0]), inspector=name)])
    calls = iter([False, True])
    progress: list[float] = []

    stopped = aggregate(share, team, progress=progress.append, cancelled=lambda: next(calls, True))
    resumed = aggregate(share, team)

    assert stopped.cancelled and stopped.journals_read == 1 and progress == [pytest.approx(1 / 3)]
    assert resumed.ok and resumed.journals_read == 2
    assert team.evaluation_count() == 3


def write_journal(share: Path, inspector: str, name: str, evaluations: list[Evaluation]) -> Path:
    """A journal as an app from before the draft rule wrote it, drafts included."""
    return write_listed_journal(share, inspector, name,
                                [json.dumps(_evaluation_record(ev), ensure_ascii=False) for ev in evaluations])


def test_drafts_synced_by_older_apps_are_left_out(share: Path, team: TeamDatabase) -> None:
    assert sync_evaluations(share, "张敏", [record(1, comment="已提交")]).ok
    write_journal(share, "张敏", "29991231T000000000000Z", [
        record(1, version=2, status=DRAFT, comment="草稿", updated_at="2026-10-09T00:00:00Z"),
        record(2, status=DRAFT),
    ])

    result = aggregate(share, team)

    assert (result.added, result.drafts) == (1, 2) and "2 drafts left out until submitted" in result.message
    assert [(ev.id, ev.version, ev.status, ev.comment) for ev in team.evaluations()] == [
        ("ev-1", 1, SUBMITTED, "已提交")]
    assert monthly_calls(team) == 1


def test_a_higher_version_wins_whatever_its_clock_as_on_the_share(share: Path, team: TeamDatabase) -> None:
    corrected = record(1, version=2, total=70.0, passed=False, updated_at="2026-10-04T00:00:00Z")
    disputed = record(1, status=DISPUTED, updated_at="2026-10-06T00:00:00Z")  # a clock that ran fast
    sync_evaluations(share, "张敏", [corrected])
    sync_evaluations(share, "张敏", [disputed])

    aggregate(share, team)

    assert [(ev.version, ev.total) for ev in team.evaluations()] == [(2, 70.0)]
    assert team.evaluations() == read_synced_evaluations(share)[0]


def test_the_team_database_itself_refuses_a_draft(team: TeamDatabase) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        team.db.execute(
            "INSERT INTO evaluations (id, recording_id, rubric_id, inspector, agent, team, call_id, call_time, "
            "file_name, day, comment, total, max_total, passed, critical_failed, created_at, updated_at, "
            "source_folder, source_journal, version, status) VALUES ('x', '', '', '', '', '', '', '', '', '', '', "
            "0, 0, 0, 0, '', '', '', '', 1, 'draft')")


_SCHEMA_1_TEXT = ("id", "recording_id", "rubric_id", "inspector", "agent", "team", "call_id", "call_time",
                  "file_name", "comment", "created_at", "updated_at")


def merged_by_an_older_app(team: TeamDatabase, ev: Evaluation, journal: Path) -> None:
    """The row the merge of schema 1 wrote: no version, no status, whatever the record was."""
    team.db["evaluations"].insert({
        **{name: getattr(ev, name) for name in _SCHEMA_1_TEXT}, "day": evaluation_day(ev), "total": ev.total,
        "max_total": ev.max_total, "passed": int(ev.passed), "critical_failed": int(ev.critical_failed),
        "source_folder": journal.parent.name, "source_journal": journal.name,
    })


def test_a_team_database_that_merged_drafts_is_put_right_by_the_next_merge(
    tmp_path: Path, share: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schema 1 kept the latest ``updated_at`` whatever the status: a draft correction had replaced its
    submitted version, and a never-submitted draft counted. After the upgrade one merge re-reads the journals;
    a row whose journal has left the share keeps counting."""
    v1, other = record(1, comment="已提交"), record(3)
    assert sync_evaluations(share, "张敏", [v1, other]).ok
    [first] = (share / "张敏").glob("changes-*.jsonl")
    correction = record(1, version=2, status=DRAFT, comment="草稿", updated_at="2026-10-09T00:00:00Z")
    draft_only = record(2, status=DRAFT)
    second = write_journal(share, "张敏", "29991231T000000000000Z", [correction, draft_only])
    path = tmp_path / "old-team.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(TeamDatabase, "migrations", {1: MIGRATIONS[1]})
        old = TeamDatabase(path)
        for ev, journal in ((correction, second), (draft_only, second), (other, first),
                            (record(4), first.with_name("changes-20000101T000000000000Z.jsonl"))):
            merged_by_an_older_app(old, ev, journal)
        old.close()

    team = TeamDatabase(path)
    try:
        assert team.schema_version == SCHEMA_VERSION and team.ingested_journals() == {}
        result = aggregate(share, team)

        assert result.drafts == 2 and team.evaluation_count() == 3
        merged = {ev.id: (ev.version, ev.status, ev.comment) for ev in team.evaluations()}
        assert merged == {"ev-1": (1, SUBMITTED, "已提交"), "ev-3": (1, SUBMITTED, ""), "ev-4": (1, SUBMITTED, "")}
        assert monthly_calls(team) == 3
    finally:
        team.close()


# ------------------------------------------------------------------------------------------ the database file


def test_team_database_is_wal_at_its_schema_and_reopens(tmp_path: Path, share: Path) -> None:
    path = tmp_path / "team.sqlite3"
    first = TeamDatabase(path)
    sync_evaluations(share, "张敏", [record(1)])
    aggregate(share, first)
    first.close()

    again = TeamDatabase(path)
    try:
        assert again.schema_version == SCHEMA_VERSION
        assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert again.evaluations() == [record(1)]
    finally:
        again.close()


def test_newer_team_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "team.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    with pytest.raises(TeamDatabaseError, match="newer"):
        TeamDatabase(path)


def test_evaluation_day_prefers_the_call_date() -> None:
    assert evaluation_day(record(1)) == "2026-10-01"
    assert evaluation_day(record(1, call_time="")) == "2026-10-02"
    assert evaluation_day(record(1, call_time="", created_at="garbage")) == ""


def test_journal_hashes_come_from_the_manifest(share: Path, team: TeamDatabase) -> None:
    sync_evaluations(share, "张敏", [record(1)])
    aggregate(share, team)
    journal = next((share / "张敏").glob("changes-*.jsonl"))

    assert team.ingested_journals() == {("张敏", journal.name): hashlib.sha256(journal.read_bytes()).hexdigest()}
