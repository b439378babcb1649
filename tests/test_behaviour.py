"""Behaviour rules on synthetic audio and transcripts: silence and holds, dead air, talk-over, rate, ratio, loudness."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from qaworkstation.core.domain import AGENT, CUSTOMER, UNKNOWN, BehaviourRule, Flag, Segment, Word
from qaworkstation.core.rules.behaviour import CallAudio, behaviour_flags, frame_levels, measure_audio, speech_intervals
from qaworkstation.core.rules.spotting import CallText

RATE = 8000
SILENCE = BehaviourRule("silence", "hold", 2.0, min_s=10.0, hold_notice=("请您稍等", "please hold"),
                        notice_deduction=1.0)
DEAD_AIR = BehaviourRule("dead_air", "opening", 1.0, min_s=5.0)
OVERTALK = BehaviourRule("overtalk", "listening", 1.0, min_s=0.5)
RATE_RULE = BehaviourRule("speech_rate", "pace", 1.0, low=120, high=360)
RATIO = BehaviourRule("talk_ratio", "listening", 1.0, high=0.85)
LOUD = BehaviourRule("loudness", "tone", 2.0, min_s=0.5, high=10.0)


def voice(seconds: float, level_db: float = -20.0, pitch: float = 140.0) -> np.ndarray:
    """Something like speech: harmonics of a voice pitch, modulated at a syllable rate."""
    t = np.arange(int(seconds * RATE)) / RATE
    harmonics = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in range(1, 6))
    syllables = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)
    signal = harmonics * syllables
    return (signal / np.sqrt(np.mean(signal ** 2)) * 10 ** (level_db / 20)).astype(np.float32)


def recording(tmp_path: Path, duration: float, turns: list[tuple[int, float, float, float]], noise_db: float = -60.0,
              channels: int = 2) -> Path:
    """A WAV file with ``(channel, start, seconds, level_db)`` voice turns over steady noise."""
    rng = np.random.default_rng(1)
    audio = rng.normal(0, 10 ** (noise_db / 20), (int(duration * RATE), channels)).astype(np.float32)
    for channel, start, seconds, level in turns:
        sound = voice(seconds, level)
        first = int(start * RATE)
        audio[first:first + len(sound), channel] += sound
    path = tmp_path / "call.wav"
    sf.write(str(path), audio, RATE, subtype="PCM_16")
    return path


def words(speaker: str, start: float, text: str, step: float = 0.25) -> Segment:
    """A segment whose characters (or English words) are spoken ``step`` seconds apart."""
    tokens = text.split() if " " in text else list(text)
    found = [Word(start + i * step, start + (i + 1) * step, token if " " not in text else f" {token}")
             for i, token in enumerate(tokens)]
    return Segment(speaker, start, found[-1].end, text, found)


def run(rule: BehaviourRule, segments: list[Segment], audio: CallAudio | None = None,
        call_end: float = 60.0) -> list[Flag]:
    return behaviour_flags([rule], CallText(segments), audio, call_end)


# --- speech activity ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("noise_db", [-60.0, -32.0])  # a clean leg, and one at 12 dB SNR
def test_speech_is_found_against_the_channels_own_noise_floor(tmp_path: Path, noise_db: float) -> None:
    path = recording(tmp_path, 12.0, [(0, 1.0, 2.0, -20.0), (0, 6.0, 3.0, -20.0)], noise_db, channels=1)
    [channel] = measure_audio(path).channels
    assert channel.speaker == UNKNOWN
    assert [(round(s, 1), round(e, 1)) for s, e in channel.speech] == [(1.0, 3.0), (6.0, 9.0)]


def test_a_channel_of_noise_only_has_no_speech() -> None:
    noise = np.random.default_rng(2).normal(0, 0.01, RATE * 10)
    assert speech_intervals(frame_levels(noise, RATE)) == []


def test_stereo_channels_are_agent_then_customer(tmp_path: Path) -> None:
    path = recording(tmp_path, 8.0, [(0, 1.0, 2.0, -20.0), (1, 4.0, 2.0, -25.0)])
    audio = measure_audio(path)
    assert [c.speaker for c in audio.channels] == [AGENT, CUSTOMER]
    assert audio.duration == pytest.approx(8.0)


# --- silence and hold ------------------------------------------------------------------------------------------

def test_a_long_silence_is_flagged_on_the_agent_with_its_length() -> None:
    segments = [words(AGENT, 1.0, "您好请问有什么可以帮您"), words(CUSTOMER, 20.0, "喂还在吗")]
    [flag] = run(SILENCE, segments)
    assert (flag.category, flag.speaker, flag.deduction) == ("silence", AGENT, 2.0)
    assert (flag.start, flag.end) == (pytest.approx(3.75), pytest.approx(20.0))
    assert flag.text == "16.2 s" and flag.phrase == "> 10 s"


def test_a_short_pause_is_not_a_silence() -> None:
    assert run(SILENCE, [words(AGENT, 1.0, "您好"), words(CUSTOMER, 9.0, "你好")]) == []


def test_an_announced_hold_gets_the_smaller_deduction_and_shows_the_notice() -> None:
    segments = [words(AGENT, 1.0, "好的请您稍等"), words(AGENT, 20.0, "感谢您的耐心等待")]
    [flag] = run(SILENCE, segments)
    assert flag.deduction == 1.0
    assert flag.text.endswith("请您稍等")


def test_a_notice_long_before_the_silence_does_not_announce_it() -> None:
    segments = [words(AGENT, 1.0, "请您稍等"), words(AGENT, 4.0, "我看到您的订单了好的", step=1.2), words(AGENT, 30.0, "好了")]
    assert [flag.deduction for flag in run(SILENCE, segments)] == [2.0]


def test_english_hold_notice() -> None:
    segments = [words(AGENT, 1.0, "one moment please hold"), words(AGENT, 25.0, "thank you for holding")]
    assert [flag.deduction for flag in run(SILENCE, segments)] == [1.0]


def test_silence_is_measured_from_the_audio_when_there_is_audio(tmp_path: Path) -> None:
    """The transcript says the agent's words end at 3 s, but the audio shows speech until 6 s (words missed)."""
    path = recording(tmp_path, 30.0, [(0, 1.0, 5.0, -20.0), (1, 20.0, 2.0, -20.0)])
    segments = [words(AGENT, 1.0, "您好请问"), words(CUSTOMER, 20.0, "你好")]
    [flag] = run(SILENCE, segments, measure_audio(path), 30.0)
    assert (flag.start, flag.end) == (pytest.approx(6.0, abs=0.05), pytest.approx(20.0, abs=0.05))


