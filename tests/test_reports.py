"""Report numbers on a small hand-made month (worked out by hand below), the generator, and the exports; and
the team report from real libraries synced to a real share, where only submitted scores count."""

from __future__ import annotations

import csv
import re
import warnings
from datetime import date
from pathlib import Path

import pytest

from qaworkstation.core.domain import Evaluation, Flag, ItemScore, Rubric
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.scoring.rubric import score_evaluation
from qaworkstation.core.team.aggregate import TeamDatabase, aggregate
from qaworkstation.core.team.demo_data import (DEMO_MONTH, default_rubrics, demo_agents, generate_month,
                                               generate_months, main, save_to_store)
from qaworkstation.core.team.report_charts import (configure_fonts, export_detail_pdf, export_pdf, export_pngs,
                                                   export_report, report_figures)
from qaworkstation.core.team.reports import (Period, QualityReport, build_quality_report, daily_detail, deductions,
                                             detail_table, export_csv, export_csvs, export_xlsx, one_per_call,
                                             report_tables, team_quality_report)
from qaworkstation.core.team.sync import sync_evaluations

OCTOBER = Period.month("2026-10")


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return default_rubrics()[0]


def flag(category: str, phrase: str, deduction: float, item: str) -> Flag:
    return Flag(category, phrase, phrase, "agent", 10.0, 11.0, item, deduction)


def call(rubric: Rubric, number: int, agent: str, team: str, day: str, lost: dict[str, float],
         flags: tuple[Flag, ...] = (), updated_at: str = "", inspector: str = "张敏") -> Evaluation:
    """A scored call: ``lost`` is item -> points deducted; totals come from the real scoring rules."""
    items = {item_id: ItemScore(item_id, rubric.item(item_id).max_points - points, reviewed=True)
             for item_id, points in lost.items()}
    summary = score_evaluation(rubric, items)
    stamp = updated_at or f"{day}T12:00:00Z"
    return Evaluation(
        id=f"ev-{number}-{stamp}", recording_id=f"rec-{number}", rubric_id=rubric.id, inspector=inspector,
        items=items, total=summary.total, max_total=summary.max_total, passed=summary.passed,
        critical_failed=summary.critical_failed, created_at=stamp, updated_at=stamp, agent=agent, team=team,
        call_id=f"C{number}", call_time=f"{day}T09:{number:02d}:00", file_name=f"c{number}.wav", flags=list(flags),
    )


@pytest.fixture
def month(rubric: Rubric) -> list[Evaluation]:
    """Two teams, five agents, seven calls in October (call 7 scored twice) and one in September.

    greeting is lost by a1, a2 and b2: 3 of 5 agents = 60%, a common problem at 30%; everything else is
    one agent's. Call 2 fails on points (22 lost), call 4 on the critical insult item.
    """
    return [
        call(rubric, 1, "a1", "一组", "2026-10-01", {"greeting": 3},
             flags=(flag("greeting", "您好", 0.0, "greeting"),)),
        call(rubric, 2, "a1", "一组", "2026-10-06", {"place_order": 6, "product_knowledge": 5, "selling_points": 4,
                                                    "order_closing": 4, "closing": 3}),
        call(rubric, 3, "a2", "一组", "2026-10-01", {"greeting": 1, "filler": 1},
             flags=(flag("filler", "嗯", 0.5, "filler"), flag("filler", "嗯", 0.5, "filler"))),
        call(rubric, 4, "b1", "二组", "2026-10-12", {"insult": 5}, flags=(flag("insult", "神经病", 5.0, "insult"),)),
        call(rubric, 5, "b2", "二组", "2026-10-20", {"greeting": 3}),
        call(rubric, 6, "b3", "二组", "2026-10-21", {"thanks": 1}),
        call(rubric, 7, "b3", "二组", "2026-10-22", {"closing": 3}, updated_at="2026-10-22T10:00:00Z",
             inspector="李娜"),
        call(rubric, 7, "b3", "二组", "2026-10-22", {}, updated_at="2026-10-23T10:00:00Z", inspector="王磊"),
        call(rubric, 8, "a1", "一组", "2026-09-15", {"insult": 5}, flags=(flag("filler", "嗯", 0.5, "filler"),)),
    ]


