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

Speed (0.5×–2×) keeps pitch through :class:`~qaworkstation.core.audio.timestretch.Wsola`; the clock then runs at
``speed`` source seconds per second. A loop region folds both the clock and the callback's reads back to the
region's start, so the two never disagree about where playback is.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from .timestretch import Wsola

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
MIN_SPEED = 0.5
MAX_SPEED = 2.0


def mix_frames(samples: np.ndarray, start: float, count: int, step: float,
               gains: tuple[float, float]) -> np.ndarray:
    """The next ``count`` stereo output frames from ``start`` (a source frame, fractional when resampling).

    Left is the agent and right the customer, each scaled by its gain, so soloing one speaker is a zero
    gain on the other. A mono recording mixes both speakers, so it is heard while either gain is up.
    ``step`` is source frames per output frame: 1.0 at the file's own rate, otherwise linear interpolation
    stands in for resampling — good enough for speech on a device that refuses the file's rate.
    Frames past the end are silence.
    """
    exact = step == 1.0 and float(start).is_integer()
    return apply_gains(read_frames(samples, start + step * np.arange(count), exact), gains)


def apply_gains(block: np.ndarray, gains: tuple[float, float]) -> np.ndarray:
    """Stereo output from a (frames, channels) block: agent left, customer right, mono on both."""
    out = np.empty((len(block), 2), dtype=np.float32)
    agent, customer = gains
    if block.shape[1] >= 2:
        out[:, 0] = block[:, 0] * agent
        out[:, 1] = block[:, 1] * customer
    else:
        out[:] = block[:, :1] * max(agent, customer)
    return out


def read_frames(samples: np.ndarray, where: np.ndarray, exact: bool = False) -> np.ndarray:
    """Samples at source positions ``where`` (linearly interpolated unless ``exact``); silence outside."""
    total = len(samples)
    if not total:
        return np.zeros((len(where), max(samples.shape[1], 1)), np.float32)
    if exact:
        index = where.astype(np.intp)
        block = samples[np.clip(index, 0, total - 1)]
        block[(index < 0) | (index >= total)] = 0.0
        return block
    clipped = np.clip(where, 0, total - 1)
    below = clipped.astype(np.intp)
    above = np.minimum(below + 1, total - 1)
    weight = (clipped - below)[:, None].astype(np.float32)
    block = samples[below] * (1.0 - weight) + samples[above] * weight
    block[(where < 0) | (where > total - 1)] = 0.0
    return block


def output_devices() -> list[tuple[int, str]]:
    """PortAudio's output devices as (index, name), for the inspector to pick headphones or speakers."""
    if sd is None:
        return []
    try:
        devices = sd.query_devices()
    except sd.PortAudioError:
        return []
    return [(int(d["index"]), str(d["name"])) for d in devices if int(d["max_output_channels"]) > 0]


