"""Calibration sessions: blind scoring of one call by several inspectors, compared item by item."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from qaworkstation.core.domain import DISPUTED, DRAFT, SUBMITTED, Evaluation, ItemScore, Rubric
from qaworkstation.core.scoring.rubric import score_evaluation
from qaworkstation.core.team.calibration import (CONSENSUS, EXPERT, CalibrationSession, calibrate, load_sessions,
                                                 new_session, results_visible_to, save_session, session_evaluations,
                                                 sessions_for)
from qaworkstation.core.team.demo_data import default_rubrics


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return default_rubrics()[0]


def scorecard(rubric: Rubric, inspector: str, scores: dict[str, float | None], call_id: str = "C1",
              updated_at: str = "2026-10-05T08:00:00Z", rubric_id: str = "", status: str = SUBMITTED) -> Evaluation:
    """``scores``: item -> points, None meaning N/A; items not named keep full points (unscored)."""
    items = {item_id: ItemScore(item_id, value, na=value is None, reviewed=True) for item_id, value in scores.items()}
    summary = score_evaluation(rubric, items)
    return Evaluation(
        id=f"{inspector}-{call_id}-{updated_at}", recording_id=f"local-{inspector}", rubric_id=rubric_id or rubric.id,
        inspector=inspector, items=items, total=summary.total, max_total=summary.max_total, passed=summary.passed,
        critical_failed=summary.critical_failed, created_at=updated_at, updated_at=updated_at, agent="刘洋",
        team="物流组", call_id=call_id, call_time="2026-10-01T10:00:00", file_name="calibration-call.wav",
        status=status,
    )


@pytest.fixture
def scorecards(rubric: Rubric) -> list[Evaluation]:
    """Four inspectors and an expert on one call; see each test for the numbers worked out by hand."""
    return [
        scorecard(rubric, "A", {"greeting": 3, "forbidden": 3, "apology": None}),
        scorecard(rubric, "B", {"greeting": 2, "apology": None}),
        scorecard(rubric, "C", {"greeting": 3, "forbidden": 1, "apology": 2}),
        scorecard(rubric, "D", {"greeting": 0, "forbidden": 3, "apology": 1, "insult": 0}),
        scorecard(rubric, "E", {"greeting": 3, "forbidden": 3, "apology": None}),
    ]


def session(expert: str = "", inspectors: tuple[str, ...] = ("A", "B", "C", "D")) -> CalibrationSession:
    return new_session("zh-monitoring", "C1", inspectors, expert, title="十月校准", created_by="主管")


def item(result, item_id):  # noqa: ANN001, ANN201 - a lookup for readability
    return next(i for i in result.items if i.item_id == item_id)


# ------------------------------------------------------------------------------------------ statistics


def test_consensus_statistics_per_item(rubric: Rubric, scorecards: list[Evaluation]) -> None:
    result = calibrate(session(), scorecards, rubric)

    assert result.reference_kind == CONSENSUS and result.complete
    greeting = item(result, "greeting")
    assert greeting.scores == {"A": 3, "B": 2, "C": 3, "D": 0}
    assert (greeting.consensus, greeting.reference, greeting.mean) == (2.5, 2.5, 2.0)
    assert greeting.std == pytest.approx(math.sqrt(1.5))
    assert (greeting.low, greeting.high, greeting.spread) == (0, 3, 3)
    assert greeting.within_share == 0.75  # D is 2.5 away
    assert greeting.deduct_agreement == 0.5  # B and D deducted, like the consensus; A and C did not

    forbidden = item(result, "forbidden")
    assert forbidden.scores["B"] == 5  # unscored means full points
    assert (forbidden.consensus, forbidden.std, forbidden.within_share) == (3, pytest.approx(math.sqrt(2)), 0.5)

    apology = item(result, "apology")  # two N/A, two scored: not a majority, so the consensus is scored
    assert (apology.consensus, apology.mean, apology.within_share) == (1.5, 1.5, 0.5)

    closing = item(result, "closing")
    assert (closing.std, closing.spread, closing.within_share, closing.deduct_agreement) == (0, 0, 1, 1)


def test_deviation_from_the_consensus(rubric: Rubric, scorecards: list[Evaluation]) -> None:
    result = calibrate(session(), scorecards, rubric)

    # consensus scorecard: greeting 2.5, forbidden 3, apology 1.5, all else full -> 97 of 100
    assert (result.reference_total, result.reference_percent, result.reference_passed) == (97, 97, True)
    by_name = {d.inspector: d for d in result.inspectors}
    a = by_name["A"]
    assert (a.total, a.total_deviation) == (96, -1)  # 96 of 98: apology judged N/A
    assert a.percent_deviation == pytest.approx(100 * 96 / 98 - 97)
    assert a.items_off == ["apology"]
    comparable = len(rubric.items) - 1  # all but apology, which A judged N/A
    assert a.mean_abs_item_deviation == pytest.approx(0.5 / comparable)  # only greeting is off, by 0.5
    d = by_name["D"]
    assert (d.passed, d.agrees_on_pass) == (False, False)  # the insult item is critical (一票否决)
    assert d.items_off == ["greeting", "insult"]
    assert result.pass_agreement == 0.75


def test_the_expert_is_the_reference_when_they_scored(rubric: Rubric, scorecards: list[Evaluation]) -> None:
    result = calibrate(session(expert="E"), scorecards, rubric)

    assert result.reference_kind == EXPERT
    assert [d.inspector for d in result.inspectors] == ["A", "B", "C", "D"]
    assert (result.reference_total, result.reference_passed) == (96, True)
    greeting = item(result, "greeting")
    assert (greeting.reference, greeting.consensus) == (3, 2.5)
    assert (greeting.within_share, greeting.deduct_agreement) == (0.75, 0.5)
    apology = item(result, "apology")  # the expert judged it N/A: only A and B agree
    assert (apology.reference, apology.within_share, apology.deduct_agreement) == (None, 0.5, 0.5)
    assert {d.inspector: d.total_deviation for d in result.inspectors}["A"] == 0


def test_without_the_experts_scorecard_the_consensus_stands_in(rubric: Rubric, scorecards: list[Evaluation]) -> None:
    result = calibrate(session(expert="E"), scorecards[:4], rubric)

    assert result.reference_kind == CONSENSUS
    assert result.missing == ["E"] and not result.complete


def test_least_agreed_items_come_first(rubric: Rubric, scorecards: list[Evaluation]) -> None:
    result = calibrate(session(), scorecards, rubric)

    assert [i.item_id for i in result.least_agreed[:3]] == ["insult", "forbidden", "greeting"]  # spread 5, 4, 3


def test_only_the_sessions_call_and_rubric_and_the_latest_version_count(
    rubric: Rubric, scorecards: list[Evaluation]
) -> None:
    other_call = scorecard(rubric, "A", {"greeting": 0}, call_id="C2")
    other_rubric = scorecard(rubric, "B", {"greeting": 0}, rubric_id="en-contact-center")
    revised = scorecard(rubric, "C", {"greeting": 1}, updated_at="2026-10-06T08:00:00Z")
    outsider = scorecard(rubric, "Z", {"greeting": 0})

    found = session_evaluations(session(), [*scorecards, other_call, other_rubric, revised, outsider])

    assert sorted(found) == ["A", "B", "C", "D"]
    assert found["C"] is revised and found["A"].call_id == "C1"


def test_a_draft_is_not_compared_but_a_disputed_scorecard_is(rubric: Rubric, scorecards: list[Evaluation]) -> None:
    """D's and F's drafts could still change, so both are missing; A's scorecard stands while the agent
    disputes it. The greeting consensus of A, B, C (3, 2, 3) is 3; D's draft 0 would have made it 2.5."""
    a, b, c = scorecards[:3]
    drafts = [scorecard(rubric, name, {"greeting": 0}, status=DRAFT) for name in ("D", "F")]

    result = calibrate(session(inspectors=("A", "B", "C", "D", "F")),
                       [dataclasses.replace(a, status=DISPUTED), b, c, *drafts], rubric)

    assert result.missing == ["D", "F"] and [d.inspector for d in result.inspectors] == ["A", "B", "C"]
    assert item(result, "greeting").consensus == 3


