"""Behaviour rules: what the call sounds like rather than what was said.

Long silences and holds, dead air when the call opens, the agent talking over the customer, speaking too fast
or too slow, hogging the conversation, and sudden loudness (a shouting proxy) are the acoustic half of QA; the
caller's anger (loud, fast, or in so many words) is measured the same way, as a reason to listen.
They are measured from the recording — per-channel speech activity from frame energy against that channel's
own noise floor, so a noisy mobile leg is judged by its own standard — and checked against the transcript,
whose word timestamps catch quiet speech the energy misses. Without the recording, word timestamps alone
stand in for the audio.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..audio.reading import AudioError, read_samples
from ..domain import AGENT, CUSTOMER, UNKNOWN, BehaviourRule, Flag, Segment
from ..textnorm import normalize, spread_words
from .fuzzy import units
from .spotting import ACCEPTED_SPEAKERS, CallText, Hit, spot, words_between

Interval = tuple[float, float]

FRAME_S = 0.01
# Speech activity: a frame is speech when it rises this far above the channel's noise floor, or this share of
# the way from the floor to the channel's speech level, whichever is more.
_MIN_RISE_DB = 8.0
_RISE_SHARE = 0.3
_QUIET_CHANNEL_DB = 12.0  # a channel whose loudest moment is this close to its floor holds no speech at all
_PEAK_WINDOW_S = 0.3
_BRIDGE_S = 0.25  # pauses inside a word run shorter than this are still speech
_MIN_SPEECH_S = 0.15  # shorter bursts are clicks
_UNHEARD_S = 1.0  # sound no recognised word explains counts as speech only when it lasts this long
_MAX_WORD_S = 1.5  # a recognised "word" longer than this has a timestamp that cannot be trusted

_NOTICE_LOOKBACK_S = 10.0  # a hold notice counts when said this soon before the silence
_BACKCHANNEL_S = 1.0  # talking over the other side for less than this is a backchannel ("嗯", "right")
_TURN_PAUSE_S = 0.5  # a pause this short is a breath inside a turn, not its end
_SPEECH_RATE_MIN_TALK_S = 10.0  # a rate needs this much speech to mean anything
_RATE_PAUSE_S = 0.5  # pauses longer than this are not counted as speaking time
_LOUD_WINDOW_S = 0.5
_DEFAULT_RISE_DB = 10.0
_DEFAULT_MIN_S = {"silence": 10.0, "dead_air": 5.0, "overtalk": 0.5, "loudness": 0.5, "customer_anger": 0.5}
_FAST_RATIO = 1.4  # a caller this much faster than their own usual pace is agitated, if their voice is raised too
_FAST_MIN_UNITS = 6  # a pace needs this many characters or words to mean anything


@dataclass(frozen=True)
class ChannelAudio:
    """One side's speech activity and frame levels (dB, one per :data:`FRAME_S`)."""

    speaker: str
    speech: tuple[Interval, ...]
    levels_db: np.ndarray


@dataclass(frozen=True)
class CallAudio:
    """What the recording tells the rules: each channel's speech and loudness over time."""

    channels: tuple[ChannelAudio, ...]
    duration: float


def measure_audio(path: str | Path, speakers: Sequence[str] | None = None) -> CallAudio:
    """Speech activity and levels of every channel of a recording (agent left, customer right by default)."""
    samples, rate = read_samples(path)
    names = speakers or ((AGENT, CUSTOMER) if samples.shape[1] == 2 else (UNKNOWN,) * samples.shape[1])
    channels = []
    for index, speaker in enumerate(names):
        levels = frame_levels(samples[:, index], rate)
        channels.append(ChannelAudio(speaker, tuple(speech_intervals(levels)), levels))
    return CallAudio(tuple(channels), len(samples) / rate if rate else 0.0)


def recording_audio(path: str | Path) -> CallAudio | None:
    """The recording's audio measures, or None when the file can no longer be read (moved, deleted): the
    rules then fall back to word timestamps instead of failing the analysis."""
    try:
        return measure_audio(path)
    except (AudioError, OSError):
        return None


