"""The handbook's monthly report pages on a generated half year: the listening list of best and failed
recordings, handle time, complaints, time of day, the forecast with its stated method, threshold alerts, the
training plan by A/B/C severity and the case analysis. Each figure is recomputed here from the evaluations."""

from __future__ import annotations

from statistics import fmean
from urllib.parse import unquote

import pytest

from qaworkstation.core.domain import Evaluation, Hearing
from qaworkstation.core.team.demo_data import (DEMO_MONTH, DEMO_RECORDINGS, default_rubrics, generate_months,
                                               history_months)
from qaworkstation.core.team.reports import (AlertThresholds, Period, QualityReport, Stats, build_quality_report,
                                             call_duration, evaluation_day, linear_forecast, one_per_call, percent,
                                             report_tables, threshold_alerts)

OCTOBER = Period.month(DEMO_MONTH)


@pytest.fixture(scope="module")
def half_year() -> list[Evaluation]:
    return generate_months(history_months(OCTOBER), default_rubrics())


@pytest.fixture(scope="module")
def report(half_year: list[Evaluation]) -> QualityReport:
    return build_quality_report(half_year, OCTOBER, default_rubrics(), recordings_root=DEMO_RECORDINGS)


@pytest.fixture(scope="module")
def october(half_year: list[Evaluation]) -> list[Evaluation]:
    return [ev for ev in one_per_call(half_year) if OCTOBER.contains(evaluation_day(ev))]


def test_best_worst_listening_list_ranks_and_links_the_recordings(report: QualityReport,
                                                                   october: list[Evaluation]) -> None:
    best = [c for c in report.listening if c.kind == "best"]
    worst = [c for c in report.listening if c.kind == "worst"]
    failed = [ev for ev in october if not ev.passed]

    top = sorted((round(percent(ev), 1) for ev in october if ev.passed and not ev.critical_failed), reverse=True)
    assert [c.percent for c in best] == top[:5]
    assert len(worst) == min(5, len(failed)) > 0
    assert [c.percent for c in worst] == sorted(round(percent(ev), 1) for ev in failed)[:len(worst)]
    assert all(c.why for c in worst)  # what the call lost, to listen for
    for c in report.listening:
        assert c.link.startswith("file:///calls/") and unquote(c.link).endswith(c.file_name)
    table = next(t for t in report_tables(report) if t.name == "listening")
    assert table.title == "优秀录音与不合格录音" and {row[0] for row in table.rows} == {"优秀录音", "不合格录音"}


def test_best_worst_puts_critical_fails_first(report: QualityReport, october: list[Evaluation]) -> None:
    rubrics = default_rubrics()
    critical = october[0]
    failing = [critical.__class__(**{**critical.__dict__, "critical_failed": True, "passed": False,
                                     "id": "critical", "call_id": "CX", "total": critical.max_total})]
    listed = build_quality_report([*october, *failing], OCTOBER, rubrics).listening
    assert next(c for c in listed if c.kind == "worst").call_id == "CX"


def test_forecast_is_the_least_squares_line_with_two_standard_errors() -> None:
    assert linear_forecast([(0, 0.5), (1, 0.6), (2, 0.7)], 3) == pytest.approx((0.8, 0.0, 0.1))
    assert linear_forecast([(0, 0.5), (1, 0.6)], 2) == (None, None, None)
    value, band, slope = linear_forecast([(0, 0.9), (1, 0.8), (2, 1.0), (3, 0.9)], 4)
    # by hand: slope 0.02, intercept 0.87; residuals 0.03,-0.09,0.09,-0.03 → s² = 0.018/2; se² = s²(1+1/4+6.25/5)
    assert slope == pytest.approx(0.02) and value == pytest.approx(0.95)
    assert band == pytest.approx(2 * (0.009 * (1 + 0.25 + 1.25)) ** 0.5)


def test_forecast_of_the_generated_half_year(report: QualityReport, half_year: list[Evaluation]) -> None:
    forecast = report.forecast
    calls = one_per_call(half_year)

    assert forecast is not None and forecast.labels == tuple(history_months(OCTOBER))
    assert forecast.next_label == "2026-11" and forecast.periods_used == 6
    for name, rate in zip(forecast.labels, forecast.pass_rates, strict=True):
        month = [ev for ev in calls if Period.month(name).contains(evaluation_day(ev))]
        assert rate == pytest.approx(sum(ev.passed for ev in month) / len(month))
    points = list(enumerate(forecast.pass_rates))
    value, band, slope = linear_forecast(points, 6)
    assert forecast.value == pytest.approx(value) and forecast.slope == pytest.approx(slope)
    assert slope > 0  # coaching works: the line rises
    assert forecast.low == pytest.approx(value - band) and forecast.high == pytest.approx(min(1.0, value + band))
    table = next(t for t in report_tables(report) if t.name == "forecast")
    assert table.title == "质量趋势预测" and table.rows[-1][:2] == ("2026-11", "预测")


def test_forecast_needs_three_periods(october: list[Evaluation]) -> None:
    forecast = build_quality_report(october, OCTOBER, default_rubrics()).forecast
    assert forecast is not None and forecast.periods_used == 1 and forecast.value is None


