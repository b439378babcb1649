"""Inspectors' verdicts travel with the evaluation: synced to the share, merged once on the team side, and
turned into each rule's precision (hits, confirmed, rejected, precision) in the team report.

Real library files, a real share folder and a real team database; the rubric is the shipped Mandarin one, and
the tests name only its stable items (forbidden, filler, apology, greeting) and never its points or totals.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from qaworkstation.core.domain import (CONFIRMED, REJECTED, SEQUENCE_CATEGORY, Check, Evaluation, Flag, Hearing,
                                       ItemScore, Rubric, Verdict)
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.scoring.scorecard import build_evaluation
from qaworkstation.core.team.aggregate import RuleKey, TeamDatabase, aggregate, rule_precision
from qaworkstation.core.team.demo_data import default_rubrics
from qaworkstation.core.team.report_charts import export_report
from qaworkstation.core.team.reports import Period, team_quality_report
from qaworkstation.core.team.sync import (EVALUATION_COLUMNS, EVALUATIONS_CSV, _evaluation_record, journal_paths,
                                          read_synced_evaluations, sync_evaluations)
from tests.share_files import list_in_manifest, write_listed_journal

NOVEMBER = Period.month("2026-11")
ZHANG, LI = "张敏", "李娜"


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return default_rubrics()[0]


def flag(category: str, phrase: str, item: str, start: float, deduction: float = 1.0) -> Flag:
    return Flag(category, phrase, f"{phrase}，您稍等", "agent", start, start + 0.8, item, deduction)


def verdict(suggestion: Flag | Check, decision: str, inspector: str, reason: str = "") -> Verdict:
    if isinstance(suggestion, Check):
        return Verdict(suggestion.category, suggestion.part, suggestion.item, None, decision, "", reason, inspector,
                       "2026-11-02T10:00:00Z")
    return Verdict(suggestion.category, suggestion.phrase, suggestion.item, suggestion.start, decision,
                   suggestion.text, reason, inspector, "2026-11-02T10:00:00Z")


def lost_one(rubric: Rubric, *item_ids: str) -> dict[str, ItemScore]:
    """Each named item reviewed at one point below its maximum: the flags on it stand."""
    return {i: ItemScore(i, rubric.item(i).max_points - 1, reviewed=True) for i in item_ids}


# Call 1 (张敏): three forbidden phrases kept (two confirmed, one left unjudged), one rejected; a filler rejected;
# a missing 工号 in the greeting confirmed. Call 2 (李娜): a filler confirmed; two order-of-steps rules on the
# apology item, one hit confirmed, the other's rejected.
WEI, UNCLEAR, DONT_CARE, CUSTOMER_SAID = (flag("forbidden", "喂", "forbidden", 2.0, 2.0),
                                          flag("forbidden", "不清楚", "forbidden", 5.0, 2.0),
                                          flag("forbidden", "我不管", "forbidden", 8.0, 2.0),
                                          flag("forbidden", "不知道", "forbidden", 11.0, 2.0))
FILLER_1, FILLER_2 = flag("filler", "嗯", "filler", 3.0), flag("filler", "嗯", "filler", 4.0)
NO_ID = Check("greeting", False, "greeting", 1.0, "工号")
COMPLAINT, WAITING = (flag(SEQUENCE_CATEGORY, "投诉后致歉", "apology", 7.0),
                      flag(SEQUENCE_CATEGORY, "等待后致歉", "apology", 12.0))


def call_one(rubric: Rubric, recording: dict) -> Evaluation:
    return build_evaluation(
        rubric, recording, ZHANG, lost_one(rubric, "forbidden", "filler", "greeting"), "禁语较多",
        flags=[WEI, UNCLEAR, DONT_CARE, CUSTOMER_SAID, FILLER_1],
        verdicts=[verdict(WEI, CONFIRMED, ZHANG), verdict(UNCLEAR, CONFIRMED, ZHANG),
                  verdict(CUSTOMER_SAID, REJECTED, ZHANG, "客户说的"), verdict(FILLER_1, REJECTED, ZHANG, "语气停顿"),
                  verdict(NO_ID, CONFIRMED, ZHANG)],
        call_type="咨询", hearing=Hearing(14.5, 15.65, 4, 5), accepted_remaining=["thanks"])


def call_two(rubric: Rubric, recording: dict) -> Evaluation:
    return build_evaluation(
        rubric, recording, LI, lost_one(rubric, "filler", "apology"), "",
        flags=[FILLER_2, COMPLAINT, WAITING],
        verdicts=[verdict(FILLER_2, CONFIRMED, LI), verdict(COMPLAINT, CONFIRMED, LI),
                  verdict(WAITING, REJECTED, LI, "客户没有等待")],
        call_type="投诉", hearing=Hearing(19.0, 19.55, 3, 3))


def key(rubric: Rubric, category: str, item: str, phrase: str = "") -> RuleKey:
    return RuleKey(rubric.id, category, item, phrase)


def expected_table(rubric: Rubric) -> list[tuple[RuleKey, int, int, int, int, float | None]]:
    """(rule, hits, confirmed, rejected, pending, precision), least precise first."""
    return [
        (key(rubric, SEQUENCE_CATEGORY, "apology", "等待后致歉"), 1, 0, 1, 0, 0.0),
        (key(rubric, "filler", "filler"), 2, 1, 1, 0, 0.5),
        (key(rubric, "forbidden", "forbidden"), 4, 2, 1, 1, pytest.approx(2 / 3)),
        (key(rubric, "greeting", "greeting"), 1, 1, 0, 0, 1.0),
        (key(rubric, SEQUENCE_CATEGORY, "apology", "投诉后致歉"), 1, 1, 0, 0, 1.0),
    ]


def table_of(evaluations: list[Evaluation]) -> list[tuple]:
    return [(r.rule, r.hits, r.confirmed, r.rejected, r.pending, r.precision) for r in rule_precision(evaluations)]


def recording_of(store: Store, call_id: str, agent: str, call_time: str) -> dict:
    recording_id, _ = store.add_recording({"sha256": call_id.encode().hex().ljust(64, "0"),
                                           "path": f"/calls/{call_id}.wav", "file_name": f"{call_id}.wav",
                                           "duration": 20.0, "channels": 2,
                                           "samplerate": 8000, "agent": agent, "team": "物流组", "call_id": call_id,
                                           "call_time": call_time})
    return store.recording(recording_id)


@pytest.fixture
def libraries(tmp_path: Path, rubric: Rubric) -> Iterator[dict[str, Store]]:
    """Two inspectors' real library files, one submitted call each, judged suggestion by suggestion."""
    stores = {name: Store(tmp_path / f"library-{name}.sqlite3") for name in (ZHANG, LI)}
    for (name, store), build, call in zip(stores.items(), (call_one, call_two),
                                          (("C06399", "A1002", "2026-11-02T10:41:00"),
                                           ("C41178", "A1003", "2026-11-03T14:05:00"))):
        roles.ensure_user(store, name)  # the library's first user: allowed to score and submit
        lifecycle.save_and_submit(store, build(rubric, recording_of(store, *call)), name)
    yield stores
    for store in stores.values():
        store.close()


