"""Audio for the model, in bounded pieces: 16 kHz float32 per channel, a few minutes at a time.

faster-whisper's own ``decode_audio`` holds a whole file in memory (460 MB for an hour of stereo); a day of
long calls must not. This decodes with the same PyAV resampler settings but yields chunks, each cut at the
quietest moment near its end so no word is split between two chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from ..audio.reading import AudioError

SAMPLE_RATE = 16000
CHUNK_S = 300.0
SEARCH_S = 20.0  # look this far back from a chunk's end for a quiet cut
_WINDOW = SAMPLE_RATE // 10


@dataclass(frozen=True)
class Chunk:
    offset: float  # seconds from the start of the call
    channels: list[np.ndarray]

    @property
    def duration(self) -> float:
        return len(self.channels[0]) / SAMPLE_RATE if self.channels else 0.0


def iter_chunks(path: Path | str, channel_count: int, chunk_s: float | None = None) -> Iterator[Chunk]:
    """Chunks of every channel (agent, customer) or the single mono channel, in call order."""
    chunk_s = chunk_s or CHUNK_S
    layout = "stereo" if channel_count == 2 else "mono"
    resampler = av.audio.resampler.AudioResampler(format="s16", layout=layout, rate=SAMPLE_RATE)
    limit = int(chunk_s * SAMPLE_RATE)
    pending: list[np.ndarray] = []
    pending_frames = 0
    offset = 0
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    block = out.to_ndarray().reshape(-1, channel_count)
                    pending.append(block)
                    pending_frames += len(block)
                while pending_frames >= limit + SEARCH_S * SAMPLE_RATE:
                    buffer = np.concatenate(pending)
                    cut = _quiet_cut(buffer, limit)
                    yield _chunk(buffer[:cut], offset)
                    offset += cut
                    pending, pending_frames = [buffer[cut:]], len(buffer) - cut
            for out in resampler.resample(None):
                pending.append(out.to_ndarray().reshape(-1, channel_count))
    except (av.error.FFmpegError, ValueError) as exc:
        raise AudioError(path, f"cannot decode audio for transcription ({exc})") from exc
    if pending:
        buffer = np.concatenate(pending)
        if len(buffer):
            yield _chunk(buffer, offset)


def piece_bounds(channel: np.ndarray, piece_s: float) -> list[tuple[int, int]]:
    """Sample ranges cutting one channel into pieces of about ``piece_s`` seconds, each cut at a pause.

    The pieces of both legs are decoded as separate jobs so that two decoders share the work evenly even when
    one side talks twice as much as the other. The cuts depend on the audio alone, never on the number of
    decoders, so the words do not change with the layout. A channel under one and a half pieces stays whole.
    """
    size = int(piece_s * SAMPLE_RATE)
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(channel) - start >= size * 3 // 2:
        cut = start + _quiet_cut(channel[start:start + size], size)
        bounds.append((start, cut))
        start = cut
    return [*bounds, (start, len(channel))]


def speech_estimate(piece: np.ndarray, floor: float) -> int:
    """How many 100 ms windows of ``piece`` are louder than four times the noise ``floor``: a cheap stand-in for
    the amount of speech, used to decode the biggest pieces first."""
    return int(np.count_nonzero(_window_loudness(piece) > 4 * floor))


def noise_floor(channel: np.ndarray) -> float:
    """The level of the quietest tenth of the channel's 100 ms windows (its line noise), with a small minimum."""
    loudness = _window_loudness(channel)
    return max(float(np.percentile(loudness, 10)), 1e-4) if len(loudness) else 1e-4


def _window_loudness(samples: np.ndarray) -> np.ndarray:
    """Mean absolute level of each whole 100 ms window of one channel."""
    windows = len(samples) // _WINDOW
    return np.abs(samples[: windows * _WINDOW]).reshape(windows, _WINDOW).mean(axis=1)


def _quiet_cut(buffer: np.ndarray, limit: int) -> int:
    """The start of the quietest 100 ms window in the last SEARCH_S seconds before ``limit``; ``buffer`` holds
    samples by frame, one column per channel, or one channel."""
    start = max(0, limit - int(SEARCH_S * SAMPLE_RATE))
    region = np.abs(buffer[start:limit].astype(np.float32)).reshape(limit - start, -1).sum(axis=1)
    windows = len(region) // _WINDOW
    if windows == 0:
        return limit
    energy = region[: windows * _WINDOW].reshape(windows, _WINDOW).sum(axis=1)
    return start + int(np.argmin(energy)) * _WINDOW + _WINDOW // 2


def _chunk(block: np.ndarray, offset_frames: int) -> Chunk:
    channels = [block[:, i].astype(np.float32) * np.float32(1 / 32768.0) for i in range(block.shape[1])]
    return Chunk(offset_frames / SAMPLE_RATE, channels)
