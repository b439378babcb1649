"""Phrase spotting: the rubric's phrase lists run over a transcript to give flags and call-level checks.

Flags are suggestions for the inspector, each pinned to the words (and so the moment) that triggered it.
Matching runs on :mod:`textnorm` streams, so script, width, punctuation and contraction spelling never matter.
The search itself is a :data:`Matcher`, so a fuzzy or pinyin matcher can later run beside the exact one
without touching how hits become flags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .domain import (
    AGENT,
    CUSTOMER,
    EXPECTED_CATEGORIES,
    SPEAKERS,
    UNKNOWN,
    VIOLATION_CATEGORIES,
    Check,
    Flag,
    PhraseRule,
    Rubric,
    Segment,
)
from .textnorm import NormStream, is_cjk, is_word_char, normalize, segment_stream

ANY = "any"

# Mono recordings give "unknown": a rule for one side must still see them, or a violation in a mono call would
# go unnoticed. Stereo gives real sides, and then a rule never fires on the other side.
_ACCEPTED_SPEAKERS = {
    AGENT: frozenset({AGENT, UNKNOWN}),
    CUSTOMER: frozenset({CUSTOMER, UNKNOWN}),
    UNKNOWN: frozenset({UNKNOWN}),
    ANY: frozenset(SPEAKERS),
}
_AGENT_SIDE = _ACCEPTED_SPEAKERS[AGENT]
_COUNTED_FROM_END = "closing"

Matcher = Callable[[NormStream, str], Iterable[tuple[int, int]]]
"""Finds a normalised phrase in a stream; yields ``(start, end)`` character spans of ``stream.text``."""


@dataclass(frozen=True)
class _Pattern:
    rule: PhraseRule
    phrase: str  # as written in the rubric, for display
    key: str  # normalised, for matching


@dataclass(frozen=True)
class _Hit:
    pattern: _Pattern
    speaker: str
    first: int  # character span in the segment's stream
    last: int
    start: float
    end: float
    text: str

    def overlaps(self, other: _Hit) -> bool:
        return self.first < other.last and other.first < self.last


def accepts_speaker(rule: PhraseRule, speaker: str) -> bool:
    """Whether ``rule`` may fire on a segment of ``speaker`` (``unknown`` is accepted by every rule)."""
    return speaker in _ACCEPTED_SPEAKERS[rule.speaker]


def exact_matches(stream: NormStream, phrase: str) -> Iterator[tuple[int, int]]:
    """Every occurrence of ``phrase`` (already normalised) that stands on its own.

    CJK is matched as a plain substring, since it has no spaces; Latin must sit on word boundaries so that
    "hell" does not fire inside "hello".
    """
    start = stream.text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        if _stands_alone(stream, start, end):
            yield start, end
        start = stream.text.find(phrase, start + 1)


def _stands_alone(stream: NormStream, start: int, end: int) -> bool:
    """Latin ends need a word boundary; a one-character CJK phrase needs a pause mark or segment edge beside it.

    A single character such as 喂 or 滚 is mostly part of an innocent word (喂养, 滚动); as an interjection it
    is set off by punctuation or begins the utterance, which whisper keeps even when it drops other marks.
    """
    text = stream.text
    if is_word_char(text[start]) and start > 0 and is_word_char(text[start - 1]):
        return False
    if is_word_char(text[end - 1]) and end < len(text) and is_word_char(text[end]):
        return False
    if end - start == 1 and is_cjk(text[start]):
        return start in stream.breaks or end in stream.breaks
    return True


def find_flags(
    segments: list[Segment], rubric: Rubric, duration: float, *, matcher: Matcher = exact_matches
) -> tuple[list[Flag], list[Check]]:
    """Run every phrase rule of ``rubric`` over ``segments``; flags in time order, then one check per window.

    ``duration`` places the closing window; when it is unknown (0) the last segment's end stands in for it.
    """
    patterns = _patterns(rubric.rules)
    call_end = duration if duration > 0 else max((segment.end for segment in segments), default=0.0)
    hits: list[_Hit] = []
    kept: list[_Hit] = []
    for segment in segments:
        segment_hits = _segment_hits(segment, patterns, call_end, matcher)
        hits.extend(segment_hits)
        kept.extend(_keep_longest(segment_hits))
    flags = sorted((_flag(hit) for hit in kept), key=lambda flag: (flag.start, flag.end, flag.category))
    return flags, _checks(rubric.rules, hits)


def _patterns(rules: Iterable[PhraseRule]) -> list[_Pattern]:
    """Normalise every phrase once per call; phrases that normalise to nothing (pure punctuation) cannot match."""
    patterns = []
    for rule in rules:
        if rule.speaker not in _ACCEPTED_SPEAKERS:
            raise ValueError(f"rule for item {rule.item!r}: unknown speaker {rule.speaker!r}")
        patterns.extend(_Pattern(rule, phrase, key) for phrase in rule.phrases if (key := normalize(phrase)))
    return patterns


def _segment_hits(segment: Segment, patterns: list[_Pattern], call_end: float, matcher: Matcher) -> list[_Hit]:
    relevant = [pattern for pattern in patterns if accepts_speaker(pattern.rule, segment.speaker)]
    if not relevant:
        return []
    stream = segment_stream(segment)
    hits = []
    for pattern in relevant:
        for first, last in matcher(stream, pattern.key):
            start, end = stream.times(first, last)
            if _in_window(pattern.rule, start, end, call_end):
                hits.append(_Hit(pattern, segment.speaker, first, last, start, end, stream.source_text(first, last)))
    return hits


def _in_window(rule: PhraseRule, start: float, end: float, call_end: float) -> bool:
    """A hit counts if it begins in a greeting window or ends in a closing one.

    Only touching the window is required, because word timestamps on phone audio are loose by a few hundred ms.
    """
    if rule.window_s is None:
        return True
    if rule.category == _COUNTED_FROM_END:
        return end >= call_end - rule.window_s
    return start <= rule.window_s


def _keep_longest(hits: list[_Hit]) -> list[_Hit]:
    """One flag per stretch of speech and category, so 不知道 inside a longer forbidden phrase is not charged twice.

    The longest phrase wins; among equals, the rule listed first in the rubric. Overlap is measured in the
    normalised text, not in time: two 这个 inside one three-character whisper word share its times, yet were
    said twice.
    """
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda hit: hit.first - hit.last):
        category = hit.pattern.rule.category
        if not any(other.pattern.rule.category == category and other.overlaps(hit) for other in kept):
            kept.append(hit)
    return kept


def _flag(hit: _Hit) -> Flag:
    rule = hit.pattern.rule
    deduction = rule.deduction if rule.category in VIOLATION_CATEGORIES else 0.0
    return Flag(rule.category, hit.pattern.phrase, hit.text, hit.speaker, hit.start, hit.end, rule.item, deduction)


def _checks(rules: tuple[PhraseRule, ...], hits: list[_Hit]) -> list[Check]:
    """An expected category with a window is a call-level duty of the agent: said in time, or its item loses points.

    Computed from all in-window hits, before overlaps are pruned, so pruning can never hide a proper greeting.
    """
    checks = []
    for category in EXPECTED_CATEGORIES:
        windowed = [rule for rule in rules if rule.category == category and rule.window_s is not None]
        if not windowed:
            continue
        present = any(hit.pattern.rule in windowed and hit.speaker in _AGENT_SIDE for hit in hits)
        rule = windowed[0]
        checks.append(Check(category, present, rule.item, 0.0 if present else rule.deduction))
    return checks
