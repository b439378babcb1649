"""Coaching, packs and team figures follow the submitted evaluation, on real calls of the corpus analysed by the
real recogniser: an item restored to full marks (C06399's 服务禁语) or marked N/A (C41178's 致歉语) gives no
coaching moment and no team problem, and a rejected suggestion appears nowhere downstream.

The shipped Mandarin rubric is used by item id only (forbidden, apology), never by its points or totals.
"""

from __future__ import annotations

from pathlib import Path

from qaworkstation.core.domain import REJECTED, Evaluation, Hearing, ItemScore, Rubric, Verdict
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import AnalysisResult, analyse_recording
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.scoring.decisions import decisions, record_decision
from qaworkstation.core.scoring.scorecard import accept_remaining, build_evaluation, suggested_scores
from qaworkstation.core.team.aggregate import TeamDatabase, aggregate
from qaworkstation.core.team.coaching import CoachingSession, Moment, moments_for_agent, standing_flags_of_call
from qaworkstation.core.team.coaching_pack import export_pack
from qaworkstation.core.team.report_charts import export_report
from qaworkstation.core.team.reports import Period, QualityReport, team_quality_report
from qaworkstation.core.team.sync import sync_evaluations

INSPECTOR = "质检员01"
NOVEMBER = Period.month("2026-11")
# As in the demo library's metadata: C06399 is the forbidden-phrase call, C41178 the complaint with an insult.
METADATA = ("file,agent,team,call_id,call_time,call_type\n"
            "zh_forbidden_no_closing.wav,A1002,物流组,C06399,2026-11-02 10:41,咨询\n"
            "zh_insult_escalation.wav,A1003,售后组,C41178,2026-11-03 14:05,投诉\n")


def analysed(store: Store, transcriber, rubrics, calls_copy: Path, name: str  # noqa: ANN001
             ) -> tuple[dict, AnalysisResult, Rubric]:
    (calls_copy / "metadata.csv").write_text(METADATA, encoding="utf-8")
    recording_id = import_paths(store, [calls_copy / name]).recording_ids[0]
    result = analyse_recording(store, transcriber, rubrics, recording_id)
    roles.ensure_user(store, INSPECTOR)  # the library's first user: allowed to score and submit
    return store.recording(recording_id), result, rubrics.by_id(result.rubric_id)


def submit(store: Store, rubric: Rubric, recording: dict, result: AnalysisResult, changes: dict[str, ItemScore],
           verdicts: list[Verdict] | None = None) -> Evaluation:
    """What the window submits: the suggestions with the verdicts applied, the inspector's own changes, the
    rest accepted as they stand, the whole call heard."""
    call_type, verdicts = recording["call_type"], verdicts or []
    items = {**suggested_scores(rubric, result.flags, result.checks, verdicts, call_type), **changes}
    items, accepted = accept_remaining(rubric, items, call_type)
    hearing = Hearing(recording["duration"], recording["duration"], len(result.flags), len(result.flags))
    evaluation = build_evaluation(rubric, recording, INSPECTOR, items, flags=result.flags, verdicts=verdicts,
                                  call_type=call_type, hearing=hearing, accepted_remaining=accepted)
    return lifecycle.save_and_submit(store, evaluation, INSPECTOR)


def team_report(store: Store, rubric: Rubric, tmp_path: Path) -> tuple[list[Evaluation], QualityReport, str]:
    """The library synced to a real share and merged into a real team database: what the supervisor gets, and
    the report's CSV files as one text."""
    share = tmp_path / "share"
    share.mkdir()
    assert sync_evaluations(share, INSPECTOR, lifecycle.versions_for_sync(store, INSPECTOR)).ok
    team = TeamDatabase(tmp_path / "team.sqlite3")
    try:
        assert aggregate(share, team).ok
        report = team_quality_report(team, NOVEMBER, [rubric])
        written = export_report(report, tmp_path / "report", ("csv",))
        return team.evaluations(), report, "".join(p.read_text(encoding="utf-8-sig") for p in written)
    finally:
        team.close()


def pack_of(store: Store, agent: str, moments: list[Moment], tmp_path: Path) -> str:
    session = CoachingSession(agent, "coach-li", moments, "复盘本月通话", "2026-11-20")
    return export_pack(store, session, tmp_path / f"{agent}.html").read_text(encoding="utf-8")


