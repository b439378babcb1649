"""Long calls: decoding for the model in bounded chunks, cut in quiet places, transcribed chunk by chunk."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import soundfile as sf

from qaworkstation.core.asr import model_audio
from qaworkstation.core.asr.model_audio import SAMPLE_RATE, iter_chunks
from qaworkstation.core.asr.transcribe import Transcriber


def _long_call(path: Path, minutes: float, rate: int = 8000) -> Path:
    """A two-leg call of the given length: bursts of tone standing in for speech, written block by block."""
    block_s = 60
    with sf.SoundFile(str(path), "w", samplerate=rate, channels=2, subtype="PCM_16") as out:
        t = np.arange(block_s * rate) / rate
        burst = (np.sin(2 * np.pi * 440 * t) * (np.sin(2 * np.pi * 0.2 * t) > 0.3) * 0.3).astype(np.float32)
        for _ in range(int(minutes)):
            out.write(np.stack([burst, np.roll(burst, rate * 2)], axis=1))
    return path


def _peak_bytes(path: Path) -> tuple[int, float]:
    tracemalloc.start()
    total = 0.0
    for chunk in iter_chunks(path, 2):
        total += chunk.duration
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, total


def test_memory_for_an_hour_is_the_same_as_for_ten_minutes(tmp_path: Path) -> None:
    short_peak, short_total = _peak_bytes(_long_call(tmp_path / "ten.wav", 10))
    long_peak, long_total = _peak_bytes(_long_call(tmp_path / "hour.wav", 60))
    assert abs(short_total - 600) < 0.1 and abs(long_total - 3600) < 0.1
    assert long_peak < 1.3 * short_peak
    assert long_peak < 160 * 1024 * 1024  # a whole hour at 16 kHz float32 stereo would be 460 MB


def test_chunks_cover_the_call_exactly_and_cut_where_it_is_quiet(tmp_path: Path) -> None:
    path = _long_call(tmp_path / "twelve.wav", 12)
    chunks = list(iter_chunks(path, 2, chunk_s=120))
    assert len(chunks) >= 5
    for before, after in zip(chunks, chunks[1:]):
        assert abs(before.offset + before.duration - after.offset) < 1e-6
        tail = np.abs(before.channels[0][-SAMPLE_RATE // 20:]).mean() + np.abs(before.channels[1][-SAMPLE_RATE // 20:]).mean()
        assert tail < 0.05  # the cut fell in a pause, not inside a burst
    assert abs(sum(c.duration for c in chunks) - 720) < 0.01


def test_chunked_transcript_matches_the_timeline(transcriber: Transcriber, corpus: Path, monkeypatch) -> None:
    """With tiny chunks, a real call still comes out in order with times on the call's own clock."""
    call = corpus / "calls" / "zh_good_delivery.wav"
    whole = transcriber.transcribe_file(call, 2, 43.65)
    monkeypatch.setattr(model_audio, "CHUNK_S", 15.0)
    monkeypatch.setattr(model_audio, "SEARCH_S", 3.0)
    assert len(list(iter_chunks(call, 2))) == 3
    streamed = []
    chunked = transcriber.transcribe_file(call, 2, 43.65, on_segment=streamed.append)
    assert len(streamed) == len(chunked.segments) >= 6
    assert [s.start for s in chunked.segments] == sorted(s.start for s in chunked.segments)
    assert chunked.segments[-1].end > 38 and whole.segments[-1].end > 38
    agent_closing = "".join(s.text for s in chunked.segments if s.speaker == "agent" and s.start > 36)
    assert "再见" in agent_closing
