"""Inspectors' confirm/reject of suggestions, and the rule workbench over a library's stored transcripts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from qaworkstation.core.domain import AGENT, CUSTOMER, BehaviourRule, Check, Flag, Segment, Word
from qaworkstation.core.library.store import Store
from qaworkstation.core.rules.flags import find_flags
from qaworkstation.core.scoring.decisions import (CONFIRMED, REJECTED, decision_for, decisions, forget_decision,
                                                  record_decision, rule_hits)
from qaworkstation.core.scoring.rubric import bundled_rubrics_dir, load_rubric

ZH = load_rubric(bundled_rubrics_dir() / "zh_monitoring.yaml")
INSULT = next(rule for rule in ZH.rules if rule.category == "insult")


def said(speaker: str, start: float, text: str) -> Segment:
    words = [Word(start + i * 0.2, start + (i + 1) * 0.2, char) for i, char in enumerate(text)]
    return Segment(speaker, start, words[-1].end, text, words, "zh")


def add_call(store: Store, name: str, segments: list[Segment], language: str = "zh") -> str:
    """A recording with a stored transcript, as the queue leaves it; the audio file itself is not needed."""
    recording_id, _ = store.add_recording({"sha256": name, "path": f"/nowhere/{name}.wav", "file_name": f"{name}.wav",
                                           "duration": 60.0, "channels": 2, "samplerate": 8000})
    store.save_transcript(recording_id, f"key-{name}", "test-model", {}, language, segments)
    return recording_id


def flag(start: float = 16.8, phrase: str = "神经病") -> Flag:
    return Flag("insult", phrase, "闲经病", AGENT, start, start + 0.6, "insult", 5.0, 0.93)


# --- decisions ----------------------------------------------------------------------------------------------------

def test_a_decision_is_stored_and_read_back(store: Store) -> None:
    recording = add_call(store, "a", [])
    stored = record_decision(store, recording, ZH.id, "li", flag(), REJECTED)
    [read] = decisions(store, recording_id=recording)
    assert read == stored
    assert (read.category, read.phrase, read.start, read.item, read.text, read.similarity, read.decision) == \
        ("insult", "神经病", 16.8, "insult", "闲经病", 0.93, REJECTED)


def test_a_new_verdict_replaces_the_old_one_of_the_same_inspector(store: Store) -> None:
    recording = add_call(store, "a", [])
    record_decision(store, recording, ZH.id, "li", flag(), REJECTED)
    record_decision(store, recording, ZH.id, "li", flag(start=16.9), CONFIRMED)  # re-analysis moved it 0.1 s
    record_decision(store, recording, ZH.id, "wang", flag(), REJECTED)
    found = decisions(store, recording_id=recording)
    assert sorted((d.inspector, d.decision) for d in found) == [("li", CONFIRMED), ("wang", REJECTED)]
    assert decision_for(flag(), found, "li").decision == CONFIRMED


def test_verdicts_on_different_moments_and_on_checks_are_separate(store: Store) -> None:
    recording = add_call(store, "a", [])
    missing_closing = Check("closing", False, "closing", 3.0)
    record_decision(store, recording, ZH.id, "li", flag(), CONFIRMED)
    record_decision(store, recording, ZH.id, "li", flag(start=30.0), REJECTED)
    record_decision(store, recording, ZH.id, "li", missing_closing, REJECTED)
    found = decisions(store, recording_id=recording, inspector="li")
    assert len(found) == 3
    assert decision_for(missing_closing, found).start is None
    assert decision_for(flag(start=30.2), found).decision == REJECTED
    assert decision_for(flag(start=20.0), found) is None


def test_a_verdict_can_be_taken_back(store: Store) -> None:
    recording = add_call(store, "a", [])
    record_decision(store, recording, ZH.id, "li", flag(), REJECTED)
    forget_decision(store, recording, ZH.id, "li", flag())
    assert decisions(store) == []


def test_only_confirm_or_reject(store: Store) -> None:
    with pytest.raises(ValueError, match="confirmed, rejected"):
        record_decision(store, add_call(store, "a", []), ZH.id, "li", flag(), "maybe")


def test_flags_keep_their_similarity_in_the_library(store: Store) -> None:
    recording = add_call(store, "a", [])
    store.save_analysis(recording, ZH.id, [flag()], [])
    rows = list(store.db.query("SELECT similarity FROM flags WHERE recording_id = ?", (recording,)))
    assert rows == [{"similarity": 0.93}]


# --- workbench ----------------------------------------------------------------------------------------------------

@pytest.fixture
def library(store: Store) -> Store:
    add_call(store, "rude", [said(AGENT, 1.0, "您好"), said(CUSTOMER, 3.0, "我要投诉"), said(AGENT, 16.8, "闲经病随便你")])
    add_call(store, "polite", [said(AGENT, 1.0, "您好请问有什么可以帮您"), said(AGENT, 10.0, "神经内科在三楼")])
    add_call(store, "customer", [said(CUSTOMER, 5.0, "你这个神经病")])
    add_call(store, "english", [said(AGENT, 5.0, "shut up")], language="en")
    return store


def test_the_workbench_runs_one_rule_over_every_call_of_the_rubrics_language(library: Store) -> None:
    hits = rule_hits(library, ZH, INSULT)
    assert [(hit.file_name, hit.flag.phrase, hit.flag.text) for hit in hits] == [("rude.wav", "神经病", "闲经病")]
    assert not hits[0].rejected


def test_an_edited_rule_shows_what_it_would_catch(library: Store) -> None:
    strict = replace(INSULT, match="exact")
    assert rule_hits(library, ZH, strict) == []
    widened = replace(INSULT, phrases=(*INSULT.phrases, "神经内科"))
    assert sorted(hit.file_name for hit in rule_hits(library, ZH, widened)) == ["polite.wav", "rude.wav"]


def test_the_workbench_shows_which_hits_inspectors_rejected(library: Store) -> None:
    [hit] = rule_hits(library, ZH, INSULT)
    record_decision(library, hit.recording_id, ZH.id, "li", hit.flag, REJECTED)
    record_decision(library, hit.recording_id, ZH.id, "wang", hit.flag, CONFIRMED)
    [again] = rule_hits(library, ZH, INSULT)
    assert (again.rejected_by, again.confirmed_by, again.rejected) == (("li",), ("wang",), True)


def test_a_hit_is_the_same_as_in_a_full_analysis(library: Store) -> None:
    """The workbench runs the rule alone; its hits are what the full rubric would flag for that rule."""
    recording = next(r for r in library.list_recordings() if r["file_name"] == "rude.wav")
    segments, _ = library.latest_transcript(recording["id"])
    full, _ = find_flags(segments, ZH, 60.0)
    [hit] = rule_hits(library, ZH, INSULT)
    assert hit.flag in full


def test_behaviour_rules_fall_back_to_word_times_without_the_audio(library: Store) -> None:
    silence = BehaviourRule("silence", "hold_procedure", 2.0, min_s=10.0)
    hits = rule_hits(library, ZH, silence)
    assert [(hit.file_name, hit.flag.category) for hit in hits] == [("rude.wav", "silence")]


def test_progress_and_cancel(library: Store) -> None:
    seen: list[tuple[int, int]] = []
    assert rule_hits(library, ZH, INSULT, progress=lambda done, total: seen.append((done, total)),
                     cancelled=lambda: len(seen) >= 1) == []
    assert seen == [(0, 4)]


def test_the_library_keeps_decisions_and_similarities(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.sqlite3")
    try:
        assert "suggestion_decisions" in store.db.table_names()
        assert "similarity" in store.db["flags"].columns_dict
    finally:
        store.close()