@pytest.fixture
def team(tmp_path: Path) -> Iterator[TeamDatabase]:
    database = TeamDatabase(tmp_path / "supervisor" / "team.sqlite3")
    yield database
    database.close()


def sync_all(libraries: dict[str, Store], share: Path) -> None:
    for name, store in libraries.items():
        result = sync_evaluations(share, name, lifecycle.versions_for_sync(store, name))
        assert result.ok, result.message


# ------------------------------------------------------------------------------------------ precision


def test_rule_precision_from_verdicts_counts_hits_confirmed_rejected_and_pending(rubric: Rubric) -> None:
    one = call_one(rubric, {"id": "rec-1", "call_id": "C06399"})
    two = call_two(rubric, {"id": "rec-2", "call_id": "C41178"})

    assert [f.start for f in one.flags] == [WEI.start, UNCLEAR.start, DONT_CARE.start]  # rejected ones stand not
    assert table_of([one, two]) == expected_table(rubric)


def test_a_verdict_confirmed_on_an_item_restored_to_full_marks_still_counts_for_the_rule(rubric: Rubric) -> None:
    """The rule was right even though the inspector judged the item worth its points: precision is about
    the rule, the score about the call."""
    items = {"forbidden": ItemScore("forbidden", rubric.item("forbidden").max_points, reviewed=True)}
    evaluation = build_evaluation(rubric, {"id": "r"}, ZHANG, items, flags=[WEI],
                                  verdicts=[verdict(WEI, CONFIRMED, ZHANG)])

    assert evaluation.flags == []
    assert table_of([evaluation]) == [(key(rubric, "forbidden", "forbidden"), 1, 1, 0, 0, 1.0)]


