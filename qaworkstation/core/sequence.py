"""Order rules: something must follow, or precede, something else.

An apology is only owed after a complaint, and the customer's name must be asked before the order is placed:
neither is a phrase that is wrong or missing on its own, only out of order. A missed expectation is flagged at
the trigger (the complaint, the order), the moment an inspector wants to hear, and charged to the side that
owed the expected words.
"""

from __future__ import annotations

from collections.abc import Iterable

from .domain import SEQUENCE_CATEGORY, UNKNOWN, Flag, SequenceRule
from .spotting import CallText, Hit, spot

# Without a time limit an apology "follows" a complaint even at the very end of the call.
_DEFAULT_WITHIN_S = 60.0


def sequence_flags(rules: Iterable[SequenceRule], call: CallText) -> list[Flag]:
    """One flag per expectation each rule finds unmet in the call."""
    flags: list[Flag] = []
    for rule in rules:
        triggers = sorted(spot(call, rule.trigger.phrases, rule.trigger.speaker, rule.trigger.match),
                          key=lambda hit: hit.start)
        expected = spot(call, rule.expect.phrases, rule.expect.speaker, rule.expect.match)
        missed = _unanswered(rule, triggers, expected) if rule.expect_after else _unprepared(triggers, expected)
        flags += [_flag(rule, hit) for hit in missed]
    return flags


def _unanswered(rule: SequenceRule, triggers: list[Hit], expected: list[Hit]) -> list[Hit]:
    """Triggers with no expected words within the time limit after them.

    A complaint repeated before the time limit runs out is the same complaint: it gets one flag, not one per
    sentence.
    """
    within = rule.within_s if rule.within_s is not None else _DEFAULT_WITHIN_S
    missed: list[Hit] = []
    for trigger in triggers:
        if missed and trigger.start - missed[-1].start <= within:
            continue
        if not any(trigger.start <= hit.start <= trigger.end + within for hit in expected):
            missed.append(trigger)
    return missed


def _unprepared(triggers: list[Hit], expected: list[Hit]) -> list[Hit]:
    """The first trigger, when the expected words had not been said before it."""
    if not triggers:
        return []
    first = triggers[0]
    return [] if any(hit.end <= first.start for hit in expected) else [first]


def _flag(rule: SequenceRule, trigger: Hit) -> Flag:
    speaker = UNKNOWN if trigger.speaker == UNKNOWN else rule.expect.speaker
    return Flag(SEQUENCE_CATEGORY, rule.name, trigger.text, speaker, trigger.start, trigger.end, rule.item,
                rule.deduction, trigger.similarity)
