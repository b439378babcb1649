"""The peak cache on the real corpus: every format reduces to the same min/max as a full decode, the cache
round-trips by content hash, and the level-based speech detector finds who talks when."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from qaworkstation.core.audio import peaks as peaks_module
from qaworkstation.core.audio.peaks import (BUCKET, LEVEL_FACTOR, Peaks, PeaksCancelled, cached_peaks, compute_peaks,
                                            load_peaks, peaks_from_samples, peaks_path, silent_gaps)
from qaworkstation.core.audio.reading import content_hash

CALLS = ("zh_good_delivery.wav", "zh_insult_escalation.wav", "zh_hold_fillers.mp3", "en_good_billing.flac",
         "en_rude_mono.wav")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QAWS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.parametrize("name", CALLS)
def test_streamed_peaks_equal_a_full_decode(corpus: Path, name: str) -> None:
    path = corpus / "calls" / name
    data, rate = sf.read(str(path), dtype="int16", always_2d=True)
    streamed = compute_peaks(path)

    assert (streamed.rate, streamed.frames, streamed.channels) == (rate, len(data), data.shape[1])
    for level in range(len(streamed.lows)):
        bucket = Peaks.bucket(level)
        assert streamed.lows[level].shape == (data.shape[1], -(-len(data) // bucket))
        for column in (0, streamed.lows[level].shape[1] // 2, streamed.lows[level].shape[1] - 1):
            window = data[column * bucket:(column + 1) * bucket]
            np.testing.assert_array_equal(streamed.lows[level][:, column], window.min(axis=0))
            np.testing.assert_array_equal(streamed.highs[level][:, column], window.max(axis=0))


def test_small_blocks_give_the_same_pyramid(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Block edges (the mapped and the decoded path alike) must not show in the result."""
    whole = {name: compute_peaks(corpus / "calls" / name) for name in ("zh_good_delivery.wav", "zh_hold_fillers.mp3")}
    monkeypatch.setattr(peaks_module, "BLOCK_FRAMES", BUCKET * 7)
    for name, expected in whole.items():
        blocked = compute_peaks(corpus / "calls" / name)
        for a, b in zip(expected.lows + expected.highs, blocked.lows + blocked.highs):
            np.testing.assert_array_equal(a, b)


def test_levels_and_level_choice() -> None:
    peaks = peaks_from_samples(np.zeros((100_000, 2), np.float32), 8000)
    assert [low.shape[1] for low in peaks.lows] == [98, 13, 2]
    assert peaks.level_for(BUCKET - 1) is None
    assert peaks.level_for(BUCKET) == 0
    assert peaks.level_for(BUCKET * LEVEL_FACTOR * 3) == 1
    assert peaks.level_for(1e9) == 2


def test_cache_round_trip_keyed_by_content_hash(corpus: Path, cache: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = corpus / "calls" / "zh_good_delivery.wav"
    sha = content_hash(path)
    assert load_peaks(sha) is None

    first = cached_peaks(path, sha)
    assert peaks_path(sha).is_file() and peaks_path(sha).parent == cache / "peaks"
    monkeypatch.setattr(peaks_module, "compute_peaks", lambda *a, **k: pytest.fail("recomputed"))
    again = cached_peaks(path, sha)

    assert (again.rate, again.frames) == (first.rate, first.frames)
    for a, b in zip(first.lows + first.highs, again.lows + again.highs):
        np.testing.assert_array_equal(a, b)


def test_a_cache_written_with_another_bucket_size_is_recomputed(corpus: Path, cache: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = corpus / "calls" / "en_rude_mono.wav"
    sha = content_hash(path)
    monkeypatch.setattr(peaks_module, "BUCKET", BUCKET // 4)
    cached_peaks(path, sha)
    monkeypatch.setattr(peaks_module, "BUCKET", BUCKET)
    assert load_peaks(sha) is None
    assert cached_peaks(path, sha).lows[0].shape[1] == -(-sf.info(str(path)).frames // BUCKET)


def test_a_damaged_cache_file_is_recomputed(corpus: Path, cache: Path) -> None:
    path = corpus / "calls" / "en_rude_mono.wav"
    sha = content_hash(path)
    peaks_path(sha).parent.mkdir(parents=True)
    peaks_path(sha).write_bytes(b"not a numpy archive")

    assert load_peaks(sha) is None
    assert cached_peaks(path, sha).frames == sf.info(str(path)).frames
    assert load_peaks(sha) is not None


def test_cancel_stops_the_computation(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peaks_module, "BLOCK_FRAMES", BUCKET * 4)
    with pytest.raises(PeaksCancelled):
        compute_peaks(corpus / "calls" / "zh_hold_fillers.mp3", cancelled=lambda: True)


def test_speech_detection_follows_the_turns(corpus: Path) -> None:
    path = corpus / "calls" / "zh_forbidden_no_closing.wav"
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    peaks = compute_peaks(path)
    grid = np.arange(0, peaks.duration, 0.01)
    for channel, speaker in enumerate(("agent", "customer")):
        runs = peaks.speech(channel)
        detected = ((runs[:, :1] <= grid) & (grid <= runs[:, 1:])).any(axis=0)
        spoken = np.zeros_like(detected)
        for turn in (t for t in truth["turns"] if t["speaker"] == speaker):
            spoken |= (turn["start"] <= grid) & (grid <= turn["end"])
        assert detected[spoken].mean() > 0.8  # the turns are found ...
        assert detected[~spoken].mean() < 0.1  # ... and the other speaker's turns and the gaps are not


def test_silent_gaps_join_both_channels_and_keep_a_margin(corpus: Path) -> None:
    gaps = silent_gaps([np.array([[0.0, 10.0], [20.0, 21.0]]), np.array([[2.0, 5.0], [12.0, 13.0], [30.0, 31.0]])],
                       40.0)
    np.testing.assert_allclose(gaps, [[10.3, 11.7], [13.3, 19.7], [21.3, 29.7], [31.3, 39.7]])

    hold = compute_peaks(corpus / "calls" / "zh_hold_fillers.mp3")
    truth = json.loads((corpus / "calls" / "zh_hold_fillers.truth.json").read_text(encoding="utf-8"))
    silence = next(e for e in truth["events"] if e["category"] == "silence")
    found = silent_gaps([hold.speech(0), hold.speech(1)], hold.duration)
    assert any(start < silence["start"] + 1.0 and end > silence["end"] - 1.0 for start, end in found)