def test_rule_precision_without_any_verdict_is_unknown_not_zero(rubric: Rubric) -> None:
    evaluation = build_evaluation(rubric, {"id": "r"}, ZHANG, lost_one(rubric, "forbidden"), flags=[WEI])

    [row] = rule_precision([evaluation])
    assert (row.hits, row.pending, row.precision) == (1, 1, None)


# ------------------------------------------------------------------------------------------ sync and merge


def test_verdicts_hearing_and_call_type_sync_and_merge_on_the_team_side(libraries: dict[str, Store], tmp_path: Path,
                                                                        team: TeamDatabase, rubric: Rubric) -> None:
    share = tmp_path / "share"
    share.mkdir()
    sync_all(libraries, share)

    synced, problems = read_synced_evaluations(share)
    assert problems == []
    local = {ev.id: ev for store in libraries.values() for ev in store.evaluations()}
    for ev in synced:
        mine = local[ev.id]
        assert (ev.verdicts, ev.hearing, ev.call_type, ev.accepted_remaining, ev.flags, ev.items) == (
            mine.verdicts, mine.hearing, mine.call_type, mine.accepted_remaining, mine.flags, mine.items)

    merged = aggregate(share, team)
    assert merged.ok and merged.added == 2
    assert {ev.id: (ev.verdicts, ev.hearing, ev.call_type, ev.accepted_remaining, ev.items)
            for ev in team.evaluations()} == {
        ev.id: (ev.verdicts, ev.hearing, ev.call_type, ev.accepted_remaining, ev.items) for ev in local.values()}
    assert table_of(team.evaluations()) == expected_table(rubric)


def test_verdicts_merged_again_are_not_counted_twice(libraries: dict[str, Store], tmp_path: Path,
                                                    team: TeamDatabase, rubric: Rubric) -> None:
    """Re-merging, a journal sent twice, and a corrected version with changed verdicts: each evaluation's
    verdicts are those of its latest released version, once."""
    share = tmp_path / "share"
    share.mkdir()
    sync_all(libraries, share)
    aggregate(share, team)
    verdict_rows = team.db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]
    assert verdict_rows == 8

    zhang = share / ZHANG
    journal = journal_paths(zhang)[0]
    (zhang / "changes-29990101T000000000000Z.jsonl").write_bytes(journal.read_bytes())  # re-sent by hand
    list_in_manifest(zhang, ZHANG)  # and listed, as a sync lists what it publishes
    again = aggregate(share, team)
    assert (again.journals_read, again.added) == (1, 0)  # the same version again replaces its row, never adds
    assert team.evaluation_count() == 2
    assert team.db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0] == verdict_rows

    # 张敏 takes back the confirmation of 喂 and rejects it: a new version, one fewer forbidden hit confirmed
    store = libraries[ZHANG]
    released = store.evaluations(inspector=ZHANG)[0]
    changed = [verdict(WEI, REJECTED, ZHANG, "识别错误") if v.start == WEI.start else v for v in released.verdicts]
    correction = build_evaluation(rubric, store.recording(released.recording_id), ZHANG, released.items,
                                  released.comment, released.id, flags=[WEI, UNCLEAR, DONT_CARE, CUSTOMER_SAID,
                                                                        FILLER_1],
                                  verdicts=changed, call_type=released.call_type, hearing=released.hearing,
                                  accepted_remaining=released.accepted_remaining)
    lifecycle.save_and_submit(store, correction, ZHANG)
    sync_all(libraries, share)
    third = aggregate(share, team)

    assert (third.added, third.updated) == (0, 1)
    assert team.db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0] == verdict_rows
    forbidden = next(r for r in rule_precision(team.evaluations()) if r.rule.category == "forbidden")
    assert (forbidden.hits, forbidden.confirmed, forbidden.rejected, forbidden.pending) == (4, 1, 2, 1)


