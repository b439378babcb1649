"""The coaching loop closed: a session's outcome, follow-up result and training request kept with it, and the
coached items re-checked on the agent's calls before and after the session, on a generated month pair."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from qaworkstation.core.domain import Evaluation
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.team.coaching_pack import export_pack
from qaworkstation.core.team.coaching import (CoachingSession, Moment, item_loss_rates, moments_for_agent, recheck,
                                              save_session, sessions_for_agent)
from qaworkstation.core.team.demo_data import default_rubrics, demo_agents, generate_months, save_to_store

INSPECTOR = "质检员01"
SESSION_DAY = "2026-10-01"


@pytest.fixture(scope="module")
def two_months() -> list[Evaluation]:
    return generate_months(["2026-09", "2026-10"], default_rubrics())


def weak_agent(rubrics) -> tuple[str, tuple[str, ...]]:
    agent = demo_agents(rubrics)[0]
    return agent.name, agent.weak_items


def test_coaching_outcome_recheck_counts_calls_before_and_after(two_months: list[Evaluation]) -> None:
    rubrics = {r.id: r for r in default_rubrics()}
    name, weak = weak_agent(list(rubrics.values()))
    rubric = rubrics["zh-monitoring"]
    items = [(item, rubric.item(item).title) for item in weak]

    rechecked = item_loss_rates(two_months, rubrics, name, items, SESSION_DAY)

    mine = [ev for ev in two_months if ev.agent == name and ev.call_time[:10] != SESSION_DAY]
    for result, (item, title) in zip(rechecked, items, strict=True):
        def lost(ev: Evaluation, item: str = item) -> bool:
            return ev.items[item].score < rubric.item(item).max_points

        applies = [ev for ev in mine if not ev.items[item].na]
        before = [ev for ev in applies if ev.call_time[:10] < SESSION_DAY]
        after = [ev for ev in applies if ev.call_time[:10] > SESSION_DAY]
        assert (result.item, result.title) == (item, title)
        assert (result.calls_before, result.lost_before) == (len(before), sum(map(lost, before)))
        assert (result.calls_after, result.lost_after) == (len(after), sum(map(lost, after)))
        assert result.calls_before > 5 and result.calls_after > 5 and result.lost_before > 0
        assert result.rate_before == pytest.approx(result.lost_before / result.calls_before)
        assert result.improved == (result.rate_after < result.rate_before)


def test_coaching_outcome_with_no_later_calls_is_not_judged(two_months: list[Evaluation]) -> None:
    rubrics = {r.id: r for r in default_rubrics()}
    name, weak = weak_agent(list(rubrics.values()))
    [result] = item_loss_rates(two_months, rubrics, name, [(weak[0], "")], "2026-12-01")
    assert result.calls_after == 0 and result.rate_after is None and result.improved is None


def test_coaching_outcome_is_kept_and_rechecked_in_the_library(store: Store, two_months: list[Evaluation]) -> None:
    rubrics = {r.id: r for r in default_rubrics()}
    name, weak = weak_agent(list(rubrics.values()))
    roles.ensure_user(store, INSPECTOR)
    for ev in [ev for ev in two_months if ev.agent == name]:
        saved = save_to_store(store, replace(ev, inspector=INSPECTOR))
        lifecycle.submit(store, saved.id, INSPECTOR)
    moments = [m for m in moments_for_agent(store, rubrics, name, date_to="2026-09-30") if m.item in weak]
    assert moments
    session = CoachingSession(name, "coach-li", moments, "复听三通", "2026-10-15", created_at=f"{SESSION_DAY}T09:00:00Z",
                              outcome="partly", follow_up_result="开头语好转，结束语仍遗漏",
                              training_request="结束语规范培训")

    save_session(store, session)

    [kept] = sessions_for_agent(store, name)
    assert (kept.outcome, kept.follow_up_result, kept.training_request) == (
        "partly", "开头语好转，结束语仍遗漏", "结束语规范培训")
    assert [m.key for m in kept.moments] == [m.key for m in moments]
    from_store = recheck(store, rubrics, kept)
    assert from_store == item_loss_rates(two_months, rubrics, name, kept.items, SESSION_DAY)
    with pytest.raises(ValueError, match="outcome"):
        save_session(store, replace(kept, outcome="great"))


def test_coaching_outcome_reads_sessions_saved_before_the_loop(store: Store) -> None:
    moment = Moment("rec", "a.wav", "2026-10-02T10:00:00", 1.0, 2.0, "filler", "filler", "口头禅", "C", 0.5, "嗯")
    store.db["coaching_sessions"].insert({
        "id": "old", "agent": "A1", "coach": "c", "action_plan": "", "follow_up": "", "acknowledged_at": "",
        "moments": json.dumps([moment.__dict__], ensure_ascii=False), "created_at": "2026-10-03T00:00:00Z",
        "updated_at": "2026-10-03T00:00:00Z"})

    [old] = sessions_for_agent(store, "A1")

    assert old.moments == [moment] and (old.outcome, old.training_request) == ("", "")
    assert old.items == [("filler", "口头禅")] and old.day == "2026-10-03"


def test_coaching_outcome_in_the_pack(store: Store, two_months: list[Evaluation], tmp_path) -> None:
    """The next session's pack carries the last follow-up: outcome, result, training request, and each coached
    item's before/after figures as the re-check computes them from the library."""
    rubrics = {r.id: r for r in default_rubrics()}
    name, weak = weak_agent(list(rubrics.values()))
    roles.ensure_user(store, INSPECTOR)
    for ev in [ev for ev in two_months if ev.agent == name]:
        lifecycle.submit(store, save_to_store(store, replace(ev, inspector=INSPECTOR)).id, INSPECTOR)
    moments = [m for m in moments_for_agent(store, rubrics, name, date_to="2026-09-30") if m.item in weak]
    followed = save_session(store, CoachingSession(
        name, "coach-li", moments, "复听三通", created_at=f"{SESSION_DAY}T09:00:00Z", outcome="not_improved",
        follow_up_result="结束语仍遗漏，客户电话 13812345678 已回访", training_request="结束语规范培训"))
    plain = export_pack(store, CoachingSession(name, "coach-li", [], "再复听"), tmp_path / "plain.html")
    assert "Follow-up of the coaching of 2026-10-01" in plain.read_text(encoding="utf-8")

    pack = export_pack(store, save_session(store, CoachingSession(name, "coach-li", [], "再复听")),
                       tmp_path / "pack.html", rubrics=rubrics).read_text(encoding="utf-8")

    assert "Follow-up of the coaching of 2026-10-01" in pack and "not improved" in pack
    assert "结束语规范培训" in pack and "13812345678" not in pack  # the result is masked like the moments
    rows = item_loss_rates(two_months, rubrics, name, followed.items, SESSION_DAY)
    assert len(rows) == len(weak)
    for row in rows:
        before = f"{row.lost_before}/{row.calls_before} ({row.lost_before / row.calls_before:.0%})"
        after = f"{row.lost_after}/{row.calls_after} ({row.lost_after / row.calls_after:.0%})"
        verdict = "better" if row.improved else "not better"
        assert f"<td>{row.title}</td><td>{before}</td><td>{after}</td><td>{verdict}</td>" in pack
    assert "<td>快速理解及时回答</td><td>5/9 (56%)</td><td>12/12 (100%)</td><td>not better</td>" in pack  # 陈晓燕
    assert "<td>结束语</td><td>8/9 (89%)</td><td>11/12 (92%)</td><td>not better</td>" in pack
    never_followed = export_pack(store, CoachingSession("nobody", "coach-li"), tmp_path / "x.html")
    assert 'class="follow-up"' not in never_followed.read_text(encoding="utf-8")