def test_calls_without_an_id_are_matched_by_file_name(rubric: Rubric) -> None:
    nameless = scorecard(rubric, "A", {}, call_id="")
    by_file = new_session("zh-monitoring", "", ["A", "B"], file_name="calibration-call.wav")

    assert session_evaluations(by_file, [nameless]) == {"A": nameless}


def test_a_missing_inspector_is_listed_and_the_rest_is_compared(rubric: Rubric, scorecards: list[Evaluation]) -> None:
    result = calibrate(session(inspectors=("A", "B", "F")), scorecards, rubric)

    assert result.missing == ["F"]
    assert [d.inspector for d in result.inspectors] == ["A", "B"]


def test_the_rubric_must_be_the_sessions(scorecards: list[Evaluation]) -> None:
    english = default_rubrics(include_english=True)[1]

    with pytest.raises(ValueError, match="zh-monitoring"):
        calibrate(session(), scorecards, english)


# ------------------------------------------------------------------------------------------ sessions


def test_scoring_is_blind_until_the_inspector_submitted(rubric: Rubric, scorecards: list[Evaluation]) -> None:
    calibration = session(expert="E", inspectors=("A", "F"))

    assert results_visible_to(calibration, "A", scorecards)
    assert not results_visible_to(calibration, "F", scorecards)
    assert not results_visible_to(calibration, "F", [scorecard(rubric, "F", {}, status=DRAFT)])
    assert results_visible_to(calibration, "E", [])
    assert results_visible_to(calibration, "主管", [])


