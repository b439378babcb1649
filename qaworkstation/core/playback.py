"""Playing a call through the sound card, or silently when there is none.

An inspector's machine may have no output device at all (a remote desktop, a headless test box, headphones
unplugged). The window must still work there: the playhead moves, flags can be jumped to, and the score
sheet follows. So the engine's notion of time is its own clock (``time.monotonic`` anchored at play/seek)
rather than the sound card's, and the PortAudio stream is only a consumer that is fed from that position.
When a stream exists the clock is additionally held back to what the stream has actually been given, so a
stalled device never lets the playhead run ahead of the audio.

A device that consumes faster than real time — ALSA's ``null`` sink, which the tests and some virtual
machines use — would otherwise swallow a whole call in milliseconds; the callback therefore waits whenever
it is more than a short lead ahead of the clock. A real device never gets that far ahead, so for it the
wait never happens.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

try:
    import sounddevice as sd
except OSError as exc:  # the PortAudio library itself is missing: play silently rather than not start
    sd = None
    _IMPORT_ERROR: str | None = str(exc)
else:
    _IMPORT_ERROR = None

SILENT_STATUS = "no audio output device — playback runs silently"
_LEAD_S = 0.5  # how far the callback may run ahead of the clock, beyond the device's own latency
_MAX_PACING_SLEEP_S = 0.05  # keeps stream.abort() (which waits for the callback) quick


def mix_frames(samples: np.ndarray, start: float, count: int, step: float,
               gains: tuple[float, float]) -> np.ndarray:
    """The next ``count`` stereo output frames from ``start`` (a source frame, fractional when resampling).

    Left is the agent and right the customer, each scaled by its gain, so soloing one speaker is a zero
    gain on the other. A mono recording mixes both speakers, so it is heard while either gain is up.
    ``step`` is source frames per output frame: 1.0 at the file's own rate, otherwise linear interpolation
    stands in for resampling — good enough for speech on a device that refuses the file's rate.
    Frames past the end are silence.
    """
    block = _source_block(samples, start, count, step)
    out = np.zeros((count, 2), dtype=np.float32)
    agent, customer = gains
    if samples.shape[1] >= 2:
        out[:len(block), 0] = block[:, 0] * agent
        out[:len(block), 1] = block[:, 1] * customer
    else:
        out[:len(block)] = block[:, :1] * max(agent, customer)
    return out


def _source_block(samples: np.ndarray, start: float, count: int, step: float) -> np.ndarray:
    total = len(samples)
    if step == 1.0 and float(start).is_integer():
        first = int(start)
        return samples[first:first + count]
    where = start + step * np.arange(count)
    where = where[where <= total - 1]
    below = where.astype(np.intp)
    above = np.minimum(below + 1, total - 1)
    weight = (where - below)[:, None].astype(np.float32)
    return samples[below] * (1.0 - weight) + samples[above] * weight


class Playback:
    """One recording's transport: play, pause, seek, per-speaker gains. Safe to poll from the GUI thread.

    ``position`` is what the listener is hearing now (seconds), not how far PortAudio has read ahead.
    The end is noticed when ``position`` or ``playing`` is next read, which the window does on a timer.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples = np.zeros((0, 2), dtype=np.float32)
        self._rate = 1
        self._cursor = 0.0  # next source frame the callback hands to the device
        self._anchor_pos = 0.0  # seconds heard when the clock was (re)started, or the position while paused
        self._anchor_time = 0.0  # monotonic time at which _anchor_pos is heard
        self._playing = False
        self._gains = (1.0, 1.0)
        self._stream: Any = None
        self._step = 1.0
        self._latency = 0.0
        self._available, self._status = _probe_output()

    # --- public state -------------------------------------------------------------------------------

    @property
    def duration(self) -> float:
        return len(self._samples) / self._rate

    @property
    def position(self) -> float:
        with self._lock:
            return self._settle()

    @property
    def playing(self) -> bool:
        with self._lock:
            self._settle()
            return self._playing

    @property
    def available(self) -> bool:
        return self._available

    @property
    def status(self) -> str:
        return self._status

    # --- transport ------------------------------------------------------------------------------------

    def load(self, samples: np.ndarray, rate: int) -> None:
        """Replace the recording; playback stops at 0. A stream at another rate is reopened on next play."""
        self._halt_stream()
        samples = np.ascontiguousarray(samples, dtype=np.float32)
        if samples.ndim == 1:
            samples = samples[:, None]
        with self._lock:
            self._samples = samples
            self._rate = int(rate)
            self._playing = False
            self._cursor = 0.0
            self._anchor_pos = 0.0
        if self._stream is not None and round(self._stream.samplerate) != self._rate:
            self._close_stream()

    def play(self) -> None:
        """Start from the current position; from the beginning if the previous run reached the end."""
        if not len(self._samples) or self.playing:
            return
        stream = self._ensure_stream()
        with self._lock:
            if self._anchor_pos >= self.duration:
                self._anchor_pos = 0.0
            self._cursor = self._anchor_pos * self._rate
            self._playing = True
            self._anchor_time = time.monotonic()
        if stream is not None and self._start(stream):
            with self._lock:
                self._anchor_time = time.monotonic() + self._latency

    def pause(self) -> None:
        with self._lock:
            if not self._playing:
                return
            self._anchor_pos = self._settle()
            self._playing = False
            self._cursor = self._anchor_pos * self._rate
        self._halt_stream()

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def seek(self, seconds: float) -> None:
        """Jump to ``seconds`` (clamped to the call), rounded to the nearest sample, playing or not."""
        with self._lock:
            frame = round(min(max(float(seconds), 0.0), self.duration) * self._rate)
            self._cursor = float(frame)
            self._anchor_pos = frame / self._rate
            self._anchor_time = time.monotonic() + self._latency
            stream = self._stream if self._playing else None
        if stream is not None and not stream.active:
            self._start(stream)  # the stream had already delivered the end while its tail was still playing

    def set_channel_gains(self, agent: float, customer: float) -> None:
        with self._lock:
            self._gains = (float(agent), float(customer))

    def close(self) -> None:
        """Release the device; the engine stays usable and reopens it on the next play."""
        self.pause()
        self._close_stream()

    # --- clock --------------------------------------------------------------------------------------------

    def _settle(self) -> float:
        """The heard position, noticing the end of the call. Caller holds the lock."""
        if not self._playing:
            return self._anchor_pos
        position = self._anchor_pos + max(0.0, time.monotonic() - self._anchor_time)
        if self._stream is not None:
            position = min(position, self._cursor / self._rate)
        if position >= self.duration:
            self._playing = False
            self._anchor_pos = self.duration
            return self.duration
        return position

    # --- stream -------------------------------------------------------------------------------------------

    def _ensure_stream(self) -> Any:
        if self._stream is None and self._available:
            self._open_stream()
        return self._stream

    def _open_stream(self) -> None:
        """Open at the file's rate; only if the device refuses it, at the device's own rate, resampling."""
        try:
            device = sd.query_devices(kind="output")
        except sd.PortAudioError as exc:
            self._go_silent(exc)
            return
        channels = min(2, int(device["max_output_channels"]))
        refusal: Exception | None = None
        for rate in dict.fromkeys((self._rate, int(device["default_samplerate"]))):
            try:
                stream = sd.OutputStream(samplerate=rate, channels=channels, dtype="float32",
                                         callback=self._callback)
            except sd.PortAudioError as exc:
                refusal = exc
                continue
            self._adopt(stream, str(device["name"]))
            return
        self._go_silent(refusal)

    def _adopt(self, stream: Any, name: str) -> None:
        rate = round(stream.samplerate)
        with self._lock:
            self._stream = stream
            self._step = self._rate / rate
            self._latency = float(stream.latency)
        self._status = name if rate == self._rate else f"{name} — resampling {self._rate} Hz to {rate} Hz"

    def _start(self, stream: Any) -> bool:
        try:
            if not stream.stopped:  # the callback ended the previous run; PortAudio wants an explicit stop
                stream.abort()
            stream.start()
        except sd.PortAudioError as exc:
            self._close_stream()
            self._go_silent(exc)
            return False
        return True

    def _halt_stream(self) -> None:
        stream = self._stream
        if stream is not None and not stream.stopped:
            stream.abort()

    def _close_stream(self) -> None:
        stream = self._stream
        with self._lock:
            self._stream = None
            self._latency = 0.0
        if stream is not None:
            stream.abort()
            stream.close()

    def _go_silent(self, exc: Exception | None) -> None:
        self._available = False
        self._status = f"{SILENT_STATUS} ({exc})"

    # --- PortAudio thread ---------------------------------------------------------------------------------

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        self._pace()
        with self._lock:
            if not self._playing:
                outdata.fill(0)
                return
            block = mix_frames(self._samples, self._cursor, frames, self._step, self._gains)
            self._cursor = min(self._cursor + frames * self._step, float(len(self._samples)))
            finished = self._cursor >= len(self._samples)
        if outdata.shape[1] == 2:
            outdata[:] = block
        else:
            outdata[:, 0] = block.mean(axis=1)
        if finished:
            raise sd.CallbackStop

    def _pace(self) -> None:
        """Wait while the device has been given more than the lead beyond the clock (free-running sinks)."""
        with self._lock:
            clock = self._anchor_pos + max(0.0, time.monotonic() - self._anchor_time)
            ahead = self._cursor / self._rate - clock - self._latency - _LEAD_S
            wait = self._playing and ahead > 0
        if wait:
            time.sleep(min(ahead, _MAX_PACING_SLEEP_S))


def _probe_output() -> tuple[bool, str]:
    """Whether PortAudio knows a default output device, and what to tell the inspector about it."""
    if sd is None:
        return False, f"{SILENT_STATUS} (PortAudio unavailable: {_IMPORT_ERROR})"
    try:
        device = sd.query_devices(kind="output")
    except sd.PortAudioError:
        return False, SILENT_STATUS
    return True, str(device["name"])
