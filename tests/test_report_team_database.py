"""The handbook's monthly report through the real files: a generated half year scored in three inspectors'
libraries, submitted, synced to the share and merged into the team database, then reported. Every figure —
best and worst recordings, the forecast, handle time, alerts, coverage, repeat calls, the coaching re-check —
is what the plain recount of the generated scores gives, and the pinned values are the demo month's (seed
2026) as the docs' report shows them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from statistics import fmean

import pytest

from qaworkstation.core.domain import Evaluation
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.team.aggregate import TeamDatabase, aggregate
from qaworkstation.core.team.coaching import save_session, sessions_for_agent
from qaworkstation.core.team.demo_data import (DEMO_MONTH, DEMO_RECORDINGS, coaching_sessions, default_rubrics,
                                               generate_months, handled_calls, history_months, save_to_store)
from qaworkstation.core.team.reports import (Period, QualityReport, build_quality_report, linear_forecast, percent,
                                             team_quality_report)
from qaworkstation.core.team.sync import sync_evaluations

OCTOBER = Period.month(DEMO_MONTH)


@pytest.fixture(scope="module")
def half_year() -> list[Evaluation]:
    return generate_months(history_months(OCTOBER), default_rubrics())


@pytest.fixture(scope="module")
def merged(half_year: list[Evaluation], tmp_path_factory: pytest.TempPathFactory) -> tuple[QualityReport, Path]:
    """The report built from the team database file, with the call list and the coach's library's sessions."""
    folder = tmp_path_factory.mktemp("month")
    share = folder / "share"
    share.mkdir()
    for inspector in sorted({ev.inspector for ev in half_year}):
        library = Store(folder / f"{inspector}.sqlite3")
        roles.ensure_user(library, inspector)
        for ev in half_year:
            if ev.inspector == inspector:
                lifecycle.submit(library, save_to_store(library, ev).id, inspector)
        assert sync_evaluations(share, inspector, library.evaluations(inspector=inspector)).ok
        library.close()
    team = TeamDatabase(folder / "team.sqlite3")
    assert aggregate(share, team).ok and team.evaluation_count() == len(half_year)
    coach = Store(folder / "coach.sqlite3")
    for session in coaching_sessions(half_year, default_rubrics()):
        save_session(coach, session)
    sessions = [s for agent in ("周婷", "林悦", "马超") for s in sessions_for_agent(coach, agent)]
    report = team_quality_report(team, OCTOBER, default_rubrics(), recordings_root=DEMO_RECORDINGS,
                                 handled=handled_calls(half_year), coaching=sessions)
    coach.close()
    team.close()
    return report, folder


@pytest.fixture(scope="module")
def report(merged: tuple[QualityReport, Path]) -> QualityReport:
    return merged[0]


@pytest.fixture(scope="module")
def october(half_year: list[Evaluation]) -> list[Evaluation]:
    return [ev for ev in half_year if ev.call_time.startswith(DEMO_MONTH)]  # each generated call scored once


def test_best_worst_from_the_team_database(report: QualityReport, october: list[Evaluation]) -> None:
    assert (report.summary.calls, report.summary.passed) == (len(october), sum(ev.passed for ev in october)) == (
        189, 185)
    failed = sorted((ev for ev in october if not ev.passed), key=lambda ev: (percent(ev), ev.call_time))
    worst = [(c.call_id, c.percent) for c in report.listening if c.kind == "worst"]
    assert worst == [(ev.call_id, round(percent(ev), 1)) for ev in failed] == [
        ("C28920", 69.8), ("C14565", 73.8), ("C38339", 75.4), ("C95787", 76.9)]
    perfect = sorted((ev for ev in october if percent(ev) == 100.0 and not ev.critical_failed),
                     key=lambda ev: (ev.call_time, ev.id))
    assert [c.call_id for c in report.listening if c.kind == "best"] == [ev.call_id for ev in perfect[:5]] == [
        "C51478", "C51461", "C78592", "C48593", "C41026"]


def test_forecast_from_the_team_database(report: QualityReport, half_year: list[Evaluation]) -> None:
    """Six months are read for the line, not only the two the report compares."""
    forecast = report.forecast
    rates = []
    for month in history_months(OCTOBER):
        calls = [ev for ev in half_year if ev.call_time.startswith(month)]
        rates.append(sum(ev.passed for ev in calls) / len(calls))
    assert forecast.periods_used == 6 and forecast.pass_rates == pytest.approx(rates)
    value, band, slope = linear_forecast(list(enumerate(rates)), 6)
    assert (forecast.value, forecast.low, forecast.high, forecast.slope) == pytest.approx(
        (value, value - band, value + band, slope))
    assert (round(100 * forecast.value, 1), round(100 * forecast.low, 1), round(100 * forecast.high, 1),
            round(100 * forecast.slope, 2)) == (98.7, 97.7, 99.6, 0.69)


def test_handle_time_from_the_team_database(report: QualityReport, october: list[Evaluation]) -> None:
    seconds = [ev.hearing.duration_s for ev in october]
    everyone = report.handle_times[0]
    assert (everyone.calls, everyone.too_short, everyone.too_long) == (
        len(seconds), sum(s < 60 for s in seconds), sum(s > 600 for s in seconds)) == (189, 2, 12)
    assert everyone.mean_s == pytest.approx(fmean(seconds)) and round(everyone.mean_s, 1) == 295.8
    teams = {h.name: (h.calls, h.too_short, h.too_long) for h in report.handle_times[1:]}
    assert teams == {"售前组": (50, 2, 5), "售后组": (44, 0, 3), "投诉组": (44, 0, 2), "物流组": (51, 0, 2)}


def test_alert_from_the_team_database(report: QualityReport, october: list[Evaluation]) -> None:
    """By hand: 售前组 passed 47 of 50 (94% < 95%); 吴磊 passed 8 of 10 (80% < 90%); no critical fail."""
    team = [ev for ev in october if ev.team == "售前组"]
    agent = [ev for ev in october if ev.agent == "吴磊"]
    assert (len(team), sum(ev.passed for ev in team), len(agent), sum(ev.passed for ev in agent)) == (50, 47, 10, 8)
    assert not any(ev.critical_failed for ev in october)
    assert [(a.scope, a.name, a.measure, a.value, a.threshold) for a in report.alerts] == [
        ("team", "售前组", "pass_rate", pytest.approx(0.94), 0.95),
        ("agent", "吴磊", "pass_rate", pytest.approx(0.8), 0.9)]


def test_coverage_and_repeat_call_from_the_team_database(report: QualityReport, half_year: list[Evaluation]
                                                         ) -> None:
    handled = [row for row in handled_calls(half_year) if row["call_time"].startswith(DEMO_MONTH)]
    assert [(c.name, c.calls, c.covered) for c in report.coverage] == [
        ("", 1799, 189), ("售前组", 467, 50), ("售后组", 418, 44), ("投诉组", 427, 44), ("物流组", 487, 51)]
    assert report.coverage[0].calls == len(handled)
    assert Counter(row["team"] for row in handled) == {c.name: c.calls for c in report.coverage[1:]}
    assert [(r.name, r.calls, r.repeated) for r in report.repeat_calls if r.scope != "agent"] == [
        ("", 1799, 223), ("售前组", 467, 67), ("售后组", 418, 47), ("投诉组", 427, 55), ("物流组", 487, 54)]


def test_coaching_outcome_from_the_team_database(report: QualityReport) -> None:
    assert [(r.agent, [(i.lost_before, i.calls_before, i.lost_after, i.calls_after) for i in r.items])
            for r in report.rechecks] == [("周婷", [(6, 14, 1, 9), (4, 14, 3, 9)]),
                                          ("林悦", [(1, 11, 1, 9), (4, 11, 1, 9)]),
                                          ("马超", [(2, 17, 2, 7), (2, 17, 0, 7)])]


def test_report_from_the_files_is_the_report_from_the_evaluations(report: QualityReport,
                                                              half_year: list[Evaluation]) -> None:
    """The files change nothing: the same month built from the generated evaluations directly."""
    direct = build_quality_report(half_year, OCTOBER, default_rubrics(), recordings_root=DEMO_RECORDINGS,
                                  handled=handled_calls(half_year),
                                  coaching=coaching_sessions(half_year, default_rubrics()))
    assert [(c.kind, c.call_id) for c in report.listening] == [(c.kind, c.call_id) for c in direct.listening]
    assert report.alerts == direct.alerts and report.handle_times == direct.handle_times
    assert report.forecast == direct.forecast and report.coverage == direct.coverage
    assert report.repeat_calls == direct.repeat_calls
    assert [(r.agent, r.items) for r in report.rechecks] == [(r.agent, r.items) for r in direct.rechecks]
