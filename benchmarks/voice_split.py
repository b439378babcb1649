"""How well a mono call's speech is split into its two voices, on calls the corpus does not have.

The corpus has five stereo calls to mix down, two of them with the same synthetic voice for both sides at a
different pitch; a split tuned on them proves little. This generates two-voice telephone dialogues with
espeak-ng (a different pair of its voices, pitches and speeds per call, Mandarin and English, band-limited to
300-3400 Hz at 8 kHz, light noise, one talk-over in three turn changes) and measures the split itself: the share
of voiced 10 ms frames inside one speaker's turn that land in that speaker's voice (the better of the two ways to
name the voices; which voice is the agent is the role step's job, measured by ``rules_eval.py --mono``). The corpus
mixdowns are measured the same way beside them.

Needs espeak-ng and sox (Debian: ``apt-get install espeak-ng sox``). Espeak's Mandarin is too robotic for the
recogniser, so only the voices are measured here, not the words.

Usage: ``python benchmarks/voice_split.py [--calls N] [--seed S]``; last line ``voice_split=R corpus_voice_split=C``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from qaworkstation.core.asr.attribution import voice_labels
from qaworkstation.core.asr.model_audio import iter_chunks
from qaworkstation.core.asr.voice import HOP, RATE, frame_features, voice_spans
from rules_eval import CALLS, mix_down  # this folder's evaluation: the same mixdowns as its --mono

LINES = {
    "cmn": (["您好，这里是客服中心，请问有什么可以帮您？", "好的，我帮您查一下订单的情况。", "请您稍等，我马上为您处理。",
             "这个问题我们会尽快安排师傅上门。", "感谢您的来电，祝您生活愉快，再见。", "您的退款已经提交，三到五个工作日到账。"],
            ["我上个月买的冰箱一直不制冷。", "你们到底什么时候能来修？", "我已经等了一个星期了。", "那好吧，谢谢你。",
             "我的订单号是五五六七八九。", "我想换一台新的，可以吗？"]),
    "en": (["Thank you for calling, my name is Sam, how can I help you?", "Let me check your account for a moment.",
            "I have issued the refund, it will arrive in five days.", "Is there anything else I can help you with?"],
           ["My internet has been down since yesterday.", "I was charged twice this month.", "Okay, that sounds fine.",
            "No, that is all, thank you."]),
}
VOICES = ["m1", "m2", "m3", "m4", "m7", "f1", "f2", "f3", "f4", "f5"]
PHONE_RATE = 8000


def generate(folder: Path, calls: int, seed: int) -> list[Path]:
    """``calls`` dialogues as mono 8 kHz WAV files, each with a ``.truth.json`` of its turns."""
    rng = random.Random(seed)
    made = []
    for number in range(calls):
        language = "en" if number % 3 == 0 else "cmn"
        voices = rng.sample(VOICES, 2)
        style = [(rng.randint(30, 70), rng.randint(150, 190)) for _ in voices]  # espeak pitch, words a minute
        audio, turns, at = np.zeros(PHONE_RATE), [], 1.0
        for turn in range(rng.randint(6, 9)):
            side = turn % 2
            text = rng.choice(LINES[language][side])
            clip = _say(text, language, voices[side], *style[side], folder) * rng.uniform(0.3, 0.7)
            first = int(at * PHONE_RATE)
            audio = np.concatenate([audio, np.zeros(max(0, first + len(clip) + PHONE_RATE - len(audio)))])
            audio[first:first + len(clip)] += clip
            turns.append({"speaker": ("agent", "customer")[side], "start": at,
                          "end": (first + len(clip)) / PHONE_RATE})
            at = turns[-1]["end"] + rng.choice([rng.uniform(0.2, 0.9), rng.uniform(0.2, 0.9), -0.3])
        audio += np.random.default_rng(number).normal(0, 0.003, len(audio))
        path = folder / f"dialogue{number:02d}_{language}_{voices[0]}_{voices[1]}.wav"
        soundfile.write(path, np.clip(audio, -1, 1), PHONE_RATE, subtype="PCM_16")
        path.with_suffix(".truth.json").write_text(json.dumps({"turns": turns}), encoding="utf-8")
        made.append(path)
    return made


def _say(text: str, language: str, voice: str, pitch: int, speed: int, folder: Path) -> np.ndarray:
    spoken, phone = folder / "said.wav", folder / "phone.wav"
    subprocess.run(["espeak-ng", "-v", f"{language}+{voice}", "-p", str(pitch), "-s", str(speed), "-w", str(spoken),
                    text], check=True)
    subprocess.run(["sox", str(spoken), "-r", str(PHONE_RATE), str(phone), "sinc", "300-3400"], check=True)
    samples, _ = soundfile.read(phone)
    return samples / (np.abs(samples).max() + 1e-9)


def split_share(path: Path, turns: list[dict]) -> tuple[float, int]:
    """(share of voiced frames in one speaker's turns given that speaker's voice, how many such frames)."""
    samples = np.concatenate([np.mean(chunk.channels, axis=0) for chunk in iter_chunks(path, 1)])
    features, voiced = frame_features(samples)
    spans = voice_spans(features, voiced)
    labels = voice_labels(spans)
    times = np.arange(len(features)) * HOP / RATE
    said_by = np.full(len(features), -1)
    for turn in turns:
        inside = (times >= turn["start"]) & (times <= turn["end"])
        said_by[inside] = np.where(said_by[inside] == -1, turn["speaker"] == "customer", 2)
    voice = np.full(len(features), -1)
    for span, label in zip(spans, labels or [0] * len(spans)):  # one voice found: everything in voice 0
        voice[int(span.start * RATE / HOP):int(span.end * RATE / HOP)] = label
    counted = voiced & (said_by >= 0) & (said_by <= 1)
    right = float(np.mean(voice[counted] == said_by[counted])) if counted.any() else 0.0
    return max(right, 1 - right), int(counted.sum())


def measure(paths: list[Path], truths: list[list[dict]]) -> float:
    total = weighted = 0.0
    for path, turns in zip(paths, truths):
        share, frames = split_share(path, turns)
        print(f"{path.name:40} {share:.3f} ({frames} frames)")
        weighted += share * frames
        total += frames
    return weighted / total if total else 0.0


def _corpus_mixdowns(folder: Path) -> tuple[list[Path], list[list[dict]]]:
    """The stereo corpus calls summed to mono, as ``rules_eval.py --mono`` analyses them, with their turns."""
    folder.mkdir()
    paths = sorted(mix_down(CALLS, folder).glob("*.wav"))
    return paths, [json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))["turns"] for path in paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=16, help="generated dialogues")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"voice_split.py needs {' and '.join(missing)}: apt-get install espeak-ng sox")
    with tempfile.TemporaryDirectory(prefix="qaws-voices-") as tmp:
        folder = Path(tmp)
        paths = generate(folder, args.calls, args.seed)
        generated = measure(paths, [json.loads(p.with_suffix(".truth.json").read_text())["turns"] for p in paths])
        corpus = measure(*_corpus_mixdowns(folder / "mixdowns"))
    print(f"voice_split={generated:.3f} corpus_voice_split={corpus:.3f}")


if __name__ == "__main__":
    main()
