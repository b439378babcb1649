"""The whole path on calls made for these tests (tests/data/calls): the real model, the shipped rubrics, the audio.

The calls hold what the shared corpus lacks — an announced hold and an unannounced one, talk-over next to a
mere backchannel, dead air, a shout, a customer's insult, an insult said with a forbidden phrase in a mono
recording — each with a truth file in the corpus format (see tests/data/make_calls.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qaworkstation.core.asr.transcribe import Transcriber
from qaworkstation.core.domain import AGENT, CUSTOMER, PHRASE_CATEGORIES, UNKNOWN, Flag
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import AnalysisResult, RubricLibrary, analyse_recording
from qaworkstation.core.textnorm import normalize

CALLS = Path(__file__).resolve().parent / "data" / "calls"
CALL_IDS = sorted(path.name.removesuffix(".truth.json") for path in CALLS.glob("*.truth.json"))
TOLERANCE_S = 0.3
# Categories whose every flag must be a truth event: a false one costs the agent points.
CHARGED = ("forbidden", "insult", "silence", "overtalk", "dead_air", "loudness")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, transcriber: Transcriber,
            rubrics: RubricLibrary) -> dict[str, AnalysisResult]:
    store = Store(tmp_path_factory.mktemp("calls") / "library.sqlite3")
    try:
        report = import_paths(store, [CALLS])
        assert not report.errors
        analysed = [analyse_recording(store, transcriber, rubrics, rid) for rid in report.recording_ids]
        return {Path(result.recording["path"]).name.split(".")[0]: result for result in analysed}
    finally:
        store.close()


def truth(call_id: str) -> dict:
    return json.loads((CALLS / f"{call_id}.truth.json").read_text(encoding="utf-8"))


def matches(flag: Flag, event: dict) -> bool:
    speaker = AGENT if flag.speaker == UNKNOWN else flag.speaker
    if flag.category != event["category"] or event.get("speaker", speaker) != speaker:
        return False
    if "phrase" in event and normalize(event["phrase"]) not in normalize(flag.phrase):
        return False
    end = event.get("end", event["start"])
    return flag.start <= end + TOLERANCE_S and event["start"] <= flag.end + TOLERANCE_S


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_every_truth_event_is_found(results: dict[str, AnalysisResult], call_id: str) -> None:
    flags = results[call_id].flags
    for event in truth(call_id)["events"]:
        if "start" in event:
            assert any(matches(flag, event) for flag in flags), f"{event} not found in {flags}"


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_nothing_is_charged_that_did_not_happen(results: dict[str, AnalysisResult], call_id: str) -> None:
    events = [event for event in truth(call_id)["events"] if "start" in event]
    for flag in results[call_id].flags:
        if flag.category in CHARGED:
            assert any(matches(flag, event) for event in events), f"unexpected {flag}"


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_checks_and_speakers(results: dict[str, AnalysisResult], call_id: str) -> None:
    result = results[call_id]
    expected = {event["category"]: event["present"] for event in truth(call_id)["events"] if "present" in event}
    assert {check.category: check.present for check in result.checks if not check.part} == expected
    assert not [flag for flag in result.flags if flag.category in PHRASE_CATEGORIES and flag.speaker == CUSTOMER]


def test_an_announced_hold_costs_less_than_an_unannounced_one(results: dict[str, AnalysisResult]) -> None:
    [announced] = [f for f in results["en_hold_overtalk"].flags if f.category == "silence"]
    [unannounced] = [f for f in results["zh_silence_backchannel"].flags if f.category == "silence"]
    assert "please hold" in announced.text.lower()
    assert announced.deduction < unannounced.deduction


def test_the_insult_swallows_the_forbidden_phrase_said_with_it(results: dict[str, AnalysisResult]) -> None:
    flags = results["en_mono_silence"].flags
    assert [(f.category, f.phrase) for f in flags if f.category in ("insult", "forbidden")] == [("insult", "shut up")]