def test_handle_time_compliance_counts_calls_outside_the_limits(report: QualityReport,
                                                                 october: list[Evaluation]) -> None:
    seconds = [ev.hearing.duration_s for ev in october]
    everyone = report.handle_times[0]

    assert len(set(seconds)) > 50  # the generated calls vary in length
    assert (everyone.name, everyone.calls) == ("", len(october))
    assert everyone.mean_s == pytest.approx(fmean(seconds))
    assert everyone.too_short == sum(s < 60 for s in seconds) and everyone.too_long == sum(s > 600 for s in seconds)
    assert everyone.too_long > 0
    assert everyone.compliance == pytest.approx(sum(60 <= s <= 600 for s in seconds) / len(seconds))
    for team in report.handle_times[1:]:
        assert team.calls == sum(ev.team == team.name for ev in october)


def test_handle_time_falls_back_on_the_recordings_length(october: list[Evaluation]) -> None:
    unknown = october[0].__class__(**{**october[0].__dict__, "hearing": Hearing()})
    assert call_duration(unknown, {}) is None
    assert call_duration(unknown, {unknown.call_id: 42.0}) == 42.0
    assert call_duration(october[1], {october[1].call_id: 42.0}) == october[1].hearing.duration_s
    short = build_quality_report([unknown], OCTOBER, default_rubrics(), durations={unknown.file_name: 42.0})
    assert (short.handle_times[0].calls, short.handle_times[0].too_short) == (1, 1)


def test_handle_time_complaints_and_hours_add_up(report: QualityReport, october: list[Evaluation]) -> None:
    complaints = [ev for ev in october if ev.call_type == "投诉"]
    assert report.complaints[0].calls == len(complaints) > 0
    assert report.complaints[0].passed == sum(ev.passed for ev in complaints)
    assert sum(s.calls for s in report.complaints[1:]) == len(complaints)
    assert sum(h.calls for h in report.hours) == len(october)
    assert [h.name for h in report.hours] == sorted({f"{ev.call_time[11:13]}:00" for ev in october})
    evening = [ev for ev in october if ev.call_time[11:13] == "20"]
    assert report.hours[-1].mean_percent == pytest.approx(fmean(percent(ev) for ev in evening))


def stats(name: str, team: str, calls: int, passed: int, critical: int = 0) -> Stats:
    return Stats(name, team, calls, passed, None, critical, {"A": 0, "B": 0, "C": 0})


def test_alert_thresholds_default_and_per_team() -> None:
    teams = [stats("一组", "一组", 20, 19), stats("二组", "二组", 20, 17, critical=2)]
    agents = [stats("a1", "一组", 5, 4), stats("a2", "一组", 2, 0), stats("b1", "二组", 10, 9, critical=1)]

    alerts = threshold_alerts(teams, agents, {})
    assert [(a.scope, a.name, a.measure) for a in alerts] == [
        ("team", "二组", "critical"), ("team", "二组", "pass_rate"), ("agent", "b1", "critical"),
        ("agent", "a1", "pass_rate")]  # a2 has too few calls to be judged on a rate

    lenient = {"二组": AlertThresholds(agent_pass_rate=0.5, agent_critical=3, team_pass_rate=0.8, team_critical=5)}
    assert [(a.name, a.measure) for a in threshold_alerts(teams, agents, lenient)] == [("a1", "pass_rate")]


def test_alert_on_the_generated_month(report: QualityReport) -> None:
    for alert in report.alerts:
        group = next(s for s in (report.teams if alert.scope == "team" else report.agents) if s.name == alert.name)
        assert (group.pass_rate < alert.threshold) if alert.measure == "pass_rate" else group.critical >= 1
    flagged = {a.name for a in report.alerts if a.scope == "agent"}
    assert flagged == {s.name for s in report.agents if s.calls >= 3 and s.pass_rate < 0.9 or s.critical >= 1}


def test_training_plan_by_abc_severity(report: QualityReport) -> None:
    plan = report.training
    assert [n.severity for n in plan] == sorted(n.severity for n in plan)
    for need in plan:
        problem = next(p for p in report.problems if p.item_id == need.item_id)
        assert sum(count for _, count in need.agents) == need.calls == problem.calls
        assert {agent for agent, _ in need.agents} == set(problem.agents) and need.common == problem.common
    table = next(t for t in report_tables(report) if t.name == "training_plan")
    assert table.title == "培训计划" and {row[4] for row in table.rows} == {"集中培训（共性问题）", "一对一辅导（个性问题）"}


def test_case_analysis_quotes_the_flags_kept(report: QualityReport, october: list[Evaluation]) -> None:
    common = [c for c in report.cases if c.problem.common]
    assert len(common) == len(report.common_problems)
    quoted = [c for c in report.cases if c.excerpts]
    assert quoted
    for case in quoted:
        for excerpt in case.excerpts:
            ev = next(ev for ev in october if ev.call_id == excerpt.call_id)
            assert any(f.item == case.problem.item_id and f.text == excerpt.text for f in ev.flags)
    table = next(t for t in report_tables(report) if t.name == "cases")
    assert table.title == "案例分析"