def test_the_monthly_report_shows_rule_precision_from_verdicts(libraries: dict[str, Store], tmp_path: Path,
                                                               team: TeamDatabase, rubric: Rubric) -> None:
    share = tmp_path / "share"
    share.mkdir()
    sync_all(libraries, share)
    aggregate(share, team)

    report = team_quality_report(team, NOVEMBER, [rubric], language="en")
    written = export_report(report, tmp_path / "out", ("csv", "xlsx", "pdf"))

    with (tmp_path / "out" / "2026-11-rule_precision.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Rubric", "Category", "Item", "Rule", "Hits", "Confirmed", "Rejected", "Not judged",
                       "Precision%"]
    title = {item.id: item.title for item in rubric.items}
    assert [tuple(row[1:]) for row in rows[1:]] == [
        ("Order of steps", title["apology"], "等待后致歉", "1", "0", "1", "0", "0.0"),
        ("Filler", title["filler"], "", "2", "1", "1", "0", "50.0"),
        ("Forbidden", title["forbidden"], "", "4", "2", "1", "1", "66.7"),
        ("Greeting", title["greeting"], "", "1", "1", "0", "0", "100.0"),
        ("Order of steps", title["apology"], "投诉后致歉", "1", "1", "0", "0", "100.0"),
    ]
    from openpyxl import load_workbook

    workbook = load_workbook(next(p for p in written if p.suffix == ".xlsx"))
    sheet = next(workbook[name] for name in workbook.sheetnames if name.startswith("Rule precision"))
    assert [cell.value for cell in sheet[4]][4:] == [4, 2, 1, 1, 66.7]
    assert any(p.name == "2026-11-monthly-report.pdf" for p in written)


# ------------------------------------------------------------------------------------------ the share's files


