"""Where and by whom a phrase counts: speaker, first/last turn, windows, one outburst charged once, the ordinary
speech a phrase is part of, how often a filler may be said, the parts a greeting needs, and the 你 the
inspector must judge."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qaworkstation.core.domain import (AGENT, CUSTOMER, UNKNOWN, Part, PhraseRule, Rubric, RubricItem, RubricSection,
                                       Segment, Word)
from qaworkstation.core.rules.flags import find_flags

ITEMS = (RubricItem("opening", "Opening", 5, "B"), RubricItem("closing", "Closing", 5, "B"),
         RubricItem("language", "Language", 10, "A"), RubricItem("abuse", "Abuse", 10, "A", critical=True))
GREETING = PhraseRule("greeting", "opening", ("您好", "thank you for calling"), 2.0, window_s=20.0, turn="first")
CLOSING = PhraseRule("closing", "closing", ("再见", "还有其他可以帮您", "thank you for calling", "goodbye"), 3.0,
                     window_s=30.0, turn="last")
FORBIDDEN = PhraseRule("forbidden", "language", ("随便你", "calm down", "我不知道"), 2.0)
INSULT = PhraseRule("insult", "abuse", ("神经病", "shut up"), 10.0, supersedes=("forbidden",))


def rubric(*rules: PhraseRule) -> Rubric:
    return Rubric("t", "Test", "zh", 80.0, (RubricSection("All", ITEMS),), rules)


def said(speaker: str, start: float, text: str, step: float = 0.2) -> Segment:
    tokens = text.split(" ") if " " in text else list(text)
    words = [Word(start + i * step, start + (i + 1) * step, (" " if " " in text else "") + token)
             for i, token in enumerate(tokens)]
    return Segment(speaker, start, words[-1].end, text, words)


def flags_of(segments: list[Segment], *rules: PhraseRule, duration: float = 60.0) -> list[tuple[str, str, float]]:
    flags, _ = find_flags(segments, rubric(*rules), duration)
    return [(flag.category, flag.phrase, flag.start) for flag in flags]


def checks_of(segments: list[Segment], *rules: PhraseRule, duration: float = 60.0) -> dict[str, bool]:
    _, checks = find_flags(segments, rubric(*rules), duration)
    return {check.category: check.present for check in checks}


# --- turns ------------------------------------------------------------------------------------------------------

def test_a_closing_offer_followed_by_more_customer_talk_is_not_the_closing() -> None:
    """"还有其他可以帮您的吗" is answered by the customer; only what the agent says after that closes the call."""
    call = [said(AGENT, 40.0, "还有其他可以帮您的吗"), said(CUSTOMER, 43.0, "没有了谢谢"), said(AGENT, 45.0, "再见")]
    assert flags_of(call, CLOSING) == [("closing", "再见", 45.0)]


def test_without_a_closing_in_the_last_turn_the_check_fails() -> None:
    call = [said(AGENT, 40.0, "还有其他可以帮您的吗"), said(CUSTOMER, 43.0, "没有了谢谢"), said(AGENT, 45.0, "好的")]
    assert checks_of(call, CLOSING) == {"closing": False}


def test_the_last_turn_is_found_in_word_times_not_segments() -> None:
    """Whisper may keep one agent segment across the customer's reply; the words still show the turns."""
    agent = said(AGENT, 40.0, "还有其他可以帮您")
    agent.words.extend([Word(46.0, 46.3, "再"), Word(46.3, 46.6, "见")])
    agent.text += "再见"
    call = [agent, said(CUSTOMER, 43.0, "没有了谢谢")]
    assert flags_of(call, CLOSING) == [("closing", "再见", 46.0)]


def test_a_greeting_after_the_customer_spoke_is_not_the_opening() -> None:
    call = [said(AGENT, 1.0, "喂"), said(CUSTOMER, 2.0, "你好"), said(AGENT, 4.0, "您好")]
    assert checks_of(call, GREETING) == {"greeting": False}


def test_mono_calls_have_one_turn_so_windows_decide() -> None:
    call = [said(UNKNOWN, 1.0, "您好"), said(UNKNOWN, 3.0, "你好"), said(UNKNOWN, 50.0, "再见")]
    assert checks_of(call, GREETING, CLOSING) == {"greeting": True, "closing": True}


