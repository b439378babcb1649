"""Speed with pitch kept, and loop regions, through the real engine on ALSA's null sink."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from qaworkstation.core.audio.reading import read_samples
from qaworkstation.core.audio.timestretch import Wsola
from tests.test_playback import TIMING_SLACK, RecordingPlayback

CALL = "calls/zh_good_delivery.wav"


@pytest.fixture(scope="module")
def call_audio(corpus: Path) -> tuple[np.ndarray, int]:
    return read_samples(corpus / CALL)


@pytest.fixture
def player(call_audio: tuple[np.ndarray, int]) -> RecordingPlayback:
    engine = RecordingPlayback()
    engine.load(*call_audio)
    yield engine
    engine.close()


def dominant_hz(block: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(block * np.hanning(len(block))))
    return float(np.argmax(spectrum) * rate / len(block))


@pytest.mark.parametrize("speed", [0.5, 0.75, 1.5, 2.0])
def test_wsola_keeps_pitch_and_follows_speed(speed: float) -> None:
    rate = 8000
    tone = (0.5 * np.sin(2 * np.pi * 220 * np.arange(rate * 6) / rate)).astype(np.float32)[:, None]
    stretcher = Wsola(rate, 1)

    def fetch(where: np.ndarray) -> np.ndarray:
        return tone[np.clip(np.round(where).astype(np.intp), 0, len(tone) - 1)]

    out = np.concatenate([stretcher.read(fetch, 256, speed) for _ in range(60)])

    assert stretcher.position == pytest.approx(speed * (len(out) + stretcher.buffered), rel=0.02)
    assert dominant_hz(out[1000:, 0], rate) == pytest.approx(220, abs=3)
    assert np.abs(out[1000:]).max() == pytest.approx(0.5, abs=0.05)  # overlap-add keeps the level


@pytest.mark.parametrize("speed", [0.5, 2.0])
def test_clock_runs_at_the_chosen_speed(player: RecordingPlayback, speed: float) -> None:
    player.seek(10.0)
    assert player.set_speed(speed) == speed
    player.play()
    started = time.monotonic()
    time.sleep(1.0)
    position = player.position
    elapsed = time.monotonic() - started

    assert position == pytest.approx(10.0 + elapsed * speed, abs=TIMING_SLACK * speed)
    assert player.frames >= elapsed * 8000 * 0.9  # the device is still fed in real time
    assert np.abs(player.heard()).max() > 0.05  # and it hears the call, not silence


def test_speed_is_clamped_and_change_keeps_the_position(player: RecordingPlayback) -> None:
    assert player.set_speed(5.0) == 2.0
    assert player.set_speed(0.1) == 0.5
    player.seek(20.0)
    player.play()
    time.sleep(0.3)
    before = player.position
    player.set_speed(1.5)
    assert player.position == pytest.approx(before, abs=0.05)


def test_stretched_audio_keeps_the_voice_pitch(player: RecordingPlayback, call_audio: tuple[np.ndarray, int]) -> None:
    """The agent's voice at 0.5× has the same spectral peak as at 1×, not an octave lower."""
    samples, rate = call_audio
    player.set_channel_gains(1.0, 0.0)
    player.set_speed(0.5)
    player.seek(1.0)
    player.play()
    time.sleep(2.2)
    player.pause()
    heard = player.heard()[:int(2.0 * rate), 0]
    original = samples[int(1.0 * rate):int(2.0 * rate), 0]
    assert dominant_hz(heard, rate) == pytest.approx(dominant_hz(original, rate), rel=0.1)


def test_a_loop_repeats_its_region(player: RecordingPlayback, call_audio: tuple[np.ndarray, int]) -> None:
    samples, rate = call_audio
    player.set_loop(5.0, 6.0)
    assert player.position == 5.0
    player.play()
    time.sleep(2.6)
    position = player.position
    heard = player.heard()

    assert player.playing
    assert 5.0 <= position < 6.0
    assert position == pytest.approx(5.6, abs=TIMING_SLACK)
    region = samples[5 * rate:6 * rate]
    for start in (0, rate, int(1.5 * rate)):  # first pass, second pass, across the seam into the third
        expected = region[np.arange(start, start + 512) % len(region)]
        np.testing.assert_array_equal(heard[start:start + 512], expected)


def test_seeking_out_of_a_loop_leaves_it_and_clearing_continues(player: RecordingPlayback) -> None:
    player.set_loop(5.0, 6.0)
    player.play()
    time.sleep(0.3)
    player.seek(30.0)
    time.sleep(1.2)
    assert player.position == pytest.approx(31.2, abs=TIMING_SLACK)

    player.seek(5.5)
    time.sleep(0.8)
    assert 5.0 <= player.position < 6.0
    player.clear_loop()
    time.sleep(1.0)
    assert player.loop is None and player.position > 6.0


def test_loop_at_half_speed(player: RecordingPlayback) -> None:
    player.set_speed(0.5)
    player.set_loop(2.0, 2.5)
    player.play()
    time.sleep(1.6)
    assert 2.0 <= player.position < 2.5
    assert player.position == pytest.approx(2.3, abs=TIMING_SLACK)


def test_output_device_choice(player: RecordingPlayback) -> None:
    from qaworkstation.core.audio.playback import output_devices

    devices = output_devices()
    assert devices and any(name == "default" for _index, name in devices)
    index = next(index for index, name in devices if name == "default")
    player.play()
    player.set_device(index)
    assert player.device == index and player.playing and player.available
    time.sleep(0.3)
    assert player.calls > 0