@pytest.fixture
def report(month: list[Evaluation], rubric: Rubric) -> QualityReport:
    return build_quality_report(month, OCTOBER, [rubric])


# ------------------------------------------------------------------------------------------ numbers


def test_listened_count_and_pass_rate_count_each_call_once(report: QualityReport) -> None:
    assert (report.summary.calls, report.summary.passed) == (7, 5)
    assert report.summary.pass_rate == pytest.approx(5 / 7)
    assert report.summary.critical == 1
    assert report.merged_scorings == 1  # call 7, scored by two inspectors, counts once: the later verdict
    assert report.summary.mean_percent == pytest.approx((97 + 78 + 98 + 95 + 97 + 99 + 100) / 7)


def test_the_team_report_counts_only_submitted_scores(tmp_path: Path, month: list[Evaluation], rubric: Rubric) -> None:
    """The hand-made month scored in three real libraries, synced after each submit as the window does: call 4
    (b1's critical fail) is only a draft, and call 2 (a1's fail) then gets a passing correction in draft.
    Neither draft may move a figure, and every count agrees: synced, merged, reported."""
    share, stores = tmp_path / "share", {}
    share.mkdir()
    team = TeamDatabase(tmp_path / "team.sqlite3")

    def merged_report() -> tuple[QualityReport, int]:
        exported = sum(sync_evaluations(share, name, store.evaluations(inspector=name)).exported_count
                       for name, store in stores.items())
        assert aggregate(share, team).ok and team.evaluation_count() == exported
        return team_quality_report(team, OCTOBER, [rubric]), exported

    try:
        for evaluation in month:
            store = stores.setdefault(evaluation.inspector, Store(tmp_path / f"{evaluation.inspector}.sqlite3"))
            roles.ensure_user(store, evaluation.inspector)
            saved = save_to_store(store, evaluation)
            if evaluation.call_id != "C4":
                lifecycle.submit(store, saved.id, evaluation.inspector)
        assert merged_report()[1] == len(month) - 1  # everything but call 4's draft
        correction = save_to_store(stores["张敏"], call(rubric, 2, "a1", "一组", "2026-10-06", {}))

        report, exported = merged_report()

        assert exported == len(month) - 1
        assert (report.summary.calls, report.summary.passed, report.summary.critical) == (6, 5, 0)
        assert report.merged_scorings == 1 and "b1" not in {s.name for s in report.agents}
        assert [(row.call_id, row.passed) for row in report.detail if row.agent == "a1"] == [("C1", True),
                                                                                            ("C2", False)]

        draft_c4 = next(ev.id for ev in stores["张敏"].evaluations() if ev.call_id == "C4")
        for evaluation_id in (correction.id, draft_c4):
            lifecycle.submit(stores["张敏"], evaluation_id, "张敏")
        report, exported = merged_report()

        assert exported == len(month)
        assert (report.summary.calls, report.summary.passed, report.summary.critical) == (7, 6, 1)
    finally:
        team.close()
        for store in stores.values():
            store.close()


def test_abc_problem_counts_follow_item_severity(report: QualityReport) -> None:
    # call 1: B; call 2: A A B B B; call 3: B C; call 4: A; call 5: B; call 6: C; call 7 (latest): none
    assert report.summary.severity == {"A": 3, "B": 6, "C": 2}
    assert report.previous.severity == {"A": 1, "B": 0, "C": 0}


def test_pass_rates_per_team_and_agent(report: QualityReport) -> None:
    teams = {s.name: (s.calls, s.passed) for s in report.teams}
    assert teams == {"一组": (3, 2), "二组": (4, 3)}
    assert [s.name for s in report.teams] == ["二组", "一组"]  # best pass rate first
    agents = {s.name: (s.team, s.calls, s.passed) for s in report.agents}
    assert agents == {"a1": ("一组", 2, 1), "a2": ("一组", 1, 1), "b1": ("二组", 1, 0), "b2": ("二组", 1, 1),
                      "b3": ("二组", 2, 2)}
    assert report.previous_agents["a1"].pass_rate == 0
    assert report.previous_teams["一组"].calls == 1 and "二组" not in report.previous_teams