def test_coaching_and_team_figures_follow_c06399_forbidden_restored_to_full_marks(
        store: Store, transcriber, rubrics, calls_copy: Path, tmp_path: Path) -> None:  # noqa: ANN001
    recording, result, rubric = analysed(store, transcriber, rubrics, calls_copy, "zh_forbidden_no_closing.wav")
    forbidden = rubric.item("forbidden")
    assert [f for f in result.flags if f.item == forbidden.id and f.deduction > 0]  # the rules did suggest it

    released = submit(store, rubric, recording, result,
                      {forbidden.id: ItemScore(forbidden.id, forbidden.max_points, comment="复核：语境正常",
                                               reviewed=True)})

    assert all(f.item != forbidden.id for f in released.flags)
    moments = moments_for_agent(store, {rubric.id: rubric}, "A1002")
    assert moments and all(m.item != forbidden.id and m.category != "forbidden" for m in moments)
    assert forbidden.title not in pack_of(store, "A1002", moments, tmp_path)

    [merged], report, csv_text = team_report(store, rubric, tmp_path)
    assert merged.items[forbidden.id].score == forbidden.max_points
    assert all(f.item != forbidden.id for f in merged.flags)
    assert forbidden.id not in {p.item_id for p in report.problems}
    assert "forbidden" not in {f.category for f in report.flag_categories}
    assert [(row.call_id, row.flags) for row in report.detail] == [("C06399", "")]
    assert report.summary.severity["A"] == 0  # 服务禁语 is an A item; nothing else of A was deducted
    assert forbidden.title not in csv_text and "服务禁语" not in csv_text


def test_coaching_and_the_pack_leave_out_c41178_apology_marked_na(
        store: Store, transcriber, rubrics, calls_copy: Path, tmp_path: Path) -> None:  # noqa: ANN001
    recording, result, rubric = analysed(store, transcriber, rubrics, calls_copy, "zh_insult_escalation.wav")
    apology = rubric.item("apology")
    suggested = [f for f in result.flags if f.item == apology.id and f.deduction > 0]
    assert suggested  # the order-of-steps rule asked for an apology after the complaint

    submit(store, rubric, recording, result, {apology.id: ItemScore(apology.id, None, na=True, reviewed=True)})

    moments = moments_for_agent(store, {rubric.id: rubric}, "A1003")
    assert moments and all(m.item != apology.id for m in moments)
    page = pack_of(store, "A1003", moments, tmp_path)
    assert apology.title not in page and all(f.text not in page for f in suggested)

    _, report, csv_text = team_report(store, rubric, tmp_path)
    assert apology.id not in {p.item_id for p in report.problems}
    assert apology.title not in csv_text


def test_a_rejected_verdict_appears_nowhere_downstream(store: Store, transcriber, rubrics, calls_copy: Path,
                                                       tmp_path: Path) -> None:  # noqa: ANN001
    """C06399's last forbidden hit rejected in the window (the recogniser's near miss): the evaluation does not
    stand by it, coaching and the pack never show it, the team counts it only as a rejection of the rule."""
    recording, result, rubric = analysed(store, transcriber, rubrics, calls_copy, "zh_forbidden_no_closing.wav")
    hits = sorted((f for f in result.flags if f.item == "forbidden"), key=lambda f: f.start)
    wrong, kept = hits[-1], hits[:-1]
    record_decision(store, recording["id"], rubric.id, INSPECTOR, wrong, REJECTED, "识别错误")
    verdicts = [d.as_verdict() for d in decisions(store, recording_id=recording["id"])]

    released = submit(store, rubric, recording, result, {}, verdicts)

    assert [v.decision for v in released.verdicts] == [REJECTED]
    assert wrong not in released.flags and all(f in released.flags for f in kept)
    moments = moments_for_agent(store, {rubric.id: rubric}, "A1002")
    forbidden_moments = [m for m in moments if m.category == "forbidden"]
    assert [m.start for m in forbidden_moments] == [f.start for f in kept]
    assert wrong not in standing_flags_of_call(store, {rubric.id: rubric}, recording["id"])  # the replay's marks
    page = pack_of(store, "A1002", moments, tmp_path)
    heard = [f'<p class="heard">“{f.text}”</p>' for f in (wrong, *kept)]  # the transcript excerpt may hold it
    assert heard[0] not in page and all(line in page for line in heard[1:])

    [merged], report, csv_text = team_report(store, rubric, tmp_path)
    assert wrong not in merged.flags and merged.verdicts == released.verdicts
    phrases = {f.phrase for f in report.flag_phrases}
    assert wrong.phrase not in phrases and {f.phrase for f in kept} <= phrases
    assert wrong.phrase not in report.detail[0].flags
    [rule] = [r for r in report.rules if r.rule.category == "forbidden"]
    assert (rule.hits, rule.confirmed, rule.rejected, rule.pending) == (len(hits), 0, 1, len(kept))
    assert wrong.text not in csv_text
