"""Waveform summaries: min/max per block of samples at a few block sizes, computed once and cached on disk.

An inspector opens hour-long calls all day, and drawing them from raw samples would mean decoding 100+ MB
before anything shows. As Audacity and Sonic Visualiser do, the waveform is drawn from precomputed min/max
pairs instead: the finest level serves views down to about a minute per screen (closer in, the decoded samples
the player holds anyway are few enough), each coarser level is :data:`LEVEL_FACTOR` times coarser, so any
view reduces at most a few thousand entries per lane. The finest bucket is as coarse as that allows because
numpy's per-row cost dominates short reductions: 1024 frames per entry costs half the CPU of 256.

The summary is computed block by block (an hour-long call never sits in memory whole here). A plain 16-bit
PCM WAV — what most call recorders write — is reduced straight from a memory map of the file, two blocks at a
time on two threads (numpy's reductions release the GIL); any other format is decoded by libsndfile in blocks,
the next block read while the previous one is reduced. The reduction avoids numpy's slow two-wide transpose by
reading each stereo frame as one int32 (see :func:`_bucket_extremes`). The result is stored under the cache
folder keyed by the recording's content hash, so a renamed or moved file still finds its peaks.
"""

from __future__ import annotations

import io
import itertools
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from ..atomic import atomic_write_bytes
from ..cache import cache_dir
from .reading import AudioError, needs_ffmpeg, read_samples

BUCKET = 1024  # frames per entry of the finest level: 128 ms at 8 kHz
LEVEL_FACTOR = 8
LEVELS = 3  # 1024, 8192 and 65536 frames per entry
BLOCK_FRAMES = 1 << 20  # 131 s at 8 kHz per block (4 MiB), a multiple of BUCKET: Python's per-block cost vanishes
WORKERS = 2  # numpy's reductions and page faults release the GIL: two blocks reduce at once on two cores
FORMAT_VERSION = 2  # with the bucket size in the file: a cache written with another one is recomputed
FULL_SCALE = 32768.0

SPEECH_MIN_LEVEL = 600  # peak-to-peak int16 units that always count as sound (about -40 dBFS)
SPEECH_FLOOR_FACTOR = 4.0  # or this many times the channel's noise floor, whichever is higher
SPEECH_BRIDGE_S = 0.5  # pauses shorter than this (a breath, a comma) stay inside one stretch of speech
SPEECH_MIN_S = 0.12  # clicks shorter than this are not speech
SKIP_MIN_S = 1.5  # skip-silence jumps over pauses at least this long ...
SKIP_MARGIN_S = 0.3  # ... keeping this much of the pause at either end


class PeaksCancelled(Exception):
    """The computation was cancelled (another call was opened); nothing was stored."""


@dataclass(frozen=True)
class Peaks:
    """A recording's min/max pyramid. ``lows[k]``/``highs[k]`` are int16 of shape (channels, entries)."""

    rate: int
    frames: int
    lows: tuple[np.ndarray, ...]
    highs: tuple[np.ndarray, ...]

    @property
    def channels(self) -> int:
        return int(self.lows[0].shape[0])

    @property
    def duration(self) -> float:
        return self.frames / self.rate if self.rate else 0.0

    @staticmethod
    def bucket(level: int) -> int:
        return BUCKET * LEVEL_FACTOR ** level

    def level_for(self, frames_per_column: float) -> int | None:
        """The coarsest level whose entries are no wider than a column, or None when even level 0 is."""
        usable = [level for level in range(len(self.lows)) if self.bucket(level) <= frames_per_column]
        return usable[-1] if usable else None

    def peak(self) -> float:
        """Largest absolute sample as a fraction of full scale: what the view scales its lanes by."""
        if not self.frames:
            return 0.0
        top = max(-int(self.lows[-1].min()), int(self.highs[-1].max()))
        return top / FULL_SCALE

    def speech(self, channel: int) -> np.ndarray:
        """Stretches of sound on one channel as (start, end) seconds, shape (n, 2).

        A level test on the finest level, against the channel's own noise floor: cheap enough to run on every
        open, and a good picture of who is talking when even before (or without) a transcript.
        """
        swing = self.highs[0][channel].astype(np.int32) - self.lows[0][channel]
        if not len(swing):
            return np.zeros((0, 2))
        floor = float(np.percentile(swing, 10))
        loud = swing > max(SPEECH_MIN_LEVEL, SPEECH_FLOOR_FACTOR * floor)
        seconds = BUCKET / self.rate
        edges = np.flatnonzero(np.diff(np.concatenate(([0], loud.view(np.int8), [0]))))
        runs = edges.reshape(-1, 2) * seconds
        runs[:, 1] = np.minimum(runs[:, 1], self.duration)
        return _bridge(runs, SPEECH_BRIDGE_S, SPEECH_MIN_S)


