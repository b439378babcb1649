"""Coverage plans: the monitoring plan's quotas (a share of each team's calls every day, a share of its agents
every week, the inspectors' daily amount) drawn within a date window, the draw's progress, and the coverage
rate (覆盖率) of the monthly report, on a generated month of handled calls."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

import pytest

from qaworkstation.core.team.demo_data import DEMO_MONTH, default_rubrics, generate_month, handled_calls
from qaworkstation.core.team.reports import Period, build_quality_report, report_tables
from qaworkstation.core.team.sampling import CoveragePlan, in_window, plan_progress, quota_sample

WEEK = ("2026-10-05", "2026-10-11")


@pytest.fixture(scope="module")
def month():
    return generate_month(DEMO_MONTH, default_rubrics())


@pytest.fixture(scope="module")
def handled(month) -> list[dict]:
    return [{**row, "id": row["call_id"]} for row in handled_calls(month)]


def test_quota_sample_takes_each_teams_daily_share_within_the_window(handled: list[dict]) -> None:
    plan = CoveragePlan(call_share=10.0, agent_share=0.0)
    drawn = quota_sample(handled, plan, *WEEK, seed=3)

    by_id = {row["id"]: row for row in handled}
    assert drawn == quota_sample(handled, plan, *WEEK, seed=3) and drawn != quota_sample(handled, plan, *WEEK, seed=4)
    assert len(set(drawn)) == len(drawn)
    assert all(WEEK[0] <= by_id[i]["call_time"][:10] <= WEEK[1] for i in drawn)
    per_day = Counter((by_id[i]["team"], by_id[i]["call_time"][:10]) for i in drawn)
    handled_per_day = Counter((r["team"], r["call_time"][:10]) for r in in_window(handled, *WEEK))
    assert per_day == {key: math.ceil(n * 0.1) for key, n in handled_per_day.items()}


def test_quota_sample_covers_the_weekly_share_of_agents() -> None:
    busy = [{"id": f"b{n}", "team": "T", "agent": "busy", "call_time": "2026-10-05T10:00:00"} for n in range(40)]
    quiet = [{"id": f"q{n}", "team": "T", "agent": f"q{n}", "call_time": "2026-10-06T10:00:00"} for n in range(9)]
    plan = CoveragePlan(call_share=5.0, agent_share=50.0)

    drawn = quota_sample(busy + quiet, plan, seed=1)

    agents = {row["agent"] for row in busy + quiet if row["id"] in drawn}
    assert len(agents) == 5  # ceil(50% of 10 agents); the daily share alone drew only two
    assert len(quota_sample(busy + quiet, CoveragePlan(call_share=5.0, agent_share=0.0), seed=1)) == 3


def test_quota_plans_per_team_and_a_default(handled: list[dict]) -> None:
    plans = {"投诉组": CoveragePlan("投诉组", call_share=50.0, agent_share=0.0),
             "": CoveragePlan(call_share=0.0, agent_share=0.0)}
    drawn = set(quota_sample(handled, plans, *WEEK))
    teams = Counter(row["team"] for row in handled if row["id"] in drawn)
    assert set(teams) == {"投诉组"}
    assert teams["投诉组"] >= sum(r["team"] == "投诉组" for r in in_window(handled, *WEEK)) // 2


def test_coverage_plan_progress_and_inspector_amount(handled: list[dict]) -> None:
    plan = CoveragePlan(call_share=10.0, inspector_daily=4)
    drawn_ids = quota_sample(handled, plan, *WEEK)
    drawn = [row for row in handled if row["id"] in set(drawn_ids)]
    scored = {row["id"] for row in drawn[::3]}

    progress = plan_progress(drawn, scored, plan, inspectors=3)

    assert (progress.drawn, progress.scored, progress.remaining) == (len(drawn), len(scored),
                                                                     len(drawn) - len(scored))
    assert progress.busiest_day == max(Counter(r["call_time"][:10] for r in drawn).values())
    assert progress.daily_capacity == 12 and progress.over_capacity == (progress.busiest_day > 12)
    assert not plan_progress(drawn, scored, CoveragePlan(), inspectors=3).over_capacity  # no amount set


def test_coverage_rate_in_the_monthly_report(month, handled: list[dict]) -> None:
    report = build_quality_report(month, Period.month(DEMO_MONTH), default_rubrics(), handled=handled)

    everyone = report.coverage[0]
    assert (everyone.name, everyone.calls, everyone.covered) == ("", len(handled), len(month))
    assert everyone.rate == pytest.approx(len(month) / len(handled)) and 0.05 < everyone.rate < 0.2
    assert everyone.agents == everyone.agents_covered == 16
    for team in report.coverage[1:]:
        assert team.calls == sum(row["team"] == team.name for row in handled)
    table = next(t for t in report_tables(report) if t.name == "coverage")
    assert table.title == "覆盖率" and table.rows[0][0] == "全部通话"
    assert build_quality_report(month, Period.month(DEMO_MONTH), default_rubrics()).coverage == []


def test_coverage_counts_only_the_period(month, handled: list[dict]) -> None:
    september = [{**row, "call_time": "2026-09-30T10:00:00"} for row in handled[:50]]
    report = build_quality_report(month, Period.month(DEMO_MONTH), default_rubrics(), handled=handled + september)
    assert report.coverage[0].calls == len(handled)
    assert date.fromisoformat(WEEK[0]).weekday() == 0  # the test week is an ISO week