def test_a_noise_burst_no_word_explains_does_not_break_a_silence(tmp_path: Path) -> None:
    path = recording(tmp_path, 30.0, [(0, 1.0, 2.0, -20.0), (0, 10.0, 0.4, -20.0), (1, 20.0, 2.0, -20.0)])
    segments = [words(AGENT, 1.0, "您好请问"), words(CUSTOMER, 20.0, "你好")]
    assert len(run(SILENCE, segments, measure_audio(path), 30.0)) == 1


def test_mono_silence_is_still_the_agents() -> None:
    segments = [words(UNKNOWN, 1.0, "hello there"), words(UNKNOWN, 15.0, "are you there")]
    assert [flag.speaker for flag in run(SILENCE, segments)] == [AGENT]


# --- dead air --------------------------------------------------------------------------------------------------

def test_dead_air_when_nobody_speaks_at_the_start() -> None:
    [flag] = run(DEAD_AIR, [words(AGENT, 7.0, "您好")])
    assert (flag.category, flag.start, flag.end, flag.text) == ("dead_air", 0.0, 7.0, "7.0 s")


def test_a_prompt_answer_is_no_dead_air() -> None:
    assert run(DEAD_AIR, [words(AGENT, 2.0, "您好")]) == []


# --- talk-over -------------------------------------------------------------------------------------------------

def test_talking_over_the_customer_is_flagged_at_the_agents_start(tmp_path: Path) -> None:
    path = recording(tmp_path, 20.0, [(1, 2.0, 6.0, -20.0), (0, 6.5, 4.0, -20.0)])
    segments = [words(CUSTOMER, 2.0, "我要问一下我的订单到哪了怎么还没到啊"), words(AGENT, 6.5, "你这话什么意思")]
    [flag] = run(OVERTALK, segments, measure_audio(path), 20.0)
    assert (flag.category, flag.speaker) == ("overtalk", AGENT)
    assert (flag.start, flag.end) == (pytest.approx(6.5, abs=0.05), pytest.approx(8.0, abs=0.05))
    assert flag.text.startswith("你这话")


