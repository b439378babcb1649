"""The playback engine against a real PortAudio stream on ALSA's null sink (see tests/alsa_null.py).

Only the absence of a sound card is simulated (by making sounddevice's device query or stream fail); the
clock, the pacing and the mixing are the engine's own.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
import sounddevice as sd

from qaworkstation.core.audio.playback import SILENT_STATUS, Playback, mix_frames
from qaworkstation.core.audio.reading import read_samples

CALL = "calls/zh_good_delivery.wav"
TIMING_SLACK = 0.15  # seconds; generous for a loaded CI machine


class RecordingPlayback(Playback):
    """The real engine, counting callbacks and keeping what it handed to the device."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.frames = 0
        self.blocks: list[np.ndarray] = []
        self._record_lock = threading.Lock()

    def _callback(self, outdata, frames, time_info, status):  # noqa: ANN001 - PortAudio's signature
        try:
            super()._callback(outdata, frames, time_info, status)
        finally:
            with self._record_lock:
                self.calls += 1
                self.frames += frames
                self.blocks.append(outdata.copy())

    def heard(self) -> np.ndarray:
        with self._record_lock:
            return np.concatenate(self.blocks) if self.blocks else np.zeros((0, 2), np.float32)


@pytest.fixture(scope="module")
def call_audio(corpus: Path) -> tuple[np.ndarray, int]:
    samples, rate = read_samples(corpus / CALL)
    assert samples.shape[1] == 2 and rate == 8000
    return samples, rate


@pytest.fixture
def player(call_audio: tuple[np.ndarray, int]) -> RecordingPlayback:
    engine = RecordingPlayback()
    engine.load(*call_audio)
    yield engine
    engine.close()


def test_null_alsa_device_is_an_output(player: RecordingPlayback) -> None:
    assert player.available
    assert player.status == "default"
    assert player.duration == pytest.approx(43.653, abs=0.001)


def test_play_advances_in_real_time_through_the_callback(player: RecordingPlayback) -> None:
    player.play()
    started = time.monotonic()
    time.sleep(1.0)
    position = player.position
    elapsed = time.monotonic() - started

    assert player.playing
    assert position == pytest.approx(elapsed, abs=TIMING_SLACK)
    assert player.calls > 10
    # The null sink would take the whole call at once; pacing keeps the device within the lead.
    assert elapsed * 8000 <= player.frames <= (elapsed + 1.2) * 8000


def test_pause_freezes_position_and_stops_the_stream(player: RecordingPlayback) -> None:
    player.play()
    time.sleep(0.4)
    player.pause()
    frozen, calls = player.position, player.calls
    time.sleep(0.3)

    assert not player.playing
    assert player.position == frozen
    assert player.calls == calls
    player.play()
    time.sleep(0.3)
    assert player.position == pytest.approx(frozen + 0.3, abs=TIMING_SLACK)


def test_seek_is_exact_paused_and_playing(player: RecordingPlayback) -> None:
    player.seek(12.345)
    assert player.position == pytest.approx(12.345, abs=0.01)
    player.seek(-3)
    assert player.position == 0.0
    player.seek(1e6)
    assert player.position == player.duration

    player.seek(20.0)
    player.play()
    time.sleep(0.2)
    player.seek(30.5)
    assert 30.5 <= player.position <= 30.51
    time.sleep(0.3)
    assert player.position == pytest.approx(30.8, abs=TIMING_SLACK)


def test_playing_to_the_end_stops_and_play_restarts(player: RecordingPlayback) -> None:
    player.seek(player.duration - 0.3)
    player.play()
    time.sleep(0.6)

    assert not player.playing
    assert player.position == player.duration
    assert player.frames >= 0.3 * 8000  # the callback itself delivered the tail before stopping
    player.play()
    time.sleep(0.1)
    assert player.playing
    assert 0.0 < player.position < 0.1 + TIMING_SLACK


def test_seeking_back_while_the_tail_plays_resumes_the_stream(player: RecordingPlayback) -> None:
    player.seek(player.duration - 0.4)
    player.play()
    time.sleep(0.15)  # the device has been handed the whole tail and its stream has finished
    calls = player.calls
    player.seek(5.0)
    time.sleep(0.3)

    assert player.playing
    assert player.position == pytest.approx(5.3, abs=TIMING_SLACK)
    assert player.calls > calls


