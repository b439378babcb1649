"""Build the test calls in ``tests/data/calls/``: situations the shared corpus does not have, with ground truth.

English calls are spoken by espeak-ng; Mandarin calls are cut and re-timed from the corpus's own utterances
(espeak-ng's Mandarin is not understood by the model). Each call is an 8 kHz FLAC with a ``*.truth.json`` in
the corpus format, so ``benchmarks/rules_eval.py tests/data/calls`` measures on them as well.

Run ``python tests/data/make_calls.py`` after changing a script; the output is committed so tests need neither
espeak-ng nor sox.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 8000
HERE = Path(__file__).resolve().parent
OUT = HERE / "calls"
CORPUS = HERE.parents[2] / "shared" / "corpus" / "calls"
AGENT_VOICE = "en-us"
CUSTOMER_VOICE = "en-us+f3"
NOISE_DB = -66.0  # a quiet line, about as noisy as the corpus calls between words
HEADROOM_DB = -12.0  # every utterance sits this far below full scale, so a shout has room before clipping


@dataclass(frozen=True)
class Turn:
    speaker: str  # agent | customer
    start: float
    text: str  # English: what espeak-ng says; Mandarin: the corpus utterance, for the truth file
    clip: tuple[str, float, float] | None = None  # Mandarin: (corpus call, start, end) on the speaker's channel
    gain_db: float = 0.0


@dataclass(frozen=True)
class Call:
    id: str
    lang: str
    stereo: bool
    duration: float
    turns: tuple[Turn, ...]
    events: tuple[dict, ...]  # see resolve()
    note: str


def speak(text: str, voice: str) -> np.ndarray:
    """espeak-ng at a calm pace, resampled to 8 kHz by sox."""
    with tempfile.TemporaryDirectory() as tmp:
        wide, narrow = Path(tmp) / "wide.wav", Path(tmp) / "narrow.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(wide), text], check=True)
        subprocess.run(["sox", str(wide), "-r", str(RATE), "-c", "1", str(narrow)], check=True)
        samples, _ = sf.read(str(narrow), dtype="float32")
    return samples / max(float(np.abs(samples).max()), 1e-9) * 0.7


def cut(call: str, start: float, end: float, speaker: str) -> np.ndarray:
    """One utterance of a corpus call, from the channel of its speaker."""
    audio = next(path for path in CORPUS.glob(f"{call}.*") if not path.name.endswith(".json"))
    samples, rate = sf.read(str(audio), dtype="float32", always_2d=True)
    assert rate == RATE
    channel = samples[:, 0 if speaker == "agent" else 1]
    return channel[int(start * RATE):int(end * RATE)]


def render(call: Call) -> tuple[np.ndarray, list[dict]]:
    """The call's audio (frames x channels) and its turns with the times the audio really has."""
    rng = np.random.default_rng(7)
    channels = 2 if call.stereo else 1
    audio = rng.normal(0, 10 ** (NOISE_DB / 20), (int(call.duration * RATE), channels)).astype(np.float32)
    turns = []
    for turn in call.turns:
        voice = AGENT_VOICE if turn.speaker == "agent" else CUSTOMER_VOICE
        sound = cut(*turn.clip, turn.speaker) if turn.clip else speak(turn.text, voice)
        sound = sound * 10 ** ((HEADROOM_DB + turn.gain_db) / 20)
        first = int(turn.start * RATE)
        column = (0 if turn.speaker == "agent" else 1) if call.stereo else 0
        audio[first:first + len(sound), column] += sound
        turns.append({"speaker": turn.speaker, "start": turn.start,
                      "end": round(turn.start + len(sound) / RATE, 2), "text": turn.text})
    return np.clip(audio, -1.0, 1.0), turns