def test_in_a_short_call_thanks_for_calling_opens_it_and_does_not_close_it() -> None:
    call = [said(UNKNOWN, 1.0, "thank you for calling"), said(UNKNOWN, 8.0, "I need help"),
            said(UNKNOWN, 20.0, "sure one moment")]
    assert flags_of(call, GREETING, CLOSING, duration=32.0) == [("greeting", "thank you for calling", 1.0)]


# --- speaker ----------------------------------------------------------------------------------------------------

def test_a_customers_outburst_is_never_the_agents_violation() -> None:
    assert flags_of([said(CUSTOMER, 5.0, "神经病随便你")], FORBIDDEN, INSULT) == []


def test_a_misheard_insult_by_the_agent_is_flagged_with_its_similarity() -> None:
    flags, _ = find_flags([said(AGENT, 5.0, "闲经病")], rubric(INSULT), 60.0)
    assert [(f.category, f.text, f.speaker) for f in flags] == [("insult", "闲经病", AGENT)]
    assert 0.8 <= flags[0].similarity < 1.0


# --- one outburst, charged once ---------------------------------------------------------------------------------

def test_an_insult_swallows_the_forbidden_phrase_said_with_it() -> None:
    assert flags_of([said(AGENT, 5.0, "神经病，随便你。")], FORBIDDEN, INSULT) == [("insult", "神经病", 5.0)]
    assert flags_of([said(AGENT, 5.0, "shut up and calm down")], FORBIDDEN, INSULT) == [("insult", "shut up", 5.0)]


def test_a_forbidden_phrase_said_apart_from_the_insult_is_charged() -> None:
    call = [said(AGENT, 5.0, "神经病"), said(AGENT, 30.0, "随便你")]
    assert flags_of(call, FORBIDDEN, INSULT) == [("insult", "神经病", 5.0), ("forbidden", "随便你", 30.0)]


def test_without_supersedes_both_are_charged() -> None:
    plain = replace(INSULT, supersedes=())
    assert sorted(flags_of([said(AGENT, 5.0, "神经病随便你")], FORBIDDEN, plain)) == [
        ("forbidden", "随便你", 5.6), ("insult", "神经病", 5.0)]


@pytest.mark.parametrize("match", ["exact", "normal", "loose"])
def test_an_exact_hit_is_found_in_every_mode(match: str) -> None:
    rule = replace(FORBIDDEN, match=match)
    assert flags_of([said(AGENT, 5.0, "我不知道")], rule) == [("forbidden", "我不知道", 5.0)]


# --- ordinary speech the phrase is part of (unless) -------------------------------------------------------------

AS_WRITTEN = PhraseRule("forbidden", "language", ("不清楚", "不明白", "不知道"), 2.0,
                         unless=("不明白的地方", "不知道您", "听不清楚"))


@pytest.mark.parametrize("text", ["您有不明白的地方请随时来电", "不知道您还有什么需要", "我这边听不清楚，麻烦您大声一点"])
def test_a_phrase_inside_ordinary_speech_is_not_a_violation(text: str) -> None:
    assert flags_of([said(AGENT, 5.0, text)], AS_WRITTEN) == []


def test_the_phrase_as_written_is_charged_with_or_without_wo_in_front() -> None:
    call = [said(AGENT, 5.0, "这个不清楚"), said(AGENT, 10.0, "我也不知道"), said(CUSTOMER, 15.0, "我不知道啊")]
    assert flags_of(call, AS_WRITTEN) == [("forbidden", "不清楚", 5.4), ("forbidden", "不知道", 10.4)]


def test_ordinary_speech_hides_only_the_hit_inside_it() -> None:
    call = [said(AGENT, 5.0, "不明白的地方我也不知道")]
    assert flags_of(call, AS_WRITTEN) == [("forbidden", "不知道", 6.6)]


# --- fillers by frequency (per_minute) --------------------------------------------------------------------------

FREQUENT = PhraseRule("filler", "language", ("嗯", "这个"), 1.0, match="exact", per_minute=4.0,
                       unless=("这个问题",))