def test_sessions_round_trip_through_the_share(tmp_path: Path) -> None:
    first = session(expert="E")
    second = new_session("zh-monitoring", "C9", ["李娜", "王磊"], created_by="主管")
    for calibration in (first, second):
        save_session(tmp_path, calibration)

    sessions, problems = load_sessions(tmp_path)

    assert problems == []
    assert {s.id for s in sessions} == {first.id, second.id}
    assert next(s for s in sessions if s.id == first.id) == first
    assert [s.id for s in sessions_for(sessions, "E")] == [first.id]
    assert [s.id for s in sessions_for(sessions, "王磊")] == [second.id]
    assert sorted(p.name for p in (tmp_path / "calibration").iterdir()) == sorted(
        [f"{first.id}.json", f"{second.id}.json"])


def test_unusable_session_files_are_reported(tmp_path: Path) -> None:
    good = session()
    save_session(tmp_path, good)
    folder = tmp_path / "calibration"
    (folder / "broken.json").write_text("{ not json", encoding="utf-8")
    (folder / "wrong.json").write_text(json.dumps({"id": "x", "rubric_id": "r", "call_id": "C", "inspectors": "A"}),
                                       encoding="utf-8")

    sessions, problems = load_sessions(tmp_path)

    assert [s.id for s in sessions] == [good.id]
    assert len(problems) == 2 and all("calibration session" in p for p in problems)


def test_a_share_without_sessions_has_none(tmp_path: Path) -> None:
    assert load_sessions(tmp_path) == ([], [])


def test_saving_refuses_a_missing_share(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="mounted"):
        save_session(tmp_path / "not-mounted", session())


def test_a_session_needs_a_call_and_enough_inspectors() -> None:
    with pytest.raises(ValueError, match="call"):
        new_session("zh-monitoring", "", ["A", "B"])
    with pytest.raises(ValueError, match="two inspectors"):
        new_session("zh-monitoring", "C1", ["A", "A", " "])
    assert new_session("zh-monitoring", "C1", ["A", "E"], expert="E").inspectors == ["A"]


def test_the_calibration_chart_draws_chinese_names(rubric: Rubric, scorecards: list[Evaluation]) -> None:
    import io
    import warnings

    from qaworkstation.core.team.report_charts import calibration_figure

    result = calibrate(new_session("zh-monitoring", "C1", ["A", "B", "C", "D"], "E", title="十月校准"), scorecards,
                       rubric)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calibration_figure(result).savefig(io.BytesIO(), format="png")

    assert not [w for w in caught if "missing from" in str(w.message)]
