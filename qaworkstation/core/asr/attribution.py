"""Who said what on a mono call: voices clustered, the clusters given their roles, segments split at turns.

Many centres record agent and customer mixed into one channel, and some "stereo" files carry that mix on both
channels or on one channel beside a silent one. Without attribution everything said is ``unknown`` and every
agent rule fires on the customer's words too (a customer's 喂 or 我不知道 charged to the agent).

The unit of evidence is a stretch of speech between pauses, at most two seconds (:func:`voice.voice_spans`):
the pieces are clustered into at most two voices, and each recognised word takes the voice of the piece it
lies on. Which voice is the agent is told by what it says — the centre's greeting, the 工号, the
service formulas and the closing — with the first voice on the line (the one who answers) as the tie-breaker.
A call where only one voice is heard stays ``unknown`` unless that voice speaks like the agent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..domain import AGENT, CUSTOMER, UNKNOWN, Segment, Word
from ..textnorm import normalize
from .voice import VoiceSpan

# Formulas only the agent's side of a service call says: greeting, identification, offers of help, closing.
AGENT_CUES = (
    "您好", "工号", "很高兴为您服务", "有什么可以帮您", "有什么可以帮到您", "请问有什么", "为您服务", "客服",
    "服务中心", "欢迎致电", "感谢您的来电", "感谢来电", "还有其他问题", "还有什么可以帮", "祝您生活愉快", "请您稍等",
    "请稍等", "给您", "帮您",
    "thank you for calling", "thanks for calling", "my name is", "how can i help", "how may i help",
    "how can i assist", "anything else i can", "is there anything else", "have a nice day", "have a great day",
    "let me check", "i can help",
)
# What the caller says about the service: complaints and requests.
CUSTOMER_CUES = (
    "我要投诉", "我想问", "我想咨询", "我的订单", "你们的", "怎么回事", "到底",
    "i want to", "i would like to", "my internet", "my bill", "my account", "my order", "can you",
)

_SILENT = 1e-3  # a channel with less than this share of the other's power (-30 dB) carries nobody
_SAME = 0.9  # channels this correlated carry the same mix
_MIN_SPANS = 4  # fewer pieces of speech than this cannot be split into two voices
_COMPONENTS = 3  # principal directions kept
_MIN_SILHOUETTE = 0.1
_FIRST_VOICE_BONUS = 0.5  # the voice that speaks first answered the phone: usually the agent


def as_heard(channels: list[np.ndarray]) -> list[np.ndarray]:
    """The channels that carry distinct speakers: a stereo pair whose channels are the same mix, or whose one
    channel is silent, is one mono channel (the mix, or the live channel); anything else is left as it is."""
    if len(channels) != 2:
        return channels
    power = [float(np.mean(np.square(channel, dtype=np.float64))) for channel in channels]
    if max(power) == 0.0:
        return channels
    if min(power) < _SILENT * max(power):
        return [channels[int(np.argmax(power))]]
    correlation = float(np.dot(channels[0], channels[1])) / (len(channels[0]) * np.sqrt(power[0] * power[1]))
    return [(channels[0] + channels[1]) / 2] if correlation > _SAME else channels


def attribute(segments: list[Segment], spans: Sequence[VoiceSpan]) -> list[Segment]:
    """The call's segments with every ``unknown`` one split at changes of voice and labelled by role."""
    spans = sorted(spans, key=lambda s: s.start)
    labels = voice_labels(spans)
    if labels is None:
        return _one_voice(segments)
    words = [(index, w) for index, segment in enumerate(segments) if segment.speaker == UNKNOWN
             for w in range(len(segment.words))]
    voice_of = {key: _voice_at(segments[key[0]].words[key[1]], spans, labels) for key in words}
    roles = _roles(segments, voice_of, labels[0])
    attributed: list[Segment] = []
    for index, segment in enumerate(segments):
        if segment.speaker != UNKNOWN or not segment.words:
            attributed.append(segment)
            continue
        attributed.extend(_split(segment, [roles[voice_of[(index, w)]] for w in range(len(segment.words))]))
    return sorted(attributed, key=lambda s: (s.start, s.end))


