"""Transcription with the real offline model on real corpus audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from faster_whisper import decode_audio

from qaworkstation.core.asr.models import OFFLINE_BASE, ModelUnavailable, resolve_model
from qaworkstation.core.asr.model_audio import noise_floor, piece_bounds
from qaworkstation.core.asr.transcribe import PIECE_S, Cancelled, Transcriber, TranscribeSettings
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import analyse_recording, transcript_for


def test_offline_base_model_is_joined_and_verified() -> None:
    choice = resolve_model(OFFLINE_BASE)
    assert (Path(choice.source) / "model.bin").stat().st_size > 100_000_000
    assert not choice.english_only


def test_missing_model_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="no model.bin"):
        resolve_model(str(tmp_path))


def test_stereo_mandarin_call_is_split_by_speaker_in_simplified_script(
        store: Store, transcriber: Transcriber, corpus: Path) -> None:
    report = import_paths(store, [corpus / "calls" / "zh_insult_escalation.wav"])
    recording = store.recording(report.recording_ids[0])
    streamed = []
    segments, language, hit = transcript_for(store, transcriber, recording, on_segment=streamed.append)
    assert language == "zh" and not hit
    assert streamed and len(streamed) == len(segments)
    speakers = {s.speaker for s in segments}
    assert speakers == {"agent", "customer"}
    agent_text = "".join(s.text for s in segments if s.speaker == "agent")
    customer_text = "".join(s.text for s in segments if s.speaker == "customer")
    assert "你这话什么意思" in agent_text  # the model prints 這話什麼; we normalise to simplified
    assert "這" not in agent_text and "麼" not in agent_text
    assert "投诉" in customer_text and "投诉" not in agent_text
    words = [w for s in segments for w in s.words]
    assert words and all(0 <= w.start <= w.end <= recording["duration"] + 0.5 for w in words)
    assert [s.start for s in segments] == sorted(s.start for s in segments)


def test_cached_transcript_is_reused(store: Store, transcriber: Transcriber, corpus: Path) -> None:
    report = import_paths(store, [corpus / "calls" / "zh_forbidden_no_closing.wav"])
    recording = store.recording(report.recording_ids[0])
    first, _, hit_first = transcript_for(store, transcriber, recording)
    second, _, hit_second = transcript_for(store, transcriber, recording)
    assert (hit_first, hit_second) == (False, True)
    assert first == second


def test_mono_call_is_attributed_to_agent_and_customer(store: Store, transcriber: Transcriber, rubrics,
                                                        corpus: Path) -> None:
    report = import_paths(store, [corpus / "calls" / "en_rude_mono.wav"])
    result = analyse_recording(store, transcriber, rubrics, report.recording_ids[0])
    assert result.language == "en"
    assert {s.speaker for s in result.segments} == {"agent", "customer"}  # one channel, two voices told apart
    assert "what do you want" in " ".join(s.text.lower() for s in result.segments if s.speaker == "agent")


def test_cancel_stops_and_stores_nothing(store: Store, transcriber: Transcriber, corpus: Path) -> None:
    report = import_paths(store, [corpus / "calls" / "zh_good_delivery.wav"])
    recording = store.recording(report.recording_ids[0])
    with pytest.raises(Cancelled):
        transcript_for(store, transcriber, recording, cancelled=lambda: True)
    assert store.latest_transcript(recording["id"]) is None


def test_silence_gives_no_text(transcriber: Transcriber) -> None:
    silence = np.zeros(16000 * 30, dtype=np.float32)
    assert transcriber.transcribe_channels([silence], 30.0).segments == []


def test_model_that_cannot_be_downloaded_offline_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    transcriber = Transcriber(TranscribeSettings(model="no-such-model-xyz"))
    transcriber.preload()  # a command starts loading early; the failure is said on first use, not lost in a thread
    with pytest.raises(ModelUnavailable, match="offline-base"):
        transcriber.model


def test_a_pure_tone_gives_no_text(transcriber: Transcriber) -> None:
    t = np.arange(16000 * 30) / 16000
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    assert transcriber.transcribe_channels([tone], 30.0).segments == []


def test_long_leg_is_cut_into_pieces_at_pauses(corpus: Path) -> None:
    agent = np.tile(decode_audio(str(corpus / "calls" / "zh_good_delivery.wav"), split_stereo=True)[0], 4)  # 171 s of one leg: two pieces and a tail
    bounds = piece_bounds(agent, PIECE_S)
    assert len(bounds) == 3 and bounds[0][0] == 0 and bounds[-1][1] == len(agent)
    assert all(end == next_start for (_, end), (next_start, _) in zip(bounds, bounds[1:]))
    floor = noise_floor(agent)
    for _, cut in bounds[:-1]:
        around = agent[cut - 800:cut + 800]  # the 100 ms around each cut
        assert np.abs(around).mean() < 4 * floor, "a cut fell inside speech"


def test_long_call_in_pieces_keeps_every_copy_at_its_time(transcriber: Transcriber, corpus: Path) -> None:
    legs = [np.tile(leg, 3) for leg in decode_audio(str(corpus / "calls" / "zh_good_delivery.wav"), split_stereo=True)]
    copy_s = len(legs[0]) / 3 / 16000
    transcript = transcriber.transcribe_channels(legs, len(legs[0]) / 16000)
    greetings = [s.start for s in transcript.segments if s.speaker == "agent" and "欢迎" in s.text]
    assert len(greetings) == 3  # one per copy, the second one in the second piece
    assert all(abs(start - (greetings[0] + copy * copy_s)) < 0.5 for copy, start in enumerate(greetings))
    assert all(s.speaker == "customer" for s in transcript.segments if "上周买的" in s.text)
