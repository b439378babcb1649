"""The caller's anger as a reason to listen, on corpus calls through the whole path (real model, shipped rubric)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from qaworkstation.core.asr.transcribe import Transcriber
from qaworkstation.core.domain import CUSTOMER, Flag
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import RubricLibrary, analyse_recording


def angry_moments(store: Store, transcriber: Transcriber, rubrics: RubricLibrary, path: Path) -> list[Flag]:
    [recording_id] = import_paths(store, [path]).recording_ids
    result = analyse_recording(store, transcriber, rubrics, recording_id)
    return [flag for flag in result.flags if flag.category == "customer_anger"]


def turn(call: Path, words: str) -> dict:
    truth = json.loads(call.with_name(call.stem + ".truth.json").read_text(encoding="utf-8"))
    return next(t for t in truth["turns"] if words in t["text"])


def during(flag: Flag, moment: dict) -> bool:
    return flag.start <= moment["end"] and moment["start"] <= flag.end


def test_anger_of_a_caller_who_threatens_a_complaint_surfaces_without_a_deduction(
        store: Store, transcriber: Transcriber, rubrics: RubricLibrary, corpus: Path) -> None:
    call = corpus / "calls" / "zh_insult_escalation.wav"
    angry = angry_moments(store, transcriber, rubrics, call)
    assert angry and all(flag.speaker == CUSTOMER and flag.deduction == 0 for flag in angry)
    assert any(during(flag, turn(call, "我要投诉")) and "投诉" in flag.text for flag in angry)
    assert store.recording(store.list_recordings()[0]["id"])["risk"] >= 1_000_000  # the insult still ranks first


def test_anger_is_not_found_in_a_calm_call(store: Store, transcriber: Transcriber, rubrics: RubricLibrary,
                                           corpus: Path) -> None:
    assert angry_moments(store, transcriber, rubrics, corpus / "calls" / "zh_good_delivery.wav") == []


def test_anger_of_a_caller_who_raises_their_voice_is_found_by_its_loudness(
        store: Store, transcriber: Transcriber, rubrics: RubricLibrary, corpus: Path, tmp_path: Path) -> None:
    call = corpus / "calls" / "zh_good_delivery.wav"
    audio, rate = sf.read(str(call), dtype="float32")
    complaint = turn(call, "还没收到")
    first, last = int(complaint["start"] * rate), int(complaint["end"] * rate)
    audio[first:last, 1] = np.clip(audio[first:last, 1] * 10 ** (16 / 20), -1.0, 1.0)  # the caller shouts it
    louder = tmp_path / "zh_good_delivery_shouted.wav"
    sf.write(str(louder), audio, rate, subtype="PCM_16")
    [flag] = angry_moments(store, transcriber, rubrics, louder)
    assert flag.speaker == CUSTOMER and during(flag, complaint) and "dB" in flag.text