@pytest.mark.parametrize(
    "agent_turn",
    [
        (0, 4.0, 0.5, -20.0),  # a backchannel ("嗯") while the customer talks
        (0, 2.0, 4.0, -20.0),  # both start together
        (0, 8.3, 3.0, -20.0),  # the agent answers after the customer finished
        (0, 7.7, 3.0, -20.0),  # ... or just as the customer's last syllable fades (under min_s)
    ],
)
def test_near_misses_are_not_talk_over(tmp_path: Path, agent_turn: tuple[int, float, float, float]) -> None:
    path = recording(tmp_path, 20.0, [(1, 2.0, 6.0, -20.0), agent_turn])
    assert run(OVERTALK, [], measure_audio(path), 20.0) == []


def test_starting_in_a_breath_while_the_customer_goes_on_is_talk_over(tmp_path: Path) -> None:
    path = recording(tmp_path, 20.0, [(1, 2.0, 3.0, -20.0), (1, 5.3, 3.0, -20.0), (0, 5.3, 3.0, -20.0)])
    assert [flag.start for flag in run(OVERTALK, [], measure_audio(path), 20.0)] == [pytest.approx(5.3, abs=0.05)]


def test_talk_over_from_word_timestamps_without_audio() -> None:
    segments = [words(CUSTOMER, 2.0, "我要问一下我的订单到哪了怎么还没到"), words(AGENT, 4.0, "你这话什么意思啊")]
    assert [flag.start for flag in run(OVERTALK, segments)] == [4.0]


def test_mono_calls_have_no_talk_over(tmp_path: Path) -> None:
    path = recording(tmp_path, 20.0, [(0, 2.0, 6.0, -20.0)], channels=1)
    assert run(OVERTALK, [words(UNKNOWN, 2.0, "你好你好你好")], measure_audio(path), 20.0) == []


# --- speech rate and talk ratio --------------------------------------------------------------------------------

def test_speaking_too_fast_is_flagged_with_the_rate() -> None:
    fast = [words(AGENT, 1.0 + 6 * i, "您好欢迎致电优选商城请问有什么可以帮您", step=0.12) for i in range(6)]
    [flag] = run(RATE_RULE, fast)
    assert flag.category == "speech_rate" and flag.text == "500/min" and flag.phrase == "120–360/min"


def test_a_normal_pace_and_a_customer_racing_are_not_the_agents_problem() -> None:
    normal = [words(AGENT, 1.0 + 6 * i, "您好欢迎致电优选商城请问有什么可以帮您", step=0.25) for i in range(4)]
    racing = [words(CUSTOMER, 30.0 + 6 * i, "我想问一下我的订单怎么还没有到", step=0.1) for i in range(4)]
    assert run(RATE_RULE, normal + racing) == []


def test_too_little_speech_has_no_rate() -> None:
    assert run(RATE_RULE, [words(AGENT, 1.0, "您好欢迎致电", step=0.05)]) == []


def test_english_rate_counts_words() -> None:
    fast = [words(AGENT, 1.0 + 5 * i, "thank you for calling how can I help you today", step=0.15) for i in range(8)]
    rule = BehaviourRule("speech_rate", "pace", 1.0, low=90, high=240)
    assert [flag.text for flag in run(rule, fast)] == ["400/min"]


def test_an_agent_who_does_all_the_talking(tmp_path: Path) -> None:
    path = recording(tmp_path, 40.0, [(0, 1.0, 30.0, -20.0), (1, 32.0, 2.0, -20.0)])
    [flag] = run(RATIO, [], measure_audio(path), 40.0)
    assert (flag.category, flag.text, flag.start, flag.end) == ("talk_ratio", "94%", 0.0, 40.0)


def test_a_balanced_conversation_is_fine(tmp_path: Path) -> None:
    path = recording(tmp_path, 40.0, [(0, 1.0, 15.0, -20.0), (1, 17.0, 10.0, -20.0)])
    assert run(RATIO, [], measure_audio(path), 40.0) == []


# --- loudness ----------------------------------------------------------------------------------------------------

