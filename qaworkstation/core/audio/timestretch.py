"""Playing speech faster or slower without changing its pitch: a streaming WSOLA in numpy.

Inspectors slow a mumbled phrase down to 0.5× or skim a long hold at 2×; a plain resample would turn voices
into chipmunks or growls. WSOLA (waveform-similarity overlap-add) keeps pitch by cutting the source into
short overlapping windows, taking them from the source at ``speed`` times the rate they are laid down, and
shifting each one by up to a few milliseconds so it lines up with the waveform the previous one leaves
off — speech is mostly periodic, so the seams do not click.

Why not a library: the player needs a *streaming* stretcher fed from the audio callback a few hundred frames
at a time, seekable and with its speed changed on the fly. pedalboard's ``time_stretch`` (Rubber Band) and
pyrubberband (the Rubber Band command line), librosa's phase vocoder and pytsmod all transform a whole buffer
at once; audiotsm streams but has been unmaintained since 2017. WSOLA at telephone rates costs well under a
millisecond per callback here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

WINDOW_S = 0.03  # long enough to hold a couple of pitch periods of a low voice
TOLERANCE_S = 0.008  # how far a window may slide to line up with its predecessor

Fetch = Callable[[np.ndarray], np.ndarray]  # source frame positions (float) -> samples (len, channels)


class Wsola:
    """A time-stretcher over a source read through ``fetch``; output comes at the device's rate.

    ``step`` is source frames per output frame at speed 1 (1.0 unless the device runs at another rate than
    the file), so resampling comes for free with each window's fractional read. :attr:`position` is the
    source frame the next window is nominally taken from: what the player's clock follows.
    """

    def __init__(self, rate: int, channels: int) -> None:
        half = max(round(WINDOW_S * rate / 2), 8)
        self._hop = half
        self._length = 2 * half
        self._tolerance = max(round(TOLERANCE_S * rate), 1)
        self._window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(self._length) / self._length))[:, None]
        self._window = self._window.astype(np.float32)
        self._channels = channels
        self.position = 0.0
        self.reset(0.0)

    def reset(self, position: float) -> None:
        """Start afresh at ``position`` (a seek): no overlap with what played before."""
        self.position = float(position)
        self._tail = np.zeros((self._hop, self._channels), np.float32)
        self._pending = np.zeros((0, self._channels), np.float32)
        self._follow: np.ndarray | None = None

    @property
    def buffered(self) -> int:
        """Output frames computed but not yet handed out."""
        return len(self._pending)

    def read(self, fetch: Fetch, count: int, speed: float, step: float = 1.0) -> np.ndarray:
        """The next ``count`` output frames, advancing :attr:`position` by about ``count * speed * step``."""
        pieces = [self._pending]
        have = len(self._pending)
        while have < count:
            piece = self._next_hop(fetch, speed, step)
            pieces.append(piece)
            have += len(piece)
        joined = np.concatenate(pieces)
        self._pending = joined[count:]
        return joined[:count]

    def _next_hop(self, fetch: Fetch, speed: float, step: float) -> np.ndarray:
        """Lay down one more window; returns the hop of output it completes."""
        offsets = step * np.arange(self._length + 2 * self._tolerance)
        region = fetch(self.position - self._tolerance * step + offsets)
        shift = self._best_shift(region.sum(axis=1))
        chosen = region[shift:shift + self._length] * self._window
        start = self.position + (shift - self._tolerance) * step
        self._follow = fetch(start + step * (self._hop + np.arange(self._length))).sum(axis=1)
        out = self._tail + chosen[:self._hop]
        self._tail = chosen[self._hop:].copy()
        self.position += speed * self._hop * step
        return out

    def _best_shift(self, mono: np.ndarray) -> int:
        """Where in the search region the next window best continues the previous one's natural sequel."""
        if self._follow is None or not self._follow.any():
            return self._tolerance
        scores = np.correlate(mono, self._follow, mode="valid")
        return int(np.argmax(scores))
