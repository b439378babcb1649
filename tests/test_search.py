"""Transcript search on a real library file: short Chinese words inside longer lines, both scripts, filters,
the index following re-transcription, step 8 indexing a library from before it, and the counts the library
list reads from each recording."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qaworkstation.core.domain import Evaluation, Flag, ItemScore, Segment
from qaworkstation.core.library import search
from qaworkstation.core.library.migrations import MIGRATIONS
from qaworkstation.core.library.search import SearchError, SearchFilters, fold, match_expression
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles

BOSS, INSPECTOR = "boss", "ins"


def add_call(store: Store, name: str, lines: list[tuple[str, str]], agent: str = "A1", team: str = "T1",
             call_time: str = "2025-03-04T10:00:00", key: str = "") -> str:
    recording_id, _ = store.add_recording({"sha256": name * 8, "path": f"/calls/{name}.wav", "file_name": f"{name}.wav",
                                           "duration": 60.0, "channels": 2, "samplerate": 8000, "agent": agent,
                                           "team": team, "call_time": call_time})
    segments = [Segment(speaker, index * 5.0, index * 5.0 + 4.0, text, []) for index, (speaker, text) in enumerate(lines)]
    store.save_transcript(recording_id, key or f"{name}-key", "model", {}, "zh", segments)
    return recording_id


@pytest.fixture
def library(store: Store) -> Store:
    add_call(store, "refund", [("agent", "您好，请问有什么可以帮您？"), ("customer", "我要退款了"),
                               ("agent", "好的，我帮您办理退款。")], agent="A1", call_time="2025-03-04T10:00:00")
    add_call(store, "invoice", [("agent", "您好"), ("customer", "我要退貨，發票也要重開")], agent="B2", team="T2",
             call_time="2025-04-01T09:00:00")
    add_call(store, "english", [("agent", "I have issued a REFUND for you"), ("customer", "Thanks!")], agent="C3",
             call_time="2025-04-02T09:00:00")
    return store


def said(store: Store, query: str, **filters: str) -> list[str]:
    return [moment.text for moment in store.search_transcripts(query, SearchFilters(**filters))]


def test_a_two_character_word_is_found_inside_a_longer_line(library: Store) -> None:
    assert set(said(library, "退款")) == {"我要退款了", "好的，我帮您办理退款。"}
    assert said(library, "款了") == ["我要退款了"]
    assert said(library, "要退款") == ["我要退款了"]
    assert said(library, "退款了吗") == []


def test_one_character_finds_every_line_with_it_even_at_the_end(library: Store) -> None:
    assert set(said(library, "了")) == {"我要退款了"}
    assert len(said(library, "退")) == 3  # 退款 twice, 退貨 once


def test_simplified_and_traditional_script_find_each_other(library: Store) -> None:
    assert said(library, "发票") == ["我要退貨，發票也要重開"]
    assert said(library, "發票") == ["我要退貨，發票也要重開"]
    assert said(library, "退货") == ["我要退貨，發票也要重開"]


def test_hits_are_marked_in_the_line_as_stored(library: Store) -> None:
    moment = library.search_transcripts("发票")[0]
    assert moment.text[moment.hits[0][0]:moment.hits[0][1]] == "發票"
    english = library.search_transcripts("a refund")[0]
    assert english.text[english.hits[0][0]:english.hits[0][1]] == "a REFUND"
    assert (english.speaker, english.start, english.call) == ("agent", 0.0, "english.wav")


def test_filters_narrow_the_moments(library: Store) -> None:
    assert said(library, "退", agent="B2") == ["我要退貨，發票也要重開"]
    assert said(library, "退", team="T2") == ["我要退貨，發票也要重開"]
    assert said(library, "退款", speaker="agent") == ["好的，我帮您办理退款。"]
    assert said(library, "退", date_from="2025-04-01", date_to="2025-04-02") == ["我要退貨，發票也要重開"]
    assert said(library, "您好", date_to="2025-04-01") == ["您好，请问有什么可以帮您？"]


def test_a_call_given_another_agent_is_found_under_the_new_one(library: Store) -> None:
    refund = library.search_transcripts("我要退款")[0].recording_id
    library.update_recording(refund, agent="王小明", call_type="complaint")
    assert set(said(library, "退款", agent="王小明")) == {"我要退款了", "好的，我帮您办理退款。"}
    assert said(library, "退款", agent="A1") == []
    assert said(library, "退款", agent="王小明", call_type="complaint", speaker="customer") == ["我要退款了"]


def test_the_category_filter_keeps_calls_flagged_with_it(library: Store) -> None:
    refund = library.search_transcripts("退款")[0].recording_id
    library.save_analysis(refund, "r", [Flag("forbidden", "退款", "我要退款了", "customer", 5.0, 9.0, "x", 2.0)], [])
    assert set(said(library, "退", category="forbidden")) == {"我要退款了", "好的，我帮您办理退款。"}
    assert said(library, "退", category="insult") == []


def test_a_new_transcript_replaces_the_old_one_in_the_index(library: Store) -> None:
    refund = library.search_transcripts("我要退款")[0].recording_id
    library.save_transcript(refund, "refund-key-2", "model", {}, "zh", [Segment("customer", 1.0, 2.0, "我想退订", [])])
    assert said(library, "我要退款") == []
    assert said(library, "退订") == ["我想退订"]
    library.save_transcript(refund, "refund-key-2", "model", {}, "zh", [Segment("customer", 1.0, 2.0, "改主意了", [])])
    assert said(library, "退订") == [] and said(library, "主意") == ["改主意了"]


def test_other_scripts_are_found_by_word_and_the_last_word_by_its_beginning(library: Store) -> None:
    assert said(library, "refund") == ["I have issued a REFUND for you"]
    assert said(library, "Issued a refu") == ["I have issued a REFUND for you"]  # still being typed
    assert said(library, "fund") == []  # inside a word is not a word
    assert said(library, "thanks!") == ["Thanks!"]
    add_call(library, "mixed", [("agent", "您的plan套餐已开通")])
    assert said(library, "plan套餐") == ["您的plan套餐已开通"]
    assert said(library, "的plan") == ["您的plan套餐已开通"]


def test_the_best_moments_are_ranked_among_the_newest_matching_lines(library: Store,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    add_call(library, "later", [("customer", "退款退款")], call_time="2025-05-01T09:00:00")
    assert said(library, "退款")[0] == "退款退款"  # the line saying it twice ranks first
    monkeypatch.setattr(search, "RANKED_WINDOW", 2)
    assert set(said(library, "退款")) == {"退款退款", "好的，我帮您办理退款。"}  # the two newest lines only


def test_a_query_of_punctuation_only_is_refused_with_a_reason() -> None:
    with pytest.raises(SearchError, match="nothing to search for"):
        match_expression(" ，。")
    assert fold("ＲＥＦＵＮＤ 發票") == "refund 发票"


def test_step_8_indexes_the_transcripts_of_a_library_from_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = type("OldStore", (Store,), {"migrations": {step: run for step, run in MIGRATIONS.items() if step < 8}})
    older = old(path)
    recording_id, _ = older.add_recording({"sha256": "f" * 64, "path": "/a.wav", "file_name": "a.wav",
                                           "duration": 9.0, "channels": 1, "samplerate": 8000})
    with older.transaction() as db:
        for created, text in (("2025-01-01", "旧的转写 退款"), ("2025-02-01", "新的转写 退款")):
            transcript = db["transcripts"].insert({"recording_id": recording_id, "cache_key": created, "model": "m",
                                                   "settings": "{}", "language": "zh", "created_at": created}).last_pk
            db["segments"].insert({"transcript_id": transcript, "idx": 0, "speaker": "agent", "start": 0.0,
                                   "end": 1.0, "text": text})
        db["flags"].insert_all([{"recording_id": recording_id, "rubric_id": "r", "category": "c", "phrase": "p",
                                 "text": "t", "speaker": "agent", "start": 0.0, "end": 1.0, "item": None,
                                 "deduction": deduction} for deduction in (1.0, 2.0, 0.0)])
    older.close()
    upgraded = Store(path)
    try:
        assert said(upgraded, "退款") == ["新的转写 退款"]  # the latest transcript only
        assert upgraded.recording(recording_id)["flag_count"] == 2
    finally:
        upgraded.close()


def test_step_10_indexes_other_scripts_by_word(tmp_path: Path) -> None:
    path = tmp_path / "step9.sqlite3"
    nine = type("Step9Store", (Store,), {"migrations": {step: run for step, run in MIGRATIONS.items() if step < 10}})
    older = nine(path)
    add_call(older, "english", [("agent", "I have issued a REFUND")])
    with older.transaction() as db:  # the lines as step 8 indexed them: letter pairs everywhere
        db.execute(f"UPDATE {search.SEARCH_TABLE} SET pairs = ?",
                   (" ".join(text[index:index + 2] for text in ["i have issued a refund"] for index in range(22)),))
    older.close()
    upgraded = Store(path)
    try:
        assert said(upgraded, "refund") == ["I have issued a REFUND"]
    finally:
        upgraded.close()


# ------------------------------------------------------------------------------------- counts on recordings


def _scorecard(recording_id: str) -> Evaluation:
    items = {"greeting": ItemScore("greeting", 4.0, reviewed=True)}
    return Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector=INSPECTOR, items=items,
                      total=4.0, max_total=5.0)


def test_flag_counts_and_review_state_follow_analyses_and_evaluations(library: Store) -> None:
    roles.ensure_user(library, BOSS)
    roles.ensure_user(library, INSPECTOR)
    roles.set_role(library, INSPECTOR, roles.INSPECTOR, changed_by=BOSS)
    call = library.search_transcripts("我要退款")[0].recording_id
    flags = [Flag("forbidden", "p", "t", "agent", 1.0, 2.0, "x", deduction) for deduction in (2.0, 1.0, 0.0)]
    library.save_analysis(call, "r", flags, [])
    library.save_analysis(call, "r", flags[:2], [])  # analysed again: replaced, not added
    assert library.recording(call)["flag_count"] == 2
    assert library.recording(call)["review"] == ""
    draft = lifecycle.save(library, _scorecard(call), INSPECTOR)
    assert (library.recording(call)["review"], library.recording(call)["evaluation_count"]) == ("draft", 1)
    lifecycle.submit(library, draft.id, INSPECTOR)
    assert library.recording(call)["review"] == "submitted"
    lifecycle.open_dispute(library, draft.id, "greeting", "I did greet", BOSS)
    assert library.recording(call)["review"] == "disputed"


def test_the_counts_are_kept_by_the_database_whatever_writes_to_it(library: Store) -> None:
    call = library.search_transcripts("我要退款")[0].recording_id
    raw = sqlite3.connect(library.path, isolation_level=None)
    try:
        raw.execute("INSERT INTO flags (recording_id, rubric_id, category, phrase, text, speaker, start, \"end\", "
                    "deduction) VALUES (?, 'r', 'c', 'p', 't', 'agent', 0, 1, 3)", (call,))
        assert library.recording(call)["flag_count"] == 1
        raw.execute("DELETE FROM flags WHERE recording_id = ?", (call,))
        assert library.recording(call)["flag_count"] == 0
    finally:
        raw.close()
