"""How much of a call the inspector actually heard: the stretches played, merged, and the flags they covered.

A score is only as good as the listening behind it. The player reports its position while it plays and says
when it jumps (a seek, a jump to a flag, skipped silence): a step forward between two reports, with no jump in
between, is audio that went through the speakers. A step longer than :data:`MAX_STEP_S` is taken for a jump
nobody announced, never for listening. Overlapping replays count once, so looping a phrase ten times does not
make a call "heard".
"""

from __future__ import annotations

from collections.abc import Iterable

from ..domain import Flag, Hearing

# Ticks arrive every few tens of ms; even a window stalled for seconds reports more often than this.
MAX_STEP_S = 5.0


class HearingLog:
    """The stretches of one call played so far."""

    def __init__(self, duration_s: float = 0.0) -> None:
        self.duration_s = duration_s
        self._spans: list[tuple[float, float]] = []
        self._last: float | None = None

    def jumped(self) -> None:
        """The playhead moved without playing what lay between: the next step starts afresh."""
        self._last = None

    def advance(self, position: float, playing: bool) -> None:
        """One tick of the player: while playing, the step from the last position was heard."""
        last, self._last = self._last, (position if playing else None)
        if playing and last is not None and 0.0 < position - last <= MAX_STEP_S:
            self._add(last, position)

    def _add(self, start: float, end: float) -> None:
        spans = sorted([*self._spans, (start, end)])
        merged: list[tuple[float, float]] = [spans[0]]
        for span_start, span_end in spans[1:]:
            if span_start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], span_end))
            else:
                merged.append((span_start, span_end))
        self._spans = merged

    @property
    def heard_s(self) -> float:
        return sum(end - start for start, end in self._spans)

    def heard(self, start: float, end: float) -> bool:
        """Whether any of ``start``..``end`` was played."""
        return any(span_start <= end and start <= span_end for span_start, span_end in self._spans)

    def summary(self, flags: Iterable[Flag]) -> Hearing:
        """The hearing as stored with the evaluation: seconds heard, call length, flags heard of those shown."""
        flags = list(flags)
        visited = sum(1 for flag in flags if self.heard(flag.start, flag.end))
        return Hearing(round(self.heard_s, 2), round(self.duration_s, 2), visited, len(flags))
