"""What a stretch of a mono recording sounds like, as numbers a clusterer can compare.

A call has two voices on one line; telling them apart needs no identity, only "same voice as before or not".
Mel cepstra over the telephone band (300–3400 Hz, what every leg keeps) describe the vocal tract, and the
pitch separates the voices most callers differ by; both are averaged over a word's voiced frames. Computed
with NumPy alone on the 16 kHz chunks the recogniser already holds, so it costs no second decode and no model.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

RATE = 16000
FRAME = 400  # 25 ms
HOP = 160  # 10 ms
N_FFT = 512
N_MELS = 24
N_CEPS = 16  # c1..c16; c0 (loudness) says more about the line than the voice
BAND_HZ = (300.0, 3400.0)
PITCH_HZ = (70.0, 400.0)
PIECE_S = 2.0
MIN_PIECE_S = 0.3
GAP_S = 0.3  # a voiced run continues over a gap shorter than this (a stop consonant or a breath, not a turn)
_MIN_PITCHED = 5  # voiced frames with a clear period a piece needs for its pitch to count
_PERIODIC = 0.5  # normalised autocorrelation a frame needs to count as voiced (a clear period)
_VOICED_DB = 25.0  # a frame this far below the chunk's loudest frames is a pause, not a voice
_ABOVE_FLOOR_DB = 6.0  # ... and so is one this close to the noise floor (a noisy line)


@dataclass(frozen=True)
class VoiceSpan:
    """A piece of speech (seconds from the call's start) and what its voice sounds like."""

    start: float
    end: float
    features: np.ndarray  # cepstral means, cepstral deviations, median pitch (NaN when it had none)


def frame_features(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per 10 ms frame: (features, voiced mask). Features are the cepstra and the log pitch."""
    frames = _frames(audio)
    if len(frames) == 0:
        return np.zeros((0, N_CEPS + 1), np.float32), np.zeros(0, bool)
    windowed = frames * np.hamming(FRAME).astype(np.float32)
    power = np.abs(np.fft.rfft(windowed, N_FFT)) ** 2
    energy_db = 10 * np.log10(power.sum(axis=1) + 1e-10)
    floor, loud = np.percentile(energy_db, [10, 95])
    voiced = energy_db > max(loud - _VOICED_DB, floor + _ABOVE_FLOOR_DB)
    log_mel = np.log(power @ _mel_bank().T + 1e-8)
    ceps = log_mel @ _dct_matrix().T
    pitch = np.log(_pitch(frames))[:, None]
    return np.hstack([ceps, pitch]).astype(np.float32), voiced


def voice_spans(features: np.ndarray, voiced: np.ndarray, offset: float = 0.0) -> list[VoiceSpan]:
    """The chunk's speech cut at pauses and into pieces of at most :data:`PIECE_S`, each with its voice.

    Two seconds is the unit: long enough to average the vowels into a voice (a single word mostly describes
    its vowel; one-second pieces attributed 0.82 of the corpus mixdowns' speech, two-second ones 0.91), short
    enough that one piece rarely holds both speakers.
    """
    spans = []
    for first, last in _pieces(voiced):
        picked = voiced[first:last]
        ceps = features[first:last, :N_CEPS][picked]
        pitch = features[first:last, N_CEPS][picked]
        pitch = pitch[~np.isnan(pitch)]
        described = np.concatenate([ceps.mean(axis=0), ceps.std(axis=0),
                                    [np.median(pitch) if len(pitch) >= _MIN_PITCHED else np.nan]])
        spans.append(VoiceSpan(offset + first * HOP / RATE, offset + last * HOP / RATE, described))
    return spans


def _pieces(voiced: np.ndarray) -> list[tuple[int, int]]:
    """Frame ranges of speech: voiced runs joined over gaps under :data:`GAP_S`, split evenly into pieces."""
    edges = np.diff(np.concatenate(([0], voiced.astype(np.int8), [0])))
    runs = list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))
    gap, longest, shortest = int(GAP_S * RATE / HOP), int(PIECE_S * RATE / HOP), int(MIN_PIECE_S * RATE / HOP)
    joined: list[list[int]] = []
    for first, last in runs:
        if joined and first - joined[-1][1] < gap:
            joined[-1][1] = last
        else:
            joined.append([first, last])
    pieces = []
    for first, last in joined:
        count = -(-(last - first) // longest)
        bounds = np.linspace(first, last, count + 1).astype(int)
        pieces += [(a, b) for a, b in zip(bounds, bounds[1:]) if b - a >= shortest]
    return pieces


def _frames(audio: np.ndarray) -> np.ndarray:
    audio = np.asarray(audio, np.float32)
    if len(audio) < FRAME:
        return np.zeros((0, FRAME), np.float32)
    emphasised = np.append(audio[0], audio[1:] - 0.97 * audio[:-1])
    count = 1 + (len(emphasised) - FRAME) // HOP
    index = np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]
    return emphasised[index]


def _pitch(frames: np.ndarray) -> np.ndarray:
    """Each frame's fundamental in Hz from its normalised autocorrelation peak in the speaking range; NaN for
    a frame without a clear period (unvoiced sounds, noise)."""
    frames = frames - frames.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(frames, 2 * N_FFT)
    autocorr = np.fft.irfft(np.abs(spectrum) ** 2)[:, :N_FFT]
    low, high = int(RATE / PITCH_HZ[1]), int(RATE / PITCH_HZ[0])
    lag = low + np.argmax(autocorr[:, low:high], axis=1)
    peak = autocorr[np.arange(len(lag)), lag] / (autocorr[:, 0] + 1e-9) * FRAME / (FRAME - lag)
    return np.where(peak > _PERIODIC, RATE / lag, np.nan)


@lru_cache(maxsize=1)
def _mel_bank() -> np.ndarray:
    """Triangular mel filters spanning the telephone band, one row per filter over the FFT bins."""
    def mel(hz: np.ndarray | float) -> np.ndarray:
        return 2595 * np.log10(1 + np.asarray(hz) / 700)

    edges_mel = np.linspace(mel(BAND_HZ[0]), mel(BAND_HZ[1]), N_MELS + 2)
    edges_hz = 700 * (10 ** (edges_mel / 2595) - 1)
    bins = np.fft.rfftfreq(N_FFT, 1 / RATE)
    bank = np.zeros((N_MELS, len(bins)), np.float32)
    for i in range(N_MELS):
        left, centre, right = edges_hz[i:i + 3]
        rising = (bins - left) / (centre - left)
        falling = (right - bins) / (right - centre)
        bank[i] = np.clip(np.minimum(rising, falling), 0, None)
    return bank


@lru_cache(maxsize=1)
def _dct_matrix() -> np.ndarray:
    """DCT-II rows 1..N_CEPS over the mel bands (row 0, the overall level, left out)."""
    n = np.arange(N_MELS)
    return np.array([np.cos(np.pi * k * (2 * n + 1) / (2 * N_MELS)) for k in range(1, N_CEPS + 1)], np.float32)
