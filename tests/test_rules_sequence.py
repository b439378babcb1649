"""Order rules: an apology must follow a complaint; the customer's name must be asked before the order.

A missed step is the agent's fault, so the flag is the agent's, at the moment the step was due, and says which
step is missing after what.
"""

from __future__ import annotations

from dataclasses import replace

from qaworkstation.core.domain import (AGENT, CUSTOMER, UNKNOWN, PhraseCue, Rubric, RubricItem, RubricSection, Segment,
                                       SequenceRule, Word)
from qaworkstation.core.rules.flags import find_flags

ITEMS = (RubricItem("apology", "Apology", 2, "C"), RubricItem("name", "Customer name", 2, "B"))
APOLOGY_AFTER_COMPLAINT = SequenceRule(
    "apology after a complaint", "apology", 1.0,
    trigger=PhraseCue(CUSTOMER, ("投诉", "坏了", "还没收到", "charged twice")),
    expect=PhraseCue(AGENT, ("抱歉", "对不起", "sorry"), match="loose"),
    within_s=30.0,
)
NAME_BEFORE_ORDER = SequenceRule(
    "name before the order", "name", 2.0,
    trigger=PhraseCue(AGENT, ("为您下单", "帮您下单")),
    expect=PhraseCue(AGENT, ("贵姓", "怎么称呼")),
    expect_after=False,
)


def said(speaker: str, start: float, text: str) -> Segment:
    tokens = text.split(" ") if " " in text else list(text)
    space = " " if " " in text else ""
    words = [Word(start + i * 0.2, start + (i + 1) * 0.2, space + token) for i, token in enumerate(tokens)]
    return Segment(speaker, start, words[-1].end, text, words)


def flags_of(segments: list[Segment], rule: SequenceRule) -> list[tuple[str, str, str, float, str]]:
    rubric = Rubric("t", "Test", "zh", 80.0, (RubricSection("All", ITEMS),), (), sequence_rules=(rule,))
    flags, _ = find_flags(segments, rubric, 120.0)
    return [(flag.category, flag.phrase, flag.speaker, flag.start, flag.text) for flag in flags]


def test_an_apology_after_the_complaint_satisfies_the_rule() -> None:
    call = [said(CUSTOMER, 5.0, "我的洗衣机坏了"), said(AGENT, 8.0, "非常抱歉给您带来不便")]
    assert flags_of(call, APOLOGY_AFTER_COMPLAINT) == []


def test_no_apology_is_the_agents_flag_at_their_reply_naming_the_complaint() -> None:
    call = [said(CUSTOMER, 5.0, "我的洗衣机坏了"), said(AGENT, 8.0, "你这话什么意思")]
    assert flags_of(call, APOLOGY_AFTER_COMPLAINT) == [
        ("sequence", "apology after a complaint", AGENT, 8.0, "apology after a complaint: 00:06 “坏了”")]


def test_the_rubric_words_the_flag_and_it_spans_the_reply_that_lacked_the_step() -> None:
    rule = replace(APOLOGY_AFTER_COMPLAINT, says="客户在 {time} 说“{heard}”后，坐席未致歉")
    call = [said(CUSTOMER, 65.0, "我的洗衣机坏了"), said(AGENT, 68.0, "你这话什么意思")]
    rubric = Rubric("t", "Test", "zh", 80.0, (RubricSection("All", ITEMS),), (), sequence_rules=(rule,))
    [flag], _ = find_flags(call, rubric, 120.0)
    assert (flag.phrase, flag.text) == ("apology after a complaint", "客户在 01:06 说“坏了”后，坐席未致歉")
    assert (flag.start, flag.end) == (68.0, call[1].end)


def test_with_no_reply_at_all_the_flag_is_at_the_end_of_the_complaint() -> None:
    call = [said(CUSTOMER, 5.0, "我的洗衣机坏了")]
    assert [(flag[2], flag[3]) for flag in flags_of(call, APOLOGY_AFTER_COMPLAINT)] == [(AGENT, 6.4)]


def test_an_apology_too_late_or_before_the_complaint_does_not_count() -> None:
    late = [said(CUSTOMER, 5.0, "我的洗衣机坏了"), said(AGENT, 50.0, "抱歉")]
    early = [said(AGENT, 1.0, "抱歉久等了"), said(CUSTOMER, 5.0, "我的洗衣机坏了")]
    assert len(flags_of(late, APOLOGY_AFTER_COMPLAINT)) == 1
    assert len(flags_of(early, APOLOGY_AFTER_COMPLAINT)) == 1


def test_a_complaint_repeated_before_the_limit_is_one_flag() -> None:
    call = [said(CUSTOMER, 5.0, "洗衣机坏了"), said(CUSTOMER, 12.0, "我要投诉你"), said(CUSTOMER, 50.0, "我要投诉")]
    # Nobody answered: each flag is at the end of the words that called for the apology (坏了, 投诉).
    assert [flag[3] for flag in flags_of(call, APOLOGY_AFTER_COMPLAINT)] == [6.0, 50.8]


def test_the_agent_saying_a_complaint_word_is_no_complaint() -> None:
    assert flags_of([said(AGENT, 5.0, "您的洗衣机坏了是吗")], APOLOGY_AFTER_COMPLAINT) == []


def test_a_misheard_apology_still_answers_the_complaint() -> None:
    call = [said(CUSTOMER, 5.0, "you charged twice"), said(AGENT, 8.0, "I'm sorry about that")]
    assert flags_of(call, APOLOGY_AFTER_COMPLAINT) == []


def test_on_mono_calls_the_missed_apology_is_still_the_agents_at_the_next_utterance() -> None:
    call = [said(UNKNOWN, 5.0, "你们的东西坏了"), said(UNKNOWN, 8.0, "那你想怎么样")]
    assert [(flag[2], flag[3]) for flag in flags_of(call, APOLOGY_AFTER_COMPLAINT)] == [(AGENT, 8.0)]


def test_the_name_asked_before_the_order_satisfies_the_rule() -> None:
    call = [said(AGENT, 5.0, "请问您贵姓"), said(CUSTOMER, 7.0, "我姓王"), said(AGENT, 9.0, "好的王先生我马上为您下单")]
    assert flags_of(call, NAME_BEFORE_ORDER) == []


def test_an_order_before_the_name_is_flagged_at_the_order() -> None:
    call = [said(AGENT, 5.0, "好的我马上为您下单"), said(AGENT, 9.0, "请问您怎么称呼")]
    assert flags_of(call, NAME_BEFORE_ORDER) == [
        ("sequence", "name before the order", AGENT, 6.0, "name before the order: 00:06 “为您下单”")]


def test_no_order_means_nothing_to_check() -> None:
    assert flags_of([said(AGENT, 5.0, "请问还有其他可以帮您的吗")], NAME_BEFORE_ORDER) == []


def test_a_sequence_flag_carries_the_rules_deduction_and_item() -> None:
    rubric = Rubric("t", "Test", "zh", 80.0, (RubricSection("All", ITEMS),), (),
                    sequence_rules=(replace(NAME_BEFORE_ORDER, deduction=1.5),))
    flags, _ = find_flags([said(AGENT, 5.0, "帮您下单")], rubric, 60.0)
    assert [(flag.item, flag.deduction) for flag in flags] == [("name", 1.5)]