def test_coaching_outcome_in_the_agent_trend_of_the_team_report(tmp_path) -> None:
    """Sessions kept in the coach's library, scores merged from the inspectors' shared files into a team
    database: the monthly report re-checks each coached item before and after its session, marks the session
    on the agent's trend and lists the figures in its own table."""
    from qaworkstation.core.team.aggregate import TeamDatabase, aggregate
    from qaworkstation.core.team.demo_data import DEMO_COACHING_DAY, DEMO_MONTH, coaching_sessions, history_months
    from qaworkstation.core.team.report_charts import report_figures
    from qaworkstation.core.team.reports import Period, export_csvs, report_tables, team_quality_report
    from qaworkstation.core.team.sync import sync_evaluations

    rubrics = default_rubrics()
    half_year = generate_months(history_months(Period.month(DEMO_MONTH)), rubrics)  # as the docs' report
    sessions = coaching_sessions(half_year, rubrics)
    months = [ev for ev in half_year if ev.call_time[:7] in ("2026-09", "2026-10")]
    coached = {session.agent for session in sessions}
    assert coached == {"周婷", "林悦", "马超"}  # the lowest pass rates over the 30 days before 2026-10-12
    share, team = tmp_path / "share", TeamDatabase(tmp_path / "team.sqlite3")
    share.mkdir()
    for inspector in {ev.inspector for ev in months}:
        library = Store(tmp_path / f"{inspector}.sqlite3")
        roles.ensure_user(library, inspector)
        for ev in months:
            if ev.inspector == inspector and ev.agent in coached:
                lifecycle.submit(library, save_to_store(library, ev).id, inspector)
        assert sync_evaluations(share, inspector, library.evaluations(inspector=inspector)).ok
        library.close()
    assert aggregate(share, team).ok
    coach_library = Store(tmp_path / "coach.sqlite3")
    for session in sessions:
        save_session(coach_library, session)
    kept = [s for agent in sorted(coached) for s in sessions_for_agent(coach_library, agent)]

    report = team_quality_report(team, Period.month("2026-10"), rubrics, coaching=kept)

    figures = {(r.agent, item.title): (item.lost_before, item.calls_before, item.lost_after, item.calls_after)
               for r in report.rechecks for item in r.items}
    assert figures == {("周婷", "热情亲切"): (6, 14, 1, 9), ("周婷", "语句婉转"): (4, 14, 3, 9),
                       ("林悦", "静音等待规范（本中心补充）"): (1, 11, 1, 9), ("林悦", "语句婉转"): (4, 11, 1, 9),
                       ("马超", "业务解答完整"): (2, 17, 2, 7), ("马超", "礼貌用语"): (2, 17, 0, 7)}
    rubric = {r.id: r for r in rubrics}["zh-monitoring"]
    for r in report.rechecks:  # counted again the plain way, from the generated scores
        for item in r.items:
            mine = [ev for ev in months if ev.agent == r.agent and not ev.items[item.item].na]
            lost = [ev.items[item.item].score < rubric.item(item.item).max_points for ev in mine]
            before = [x for ev, x in zip(mine, lost, strict=True) if ev.call_time[:10] < DEMO_COACHING_DAY]
            after = [x for ev, x in zip(mine, lost, strict=True) if ev.call_time[:10] > DEMO_COACHING_DAY]
            assert (item.calls_before, item.lost_before, item.calls_after, item.lost_after) == (
                len(before), sum(before), len(after), sum(after))
    assert {(r.agent, r.team, r.day, r.outcome) for r in report.rechecks} == {
        ("周婷", "售前组", "2026-10-12", "partly"), ("林悦", "售后组", "2026-10-12", "partly"),
        ("马超", "售后组", "2026-10-12", "partly")}
    table = next(t for t in report_tables(report) if t.name == "coaching_recheck")
    assert table.title == "辅导复查（坐席趋势）"
    assert ("周婷", "售前组", "2026-10-12", "部分改善", "热情亲切", "6/14", 42.9, "1/9", 11.1, "有改善") in table.rows
    names = [f.name for f in report_figures(report)]
    assert names[names.index("trend") + 1] == "coaching_recheck"  # right after the trend it marks
    [written] = export_csvs([table], tmp_path)
    assert written.read_text(encoding="utf-8-sig").splitlines()[1] == "周婷,售前组,2026-10-12,部分改善,热情亲切,6/14,42.9,1/9,11.1,有改善"
    coach_library.close()
    team.close()
