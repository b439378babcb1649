"""Repeat calls and first-call resolution (首次解决率 / 重复来电): the caller's number from the call metadata, a
caller ringing again within the window counted against the agent who took the first call, per team and agent,
in the monthly report's table and page; on a hand-made week, on a generated month and on a real library."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qaworkstation.core.library.importer import FilenamePattern, import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.team.demo_data import (DEMO_MONTH, default_rubrics, generate_months, handled_calls,
                                               history_months)
from qaworkstation.core.team.report_charts import report_figures
from qaworkstation.core.team.reports import (Period, build_quality_report, export_csvs, export_xlsx, repeat_calls,
                                             report_tables)

OCTOBER = Period.month("2026-10")


def call(call_id: str, caller: str, when: str, agent: str, team: str = "物流组") -> dict[str, str]:
    return {"call_id": call_id, "caller": caller, "call_time": when, "agent": agent, "team": team}


HAND_MADE = [
    call("a1", "13800000001", "2026-10-01T09:00:00", "X"),  # rings again on the 5th: repeated
    call("a2", "13800000001", "2026-10-05T10:00:00", "Y"),  # next on the 20th, 15 days on: resolved
    call("a3", "13800000001", "2026-10-20T11:00:00", "X"),  # never again: resolved
    call("b1", "13800000002", "2026-10-30T15:00:00", "X"),  # rings again on 2 November: repeated
    call("b2", "13800000002", "2026-11-02T10:00:00", "Y"),  # outside the month: not counted itself
    call("c1", "13800000003", "2026-10-12T16:00:00", "Y", "售前组"),
    call("n1", "", "2026-10-12T16:30:00", "Y"),  # no caller id: left out
    call("t1", "13800000003", "yesterday", "Y"),  # no readable time: left out
]


def figures(rows: list) -> dict[tuple[str, str], tuple[int, int]]:
    return {(r.scope, r.name): (r.calls, r.repeated) for r in rows}


def test_repeat_call_counts_worked_out_by_hand() -> None:
    found = repeat_calls(HAND_MADE, OCTOBER, days=7)

    assert figures(found) == {("all", ""): (5, 2), ("team", "物流组"): (4, 2), ("team", "售前组"): (1, 0),
                              ("agent", "X"): (3, 2), ("agent", "Y"): (2, 0)}
    everyone = found[0]
    assert (everyone.repeat_rate, everyone.fcr) == (pytest.approx(0.4), pytest.approx(0.6))
    assert [r.scope for r in found] == ["all", "team", "team", "agent", "agent"]


def test_repeat_call_window_decides() -> None:
    """b1 → b2 is 2 days 19 hours, a1 → a2 4 days 1 hour: a 3-day window keeps only the first."""
    assert figures(repeat_calls(HAND_MADE, OCTOBER, days=3))[("all", "")] == (5, 1)
    assert figures(repeat_calls(HAND_MADE, OCTOBER, days=15))[("all", "")] == (5, 2)  # a2 → a3 is 15 d 1 h
    with pytest.raises(ValueError, match="at least one day"):
        repeat_calls(HAND_MADE, OCTOBER, days=0)


def test_repeat_call_none_without_caller_ids() -> None:
    assert repeat_calls([{**row, "caller": ""} for row in HAND_MADE], OCTOBER) == []


@pytest.fixture(scope="module")
def half_year() -> tuple[list, list[dict[str, str]]]:
    evaluations = generate_months(history_months(Period.month(DEMO_MONTH)), default_rubrics())
    return evaluations, handled_calls(evaluations)


def brute_force(handled: list[dict[str, str]], period: Period, days: int) -> dict[tuple[str, str], list[int]]:
    """The figures counted the slow, obvious way: for each call of the period, is there any later call of the
    same caller within the window?"""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    same_caller = defaultdict(list)
    for row in handled:
        same_caller[row["caller"]].append(row)
    for row in handled:
        if not period.contains(row["call_time"][:10]):
            continue
        when = datetime.fromisoformat(row["call_time"])
        again = any(other is not row
                    and when <= datetime.fromisoformat(other["call_time"]) <= when + timedelta(days=days)
                    and (other["call_time"], other["call_id"]) > (row["call_time"], row["call_id"])
                    for other in same_caller[row["caller"]])
        for key in (("all", ""), ("team", row["team"]), ("agent", row["agent"])):
            counts[key][0] += 1
            counts[key][1] += again
    return counts


def test_repeat_call_rates_of_the_generated_month(half_year) -> None:
    evaluations, handled = half_year
    period = Period.month(DEMO_MONTH)
    report = build_quality_report(evaluations, period, default_rubrics(), handled=handled)

    expected = brute_force(handled, period, 7)
    assert figures(report.repeat_calls) == {key: tuple(value) for key, value in expected.items()}
    everyone = report.repeat_calls[0]
    assert (everyone.calls, everyone.repeated) == (1799, 223)  # the demo month, seed 2026
    assert everyone.fcr == pytest.approx(1 - 223 / 1799)  # 87.6%
    teams = {r.name: (r.calls, r.repeated) for r in report.repeat_calls if r.scope == "team"}
    assert teams == {"售前组": (467, 67), "售后组": (418, 47), "投诉组": (427, 55), "物流组": (487, 54)}
    assert sum(calls for calls, _ in teams.values()) == everyone.calls
    weakest = min((r for r in report.repeat_calls if r.scope == "agent"), key=lambda r: r.fcr)
    assert (weakest.name, weakest.calls, weakest.repeated) == ("黄蕾", 79, 17)  # 78.5%


def test_repeat_call_table_and_page_in_both_languages(half_year, tmp_path: Path) -> None:
    evaluations, handled = half_year
    for language, title, everyone in (("zh", "重复来电与首次解决率", "全部通话"),
                                      ("en", "Repeat calls and first-call resolution", "All calls")):
        report = build_quality_report(evaluations, Period.month(DEMO_MONTH), default_rubrics(), handled=handled,
                                      language=language)
        table = next(t for t in report_tables(report) if t.name == "repeat_calls")
        assert table.title == title
        assert table.rows[0][1:] == (everyone, "", 1799, 223, 12.4, 87.6)
        callers = {row["caller"] for row in handled}
        assert not any(str(cell) in callers for row in table.rows for cell in row)  # numbers never shown
        assert "repeat_calls" in [f.name for f in report_figures(report)]
        [written] = export_csvs([table], tmp_path, prefix=f"{language}-")
        text = written.read_bytes().decode("utf-8")
        assert text.startswith("\ufeff") and text.splitlines()[1].endswith(",1799,223,12.4,87.6")
        sheet = load_workbook(export_xlsx(report_tables(report), tmp_path / f"{language}.xlsx"))[table.title[:28]]
        assert [cell.value for cell in sheet[2]][3:] == [1799, 223, 12.4, 87.6]
    bare = build_quality_report(evaluations, Period.month(DEMO_MONTH), default_rubrics())
    assert bare.repeat_calls == [] and "repeat_calls" not in [f.name for f in report_figures(bare)]


def test_repeat_call_caller_from_metadata_into_a_real_library(store: Store, calls_copy: Path) -> None:
    """The caller id travels the existing metadata path (metadata.csv column or {caller} in a file-name
    pattern) into the library file, whose rows the report counts."""
    (calls_copy / "metadata.csv").write_text(
        "file,agent,team,call_id,call_time,caller\n"
        "zh_good_delivery.wav,A1,物流组,C1,2026-10-01 09:00,13800000001\n"
        "zh_hold_fillers.mp3,A2,物流组,C2,2026-10-03 09:00,13800000001\n"
        "zh_insult_escalation.wav,A1,物流组,C3,2026-10-03 10:00,13800000002\n", encoding="utf-8-sig")
    import_paths(store, [calls_copy])
    again = Store(store.path)  # read back from the file
    rows = again.list_recordings()
    assert {row["call_id"]: row["caller"] for row in rows if row["call_id"]} == {
        "C1": "13800000001", "C2": "13800000001", "C3": "13800000002"}
    report = build_quality_report([], OCTOBER, default_rubrics(), handled=rows)
    assert figures(report.repeat_calls) == {("all", ""): (3, 1), ("team", "物流组"): (3, 1), ("agent", "A1"): (2, 1),
                                            ("agent", "A2"): (1, 0)}
    assert FilenamePattern("{agent}_{caller}_{call_id}").parse("A9_13900000009_C9.wav")["caller"] == "13900000009"
    again.close()
