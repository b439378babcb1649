"""Order rules: something must follow, or precede, something else.

An apology is only owed after a complaint, and the customer's name must be asked before the order is placed:
neither is a phrase that is wrong or missing on its own, only out of order. A missed expectation is the fault
of the side that owed the expected words (the agent, even on a mono call where nobody knows who said the
trigger), so the flag is theirs; it points at the moment the step was due — the agent's first words after the
complaint, or the order placed too early — and its text names the missing step and what called for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from string import Formatter

from ..domain import SEQUENCE_CATEGORY, Flag, SequenceRule
from .spotting import ACCEPTED_SPEAKERS, CallText, Hit, spot, words_of

# Without a time limit an apology "follows" a complaint even at the very end of the call.
_DEFAULT_WITHIN_S = 60.0
# What a rule's ``says`` template may name: the trigger's time (m:ss) and its words as recognised.
SAYS_FIELDS = ("time", "heard")
# Used when a rule does not word its flag: the rule's name, then when and what triggered it.
DEFAULT_SAYS = "{name}: {time} “{heard}”"


def sequence_flags(rules: Iterable[SequenceRule], call: CallText) -> list[Flag]:
    """One flag per expectation each rule finds unmet in the call."""
    flags: list[Flag] = []
    for rule in rules:
        triggers = sorted(spot(call, rule.trigger.phrases, rule.trigger.speaker, rule.trigger.match),
                          key=lambda hit: hit.start)
        expected = spot(call, rule.expect.phrases, rule.expect.speaker, rule.expect.match)
        missed = _unanswered(rule, triggers, expected) if rule.expect_after else _unprepared(triggers, expected)
        flags += [_flag(rule, hit, call) for hit in missed]
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


def _flag(rule: SequenceRule, trigger: Hit, call: CallText) -> Flag:
    """The owing side's flag, at the moment the step was due, worded as the rubric says."""
    start, end = _due(rule, trigger, call)
    return Flag(SEQUENCE_CATEGORY, rule.name, describe(rule, trigger), rule.expect.speaker, start, end, rule.item,
                rule.deduction, trigger.similarity, call.confidence(trigger))


def _due(rule: SequenceRule, trigger: Hit, call: CallText) -> tuple[float, float]:
    """Where the expected words should have been, as (start, end).

    After a trigger: the owing side's first words in a later utterance (their reply that lacked the apology),
    to that utterance's end; when they said nothing more, the trigger's end. Before a trigger: the trigger
    itself (the order placed before the name was asked).
    """
    if not rule.expect_after:
        return trigger.start, trigger.end
    replies = [(word.start, text.segment.end) for index, text in call.texts(ACCEPTED_SPEAKERS[rule.expect.speaker])
               if index != trigger.segment for word in words_of(text.segment) if word.start >= trigger.end]
    return min(replies, default=(trigger.end, trigger.end))


def describe(rule: SequenceRule, trigger: Hit) -> str:
    """The flag's text: the rule's ``says`` template (or :data:`DEFAULT_SAYS`) filled in."""
    template = rule.says if isinstance(rule, SequenceRule) and rule.says else DEFAULT_SAYS
    return template.format(name=rule.name, time=_clock(trigger.start), heard=trigger.text.strip())


def template_fields(template: str) -> list[str]:
    """The placeholders a template names (``{time}`` gives ``time``); raises ValueError on a stray brace."""
    return [field for _, field, _, _ in Formatter().parse(template) if field is not None]


def _clock(seconds: float) -> str:
    """mm:ss (h:mm:ss past an hour), as the player shows times."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
