"""Where and by whom a phrase counts: speaker, first/last turn, windows, and one outburst charged once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qaworkstation.core.domain import AGENT, CUSTOMER, UNKNOWN, PhraseRule, Rubric, RubricItem, RubricSection, \
    Segment, Word
from qaworkstation.core.rules import find_flags

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