class Playback:
    """One recording's transport: play, pause, seek, speed, loop, gains, device. Safe to poll from the GUI thread.

    ``position`` is what the listener is hearing now (seconds), not how far PortAudio has read ahead.
    The end is noticed when ``position`` or ``playing`` is next read, which the window does on a timer.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples = np.zeros((0, 2), dtype=np.float32)
        self._rate = 1
        self._cursor = 0.0  # source frame up to which audio was handed to the device (unfolded by the loop)
        self._anchor_pos = 0.0  # seconds heard when the clock was (re)started, or the position while paused
        self._anchor_time = 0.0  # monotonic time at which _anchor_pos is heard
        self._playing = False
        self._gains = (1.0, 1.0)
        self._speed = 1.0
        self._loop: tuple[float, float] | None = None
        self._stretcher: Wsola | None = None
        self._stream: Any = None
        self._device: int | None = None
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

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def loop(self) -> tuple[float, float] | None:
        return self._loop

    @property
    def gains(self) -> tuple[float, float]:
        return self._gains

    @property
    def device(self) -> int | None:
        return self._device

    # --- transport ------------------------------------------------------------------------------------

    def load(self, samples: np.ndarray, rate: int) -> None:
        """Replace the recording; playback stops at 0 and any loop is dropped."""
        self._halt_stream()
        samples = np.ascontiguousarray(samples, dtype=np.float32)
        if samples.ndim == 1:
            samples = samples[:, None]
        with self._lock:
            self._samples = samples
            self._rate = int(rate)
            self._playing = False
            self._loop = None
            self._restart_at(0.0)
        if self._stream is not None and round(self._stream.samplerate) != self._rate:
            self._close_stream()

    def play(self) -> None:
        """Start from the current position; from the beginning if the previous run reached the end."""
        if not len(self._samples) or self.playing:
            return
        stream = self._ensure_stream()
        with self._lock:
            self._restart_at(0.0 if self._anchor_pos >= self.duration else self._anchor_pos)
            self._playing = True
        if stream is not None and self._start(stream):
            with self._lock:
                self._anchor_time = time.monotonic() + self._latency

    def pause(self) -> None:
        with self._lock:
            if not self._playing:
                return
            position = self._settle()
            self._playing = False
            self._restart_at(position)
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
            self._restart_at(frame / self._rate)
            self._anchor_time += self._latency
            stream = self._stream if self._playing else None
        if stream is not None and not stream.active:
            self._start(stream)  # the stream had already delivered the end while its tail was still playing

    def set_speed(self, speed: float) -> float:
        """Play at ``speed`` (clamped to 0.5–2.0) from the position heard now, pitch unchanged; returns it."""
        speed = round(min(max(float(speed), MIN_SPEED), MAX_SPEED), 2)
        with self._lock:
            position = self._settle()
            self._speed = speed
            self._restart_at(position)
        return speed

    def set_loop(self, start: float, end: float) -> None:
        """Repeat ``start``–``end`` seconds from its start until :meth:`clear_loop`; a seek past it leaves it."""
        start, end = sorted((min(max(float(start), 0.0), self.duration), min(max(float(end), 0.0), self.duration)))
        if end - start < 1.0 / self._rate:
            return
        with self._lock:
            self._loop = (start, end)
        self.seek(start)

    def clear_loop(self) -> None:
        """Stop repeating; playback carries on from where it is heard now."""
        with self._lock:
            if self._loop is None:
                return
            position = self._settle()
            self._loop = None
            self._restart_at(position)

    def set_channel_gains(self, agent: float, customer: float) -> None:
        with self._lock:
            self._gains = (float(agent), float(customer))

    def set_device(self, device: int | None) -> None:
        """Send audio to PortAudio device ``device`` (None: the system default) from now on."""
        playing = self.playing
        self.pause()
        self._close_stream()
        self._device = device
        self._available, self._status = _probe_output(device)
        if playing:
            self.play()

    def close(self) -> None:
        """Release the device; the engine stays usable and reopens it on the next play."""
        self.pause()
        self._close_stream()

    # --- clock --------------------------------------------------------------------------------------------

    def _restart_at(self, seconds: float) -> None:
        """Re-anchor clock and reads at ``seconds`` (a seek, or a change of speed or loop). Caller holds the lock."""
        self._anchor_pos = seconds
        self._anchor_time = time.monotonic()
        self._cursor = seconds * self._rate
        if self._speed == 1.0:
            self._stretcher = None
        else:
            self._stretcher = Wsola(round(self._rate / self._step), self._samples.shape[1])
            self._stretcher.reset(self._cursor)

    def _looping(self) -> bool:
        """A loop holds while playback started before its end; seeking past it leaves it."""
        return self._loop is not None and self._anchor_pos < self._loop[1]

    def _fold(self, seconds: float) -> float:
        if not self._looping() or seconds < self._loop[1]:
            return seconds
        start, end = self._loop
        return start + (seconds - start) % (end - start)

    def _clock(self) -> float:
        """Unfolded seconds since the anchor at the current speed. Caller holds the lock."""
        return self._anchor_pos + max(0.0, time.monotonic() - self._anchor_time) * self._speed

    def _settle(self) -> float:
        """The heard position, noticing the end of the call. Caller holds the lock."""
        if not self._playing:
            return self._anchor_pos
        position = self._clock()
        if self._stream is not None:
            position = min(position, self._cursor / self._rate)
        if self._looping():
            return self._fold(position)
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
            device = sd.query_devices(self._device) if self._device is not None else sd.query_devices(kind="output")
        except (sd.PortAudioError, ValueError) as exc:
            self._go_silent(exc)
            return
        channels = min(2, int(device["max_output_channels"]))
        refusal: Exception | None = None
        for rate in dict.fromkeys((self._rate, int(device["default_samplerate"]))):
            try:
                stream = sd.OutputStream(samplerate=rate, channels=channels, dtype="float32",
                                         callback=self._callback, device=self._device)
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
            self._step = 1.0
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
            block = apply_gains(self._next_block(frames), self._gains)
            finished = not self._looping() and self._cursor >= len(self._samples)
        if outdata.shape[1] == 2:
            outdata[:] = block
        else:
            outdata[:, 0] = block.mean(axis=1)
        if finished:
            raise sd.CallbackStop

    def _next_block(self, frames: int) -> np.ndarray:
        """``frames`` device frames from the cursor, stretched when not at 1×. Caller holds the lock."""
        if self._stretcher is None:
            where = self._cursor + self._step * np.arange(frames)
            block = self._fetch(where, exact=self._step == 1.0 and self._cursor.is_integer())
            self._cursor = min(self._cursor + frames * self._step,
                               float("inf") if self._looping() else float(len(self._samples)))
            return block
        block = self._stretcher.read(self._fetch, frames, self._speed, self._step)
        self._cursor = self._stretcher.position - self._stretcher.buffered * self._speed * self._step
        if not self._looping():
            self._cursor = min(self._cursor, float(len(self._samples)))
        return block

    def _fetch(self, where: np.ndarray, exact: bool = False) -> np.ndarray:
        """Source samples at unfolded frame positions: inside a loop they wrap to its start."""
        if self._looping():
            start, end = (edge * self._rate for edge in self._loop)
            past = where >= end
            where = np.where(past, start + np.mod(where - start, end - start), where)
            exact = exact and float(start).is_integer() and float(end).is_integer()
        return read_frames(self._samples, where, exact)

    def _pace(self) -> None:
        """Wait while the device has been given more than the lead beyond the clock (free-running sinks)."""
        with self._lock:
            ahead = self._cursor / self._rate - self._clock() - (self._latency + _LEAD_S) * self._speed
            wait = self._playing and ahead > 0
        if wait:
            time.sleep(min(ahead / self._speed, _MAX_PACING_SLEEP_S))


def _probe_output(device: int | None = None) -> tuple[bool, str]:
    """Whether PortAudio knows the output device, and what to tell the inspector about it."""
    if sd is None:
        return False, f"{SILENT_STATUS} (PortAudio unavailable: {_IMPORT_ERROR})"
    try:
        info = sd.query_devices(device) if device is not None else sd.query_devices(kind="output")
    except (sd.PortAudioError, ValueError):
        return False, SILENT_STATUS
    return True, str(info["name"])