def test_common_versus_individual_problems(report: QualityReport, month: list[Evaluation], rubric: Rubric) -> None:
    assert [p.item_id for p in report.common_problems] == ["greeting"]
    greeting = report.common_problems[0]
    assert (greeting.agents, greeting.agent_share, greeting.calls, greeting.points_lost) == (
        ("a1", "a2", "b2"), 0.6, 3, 7)
    individual = {p.item_id: p.agents for p in report.individual_problems}
    assert individual == {"place_order": ("a1",), "product_knowledge": ("a1",), "selling_points": ("a1",),
                          "order_closing": ("a1",), "closing": ("a1",), "filler": ("a2",), "insult": ("b1",),
                          "thanks": ("b3",)}
    assert next(p for p in report.problems if p.item_id == "insult").previous_calls == 1

    stricter = build_quality_report(month, OCTOBER, [rubric], common_share=0.61)
    looser = build_quality_report(month, OCTOBER, [rubric], common_share=0.2)
    assert stricter.common_problems == []
    assert len(looser.common_problems) == len(looser.problems) == 9  # 1 of 5 agents is 20%


def test_top_flags_count_violations_only(report: QualityReport) -> None:
    categories = [(f.category, f.hits, f.calls, f.previous_hits) for f in report.flag_categories]
    # greetings heard are not problems; September's filler flag sits on an item that lost no points, so the
    # evaluation does not stand by it and it is not counted
    assert categories == [("filler", 2, 1, 0), ("insult", 1, 1, 0)]
    phrases = [(f.phrase, f.hits) for f in report.flag_phrases]
    assert phrases == [("嗯", 2), ("神经病", 1)]


def test_trend_has_one_point_per_week_of_the_month(report: QualityReport) -> None:
    assert report.trend_labels == ("10-01", "10-05", "10-12", "10-19", "10-26")
    trends = {t.agent: t.points for t in report.trends}
    assert trends["a1"] == (97, 78, None, None, None)
    assert trends["b3"] == (None, None, None, pytest.approx(99.5), None)


def test_daily_listening_detail_lists_the_days_calls(month: list[Evaluation], rubric: Rubric) -> None:
    rows = daily_detail(month, date(2026, 10, 1), [rubric])

    assert [(r.call_id, r.agent, r.call_time, r.passed) for r in rows] == [("C1", "a1", "09:01", True),
                                                                           ("C3", "a2", "09:03", True)]
    assert rows[1].deducted == "开头语(B) -1; 口头禅(C) -1"
    assert rows[1].flags == "嗯×2"


def test_unknown_rubrics_count_as_calls_but_not_as_problems(month: list[Evaluation], rubric: Rubric) -> None:
    stranger = call(rubric, 9, "c1", "三组", "2026-10-02", {"greeting": 3})
    stranger.rubric_id = "retired-rubric"

    report = build_quality_report([*month, stranger], OCTOBER, [rubric])

    assert report.summary.calls == 8 and report.unknown_rubrics == ["retired-rubric"]
    assert report.summary.severity == {"A": 3, "B": 6, "C": 2}


def test_deductions_follow_the_scoring_rules(rubric: Rubric) -> None:
    evaluation = call(rubric, 1, "a", "t", "2026-10-01", {})
    evaluation.items = {"apology": ItemScore("apology", 0, na=True), "greeting": ItemScore("greeting", None),
                        "closing": ItemScore("closing", -4), "forbidden": ItemScore("forbidden", 9)}

    assert [(d.item.id, d.lost) for d in deductions(evaluation, rubric)] == [("closing", 3)]


def test_one_per_call_keeps_the_latest_scoring(month: list[Evaluation]) -> None:
    kept = [ev for ev in one_per_call(month) if ev.call_id == "C7"]

    assert [ev.inspector for ev in kept] == ["王磊"]