def test_solo_agent_sends_nothing_on_the_customer_side(player: RecordingPlayback,
                                                       call_audio: tuple[np.ndarray, int]) -> None:
    samples, rate = call_audio
    start = 8 * rate  # the agent finishes a sentence, then the customer starts at 8.95 s
    player.set_channel_gains(1.0, 0.0)
    player.seek(8.0)
    player.play()
    time.sleep(1.5)
    player.pause()

    played = player.heard()[:int(1.2 * rate)]  # after pause the last blocks before the abort are silence
    original = samples[start:start + len(played)]
    assert np.abs(original[:, 1]).max() > 0.1 and np.abs(original[:, 0]).max() > 0.1
    assert not played[:, 1].any()
    np.testing.assert_array_equal(played[:, 0], original[:, 0])


def test_mix_frames_applies_gains_per_speaker(call_audio: tuple[np.ndarray, int]) -> None:
    samples, rate = call_audio
    start = 5 * rate
    block = samples[start:start + 512]

    agent_only = mix_frames(samples, start, 512, 1.0, (1.0, 0.0))
    customer_only = mix_frames(samples, start, 512, 1.0, (0.0, 1.0))
    both_half = mix_frames(samples, start, 512, 1.0, (0.5, 0.5))

    assert np.abs(block).max() > 0.01
    np.testing.assert_array_equal(agent_only[:, 0], block[:, 0])
    assert not agent_only[:, 1].any()
    np.testing.assert_array_equal(customer_only[:, 1], block[:, 1])
    assert not customer_only[:, 0].any()
    np.testing.assert_allclose(both_half, block * 0.5)


def test_mix_frames_duplicates_mono_and_pads_the_end(call_audio: tuple[np.ndarray, int]) -> None:
    mono = call_audio[0][:, :1]
    out = mix_frames(mono, len(mono) - 100, 256, 1.0, (0.0, 1.0))

    np.testing.assert_array_equal(out[:100, 0], mono[-100:, 0])
    np.testing.assert_array_equal(out[:, 0], out[:, 1])
    assert not out[100:].any()


def test_mix_frames_interpolates_when_resampling() -> None:
    ramp = np.stack([np.arange(10, dtype=np.float32), -np.arange(10, dtype=np.float32)], axis=1)
    out = mix_frames(ramp, 2.0, 6, 0.5, (1.0, 1.0))

    np.testing.assert_allclose(out[:, 0], [2.0, 2.5, 3.0, 3.5, 4.0, 4.5])
    np.testing.assert_allclose(out[:, 1], -out[:, 0])


def test_device_refusing_the_file_rate_gets_resampled_audio(monkeypatch: pytest.MonkeyPatch,
                                                            call_audio: tuple[np.ndarray, int]) -> None:
    real_stream = sd.OutputStream

    def picky_stream(*args, samplerate: float, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if samplerate == 8000:
            raise sd.PortAudioError("Invalid sample rate")
        return real_stream(*args, samplerate=samplerate, **kwargs)

    monkeypatch.setattr(sd, "OutputStream", picky_stream)
    engine = RecordingPlayback()
    engine.load(*call_audio)
    try:
        engine.play()
        time.sleep(0.5)
        position = engine.position
        assert engine.available
        assert "resampling 8000 Hz to 44100 Hz" in engine.status
        assert position == pytest.approx(0.5, abs=TIMING_SLACK)
        assert engine.frames >= 0.5 * 44100
    finally:
        engine.close()


def test_without_a_device_the_clock_runs_silently(monkeypatch: pytest.MonkeyPatch,
                                                  call_audio: tuple[np.ndarray, int]) -> None:
    def no_device(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise sd.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sd, "query_devices", no_device)
    engine = RecordingPlayback()
    engine.load(*call_audio)

    assert not engine.available
    assert engine.status == SILENT_STATUS
    engine.play()
    time.sleep(0.4)
    assert engine.playing
    assert engine.position == pytest.approx(0.4, abs=TIMING_SLACK)
    engine.pause()
    frozen = engine.position
    time.sleep(0.1)
    assert engine.position == frozen
    engine.seek(engine.duration - 0.2)
    engine.toggle()
    time.sleep(0.4)
    assert not engine.playing
    assert engine.position == engine.duration
    assert engine.calls == 0
    engine.close()


def test_a_stream_that_cannot_open_falls_back_to_silence(monkeypatch: pytest.MonkeyPatch,
                                                         call_audio: tuple[np.ndarray, int]) -> None:
    def broken_stream(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise sd.PortAudioError("Device unavailable")

    monkeypatch.setattr(sd, "OutputStream", broken_stream)
    engine = Playback()
    engine.load(*call_audio)
    assert engine.available  # the device is listed; only opening it fails

    engine.play()
    time.sleep(0.3)
    assert not engine.available
    assert engine.status.startswith(SILENT_STATUS) and "Device unavailable" in engine.status
    assert engine.position == pytest.approx(0.3, abs=TIMING_SLACK)
    engine.close()