def silent_gaps(speech: list[np.ndarray], duration: float, shortest: float = SKIP_MIN_S,
                margin: float = SKIP_MARGIN_S) -> np.ndarray:
    """Stretches where nobody speaks for at least ``shortest`` seconds, as (start, end) rows to skip.

    Each gap keeps ``margin`` seconds of quiet at both ends, so a skipped hold still sounds like a pause
    and no word's tail or onset is clipped.
    """
    runs = np.concatenate([np.asarray(r, dtype=float).reshape(-1, 2) for r in speech]) if speech else \
        np.zeros((0, 2))
    runs = _union(runs)
    edges = np.concatenate(([0.0], runs.ravel(), [duration])).reshape(-1, 2)
    gaps = np.stack([edges[:, 0] + margin, edges[:, 1] - margin], axis=1)
    return gaps[gaps[:, 1] - gaps[:, 0] >= shortest - 2 * margin]


def _union(runs: np.ndarray) -> np.ndarray:
    """Overlapping (start, end) rows merged, sorted by start."""
    if not len(runs):
        return runs
    runs = runs[np.argsort(runs[:, 0], kind="stable")]
    reach = np.maximum.accumulate(runs[:, 1])
    breaks = np.flatnonzero(runs[1:, 0] > reach[:-1])
    return np.stack([runs[np.concatenate(([0], breaks + 1)), 0], reach[np.concatenate((breaks, [len(runs) - 1]))]],
                    axis=1)


def _bridge(runs: np.ndarray, gap: float, shortest: float) -> np.ndarray:
    """Join runs separated by less than ``gap`` seconds, then drop those shorter than ``shortest``."""
    if not len(runs):
        return runs
    breaks = np.flatnonzero(runs[1:, 0] - runs[:-1, 1] >= gap)
    starts = runs[np.concatenate(([0], breaks + 1)), 0]
    ends = runs[np.concatenate((breaks, [len(runs) - 1])), 1]
    joined = np.stack([starts, ends], axis=1)
    return joined[joined[:, 1] - joined[:, 0] >= shortest]


# --- computing ---------------------------------------------------------------------------------------------