@pytest.mark.parametrize(("text", "kind", "start", "end"), [
    ("2026-10", "month", date(2026, 10, 1), date(2026, 11, 1)),
    ("2026-12", "month", date(2026, 12, 1), date(2027, 1, 1)),
    ("2026-W43", "week", date(2026, 10, 19), date(2026, 10, 26)),
    ("2026-10-05", "day", date(2026, 10, 5), date(2026, 10, 6)),
])
def test_periods_parse(text: str, kind: str, start: date, end: date) -> None:
    period = Period.parse(text)

    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, text)


def test_previous_periods() -> None:
    assert Period.parse("2026-03").previous().label == "2026-02"
    assert Period.parse("2026-01").previous().label == "2025-12"
    assert Period.parse("2026-W01").previous().label == "2025-W52"
    assert [b.start.day for b in Period.parse("2026-W43").buckets()] == [19, 20, 21, 22, 23, 24, 25]
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.parse("October")


def test_weekly_report_compares_with_the_week_before(month: list[Evaluation], rubric: Rubric) -> None:
    week = build_quality_report(month, Period.parse("2026-W43"), [rubric])

    assert week.title == "2026-W43 质检周报"
    assert (week.summary.calls, week.previous.calls) == (3, 1)  # 10-20, 10-21, 10-22 against 10-12


# ------------------------------------------------------------------------------------------ generator


def test_generator_is_reproducible_and_plausible() -> None:
    rubrics = default_rubrics()
    first, again = generate_month(DEMO_MONTH, rubrics), generate_month(DEMO_MONTH, rubrics)

    assert first == again
    assert len({ev.id for ev in first}) == len(first) > 100
    assert len({ev.team for ev in first}) == 4 and len({ev.inspector for ev in first}) == 3
    assert all(ev.call_time.startswith(DEMO_MONTH) for ev in first)
    pass_rate = sum(ev.passed for ev in first) / len(first)
    assert 0.75 < pass_rate < 0.98


def test_generated_totals_and_flags_agree_with_the_rubric() -> None:
    rubric = default_rubrics()[0]
    for ev in generate_month(DEMO_MONTH, [rubric]):
        summary = score_evaluation(rubric, ev.items, ev.call_type)
        assert (ev.total, ev.max_total, ev.passed) == (summary.total, summary.max_total, summary.passed)
        heard = sum(f.deduction for f in ev.flags if f.item == "forbidden")
        lost = rubric.item("forbidden").max_points - ev.items["forbidden"].score
        assert lost == min(heard, rubric.item("forbidden").max_points)


def test_generated_report_has_common_and_individual_problems_and_a_comparison() -> None:
    rubrics = default_rubrics()
    report = build_quality_report(generate_months(["2026-09", DEMO_MONTH], rubrics), OCTOBER, rubrics)

    assert report.common_problems and report.individual_problems
    assert report.previous.calls > 100 and report.summary.calls > 100
    assert len(report.agents) == len(demo_agents(rubrics)) == 16


def test_english_team_is_generated_on_the_english_rubric() -> None:
    rubrics = default_rubrics(include_english=True)
    evaluations = generate_month(DEMO_MONTH, rubrics)

    billing = {ev.rubric_id for ev in evaluations if ev.team == "Billing"}
    assert billing == {"en-contact-center"}
    report = build_quality_report(evaluations, OCTOBER, rubrics, language="en")
    assert report.title == "2026-10 Monthly quality report" and not report.unknown_rubrics


# ------------------------------------------------------------------------------------------ exports


def test_csv_has_a_bom_and_neutralises_formulas(tmp_path: Path, report: QualityReport) -> None:
    table = detail_table(report.detail)
    table.rows[0] = (*table.rows[0][:-1], "=HYPERLINK(\"http://x\")")

    path = export_csv(table, tmp_path / "detail.csv")

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["日期", "通话时间", "坐席"]
    assert rows[1][-1].startswith("'=") and len(rows) == 8


