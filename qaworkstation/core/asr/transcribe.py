"""Speech to text with faster-whisper, one channel per speaker.

Call recorders put the agent on the left channel and the customer on the right, so transcribing each channel
on its own gives exact speaker labels without diarisation; the two transcripts are merged by time. The model
is loaded once per :class:`Transcriber` and reused for every file. Work is reported through callbacks and
stopped through a cancel check, so the window, the command line and a child process can all drive it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from ..domain import AGENT, CUSTOMER, UNKNOWN, Segment, Word
from ..textnorm import to_script
from .attribution import as_heard, attribute
from .model_audio import SAMPLE_RATE, Chunk, iter_chunks, noise_floor, piece_bounds, speech_estimate
from .models import DEFAULT_MODEL, ModelChoice, ModelUnavailable, resolve_model
from .voice import VoiceSpan, frame_features, voice_spans

ProgressCallback = Callable[[float], None]
SegmentCallback = Callable[[Segment], None]
CancelCheck = Callable[[], bool]

# Seconds of one channel decoded as one job. Long enough that a piece's last, padded 30 s window wastes little
# and its language can be told; short enough that a five-minute leg makes five jobs to share out.
PIECE_S = 60.0


class Cancelled(Exception):
    """The user stopped the transcription; nothing partial is stored."""


@dataclass(frozen=True)
class TranscribeSettings:
    """Everything that changes the transcript; it is part of the cache key.

    ``workers`` channels are transcribed at once, each with ``cpu_threads`` threads (0: the cores shared
    evenly). On two cores two single-threaded workers beat one two-threaded one by a third
    (docs/performance.md), so the agent and customer legs of a call are decoded side by side.
    """

    model: str = DEFAULT_MODEL
    compute_type: str = "int8"
    cpu_threads: int = 0
    workers: int = 2
    beam_size: int = 5
    language: str = ""  # "" detects per channel
    vad: bool = True
    script: str = "simplified"  # simplified | traditional | as-is
    attribute_mono: bool = True  # split mono calls (and stereo files carrying one mix) by voice into agent/customer

    @property
    def threads_per_worker(self) -> int:
        return self.cpu_threads or max(1, (os.cpu_count() or 1) // max(1, self.workers))


@dataclass
class Transcript:
    language: str
    segments: list[Segment] = field(default_factory=list)


# How the work is spread over threads changes the speed, not the words (the corpus transcribes identically with
# 2x1, 1x1 and 1x2 layouts), so a transcript made on a one-thread cluster worker is found by the window too.
LAYOUT_FIELDS = ("workers", "cpu_threads")


def cache_key(audio_sha256: str, settings: TranscribeSettings, model_id: str) -> str:
    """The transcript's identity: audio hash, model and every setting that changes the words."""
    content = {name: value for name, value in asdict(settings).items() if name not in LAYOUT_FIELDS}
    payload = json.dumps({"audio": audio_sha256, "model": model_id, **content}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def load_model(choice: ModelChoice, settings: TranscribeSettings) -> Any:
    """A faster_whisper.WhisperModel laid out for ``settings``; a model that cannot load says what to do."""
    from faster_whisper import WhisperModel  # imported here: a slow import only the model path needs

    try:
        return WhisperModel(choice.source, device="cpu", compute_type=settings.compute_type,
                            cpu_threads=settings.threads_per_worker, num_workers=max(1, settings.workers))
    except Exception as exc:  # hub, file and CTranslate2 errors share no base class
        raise ModelUnavailable(
            f"model {settings.model!r} could not be loaded ({type(exc).__name__}: {exc}). Without "
            "internet use offline-base or offline-tiny.en, or a folder with a CTranslate2 model "
            "(copy one from an online machine's ~/.cache/huggingface)."
        ) from exc


def speakers_for(channel_count: int) -> tuple[str, ...]:
    return (AGENT, CUSTOMER) if channel_count == 2 else (UNKNOWN,)


class Transcriber:
    """Owns one loaded Whisper model; create it once and feed it every file."""

    def __init__(self, settings: TranscribeSettings | None = None, model: Any = None) -> None:
        """``model`` is an already loaded WhisperModel of the same model, compute type and thread layout, so
        several settings (language, script, beam) in one process can share one copy of the weights."""
        self.settings = settings or TranscribeSettings()
        self.model_choice: ModelChoice = resolve_model(self.settings.model)
        self._model = model
        self._loading = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=max(1, self.settings.workers), thread_name_prefix="whisper")

    @property
    def model(self):  # noqa: ANN201 - faster_whisper.WhisperModel, imported lazily (slow import)
        with self._loading:
            if self._model is None:
                self._model = load_model(self.model_choice, self.settings)
        return self._model

    def preload(self) -> None:
        """Start loading the model on a side thread, so a command's other start-up work (imports, reading the
        library, probing the files: about a second) overlaps it; a failure to load is reported on first use.
        Not a daemon: a command that fails early waits for the load at exit, since native code still loading
        when the interpreter finalises aborts the process (exit 134) after the line that said why."""
        def load() -> None:
            try:
                self.model  # noqa: B018 - loading is the point
            except ModelUnavailable:
                pass  # said again, to the person, by the first transcription

        threading.Thread(target=load, name="model-preload").start()

    def transcribe_file(self, path: Path | str, channel_count: int, duration: float,
                        progress: ProgressCallback | None = None, on_segment: SegmentCallback | None = None,
                        cancelled: CancelCheck | None = None) -> Transcript:
        """Chunk by chunk, so memory stays flat however long the call and segments arrive as they are made.

        A chunk whose channels carry one mix (mono, or stereo with equal or one silent channel) is transcribed
        once, and its voices are kept so that the whole call's ``unknown`` speech is attributed at the end
        (:mod:`attribution`); segments streamed through ``on_segment`` are the unattributed ones.
        """
        languages: list[str] = []
        segments: list[Segment] = []
        voices: list[VoiceSpan] = []
        for chunk in iter_chunks(path, channel_count):
            def chunk_progress(fraction: float, chunk: Chunk = chunk) -> None:
                if progress and duration:
                    progress(min(1.0, (chunk.offset + fraction * chunk.duration) / duration))

            channels = as_heard(chunk.channels) if self.settings.attribute_mono else chunk.channels
            part = self.transcribe_channels(channels, chunk.duration, chunk_progress, on_segment, cancelled,
                                            offset=chunk.offset)
            if len(channels) == 1 and self.settings.attribute_mono:
                voices += voice_spans(*frame_features(channels[0]), offset=chunk.offset)
            languages.append(part.language)
            segments.extend(part.segments)
        if voices:
            segments = attribute(segments, voices)
        if progress:
            progress(1.0)
        return Transcript(languages[0] if languages else self.settings.language, segments)

    def transcribe_channels(self, channels: list[np.ndarray], duration: float,
                            progress: ProgressCallback | None = None, on_segment: SegmentCallback | None = None,
                            cancelled: CancelCheck | None = None, offset: float = 0.0) -> Transcript:
        """Transcribe the channels as pieces cut at pauses, the pieces with most speech first.

        One job per leg left a decoder idle for as long as the agent out-talked the customer (a third of a long
        call); pieces keep both busy. Progress is the share of audio decoded; the transcript's language is the
        one heard in the piece with most speech.
        """
        pieces = self._pieces(channels)
        total = sum(len(audio) for _, audio, _ in pieces) or 1
        reached = [0.0] * len(pieces)

        def piece_progress(index: int, fraction: float) -> None:
            reached[index] = min(fraction, 1.0) * len(pieces[index][1])
            if progress:
                progress(sum(reached) / total)

        futures = [self._pool.submit(self._transcribe_channel, audio, speaker, len(audio) / SAMPLE_RATE,
                                     offset + start / SAMPLE_RATE, partial(piece_progress, index), on_segment,
                                     cancelled)
                   for index, (speaker, audio, start) in enumerate(pieces)]
        results = [future.result() for future in futures]
        segments = sorted((s for _, found in results for s in found), key=lambda s: (s.start, s.end))
        return Transcript(results[0][0] if results else self.settings.language, segments)

    def _pieces(self, channels: list[np.ndarray]) -> list[tuple[str, np.ndarray, int]]:
        """(speaker, samples, first sample) of every piece of every channel, biggest amount of speech first."""
        pieces: list[tuple[int, str, np.ndarray, int]] = []
        for speaker, audio in zip(speakers_for(len(channels)), channels):
            floor = noise_floor(audio)
            for start, end in piece_bounds(audio, PIECE_S):
                pieces.append((speech_estimate(audio[start:end], floor), speaker, audio[start:end], start))
        pieces.sort(key=lambda piece: (-piece[0], piece[3]))
        return [(speaker, audio, start) for _, speaker, audio, start in pieces]

    def _transcribe_channel(self, audio: np.ndarray, speaker: str, duration: float, offset: float,
                            progress: ProgressCallback, on_segment: SegmentCallback | None,
                            cancelled: CancelCheck | None) -> tuple[str, list[Segment]]:
        options = dict(beam_size=self.settings.beam_size, word_timestamps=True, vad_filter=self.settings.vad,
                       language=self._language())
        raw_segments, info = self.model.transcribe(audio, **options)
        found: list[Segment] = []
        for raw in raw_segments:
            if cancelled and cancelled():
                raise Cancelled()
            segment = self._segment(raw, speaker, info.language, offset)
            if segment.text:
                found.append(segment)
                if on_segment:
                    on_segment(segment)
            progress(raw.end / duration if duration else 1.0)
        return info.language, found

    def _language(self) -> str | None:
        if self.model_choice.english_only:
            return "en"
        return self.settings.language or None

    def _segment(self, raw, speaker: str, language: str, offset: float) -> Segment:  # noqa: ANN001
        script = self.settings.script
        words = [Word(round(offset + w.start, 3), round(offset + w.end, 3), to_script(w.word, script),
                      round(float(w.probability), 4)) for w in (raw.words or [])]
        return Segment(speaker, round(offset + raw.start, 3), round(offset + raw.end, 3),
                       to_script(raw.text.strip(), script), words, language)