def test_a_shout_is_flagged_against_the_agents_own_level(tmp_path: Path) -> None:
    turns = [(0, 1.0, 5.0, -26.0), (0, 7.0, 2.0, -12.0), (0, 10.0, 6.0, -26.0)]
    [flag] = run(LOUD, [], measure_audio(recording(tmp_path, 20.0, turns)), 20.0)
    assert (flag.category, flag.speaker) == ("loudness", AGENT)
    assert 6.8 <= flag.start <= 7.3 and 8.7 <= flag.end <= 9.2
    assert flag.text == "+14 dB"


def test_a_steady_voice_and_a_loud_customer_are_not_the_agent_shouting(tmp_path: Path) -> None:
    turns = [(0, 1.0, 5.0, -26.0), (1, 7.0, 2.0, -8.0), (1, 10.0, 4.0, -30.0), (0, 15.0, 4.0, -24.0)]
    assert run(LOUD, [], measure_audio(recording(tmp_path, 20.0, turns)), 20.0) == []


def test_loudness_needs_the_audio() -> None:
    assert run(LOUD, [words(AGENT, 1.0, "您好")]) == []


# --- the caller's anger -----------------------------------------------------------------------------------------

ANGER = BehaviourRule("customer_anger", "empathy", 0.0, speaker=CUSTOMER, min_s=0.5, high=10.0,
                      phrases=("我要投诉", "make a complaint"))


def test_anger_of_a_caller_who_shouts_is_a_moment_to_listen_to(tmp_path: Path) -> None:
    turns = [(0, 1.0, 4.0, -24.0), (1, 6.0, 3.0, -28.0), (1, 10.0, 2.0, -12.0), (1, 13.0, 3.0, -28.0)]
    [flag] = run(ANGER, [], measure_audio(recording(tmp_path, 18.0, turns)), 18.0)
    assert (flag.category, flag.speaker, flag.deduction) == ("customer_anger", CUSTOMER, 0.0)
    assert 9.8 <= flag.start <= 10.3 and 11.7 <= flag.end <= 12.2
    assert flag.text == "+16 dB"


def test_anger_in_so_many_words_needs_no_audio_and_never_counts_the_agent() -> None:
    segments = [words(AGENT, 1.0, "您好请问有什么可以帮您"), words(CUSTOMER, 4.0, "我要投诉你们"),
                words(AGENT, 7.0, "我要投诉谁呢")]
    [flag] = run(ANGER, segments)
    assert (flag.speaker, round(flag.start, 2)) == (CUSTOMER, 4.0) and "我要投诉" in flag.text


def test_anger_is_not_a_calm_caller_or_a_loud_agent(tmp_path: Path) -> None:
    turns = [(0, 1.0, 3.0, -26.0), (0, 5.0, 2.0, -8.0), (1, 8.0, 3.0, -28.0), (1, 12.0, 3.0, -27.0)]
    segments = [words(CUSTOMER, 8.0, "我想问一下订单"), words(CUSTOMER, 12.0, "好的谢谢")]
    assert run(ANGER, segments, measure_audio(recording(tmp_path, 16.0, turns)), 16.0) == []


def test_anger_from_a_fast_caller_counts_only_with_a_raised_voice(tmp_path: Path) -> None:
    calm = [words(CUSTOMER, 2.0, "我想问一下我的订单", 0.25), words(CUSTOMER, 6.0, "什么时候能到呢", 0.25),
            words(CUSTOMER, 10.0, "好的那我再等等", 0.25)]
    fast = words(CUSTOMER, 14.0, "你们到底什么时候给我送过来啊", 0.1)
    raised = [(1, 2.0, 2.3, -28.0), (1, 6.0, 1.8, -28.0), (1, 10.0, 1.8, -28.0), (1, 14.0, 1.5, -22.0)]
    level = [(1, 2.0, 2.3, -28.0), (1, 6.0, 1.8, -28.0), (1, 10.0, 1.8, -28.0), (1, 14.0, 1.5, -28.0)]
    audio_raised = measure_audio(recording(tmp_path, 17.0, raised))
    [flag] = run(ANGER, [*calm, fast], audio_raised, 17.0)
    assert flag.start == pytest.approx(14.0, abs=0.3) and "×" in flag.text
    (tmp_path / "level").mkdir()
    assert run(ANGER, [*calm, fast], measure_audio(recording(tmp_path / "level", 17.0, level)), 17.0) == []