def test_every_report_table_exports_to_csv_and_xlsx(tmp_path: Path, report: QualityReport) -> None:
    from openpyxl import load_workbook

    tables = report_tables(report)
    tables[-1].rows[0] = (*tables[-1].rows[0][:-1], "=1+1")

    paths = export_csvs(tables, tmp_path, prefix="2026-10-")
    workbook_path = export_xlsx(tables, tmp_path / "report.xlsx")

    assert [p.name for p in paths] == [f"2026-10-{t.name}.csv" for t in tables]
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == [t.title for t in tables]
    agents = workbook[tables[1].title]
    assert agents["A1"].value == "坐席" and agents.max_row == len(tables[1].rows) + 1
    assert isinstance(agents["C2"].value, int)  # numbers stay numbers
    detail = workbook[tables[-1].title]
    assert detail.cell(row=2, column=len(tables[-1].columns)).value == "=1+1"
    assert detail.cell(row=2, column=len(tables[-1].columns)).data_type == "s"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_pdf_and_pngs_render_chinese_without_missing_glyphs(tmp_path: Path) -> None:
    rubrics = default_rubrics()
    report = build_quality_report(generate_months(["2026-09", DEMO_MONTH], rubrics), OCTOBER, rubrics)
    assert configure_fonts(), "no CJK font installed: install fonts-noto-cjk"

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = export_pdf(report, tmp_path / "monthly-report.pdf")
        pngs = export_pngs(report, tmp_path)

    assert not [w for w in caught if "missing from" in str(w.message)], [str(w.message) for w in caught]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type /Page\b", data)) == len(report_figures(report))
    assert [p.name for p in pngs] == ["summary.png", "teams.png", "agents.png", "problems.png", "flags.png",
                                      "trend.png", "listening.png", "forecast.png", "handle_time.png",
                                      "complaints.png", "cases.png", "training_plan.png", "training_plan-2.png",
                                      "agent_table.png", "rule_precision.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_an_empty_period_still_renders(tmp_path: Path, rubric: Rubric) -> None:
    empty = build_quality_report([], OCTOBER, [rubric])

    assert empty.summary.calls == 0 and empty.summary.pass_rate is None
    assert export_pdf(empty, tmp_path / "empty.pdf").stat().st_size > 0


def test_export_report_writes_every_format_with_the_period_in_the_names(tmp_path: Path, report: QualityReport) -> None:
    written = export_report(report, tmp_path / "out")

    names = {p.name for p in written}
    assert {"2026-10-monthly-report.pdf", "2026-10-monthly-report.xlsx", "2026-10-summary.png",
            "2026-10-agents.csv", "2026-10-daily_detail.csv"} <= names
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(names)
    with pytest.raises(ValueError, match="docx"):
        export_report(report, tmp_path, formats=("pdf", "docx"))


def test_daily_detail_pdf_pages_long_days(tmp_path: Path) -> None:
    rubrics = default_rubrics()
    rows = [row for day in range(1, 8) for row in daily_detail(generate_month(DEMO_MONTH, rubrics),
                                                                date(2026, 10, day), rubrics)]
    assert len(rows) > 28

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = export_detail_pdf(rows, tmp_path / "detail.pdf", "日监听明细")

    assert not [w for w in caught if "missing from" in str(w.message)]
    assert len(re.findall(rb"/Type /Page\b", path.read_bytes())) == -(-len(rows) // 28)


def test_big_teams_spread_agents_trends_and_tables_over_pages(rubric: Rubric) -> None:
    evaluations = [call(rubric, n, f"agent{n:02d}", "一组", "2026-10-05", {}) for n in range(1, 41)]

    figures = report_figures(build_quality_report(evaluations, OCTOBER, [rubric]))

    assert [f.name for f in figures] == ["summary", "teams", "agents", "agents-2", "problems", "flags", "trend",
                                         "trend-2", "trend-3", "listening", "forecast", "handle_time", "complaints",
                                         "cases", "training_plan", "agent_table", "agent_table-2", "rule_precision"]


def test_the_documentation_report_is_written_by_the_generator(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main([str(tmp_path / "docs")]) == 0

    assert (tmp_path / "docs" / "monthly-report.pdf").read_bytes().startswith(b"%PDF")
    assert "monthly-report.pdf" in capsys.readouterr().out