def filler_deductions(segments: list[Segment]) -> list[tuple[str, float, float]]:
    flags, _ = find_flags(segments, rubric(FREQUENT), 600.0)
    return [(flag.phrase, flag.start, flag.deduction) for flag in flags]


def test_fillers_within_the_allowance_are_shown_without_deduction() -> None:
    """30 s of agent speech allow 2 fillers (4 a minute): both are shown, neither deducts."""
    call = [said(AGENT, 0.0, "嗯，这个订单已经发货", step=1.5), said(AGENT, 20.0, "您看还有什么需要的", step=15 / 8)]
    assert filler_deductions(call) == [("嗯", 0.0, 0.0), ("这个", 3.0, 0.0)]


def test_the_first_filler_beyond_the_allowance_deducts_once_for_the_call() -> None:
    """18 s of speech allow 1 filler: the second deducts the rule's deduction, the third nothing more."""
    call = [said(AGENT, 0.0, "嗯，这个，这个订单", step=2.0)]
    assert filler_deductions(call) == [("嗯", 0.0, 0.0), ("这个", 4.0, 1.0), ("这个", 10.0, 0.0)]


def test_speech_time_is_counted_from_words_not_from_a_segment_spanning_a_hold() -> None:
    """A segment stretched over a 60 s silent hold: its 3 s of words allow no filler, so the first deducts."""
    words = [Word(0.0, 1.0, "嗯"), Word(1.0, 2.0, "您稍"), Word(62.0, 63.0, "这个")]
    assert filler_deductions([Segment(AGENT, 0.0, 63.0, "嗯您稍这个", words)]) == [("嗯", 0.0, 1.0), ("这个", 62.0, 0.0)]


def test_a_demonstrative_is_no_filler() -> None:
    assert filler_deductions([said(AGENT, 0.0, "这个问题我帮您记一下")]) == []


# --- the parts of a greeting ------------------------------------------------------------------------------------

PARTED = PhraseRule("greeting", "opening", ("您好", "欢迎致电"), 3.0, window_s=20.0, turn="first",
                     parts=(Part("公司名称", ("优选商城",), 1.0, match="loose"), Part("工号", ("工号",), 1.0),
                            Part("服务热线", ("热线",), 0.5, item="language")))


def part_checks(segments: list[Segment]) -> list[tuple[str, str, bool, str | None, float]]:
    _, checks = find_flags(segments, rubric(PARTED), 60.0)
    return [(check.category, check.part, check.present, check.item, check.deduction) for check in checks]


def test_each_missing_part_of_a_greeting_is_named_and_charged_to_its_item() -> None:
    call = [said(AGENT, 0.5, "您好，欢迎致电优泄商城，请问有什么可以帮您")]  # 优选 misheard, 工号 and hotline not said
    assert part_checks(call) == [("greeting", "", True, "opening", 0.0), ("greeting", "公司名称", True, "opening", 0.0),
                                 ("greeting", "工号", False, "opening", 1.0),
                                 ("greeting", "服务热线", False, "language", 0.5)]


def test_a_part_said_outside_the_agents_first_turn_does_not_count() -> None:
    call = [said(AGENT, 0.5, "您好优选商城"), said(CUSTOMER, 3.0, "你好"), said(AGENT, 5.0, "我的工号是一零零一")]
    assert ("greeting", "工号", False, "opening", 1.0) in part_checks(call)


def test_a_call_with_no_greeting_is_charged_once_not_once_per_part() -> None:
    assert part_checks([said(AGENT, 0.5, "说吧什么事")]) == [("greeting", "", False, "opening", 3.0)]


# --- 您 or 你: for the inspector ---------------------------------------------------------------------------------

def test_polite_form_hits_are_shown_for_the_inspector_and_never_deducted() -> None:
    advisory = PhraseRule("polite_form", "language", ("你好", "帮你"), 0.0, match="exact")
    flags, _ = find_flags([said(AGENT, 0.5, "你好，请问有什么可以帮你"), said(CUSTOMER, 4.0, "你好")],
                          rubric(advisory), 60.0)
    assert [(f.category, f.phrase, f.speaker, f.deduction) for f in flags] == [
        ("polite_form", "你好", AGENT, 0.0), ("polite_form", "帮你", AGENT, 0.0)]