def resolve(event: dict, turns: list[dict]) -> dict:
    """An event with its times taken from the rendered turns: ``turn`` (its span; a talk-over only its start),
    ``after``/``before`` (the gap between two turns; ``after`` None is the call's start)."""
    event = dict(event)
    if "turn" in event:
        turn = turns[event.pop("turn")]
        event["start"] = turn["start"]
        if event["category"] != "overtalk":
            event["end"] = turn["end"]
    if "before" in event:
        after, before = event.pop("after", None), event.pop("before")
        event["start"] = 0.0 if after is None else turns[after]["end"]
        event["end"] = turns[before]["start"]
    return event


def write(call: Call) -> None:
    audio, turns = render(call)
    sf.write(str(OUT / f"{call.id}.flac"), audio, RATE, subtype="PCM_16")
    events = [resolve(event, turns) for event in call.events]
    truth = {"id": call.id, "lang": call.lang, "note": call.note, "audio": f"{call.id}.flac",
             "duration": call.duration, "turns": turns, "events": events}
    (OUT / f"{call.id}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")


CALLS = (
    Call(
        "en_hold_overtalk", "en", True, 44.0,
        (
            Turn("agent", 1.0, "Thank you for calling Northwind, my name is Sam, how can I help you?"),
            Turn("customer", 6.0, "I ordered a printer two weeks ago and it still has not arrived, "
                                  "and nobody answers my emails, this is really unacceptable."),
            Turn("agent", 11.0, "Right, right, let me look at your order now."),
            Turn("agent", 15.5, "Please hold."),
            Turn("agent", 31.0, "Thank you for holding. I am sorry, the parcel was delayed at the depot."),
            Turn("customer", 36.0, "Okay, thanks."),
            Turn("agent", 38.0, "Thank you for calling, have a nice day."),
        ),
        (
            {"category": "greeting", "speaker": "agent", "turn": 0},
            {"category": "overtalk", "speaker": "agent", "turn": 2},
            {"category": "silence", "after": 3, "before": 4},
            {"category": "apology", "speaker": "agent", "turn": 4},
            {"category": "closing", "speaker": "agent", "turn": 6},
            {"category": "greeting", "present": True},
            {"category": "closing", "present": True},
        ),
        "The agent talks over a complaint, then holds for 15 s after asking the caller to hold.",
    ),
    Call(
        "en_deadair_shout", "en", True, 36.0,
        (
            Turn("agent", 7.0, "Northwind support, how can I help you?"),
            Turn("customer", 10.0, "My internet has been down since yesterday and I work from home."),
            Turn("agent", 12.5, "Okay."),
            Turn("agent", 15.5, "I can see an outage in your area."),
            Turn("customer", 18.5, "You idiot, I told you that already."),
            Turn("agent", 21.5, "You need to listen to me!", gain_db=12.0),
            Turn("customer", 24.5, "Fine."),
            Turn("agent", 26.0, "It will be fixed tonight. Thank you for calling, goodbye."),
        ),
        (
            {"category": "dead_air", "before": 0},
            {"category": "greeting", "speaker": "agent", "turn": 0},
            {"category": "loudness", "speaker": "agent", "turn": 5},
            {"category": "forbidden", "phrase": "you need to", "speaker": "agent", "turn": 5},
            {"category": "closing", "speaker": "agent", "turn": 7},
            {"category": "greeting", "present": True},
            {"category": "closing", "present": True},
        ),
        "Seven seconds of dead air, a backchannel over the caller (not talk-over), the caller insults the agent "
        "(not the agent's fault), the agent shouts.",
    ),
    Call(
        "en_mono_silence", "en", False, 32.0,
        (
            Turn("agent", 1.0, "Thanks for calling, this is Sam."),
            Turn("customer", 3.5, "Hi, I need to change my address."),
            Turn("agent", 6.5, "Sure."),
            Turn("customer", 19.5, "Hello? Are you still there?"),
            Turn("agent", 22.0, "Shut up and calm down."),
            Turn("customer", 25.0, "Excuse me?"),
        ),
        (
            {"category": "greeting", "speaker": "agent", "turn": 0},
            {"category": "silence", "after": 2, "before": 3},
            {"category": "insult", "phrase": "shut up", "speaker": "agent", "turn": 4},
            {"category": "greeting", "present": True},
            {"category": "closing", "present": False},
        ),
        "A mono recording: twelve seconds of unannounced silence, then an insult said with a forbidden phrase "
        "(one outburst, charged once as the insult).",
    ),
    Call(
        "zh_silence_backchannel", "zh", True, 46.0,
        (
            Turn("agent", 1.0, "您好，欢迎致电优选商城客服中心，工号一零零一为您服务，请问有什么可以帮您？",
                 ("zh_good_delivery", 1.0, 8.35)),
            Turn("customer", 9.0, "你们的洗衣机才用了三天就坏了，我已经打了四次电话了，到底什么时候有人来修？",
                 ("zh_insult_escalation", 5.63, 12.34)),
            Turn("agent", 11.0, "啊", ("zh_hold_fillers", 9.69, 10.05)),
            Turn("agent", 16.5, "非常抱歉给您带来不便，请问您怎么称呼？麻烦提供一下订单号。",
                 ("zh_good_delivery", 12.97, 18.52)),
            Turn("customer", 22.7, "我姓王，订单号是八八六二三五。", ("zh_good_delivery", 19.12, 22.38)),
            Turn("customer", 39.0, "喂？还在吗？", ("zh_hold_fillers", 26.94, 28.1)),
            Turn("agent", 40.8, "感谢您的来电，祝您生活愉快，再见。", ("zh_good_delivery", 39.07, 42.85)),
        ),
        (
            {"category": "greeting", "speaker": "agent", "turn": 0},
            {"category": "apology", "speaker": "agent", "turn": 3},
            {"category": "silence", "after": 4, "before": 5},
            {"category": "closing", "speaker": "agent", "turn": 6},
            {"category": "greeting", "present": True},
            {"category": "closing", "present": True},
        ),
        "A hold without any notice, and a short 啊 while the customer complains: a backchannel, not talk-over.",
    ),
    Call(
        "zh_deadair_overtalk_loud", "zh", True, 32.0,
        (
            Turn("agent", 7.0, "您好，售后服务中心，请问有什么可以帮您？", ("zh_insult_escalation", 1.0, 5.03)),
            Turn("customer", 12.5, "你们的洗衣机才用了三天就坏了，我已经打了四次电话了，到底什么时候有人来修？",
                 ("zh_insult_escalation", 5.63, 12.34)),
            Turn("agent", 17.5, "你这话什么意思，又不是我弄坏的。", ("zh_insult_escalation", 11.74, 14.81)),
            Turn("customer", 21.5, "我要投诉你！", ("zh_insult_escalation", 15.41, 16.29)),
            Turn("agent", 23.5, "神经病，随便你。", ("zh_insult_escalation", 16.89, 18.75), gain_db=12.0),
        ),
        (
            {"category": "dead_air", "before": 0},
            {"category": "greeting", "speaker": "agent", "turn": 0},
            {"category": "overtalk", "speaker": "agent", "turn": 2},
            {"category": "forbidden", "phrase": "你这话什么意思", "speaker": "agent", "turn": 2},
            {"category": "insult", "phrase": "神经病", "speaker": "agent", "turn": 4},
            {"category": "loudness", "speaker": "agent", "turn": 4},
            {"category": "greeting", "present": True},
            {"category": "closing", "present": False},
        ),
        "Dead air, the agent talks over the complaint for 1.7 s, then shouts an insult.",
    ),
)


def main() -> int:
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        print(f"needs {' and '.join(missing)} (apt-get install -y espeak-ng sox)", file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    for call in CALLS:
        write(call)
        print(f"wrote {OUT / call.id}.flac")
    return 0


if __name__ == "__main__":
    sys.exit(main())
