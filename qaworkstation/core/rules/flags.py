"""The rubric's rules over one call: phrase spotting, order rules and behaviour rules give flags and checks.

Flags are suggestions for the inspector, each pinned to the words (and so the moment) that triggered it, with
the similarity of what was heard to what the rubric says. Matching runs on :mod:`textnorm` streams, so script,
width, punctuation and contraction spelling never matter, and by pronunciation (:mod:`fuzzy`) unless a rule
asks for exact matching.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace

from ..domain import (AGENT, EXPECTED_CATEGORIES, VIOLATION_CATEGORIES, Check, Flag, Part, PhraseRule, Rubric,
                      Segment)
from ..textnorm import normalize
from .behaviour import CallAudio, behaviour_flags
from .sequence import sequence_flags
from .spotting import ACCEPTED_SPEAKERS, CallText, Hit, accepts, exact_matches, spot

__all__ = ["PhraseRule", "Part", "accepts_speaker", "exact_matches", "find_flags", "phrase_rule_hits"]

_COUNTED_FROM_END = "closing"
_AGENT_SIDE = ACCEPTED_SPEAKERS[AGENT]
# Hits this close together in one segment were said in the same breath: one outburst, charged once.
_SAME_BREATH_S = 2.0


def accepts_speaker(rule: PhraseRule, speaker: str) -> bool:
    """Whether ``rule`` may fire on a segment of ``speaker`` (``unknown`` is accepted by every rule)."""
    return accepts(rule.speaker, speaker)


def find_flags(segments: list[Segment], rubric: Rubric, duration: float, *,
               audio: CallAudio | None = None) -> tuple[list[Flag], list[Check]]:
    """Run every rule of ``rubric`` over a call; flags in time order, then one check per expected category
    (and, when the greeting or closing was said, one per required part, named by ``Check.part``).

    ``duration`` places the closing window; when it is unknown (0) the last segment's end stands in for it.
    ``audio`` (see :func:`behaviour.measure_audio`) lets silence and talk-over rules use the recording itself;
    without it they fall back to the word timestamps.
    """
    call = CallText(segments)
    call_end = duration if duration > 0 else max((segment.end for segment in segments), default=0.0)
    hits = {rule: phrase_rule_hits(call, rule, call_end) for rule in rubric.rules}
    flags = _phrase_flags(_charged(hits), call)
    flags += sequence_flags(rubric.sequence_rules, call)
    flags += behaviour_flags(rubric.behaviour_rules, call, audio, call_end)
    flags.sort(key=lambda flag: (flag.start, flag.end, flag.category))
    return flags, _checks(rubric.rules, hits, call, call_end)


def phrase_rule_hits(call: CallText, rule: PhraseRule, call_end: float) -> list[Hit]:
    """The hits of one rule that its speaker, window and turn allow, before overlaps are resolved."""
    if rule.speaker not in ACCEPTED_SPEAKERS:
        raise ValueError(f"rule for item {rule.item!r}: unknown speaker {rule.speaker!r}")
    found = spot(call, rule.phrases, rule.speaker, rule.match, rule.min_similarity)
    ordinary = _ordinary_spans(call, rule)
    return [hit for hit in found if _in_window(rule, hit, call_end) and _in_turn(rule, hit, call)
            and not any(_inside(hit, span) for span in ordinary)]


def _ordinary_spans(call: CallText, rule: PhraseRule) -> list[tuple[int, int, int]]:
    """Where the rule's ``unless`` phrases were said, as written: (segment, first, last) in the normalised text.

    Matched exactly, never by sound: an exclusion heard loosely would hide real violations.
    """
    keys = [key for phrase in (rule.unless if isinstance(rule, PhraseRule) else ()) if (key := normalize(phrase))]
    return [(index, first, last) for index, text in call.texts(ACCEPTED_SPEAKERS[rule.speaker])
            for key in keys for first, last in exact_matches(text.stream, key)]


def _inside(hit: Hit, span: tuple[int, int, int]) -> bool:
    segment, first, last = span
    return hit.segment == segment and first <= hit.first and hit.last <= last


def _in_window(rule: PhraseRule, hit: Hit, call_end: float) -> bool:
    """A hit counts if it begins in a greeting window or ends in a closing one.

    Only touching the window is required, because word timestamps on phone audio are loose by a few hundred ms.
    A window never reaches past the middle of the call: in a short call the "thanks for calling" that opens it
    is a greeting, not also its closing.
    """
    if rule.window_s is None:
        return True
    if rule.category == _COUNTED_FROM_END:
        return hit.end >= max(call_end - rule.window_s, call_end / 2)
    return hit.start <= min(rule.window_s, call_end / 2)


def _in_turn(rule: PhraseRule, hit: Hit, call: CallText) -> bool:
    """A closing said before the customer's last words ("anything else?") is not yet the closing.

    Overlapping the turn is enough: the customer's "bye" may overlap the agent's last words.
    """
    if rule.turn is None:
        return True
    span = call.turn_span(hit.speaker, rule.turn)
    return span is not None and span[0] < hit.end and hit.start < span[1]


def _charged(hits: dict[PhraseRule, list[Hit]]) -> list[tuple[PhraseRule, Hit]]:
    """The hits that become flags: one per stretch of text and category, then what an outburst supersedes."""
    kept: list[tuple[PhraseRule, Hit]] = []
    for category in dict.fromkeys(rule.category for rule in hits):
        kept += _keep_longest([(rule, hit) for rule, found in hits.items() if rule.category == category
                               for hit in found])
    return _drop_superseded(kept)


def _keep_longest(hits: list[tuple[PhraseRule, Hit]]) -> list[tuple[PhraseRule, Hit]]:
    """One flag per stretch of speech and category, so 不知道 inside a longer forbidden phrase is not charged twice.

    The longest phrase wins, then the surer hit; among equals, the rule listed first in the rubric. Overlap is
    measured in the normalised text, not in time: two 这个 inside one three-character whisper word share its
    times, yet were said twice.
    """
    kept: list[tuple[PhraseRule, Hit]] = []
    for rule, hit in sorted(hits, key=lambda pair: (pair[1].first - pair[1].last, -pair[1].similarity)):
        if not any(other.overlaps(hit) for _, other in kept):
            kept.append((rule, hit))
    return kept


def _drop_superseded(kept: list[tuple[PhraseRule, Hit]]) -> list[tuple[PhraseRule, Hit]]:
    """A hit of a category that another rule supersedes is dropped when said in the same breath as that rule's hit.

    QA handbooks charge one sentence once, at its most serious reading (就高不就低): "神经病，随便你" is an
    insult, not an insult plus a forbidden phrase.
    """
    superseding = [(rule, hit) for rule, hit in kept if rule.supersedes]
    return [(rule, hit) for rule, hit in kept
            if not any(rule.category in other_rule.supersedes and _same_breath(hit, other)
                       for other_rule, other in superseding)]


def _same_breath(hit: Hit, other: Hit) -> bool:
    gap = max(hit.start, other.start) - min(hit.end, other.end)
    return hit.segment == other.segment and gap <= _SAME_BREATH_S


def _flag(rule: PhraseRule, hit: Hit, charged: bool, call: CallText) -> Flag:
    """Only violations deduct per hit; an expected phrase heard, or an advisory hit, costs nothing."""
    deduction = rule.deduction if charged and rule.category in VIOLATION_CATEGORIES else 0.0
    return Flag(rule.category, hit.phrase, hit.text, hit.speaker, hit.start, hit.end, rule.item, deduction,
                hit.similarity, call.confidence(hit))


def _phrase_flags(charged: list[tuple[PhraseRule, Hit]], call: CallText) -> list[Flag]:
    """A flag per charged hit; a rule with ``per_minute`` deducts once, at its first hit beyond the allowance.

    The allowance is the rate times the minutes its speaker talked (rounded down), so "不频繁" means the same
    in a one-minute call as in a ten-minute one. Hits within it stay visible with no deduction.
    """
    over: set[tuple[PhraseRule, Hit]] = set()
    for rule in dict.fromkeys(rule for rule, _ in charged):
        if isinstance(rule, PhraseRule) and rule.per_minute is not None:
            own = sorted((hit for other, hit in charged if other == rule), key=lambda hit: (hit.start, hit.end))
            allowance = math.floor(rule.per_minute * _talk_minutes(call, rule.speaker) + 1e-9)
            over.update((rule, hit) for hit in own[allowance:allowance + 1])
    return [_flag(rule, hit, _counted_alone(rule) or (rule, hit) in over, call) for rule, hit in charged]


def _counted_alone(rule: PhraseRule) -> bool:
    """Whether each hit of the rule deducts on its own (no frequency allowance)."""
    return not isinstance(rule, PhraseRule) or rule.per_minute is None


def _talk_minutes(call: CallText, rule_speaker: str) -> float:
    return call.talk_time(ACCEPTED_SPEAKERS[rule_speaker]) / 60.0


def _checks(rules: Iterable[PhraseRule], hits: dict[PhraseRule, list[Hit]], call: CallText,
            call_end: float) -> list[Check]:
    """An expected category with a position is a call-level duty of the agent: said in place, or its item loses
    points. When it was said, each required part is checked in the same place and named when missing; when
    it was not said at all, the one missing check says so, and its parts are not charged again.

    Computed from all placed hits, before overlaps are pruned, so pruning can never hide a proper greeting.
    """
    checks = []
    rules = list(rules)
    for category in EXPECTED_CATEGORIES:
        placed = [rule for rule in rules if rule.category == category
                  and (rule.window_s is not None or rule.turn is not None)]
        if not placed:
            continue
        present = any(hit.speaker in _AGENT_SIDE for rule in placed for hit in hits[rule])
        rule = placed[0]
        checks.append(Check(category, present, rule.item, 0.0 if present else rule.deduction))
        if present:
            checks += [_part_check(rule, part, call, call_end) for rule in placed
                       if isinstance(rule, PhraseRule) for part in rule.parts]
    return checks


def _part_check(rule: PhraseRule, part: Part, call: CallText, call_end: float) -> Check:
    """One required part, looked for where the rule looks for the whole phrase (its window and turn)."""
    as_rule = replace(rule, phrases=part.phrases, match=part.match, min_similarity=None, unless=(), parts=())
    present = any(hit.speaker in _AGENT_SIDE for hit in phrase_rule_hits(call, as_rule, call_end))
    return Check(rule.category, present, part.item or rule.item, 0.0 if present else part.deduction,
                 part=part.name)