def frame_levels(samples: np.ndarray, rate: int) -> np.ndarray:
    """Power per :data:`FRAME_S` frame in dB (full scale = 0)."""
    size = max(1, int(round(rate * FRAME_S)))
    count = len(samples) // size
    frames = np.asarray(samples[:count * size], dtype=np.float64).reshape(count, size)
    return 10.0 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)


def speech_intervals(levels: np.ndarray) -> list[Interval]:
    """Where a channel holds speech: frames well above its noise floor, with hysteresis, short gaps bridged.

    The floor (10th percentile) and the speech level (the loudest :data:`_PEAK_WINDOW_S`) are the channel's own,
    so an 8 kHz leg with 12 dB SNR and a clean studio leg are both judged fairly, and a customer who says two
    words in a long call still has a speech level. A channel whose loudest moment barely clears its floor
    (nobody spoke on it) has no speech.
    """
    if len(levels) == 0:
        return []
    floor = float(np.percentile(levels, 10))
    loud = float(_smoothed(levels, _PEAK_WINDOW_S).max())
    if loud - floor < _QUIET_CHANNEL_DB:
        return []
    high = floor + max(_MIN_RISE_DB, _RISE_SHARE * (loud - floor))
    low = floor + 0.5 * (high - floor)
    active = _hysteresis(levels > high, levels > low)
    runs = _bridge(_runs(active), _BRIDGE_S)
    return [run for run in runs if run[1] - run[0] >= _MIN_SPEECH_S]


def _hysteresis(strong: np.ndarray, weak: np.ndarray) -> np.ndarray:
    """Weak frames count when they are connected to a strong one: speech onsets and tails are quieter."""
    labels = np.cumsum(np.diff(np.concatenate(([0], weak.astype(np.int8)))) == 1) * weak
    keep = np.unique(labels[strong & weak])
    return np.isin(labels, keep[keep > 0])


