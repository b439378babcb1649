"""Finding phrases in a call's transcript, with the evidence a flag needs: who, when, what was heard, how sure.

Phrase rules, order rules and the hold-notice check of silence rules all ask the same question — where in this
call did this side say one of these phrases? — so they share :func:`spot`. A :class:`CallText` normalises each
segment once and knows the speakers' turns, which position rules ("greeting in the agent's first turn") need.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..domain import AGENT, CUSTOMER, EXACT, NORMAL, SPEAKERS, UNKNOWN, Segment, Word
from ..textnorm import NormStream, is_cjk, is_word_char, normalize, segment_stream, spread_words
from .fuzzy import Unit, fuzzy_matches, phrase_units, units

ANY = "any"
FIRST_TURN = "first"

# Mono recordings give "unknown": a rule for one side must still see them, or a violation in a mono call would
# go unnoticed. Stereo gives real sides, and then a rule never fires on the other side.
ACCEPTED_SPEAKERS = {
    AGENT: frozenset({AGENT, UNKNOWN}),
    CUSTOMER: frozenset({CUSTOMER, UNKNOWN}),
    UNKNOWN: frozenset({UNKNOWN}),
    ANY: frozenset(SPEAKERS),
}


@dataclass(frozen=True)
class Hit:
    """One place a phrase was heard: a character span of one segment's stream, its times and evidence."""

    phrase: str  # as written in the rubric
    speaker: str
    segment: int  # index into CallText.segments
    first: int  # character span in that segment's normalised stream
    last: int
    start: float
    end: float
    text: str  # the recognised words, as printed
    similarity: float

    def overlaps(self, other: Hit) -> bool:
        """Same stretch of the same segment's text (not time: one whisper word may hold two phrases)."""
        return self.segment == other.segment and self.first < other.last and other.first < self.last


@dataclass
class _SegmentText:
    segment: Segment
    stream: NormStream

    @cached_property
    def units(self) -> list[Unit]:
        return units(self.stream.text)


@dataclass
class CallText:
    """A call's segments prepared for spotting: normalised once, with each side's first and last turn."""

    segments: list[Segment]
    _texts: list[_SegmentText] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._texts = [_SegmentText(segment, segment_stream(segment)) for segment in self.segments]

    def texts(self, speakers: frozenset[str]) -> Iterator[tuple[int, _SegmentText]]:
        """The prepared segments of the given speakers, with their index in :attr:`segments`."""
        return ((index, text) for index, text in enumerate(self._texts) if text.segment.speaker in speakers)

    @cached_property
    def _words(self) -> list[tuple[float, float, str]]:
        """Every word of the call as (start, end, speaker), in time order."""
        found = [(word.start, word.end, segment.speaker) for segment in self.segments
                 for word in (segment.words or spread_words(segment))]
        return sorted(found)

    def confidence(self, hit: Hit) -> float:
        """How sure a flag on ``hit`` is: its similarity times the recogniser's mean probability for the words of
        its segment that it spans (1.0 when the segment came without words)."""
        words = [word.probability for word in self.segments[hit.segment].words
                 if word.end > hit.start and word.start < hit.end]
        heard = float(sum(words) / len(words)) if words else 1.0  # a plain float: whisper's are numpy's
        return round(hit.similarity * heard, 3)

    def talk_time(self, speakers: frozenset[str]) -> float:
        """Seconds the given speakers were heard talking: their words' spans merged, so a segment the
        recogniser stretched over a silent hold does not count the hold as speech."""
        total, reached = 0.0, float("-inf")
        for start, end, who in self._words:
            if who in speakers and end > reached:
                total += end - max(start, reached)
                reached = end
        return total

    def turn_span(self, speaker: str, which: str) -> tuple[float, float] | None:
        """The time span of ``speaker``'s first or last turn: their speech until the other side first speaks,
        or from the other side's last words before theirs to their own last word.

        An ``unknown`` (mono) speaker has no other side, so their turn is the whole call.
        """
        own = [(start, end) for start, end, who in self._words if who == speaker]
        if not own:
            return None
        others = [(start, end) for start, end, who in self._words if who not in (speaker, UNKNOWN)]
        if which == FIRST_TURN:
            first = own[0][0]
            interruption = next((start for start, _ in others if start > first), float("inf"))
            return first, interruption
        last = max(end for _, end in own)
        before = [end for _, end in others if end <= last]
        return (max(before) if before else float("-inf")), last


def accepts(rule_speaker: str, speaker: str) -> bool:
    """Whether a rule for ``rule_speaker`` may fire on speech of ``speaker`` (``unknown`` is accepted by all)."""
    return speaker in ACCEPTED_SPEAKERS[rule_speaker]


def spot(call: CallText, phrases: Iterable[str], rule_speaker: str, match: str = NORMAL,
         min_similarity: float | None = None) -> list[Hit]:
    """Every hit of every phrase on the accepted speakers, exact ones and, unless ``match`` is exact, by sound.

    A fuzzy hit that overlaps an exact hit of the same phrase adds nothing and is dropped.
    """
    keys = [(phrase, key) for phrase in phrases if (key := normalize(phrase))]
    hits: list[Hit] = []
    for index, text in call.texts(ACCEPTED_SPEAKERS[rule_speaker]):
        for phrase, key in keys:
            hits.extend(_phrase_hits(index, text, phrase, key, match, min_similarity))
    return hits


def _phrase_hits(index: int, text: _SegmentText, phrase: str, key: str, match: str,
                 min_similarity: float | None) -> list[Hit]:
    stream = text.stream
    spans = [(first, last, 1.0) for first, last in exact_matches(stream, key)]
    if match != EXACT:
        for found in fuzzy_matches(text.units, phrase_units(key), stream.breaks, match, min_similarity):
            if not any(found.first < last and first < found.last for first, last, _ in spans):
                spans.append((found.first, found.last, found.similarity))
    hits = []
    for first, last, similarity in spans:
        start, end = stream.times(first, last)
        hits.append(Hit(phrase, text.segment.speaker, index, first, last, float(start), float(end),
                        stream.source_text(first, last), similarity))
    return hits


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


def words_between(call: CallText, speakers: frozenset[str], start: float, end: float) -> str:
    """What the given speakers were heard saying between two times, for evidence on timing flags."""
    parts: list[str] = []
    for segment in call.segments:
        if segment.speaker in speakers:
            parts.extend(word.text for word in words_of(segment) if word.start < end and start < word.end)
    return "".join(parts).strip()


def words_of(segment: Segment) -> Sequence[Word]:
    """A segment's words with times; a segment stored without them gets them spread over its span."""
    return segment.words or spread_words(segment)