def compute_peaks(path: Path | str, progress: Callable[[float], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Peaks:
    """Stream ``path`` once and build its pyramid. Raises :class:`AudioError`, or :class:`PeaksCancelled`."""
    try:
        mapped = _mapped_pcm16(Path(path))
        if mapped is not None:
            frames, rate = mapped
            return _from_blocks(frames, rate, progress, cancelled)
        if needs_ffmpeg(path):  # libsndfile would stop at its guess of the length (a VBR MP3 without Xing ...)
            samples, rate = read_samples(path)
            return _from_blocks(_as_pcm16(samples), rate, progress, cancelled)
        with sf.SoundFile(str(path)) as handle, ThreadPoolExecutor(1, "peaks") as pool:
            return _stream(handle, pool, progress, cancelled)
    except (sf.LibsndfileError, RuntimeError, OSError, ValueError) as exc:
        raise AudioError(path, f"cannot decode audio for the waveform ({exc})") from exc


def _as_pcm16(samples: np.ndarray) -> np.ndarray:
    """Float samples as the int16 the peaks are kept in."""
    return np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)


def _mapped_pcm16(path: Path) -> tuple[np.ndarray, int] | None:
    """A plain 16-bit PCM WAV's frames as a read-only memory map, or None for any other file.

    Most call recorders write exactly this; its samples need no decoding, so reducing them straight from the
    page cache skips the copy a decoder would make. Anything unusual (RF64, odd chunk layout, other
    encodings) takes the decoding path instead.
    """
    info = sf.info(str(path))
    if info.format != "WAV" or info.subtype != "PCM_16" or sys.byteorder != "little":
        return None
    with path.open("rb") as handle:
        header = handle.read(12)
        if header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return None
        while chunk := handle.read(8):
            if len(chunk) < 8:
                return None
            name, size = chunk[:4], int.from_bytes(chunk[4:], "little")
            if name == b"data":
                offset = handle.tell()
                break
            handle.seek(size + (size & 1), io.SEEK_CUR)
        else:
            return None
    frames = min(info.frames, size // (2 * info.channels))
    if not frames:
        return None
    mapped = np.memmap(path, np.int16, "r", offset, (frames, info.channels))
    return mapped, info.samplerate


def _from_blocks(frames: np.ndarray, rate: int, progress: Callable[[float], None] | None,
                 cancelled: Callable[[], bool] | None) -> Peaks:
    """Reduce in-memory or memory-mapped frames, one block per task on :data:`WORKERS` threads."""
    channels = min(frames.shape[1], 2)
    lows: list[np.ndarray] = []
    highs: list[np.ndarray] = []

    def reduce(first: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        if cancelled is not None and cancelled():
            raise PeaksCancelled("waveform computation cancelled")
        block_lows: list[np.ndarray] = []
        block_highs: list[np.ndarray] = []
        block = frames[first:first + BLOCK_FRAMES]
        _reduce_block(block if channels == frames.shape[1] else block[:, :channels], block_lows, block_highs)
        return block_lows, block_highs

    with ThreadPoolExecutor(WORKERS, "peaks") as pool:
        for done, (block_lows, block_highs) in enumerate(pool.map(reduce, range(0, len(frames), BLOCK_FRAMES))):
            lows += block_lows
            highs += block_highs
            if progress is not None:
                progress(min((done + 1) * BLOCK_FRAMES / len(frames), 1.0))
    return _pyramid(rate, len(frames), channels, lows, highs)


def _stream(handle: sf.SoundFile, pool: ThreadPoolExecutor, progress: Callable[[float], None] | None,
            cancelled: Callable[[], bool] | None) -> Peaks:
    """Read block k+1 while block k is reduced; two buffers take turns so neither is overwritten early."""
    channels = min(handle.channels, 2)
    buffers = [np.empty((BLOCK_FRAMES, handle.channels), np.int16) for _ in range(2)]
    lows: list[np.ndarray] = []
    highs: list[np.ndarray] = []
    pending: Future[None] | None = None
    frames = 0
    expected = max(handle.frames, 1)
    for turn in itertools.count():
        block = handle.read(BLOCK_FRAMES, dtype="int16", out=buffers[turn % 2])
        if pending is not None:
            pending.result()
        if cancelled is not None and cancelled():
            raise PeaksCancelled("waveform computation cancelled")
        if not len(block):
            break
        frames += len(block)
        pending = pool.submit(_reduce_block, block if channels == handle.channels else block[:, :channels],
                              lows, highs)
        if progress is not None:
            progress(min(frames / expected, 1.0))
        if len(block) < BLOCK_FRAMES:
            break
    if pending is not None:
        pending.result()
    return _pyramid(handle.samplerate, frames, channels, lows, highs)


def _reduce_block(block: np.ndarray, lows: list[np.ndarray], highs: list[np.ndarray]) -> None:
    """Min/max of every :data:`BUCKET` frames, per channel; a short last bucket is reduced on its own."""
    full = len(block) // BUCKET * BUCKET
    low, high = _bucket_extremes(block[:full])
    if full < len(block):
        tail = block[full:]
        low = np.concatenate([low, tail.min(axis=0)[:, None]], axis=1)
        high = np.concatenate([high, tail.max(axis=0)[:, None]], axis=1)
    lows.append(low)
    highs.append(high)


def _bucket_extremes(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(channels, buckets) minima and maxima of a block holding whole buckets.

    Stereo int16 frames are read as one int32 each, ``customer * 65536 + (agent & 0xFFFF)`` on a
    little-endian machine: the customer's extremes are those of the words shifted down, the agent's those
    of the words shifted up first. Four contiguous int32 reductions beat a transpose followed by int16 ones,
    because numpy cannot vectorise the two-wide transpose.
    """
    if block.shape[1] == 1 or sys.byteorder != "little" or not block.flags.c_contiguous:
        major = np.ascontiguousarray(block.T).reshape(block.shape[1], -1, BUCKET)
        return major.min(axis=2), major.max(axis=2)
    words = block.view(np.int32).reshape(-1, BUCKET)
    agent = np.left_shift(words, 16, out=_scratch(words.shape))
    low = np.stack([agent.min(axis=1), words.min(axis=1)]) >> 16
    high = np.stack([agent.max(axis=1), words.max(axis=1)]) >> 16
    return low.astype(np.int16), high.astype(np.int16)


_SCRATCH = threading.local()


def _scratch(shape: tuple[int, ...]) -> np.ndarray:
    """A per-thread int32 work buffer: a fresh 4 MiB array per block would cost a page fault per 4 KiB."""
    size = int(np.prod(shape))
    buffer = getattr(_SCRATCH, "buffer", None)
    if buffer is None or buffer.size < size:
        buffer = _SCRATCH.buffer = np.empty(size, np.int32)
    return buffer[:size].reshape(shape)


def peaks_from_samples(samples: np.ndarray, rate: int) -> Peaks:
    """The same pyramid from samples already in memory (float in [-1, 1] or int16), e.g. a short clip."""
    samples = np.asarray(samples)
    if samples.ndim == 1:
        samples = samples[:, None]
    if samples.dtype != np.int16:
        samples = np.clip(np.round(samples * FULL_SCALE), -FULL_SCALE, FULL_SCALE - 1).astype(np.int16)
    return _from_blocks(np.ascontiguousarray(samples[:, :2]), int(rate), None, None)


def _pyramid(rate: int, frames: int, channels: int, lows: list[np.ndarray], highs: list[np.ndarray]) -> Peaks:
    """Level 0 from the blocks, each further level from the one below (cheap: 1/8 of the data each time)."""
    low = np.concatenate(lows, axis=1) if lows else np.zeros((channels, 0), np.int16)
    high = np.concatenate(highs, axis=1) if highs else np.zeros((channels, 0), np.int16)
    level_lows, level_highs = [low], [high]
    for _ in range(1, LEVELS):
        level_lows.append(_coarser(level_lows[-1], np.minimum))
        level_highs.append(_coarser(level_highs[-1], np.maximum))
    return Peaks(rate, frames, tuple(level_lows), tuple(level_highs))


def _coarser(values: np.ndarray, reduce: np.ufunc) -> np.ndarray:
    if not values.shape[1]:
        return values
    starts = np.arange(0, values.shape[1], LEVEL_FACTOR)
    return reduce.reduceat(values, starts, axis=1)


# --- cache -------------------------------------------------------------------------------------------------


def peaks_path(sha256: str) -> Path:
    return cache_dir() / "peaks" / f"{sha256}.npz"


def save_peaks(peaks: Peaks, sha256: str) -> Path:
    """Write the pyramid atomically (a reader never sees half a file), uncompressed so loading is a copy."""
    arrays: dict[str, np.ndarray] = {"meta": np.array([FORMAT_VERSION, peaks.rate, peaks.frames, BUCKET], np.int64)}
    for level, (low, high) in enumerate(zip(peaks.lows, peaks.highs)):
        arrays[f"low{level}"] = low
        arrays[f"high{level}"] = high
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    target = peaks_path(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, buffer.getvalue())
    return target


def load_peaks(sha256: str) -> Peaks | None:
    """The cached pyramid, or None when absent, of another format or bucket size, or unreadable (recomputed)."""
    try:
        with np.load(peaks_path(sha256)) as stored:
            meta = [int(x) for x in stored["meta"]]
            if meta[0] != FORMAT_VERSION or meta[3] != BUCKET:
                return None
            rate, frames = meta[1:3]
            lows = tuple(stored[f"low{level}"] for level in range(LEVELS))
            highs = tuple(stored[f"high{level}"] for level in range(LEVELS))
    except (OSError, KeyError, ValueError, IndexError):
        return None
    return Peaks(rate, frames, lows, highs)


def cached_peaks(path: Path | str, sha256: str, progress: Callable[[float], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> Peaks:
    """Load the recording's peaks from the cache, computing and storing them the first time."""
    peaks = load_peaks(sha256)
    if peaks is None:
        peaks = compute_peaks(path, progress, cancelled)
        try:
            save_peaks(peaks, sha256)
        except OSError:
            pass  # a read-only or full cache only costs recomputing next time
    return peaks