def _runs(active: np.ndarray) -> list[Interval]:
    edges = np.diff(np.concatenate(([0], active.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(float(s * FRAME_S), float(e * FRAME_S)) for s, e in zip(starts, ends)]


def _bridge(intervals: Iterable[Interval], gap: float) -> list[Interval]:
    """Sorted, merged intervals, joining those separated by less than ``gap``."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# --- activity as the rules see it ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    speaker: str
    talk: list[Interval]  # when this side talks: audio if measured, else words
    heard: list[Interval]  # words with trustworthy timestamps
    levels_db: np.ndarray | None


def _sides(call: CallText, audio: CallAudio | None) -> list[_Side]:
    """Each side's talk, from the audio or, without audio, from the words.

    Sound that no recognised word explains is speech only when it lasts: typing, a cough or a noise burst on
    a mobile leg must not break a silence or start a talk-over.
    """
    words: dict[str, list[Interval]] = {}
    for segment in call.segments:
        words.setdefault(segment.speaker, []).extend(_word_spans(segment))
    if audio is None:
        return [_Side(speaker, _bridge(spans, _BRIDGE_S), _bridge(spans, _BRIDGE_S), None)
                for speaker, spans in words.items()]
    sides = []
    for channel in audio.channels:
        heard = _bridge(words.get(channel.speaker, []), _BRIDGE_S)
        talk = [run for run in channel.speech if run[1] - run[0] >= _UNHEARD_S or _touches(run, heard)]
        sides.append(_Side(channel.speaker, talk, heard, channel.levels_db))
    return sides


def _word_spans(segment: Segment) -> list[Interval]:
    return [(word.start, word.end) for word in (segment.words or spread_words(segment))
            if 0 <= word.end - word.start <= _MAX_WORD_S]


def _touches(run: Interval, spans: list[Interval]) -> bool:
    return any(start < run[1] and run[0] < end for start, end in spans)


def _anyone_speaking(sides: list[_Side]) -> list[Interval]:
    """Speech by anybody: every side's talk and every trustworthy word, so a quiet answer still breaks a silence."""
    return _bridge([span for side in sides for span in (*side.talk, *side.heard)], _BRIDGE_S)


# --- the rules -------------------------------------------------------------------------------------------------

RuleCheck = Callable[[BehaviourRule, CallText, list[_Side], float], list[Flag]]


def behaviour_flags(rules: Iterable[BehaviourRule], call: CallText, audio: CallAudio | None,
                    call_end: float) -> list[Flag]:
    """Flags of every behaviour rule; ``call_end`` is the call's duration (the audio's, when measured)."""
    rules = list(rules)
    if not rules:
        return []
    sides = _sides(call, audio)
    end = audio.duration if audio is not None and audio.duration > 0 else call_end
    return [flag for rule in rules for flag in _CHECKS[rule.category](rule, call, sides, end)]


def _silences(rule: BehaviourRule, call: CallText, sides: list[_Side], call_end: float) -> list[Flag]:
    """Gaps in everybody's speech longer than ``min_s`` between the first and the last words of the call.

    The agent is answerable for every silence; a hold announced just before (请稍等) is still flagged, so the
    inspector can judge its length, but with the rule's smaller ``notice_deduction``.
    """
    speech = _anyone_speaking(sides)
    notices = spot(call, rule.hold_notice, AGENT) if rule.hold_notice else []
    flags = []
    for (_, gap_start), (gap_end, _) in zip(speech, speech[1:]):
        if gap_end - gap_start > _min_s(rule):
            notice = _notice_before(notices, gap_start)
            deduction = rule.deduction
            if notice is not None and rule.notice_deduction is not None:
                deduction = rule.notice_deduction
            text = f"{gap_end - gap_start:.1f} s" + (f" · {notice.text}" if notice else "")
            flags.append(_flag(rule, text, AGENT, gap_start, gap_end, deduction))
    return flags


def _notice_before(notices: list[Hit], moment: float) -> Hit | None:
    before = [hit for hit in notices if moment - _NOTICE_LOOKBACK_S <= hit.end <= moment + FRAME_S * 50]
    return max(before, key=lambda hit: hit.end) if before else None


def _dead_air(rule: BehaviourRule, call: CallText, sides: list[_Side], call_end: float) -> list[Flag]:
    """Nobody speaks for ``min_s`` after the line opens: the agent answered late or did not greet at once."""
    speech = _anyone_speaking(sides)
    first = speech[0][0] if speech else call_end
    if first <= _min_s(rule):
        return []
    return [_flag(rule, f"{first:.1f} s", AGENT, 0.0, first, rule.deduction)]


def _overtalk(rule: BehaviourRule, call: CallText, sides: list[_Side], call_end: float) -> list[Flag]:
    """The rule's speaker starts while the other side is mid-turn and both talk for over ``min_s``.

    Mid-turn includes a breath between two clauses: starting in it while the other side goes on is still
    talking over them. Starting together is not, and a short backchannel ("嗯", "right") is listening, not
    interrupting; both are left alone.
    """
    own = _side(sides, rule.speaker)
    other = _side(sides, CUSTOMER if rule.speaker == AGENT else AGENT)
    if own is None or other is None:
        return []
    other_turns = _bridge(other.talk, _TURN_PAUSE_S)
    flags = []
    for start, end in _bridge(own.talk, _TURN_PAUSE_S):
        running = next(((s, e) for s, e in other_turns if s < start - _BRIDGE_S and start < e), None)
        if running is None or end - start < _BACKCHANNEL_S:
            continue
        overlap_end = min(end, running[1])
        if _together(own.talk, other.talk, start, overlap_end) > _min_s(rule):
            text = words_between(call, frozenset({rule.speaker}), start, overlap_end)
            flags.append(_flag(rule, text, rule.speaker, start, overlap_end, rule.deduction))
    return flags


def _together(own: list[Interval], other: list[Interval], start: float, end: float) -> float:
    """Seconds in ``start``..``end`` where both sides talk."""
    return sum(max(0.0, min(a_end, b_end, end) - max(a_start, b_start, start))
               for a_start, a_end in own for b_start, b_end in other)


def _speech_rate(rule: BehaviourRule, call: CallText, sides: list[_Side], call_end: float) -> list[Flag]:
    """Characters (Chinese) or words (English) per minute of the speaker's own speaking time."""
    segments = [segment for segment in call.segments if segment.speaker == rule.speaker]
    spans = [span for segment in segments for span in _word_spans(segment)]
    talk = _bridge(spans, _RATE_PAUSE_S)
    seconds = sum(end - start for start, end in talk)
    if seconds < _SPEECH_RATE_MIN_TALK_S:
        return []
    count = sum(len(units(normalize(segment.text))) for segment in segments)
    rate = 60.0 * count / seconds
    if _within(rule, rate):
        return []
    return [_flag(rule, f"{rate:.0f}/min", rule.speaker, talk[0][0], talk[-1][1], rule.deduction)]


def _talk_ratio(rule: BehaviourRule, call: CallText, sides: list[_Side], call_end: float) -> list[Flag]:
    """The speaker's share of all talk: an agent who talks 85% of the call is not listening."""
    own = _side(sides, rule.speaker)
    other = _side(sides, CUSTOMER if rule.speaker == AGENT else AGENT)
    if own is None or other is None:
        return []
    mine, theirs = _total(own.talk), _total(other.talk)
    if mine + theirs < _SPEECH_RATE_MIN_TALK_S:
        return []
    share = mine / (mine + theirs)
    if _within(rule, share):
        return []
    return [_flag(rule, f"{100 * share:.0f}%", rule.speaker, 0.0, call_end, rule.deduction)]


def _loudness(rule: BehaviourRule, call: CallText, sides: list[_Side], call_end: float) -> list[Flag]:
    """Stretches where the speaker is ``high`` dB louder than their own median speech for over ``min_s``."""
    return [_flag(rule, f"+{rise:.0f} dB", side.speaker, start, end, rule.deduction)
            for side in sides if side.speaker in ACCEPTED_SPEAKERS[rule.speaker]
            for start, end, rise in _loud_stretches(side, _rise_db(rule), _min_s(rule))]


def _loud_stretches(side: _Side, rise_db: float, min_s: float) -> list[tuple[float, float, float]]:
    """(start, end, peak rise in dB) of the side's speech louder than its own usual level by ``rise_db``."""
    if side.levels_db is None or not side.talk:
        return []
    smooth = _smoothed(side.levels_db, _LOUD_WINDOW_S)
    speaking = _mask(side.talk, len(smooth))
    if not speaking.any():
        return []
    usual = float(np.median(smooth[speaking]))
    return [(start, end, float(smooth[int(start / FRAME_S):int(end / FRAME_S)].max()) - usual)
            for start, end in _runs(speaking & (smooth > usual + rise_db)) if end - start > min_s]


def _customer_anger(rule: BehaviourRule, call: CallText, sides: list[_Side], call_end: float) -> list[Flag]:
    """Moments the caller sounds angry: a reason to listen, and to see how the agent handled it.

    Evidence per stretch of the caller's speech: one of the rule's ``phrases`` (我要投诉, 什么态度) or a voice
    ``high`` dB above the caller's own usual level for ``min_s`` counts on its own; speaking much faster than
    usual counts only together with a voice raised by half as much. The flag's text lists the evidence.
    """
    evidence: list[tuple[float, float, str]] = []
    for side in sides:
        if side.speaker not in ACCEPTED_SPEAKERS[rule.speaker]:
            continue
        rise, min_s = _rise_db(rule), _min_s(rule)
        evidence += [(start, end, f"+{peak:.0f} dB") for start, end, peak in _loud_stretches(side, rise, min_s)]
        raised = _loud_stretches(side, rise / 2, min_s)
        evidence += [(start, end, f"{rate:.1f}×") for start, end, rate in _fast_stretches(call, side.speaker)
                     if any(a < end and start < b for a, b, _ in raised)]
    evidence += [(hit.start, hit.end, f"“{hit.text}”") for hit in spot(call, rule.phrases, rule.speaker)]
    return [_flag(rule, text, rule.speaker, start, end, rule.deduction) for start, end, text in _merged(evidence)]


def _fast_stretches(call: CallText, speaker: str) -> list[tuple[float, float, float]]:
    """The speaker's segments said at least :data:`_FAST_RATIO` times their own median pace (units a second)."""
    paces = []
    for segment in call.segments:
        if segment.speaker != speaker or segment.end - segment.start < _RATE_PAUSE_S:
            continue
        count = len(units(normalize(segment.text)))
        if count >= _FAST_MIN_UNITS:
            paces.append((segment.start, segment.end, count / (segment.end - segment.start)))
    if len(paces) < 3:
        return []
    usual = float(np.median([pace for _, _, pace in paces]))
    return [(start, end, pace / usual) for start, end, pace in paces if pace >= _FAST_RATIO * usual]


def _merged(evidence: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """Evidence closer than a second apart is one moment, its texts joined."""
    moments: list[tuple[float, float, str]] = []
    for start, end, text in sorted(evidence):
        if moments and start <= moments[-1][1] + 1.0:
            first, last, said = moments[-1]
            moments[-1] = (first, max(last, end), said if text in said.split(" · ") else f"{said} · {text}")
        else:
            moments.append((start, end, text))
    return moments


def _smoothed(levels: np.ndarray, window_s: float = 0.5) -> np.ndarray:
    """Levels averaged in power over ``window_s``, so one plosive or click is not a shout."""
    width = max(1, int(window_s / FRAME_S))
    power = np.convolve(10 ** (levels / 10), np.ones(width) / width, mode="same")
    return 10 * np.log10(power + 1e-12)


def _mask(intervals: list[Interval], size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    for start, end in intervals:
        mask[int(start / FRAME_S):int(end / FRAME_S)] = True
    return mask


def _side(sides: list[_Side], speaker: str) -> _Side | None:
    return next((side for side in sides if side.speaker == speaker), None)


def _total(intervals: list[Interval]) -> float:
    return sum(end - start for start, end in intervals)


def _within(rule: BehaviourRule, value: float) -> bool:
    return (rule.low is None or value >= rule.low) and (rule.high is None or value <= rule.high)


def _min_s(rule: BehaviourRule) -> float:
    return rule.min_s if rule.min_s is not None else _DEFAULT_MIN_S[rule.category]


def _flag(rule: BehaviourRule, text: str, speaker: str, start: float, end: float, deduction: float) -> Flag:
    return Flag(rule.category, rule_label(rule), text, speaker, round(start, 3), round(end, 3), rule.item,
                deduction)


def rule_label(rule: BehaviourRule) -> str:
    """The rule's limit in a few language-neutral characters, shown where a phrase rule shows its phrase."""
    if rule.category in ("loudness", "customer_anger"):
        return f"+{_rise_db(rule):g} dB"
    if rule.category in ("speech_rate", "talk_ratio"):
        unit = "/min" if rule.category == "speech_rate" else ""
        low = "" if rule.low is None else f"{rule.low:g}"
        high = "" if rule.high is None else f"{rule.high:g}"
        return f"{low}–{high}{unit}"
    return f"> {_min_s(rule):g} s"


def _rise_db(rule: BehaviourRule) -> float:
    return rule.high if rule.high is not None else _DEFAULT_RISE_DB


_CHECKS: dict[str, RuleCheck] = {
    "silence": _silences,
    "dead_air": _dead_air,
    "overtalk": _overtalk,
    "speech_rate": _speech_rate,
    "talk_ratio": _talk_ratio,
    "loudness": _loudness,
    "customer_anger": _customer_anger,
}