def test_the_evaluations_csv_shows_call_type_heard_share_and_accepted_items_after_the_verdicts_sync(
        libraries: dict[str, Store], tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    sync_all(libraries, share)

    with (share / ZHANG / EVALUATIONS_CSV).open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert tuple(row)[-7:] == EVALUATION_COLUMNS[-7:]
    assert (row["call_type"], row["heard_s"], row["duration_s"], row["heard_percent"], row["flags_visited"],
            row["flags_total"], row["accepted_remaining"]) == ("咨询", "14.5", "15.65", "92.7", "4", "5", "thanks")


BAD_REVIEW = {
    "verdict not an object": {"verdicts": ["rejected"]},
    "verdicts not a list": {"verdicts": {"decision": "rejected"}},
    "verdict with an unknown decision": {"verdicts": [dataclasses.asdict(verdict(WEI, CONFIRMED, ZHANG))
                                                      | {"decision": "maybe"}]},
    "verdict with a text moment": {"verdicts": [dataclasses.asdict(verdict(WEI, CONFIRMED, ZHANG)) | {"start": "2"}]},
    "verdict without a decision": {"verdicts": [{"category": "forbidden", "phrase": "喂", "item": "forbidden",
                                                 "start": 2.0}]},
    "negative hearing": {"hearing": {"heard_s": -1.0, "duration_s": 10.0, "flags_visited": 0, "flags_total": 0}},
    "hearing as text": {"hearing": "all of it"},
    "reviewed as text": {"items": [{"item_id": "greeting", "score": 2.0, "na": False, "comment": "",
                                    "reviewed": "yes"}]},
    "accepted items not ids": {"accepted_remaining": [1, 2]},
}


def test_malformed_verdicts_and_hearing_are_refused_per_line_with_a_reason(libraries: dict[str, Store],
                                                                          tmp_path: Path) -> None:
    good = _evaluation_record(libraries[ZHANG].evaluations()[0])
    (tmp_path / "share").mkdir()
    records = [good, *({**good, "id": f"bad-{n}", **broken} for n, broken in enumerate(BAD_REVIEW.values()))]
    write_listed_journal(tmp_path / "share", good["inspector"], "20261102T000000000000Z",
                         [json.dumps(r, ensure_ascii=False) for r in records])

    evaluations, problems = read_synced_evaluations(tmp_path / "share")

    assert [ev.id for ev in evaluations] == [good["id"]]
    assert len(problems) == len(BAD_REVIEW), problems
    assert all(f"line {n + 2}: not a valid evaluation (" in p for n, p in enumerate(problems))
    assert "decision 'maybe' is not one of confirmed, rejected" in problems[2]


def test_a_journal_from_before_verdicts_reads_as_reviewed_items_and_no_verdicts(libraries: dict[str, Store],
                                                                             tmp_path: Path) -> None:
    record = _evaluation_record(libraries[ZHANG].evaluations()[0])
    for name in ("verdicts", "hearing", "call_type", "accepted_remaining"):
        del record[name]
    for item in record["items"]:
        del item["reviewed"]
    (tmp_path / "share").mkdir()
    write_listed_journal(tmp_path / "share", record["inspector"], "20240101T000000000000Z",
                         [json.dumps(record, ensure_ascii=False)])

    [evaluation], problems = read_synced_evaluations(tmp_path / "share")

    assert problems == []
    assert all(score.reviewed for score in evaluation.items.values())
    assert (evaluation.verdicts, evaluation.hearing, evaluation.call_type, evaluation.accepted_remaining) == (
        [], Hearing(), "", [])


def test_a_team_database_from_before_verdicts_keeps_its_rows_and_merges_verdicts_after_the_upgrade(
        libraries: dict[str, Store], tmp_path: Path, rubric: Rubric, monkeypatch: pytest.MonkeyPatch) -> None:
    """Step 3 adds the review columns and the verdicts table: rows merged before read as they then meant (items
    judged as a whole, no verdicts), and journals merged afterwards bring their verdicts."""
    from qaworkstation.core.team.aggregate import MIGRATIONS, SCHEMA_VERSION

    share = tmp_path / "share"
    share.mkdir()
    sync_all({ZHANG: libraries[ZHANG]}, share)
    path = tmp_path / "old-team.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(TeamDatabase, "migrations", {step: MIGRATIONS[step] for step in (1, 2)})
        old = TeamDatabase(path)
        old.db.execute("INSERT INTO evaluations (id, recording_id, rubric_id, inspector, agent, team, call_id, "
                       "call_time, file_name, day, comment, total, max_total, passed, critical_failed, created_at, "
                       "updated_at, source_folder, source_journal, version, status) VALUES ('ev-old', 'r', ?, "
                       "'王磊', 'A1001', '物流组', 'C00001', '2026-11-01T09:00:00', 'c.wav', '2026-11-01', '', 95, "
                       "100, 1, 0, '2026-11-01T01:00:00Z', '2026-11-01T01:00:00Z', 'gone', 'gone', 1, 'submitted')",
                       (rubric.id,))
        old.db.execute("INSERT INTO item_scores VALUES ('ev-old', 'greeting', 2.0, 0, '')")
        old.db.conn.commit()
        old.close()

    team = TeamDatabase(path)
    try:
        assert team.schema_version == SCHEMA_VERSION >= 3
        assert aggregate(share, team).added == 1
        merged = {ev.id: ev for ev in team.evaluations()}
        old_row = merged.pop("ev-old")
        assert (old_row.items["greeting"].reviewed, old_row.verdicts, old_row.hearing) == (True, [], Hearing())
        [new] = merged.values()
        assert new.verdicts == libraries[ZHANG].evaluations()[0].verdicts
    finally:
        team.close()