def voice_labels(spans: Sequence[VoiceSpan]) -> list[int] | None:
    """A voice (0 or 1) per piece of speech; None when the pieces hold only one voice.

    k-means on the leading principal directions of the standardised features: a call gives tens of pieces,
    too few to fit a covariance per voice, and two voices differ most along the first directions. A split
    whose silhouette stays under :data:`_MIN_SILHOUETTE` is one voice cut in two, not two voices.
    """
    if len(spans) < _MIN_SPANS:
        return None
    from sklearn.cluster import KMeans  # imported here: only mono calls need scikit-learn
    from sklearn.decomposition import PCA
    from sklearn.metrics import silhouette_score

    reduced = PCA(min(_COMPONENTS, len(spans) - 1), random_state=0).fit_transform(_standardised(spans))
    labels = KMeans(2, n_init=10, random_state=0).fit_predict(reduced)
    if len(set(labels)) < 2 or silhouette_score(reduced, labels) < _MIN_SILHOUETTE:
        return None
    return [int(label) for label in labels]


def _standardised(spans: Sequence[VoiceSpan]) -> np.ndarray:
    """The pieces' features on one scale, a missing pitch taken as the call's median."""
    features = np.vstack([span.features for span in spans]).astype(np.float64)
    medians = np.nanmedian(features, axis=0)
    features = np.where(np.isnan(features), np.nan_to_num(medians)[None, :], features)
    return (features - features.mean(axis=0)) / (features.std(axis=0) + 1e-6)


def _voice_at(word: Word, spans: Sequence[VoiceSpan], labels: list[int]) -> int:
    """The voice of the piece a word overlaps most, or of the nearest piece when it overlaps none."""
    def closeness(i: int) -> float:
        span = spans[i]
        overlap = min(word.end, span.end) - max(word.start, span.start)
        return overlap  # negative: the gap between them, so the nearest piece wins

    return labels[max(range(len(spans)), key=closeness)]


def _roles(segments: list[Segment], voice_of: dict[tuple[int, int], int], first_voice: int) -> dict[int, str]:
    """Which voice is the agent: the one whose words hold more of the agent's formulas, less of the caller's."""
    said = ["", ""]
    for (segment, word), voice in sorted(voice_of.items(), key=lambda item: segments[item[0][0]].words[item[0][1]].start):
        said[voice] += segments[segment].words[word].text
    score = [cue_score(text) for text in said]
    score[first_voice] += _FIRST_VOICE_BONUS
    agent = 0 if score[0] >= score[1] else 1
    return {agent: AGENT, 1 - agent: CUSTOMER}


def cue_score(text: str) -> float:
    """How much a side's words sound like the agent's: agent formulas heard minus the caller's."""
    heard = normalize(text)
    return float(sum(heard.count(normalize(cue)) for cue in AGENT_CUES)
                 - sum(heard.count(normalize(cue)) for cue in CUSTOMER_CUES))


def _one_voice(segments: list[Segment]) -> list[Segment]:
    """One voice on the line: the agent if it speaks like one (a call the customer left), else unknown."""
    if cue_score("".join(s.text for s in segments if s.speaker == UNKNOWN)) <= 0:
        return segments
    return [replace(s, speaker=AGENT) if s.speaker == UNKNOWN else s for s in segments]


def _split(segment: Segment, speakers: list[str]) -> list[Segment]:
    """The segment cut where its words change speaker; each piece keeps its own words, text and times."""
    pieces: list[Segment] = []
    first = 0
    for i in range(1, len(speakers) + 1):
        if i == len(speakers) or speakers[i] != speakers[first]:
            pieces.append(_piece(segment, speakers[first], segment.words[first:i]))
            first = i
    return pieces


def _piece(segment: Segment, speaker: str, words: list[Word]) -> Segment:
    text = "".join(word.text for word in words).strip()
    return Segment(speaker, words[0].start, words[-1].end, text, list(words), segment.language)
