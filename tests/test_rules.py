"""Phrase rules against the corpus ground truth, in the spellings whisper actually produces, and near-misses."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from qaworkstation.core.domain import (AGENT, CUSTOMER, EXACT, UNKNOWN, Flag, PhraseRule, Rubric, RubricItem,
                                       RubricSection, Segment, Word)
from qaworkstation.core.rules.flags import accepts_speaker, exact_matches, find_flags
from qaworkstation.core.textnorm import is_cjk, segment_stream, to_script

CALLS = Path(os.environ.get("QAWS_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")) / "calls"
CALL_IDS = sorted(path.name.removesuffix(".truth.json") for path in CALLS.glob("*.truth.json"))
PHRASE_EVENT_CATEGORIES = ("greeting", "closing", "apology", "forbidden", "insult", "filler")

# --- fixtures -------------------------------------------------------------------------------------------

ITEMS = (
    RubricItem("opening", "Opening", 5, "C"),
    RubricItem("closing", "Closing", 5, "C"),
    RubricItem("empathy", "Empathy and apology", 10, "B"),
    RubricItem("language", "Service language", 20, "A"),
    RubricItem("attitude", "Attitude", 20, "A", critical=True),
    RubricItem("fluency", "Fluency", 5, "C"),
)


def make_rubric(*rules: PhraseRule) -> Rubric:
    return Rubric("test", "Test rubric", "zh", 80.0, (RubricSection("All", ITEMS),), rules)


GREETING = PhraseRule(
    "greeting", "opening", ("您好", "欢迎致电", "有什么可以帮您", "thank you for calling", "how can I help you"),
    deduction=2.0, window_s=20.0,
)
CLOSING = PhraseRule(
    "closing", "closing", ("感谢您的来电", "再见", "还有其他可以帮您", "have a wonderful day", "have a nice day",
                           "is there anything else", "goodbye"),
    deduction=3.0, window_s=30.0,
)
APOLOGY = PhraseRule("apology", "empathy", ("非常抱歉", "对不起", "不好意思", "sorry", "I apologize"), deduction=2.0)
FORBIDDEN = PhraseRule(
    "forbidden", "language",
    ("喂", "不清楚", "不知道", "你这话什么意思", "那你想好了再打来吧", "再打来", "what do you want", "I don't know",
     "don't know", "not my problem", "call back later"),
    deduction=5.0,
)
INSULT = PhraseRule("insult", "attitude", ("神经病", "有病", "滚", "stupid", "idiot", "hell"), deduction=20.0)
FILLER = PhraseRule("filler", "fluency", ("这个", "那个", "嗯", "啊", "um", "uh"), deduction=0.5)
RUBRIC = make_rubric(GREETING, CLOSING, APOLOGY, FORBIDDEN, INSULT, FILLER)


def load_truth(call_id: str) -> dict:
    return json.loads((CALLS / f"{call_id}.truth.json").read_text(encoding="utf-8"))


def spread(units: list[str], start: float, end: float) -> list[Word]:
    step = (end - start) / len(units)
    return [Word(start + i * step, start + (i + 1) * step, unit) for i, unit in enumerate(units)]


def whisper_units(text: str, chunk: int = 1) -> list[str]:
    """Words cut the way whisper cuts them: CJK in runs of ``chunk`` characters, English per token with its
    leading space and trailing punctuation (" know,")."""
    if any(is_cjk(char) for char in text):
        units: list[str] = []
        for char in text:
            if units and (not char.isalnum() or sum(c.isalnum() for c in units[-1]) < chunk):
                units[-1] += char
            else:
                units.append(char)
        return units
    head, *tail = text.split(" ")
    return [head, *(" " + token for token in tail if token)]


def turn_segments(
    truth: dict, transform: Callable[[str], str] = str, chunk: int = 1, speaker: str | None = None
) -> list[Segment]:
    segments = []
    for turn in truth["turns"]:
        text = transform(turn["text"])
        words = spread(whisper_units(text, chunk), turn["start"], turn["end"])
        segments.append(Segment(speaker or turn["speaker"], turn["start"], turn["end"], text, words, truth["lang"]))
    return segments


def fullwidth(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def jitter(text: str) -> str:
    """Punctuation and spaces where the script had none, in both widths, as whisper inserts them."""
    marks = ("，", " ", "、", ", ", "　")
    out = []
    for i, char in enumerate(text):
        out.append(char)
        if is_cjk(char) and i % 3 == 2:
            out.append(marks[i % len(marks)])
    return "".join(out)


def strip_punctuation(text: str) -> str:
    return "".join(char for char in text if char.isalnum() or char in " '")


def english_asr_style(text: str) -> str:
    """Upper-case, no punctuation, apostrophes dropped: "I DONT KNOW THAT IS NOT MY PROBLEM"."""
    return strip_punctuation(text).replace("'", "").upper()


VARIANTS: dict[str, tuple[Callable[[str], str], int]] = {
    "script": (str, 1),
    "traditional": (lambda text: to_script(text, "traditional"), 1),
    "traditional-words": (lambda text: to_script(text, "traditional"), 3),
    "jittered": (jitter, 2),
    "bare": (strip_punctuation, 2),
    "fullwidth": (fullwidth, 1),
    "english-asr": (english_asr_style, 1),
}


def overlaps(flag: Flag, start: float, end: float) -> bool:
    return flag.start < end and start < flag.end


def phrase_events(truth: dict) -> list[dict]:
    return [event for event in truth["events"] if event["category"] in PHRASE_EVENT_CATEGORIES and "start" in event]


def call_level(truth: dict) -> dict[str, bool]:
    return {event["category"]: event["present"] for event in truth["events"] if "present" in event}


def find_event(flags: list[Flag], event: dict, speaker: str) -> list[Flag]:
    return [
        flag for flag in flags
        if flag.category == event["category"] and flag.speaker == speaker
        and overlaps(flag, event["start"], event["end"])
        and flag.phrase == event.get("phrase", flag.phrase)
    ]


needs_corpus = pytest.mark.usefixtures("corpus")  # conftest: fails with a hint when the corpus is missing


# --- the corpus ground truth ----------------------------------------------------------------------------

@needs_corpus
@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_every_truth_event_is_flagged_with_its_speaker_and_time(call_id: str, variant: str) -> None:
    truth = load_truth(call_id)
    transform, chunk = VARIANTS[variant]
    flags, _ = find_flags(turn_segments(truth, transform, chunk), RUBRIC, truth["duration"])
    for event in phrase_events(truth):
        assert find_event(flags, event, event["speaker"]), f"{event} not flagged; flags: {flags}"


@needs_corpus
@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_call_level_checks_match_the_truth(call_id: str, variant: str) -> None:
    truth = load_truth(call_id)
    transform, chunk = VARIANTS[variant]
    _, checks = find_flags(turn_segments(truth, transform, chunk), RUBRIC, truth["duration"])
    assert {check.category: check.present for check in checks} == call_level(truth)


@needs_corpus
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_no_violation_is_invented_and_customers_are_never_flagged(call_id: str) -> None:
    truth = load_truth(call_id)
    flags, _ = find_flags(turn_segments(truth), RUBRIC, truth["duration"])
    assert not [flag for flag in flags if flag.speaker == CUSTOMER]
    expected = [event for event in phrase_events(truth) if event["category"] in ("forbidden", "insult")]
    for flag in flags:
        if flag.category in ("forbidden", "insult"):
            assert any(flag.phrase == event["phrase"] and overlaps(flag, event["start"], event["end"])
                       for event in expected), f"unexpected {flag}"


@needs_corpus
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_mono_transcripts_flag_agent_rules_as_unknown_speaker(call_id: str) -> None:
    """Mono calls have no speaker split: agent rules must still fire, attributed to nobody in particular."""
    truth = load_truth(call_id)
    flags, checks = find_flags(turn_segments(truth, speaker=UNKNOWN), RUBRIC, truth["duration"])
    for event in phrase_events(truth):
        assert find_event(flags, event, UNKNOWN), f"{event} not flagged"
    assert {check.category: check.present for check in checks} == call_level(truth)


@needs_corpus
def test_forbidden_call_flags_with_items_deductions_and_recognised_text() -> None:
    truth = load_truth("zh_forbidden_no_closing")
    segments = turn_segments(truth, lambda text: to_script(text, "traditional"))
    flags, checks = find_flags(segments, RUBRIC, truth["duration"])
    forbidden = [flag for flag in flags if flag.category == "forbidden"]
    assert [(flag.phrase, flag.text, flag.item, flag.deduction) for flag in forbidden] == [
        ("喂", "喂", "language", 5.0),
        ("不清楚", "不清楚", "language", 5.0),
        ("那你想好了再打来吧", "那你想好了再打來吧", "language", 5.0),  # the longer phrase wins over 再打来
    ]
    assert forbidden[0].start == pytest.approx(1.0)
    # 这个我不清楚，你去问快递吧。: 12 one-character words (punctuation rides on the word before), 不 is the 4th.
    assert forbidden[1].start == pytest.approx(6.67 + 3 * (9.33 - 6.67) / 12)
    assert {check.category: (check.present, check.item, check.deduction) for check in checks} == {
        "greeting": (False, "opening", 2.0),
        "closing": (False, "closing", 3.0),
    }


@needs_corpus
def test_customer_turns_with_forbidden_words_are_not_flagged() -> None:
    fillers = load_truth("zh_hold_fillers")  # the customer says 喂？还在吗？ after the hold
    forbidden = load_truth("zh_forbidden_no_closing")  # the customer says 怎么会不清楚呢？
    for truth in (fillers, forbidden):
        flags, _ = find_flags(turn_segments(truth), RUBRIC, truth["duration"])
        customer_turns = [turn for turn in truth["turns"] if turn["speaker"] == CUSTOMER]
        assert not [flag for flag in flags for turn in customer_turns if overlaps(flag, turn["start"], turn["end"])]


@needs_corpus
def test_repeated_filler_is_flagged_each_time() -> None:
    truth = load_truth("zh_hold_fillers")
    flags, _ = find_flags(turn_segments(truth), RUBRIC, truth["duration"])
    assert [flag.phrase for flag in flags if flag.category == "filler"] == ["啊", "这个", "这个"]


@needs_corpus
@pytest.mark.parametrize("call_id", ["zh_good_delivery", "en_good_billing"])
def test_polite_calls_have_no_violation_and_expected_flags_carry_no_deduction(call_id: str) -> None:
    truth = load_truth(call_id)
    flags, checks = find_flags(turn_segments(truth), RUBRIC, truth["duration"])
    assert {flag.category for flag in flags} == {"greeting", "apology", "closing"}
    assert all(flag.deduction == 0.0 for flag in flags)
    assert all(check.present and check.deduction == 0.0 for check in checks)


# --- real whisper-base output on the corpus (8 kHz, per channel), words and times as printed ----------------

def whisper_segment(speaker: str, words: list[tuple[float, float, str]]) -> Segment:
    return Segment(speaker, words[0][0], words[-1][1], "".join(text for _, _, text in words).strip(),
                   [Word(start, end, text) for start, end, text in words])


WHISPER_SEGMENTS = [
    whisper_segment(AGENT, [(0.62, 1.14, "喂,"), (1.54, 1.7, "收"), (1.7, 1.88, "綁,"), (2.28, 2.56, "什麼"),
                            (2.56, 2.82, "事"), (2.82, 3.0, "的?")]),
    whisper_segment(AGENT, [(6.34, 6.86, "這個"), (6.86, 7.18, "我不"), (7.18, 7.64, "清楚,"), (8.14, 8.24, "你"),
                            (8.24, 8.44, "去"), (8.44, 8.58, "問"), (8.58, 8.82, "快"), (8.82, 8.98, "地"),
                            (8.98, 9.2, "吧。")]),
    whisper_segment(CUSTOMER, [(9.64, 10.08, "你们"), (10.08, 10.36, "是"), (10.36, 10.52, "客"),
                               (10.52, 10.74, "服"), (10.74, 10.92, "务,"), (11.0, 11.34, "怎么"), (11.34, 11.54, "会"),
                               (11.54, 11.72, "不"), (11.72, 12.02, "清楚"), (12.02, 12.3, "的?")]),
    whisper_segment(AGENT, [(11.36, 11.86, "你"), (11.86, 12.02, "這"), (12.02, 12.22, "話"), (12.22, 12.52, "什麼"),
                            (12.52, 12.88, "意思,"), (13.46, 13.58, "又"), (13.58, 13.86, "不是"), (13.86, 14.04, "我"),
                            (14.04, 14.22, "怒"), (14.22, 14.5, "壞"), (14.5, 14.72, "悲。")]),
    whisper_segment(AGENT, [(16.6, 17.1, "神"), (17.1, 17.24, "經"), (17.24, 17.46, "病,"), (17.76, 18.28, "隨"),
                            (18.28, 18.48, "便"), (18.48, 18.72, "你。")]),
    whisper_segment(AGENT, [(19.56, 20.04, "哎"), (20.52, 20.76, " 这个"), (20.98, 21.34, " 这个"), (21.34, 21.54, "机"),
                            (21.54, 21.7, "械"), (21.7, 21.96, "呀")]),
    whisper_segment(UNKNOWN, [(26.08, 26.34, " I"), (26.34, 26.66, " don't"), (26.66, 26.92, " know,"),
                              (27.26, 27.44, " nothing"), (27.44, 27.7, " out"), (27.7, 27.9, " my"),
                              (27.9, 28.36, " problem.")]),
]


def test_real_whisper_output_is_flagged_at_the_words_it_came_from() -> None:
    """Exact hits where whisper got the words right, a near spelling ("nothing out my problem") where it did not."""
    flags, _ = find_flags(WHISPER_SEGMENTS, RUBRIC, 60.0)
    assert [(flag.category, flag.phrase, flag.text, flag.speaker, flag.start, flag.end) for flag in flags] == [
        ("forbidden", "喂", "喂", AGENT, 0.62, 1.14),
        ("filler", "这个", "這個", AGENT, 6.34, 6.86),
        ("forbidden", "不清楚", "我不清楚", AGENT, 6.86, 7.64),  # whisper's word 我不 carries the hit's start
        ("forbidden", "你这话什么意思", "你這話什麼意思", AGENT, 11.36, 12.88),
        ("insult", "神经病", "神經病", AGENT, 16.6, 17.46),
        ("filler", "这个", "这个", AGENT, 20.52, 20.76),
        ("filler", "这个", "这个", AGENT, 20.98, 21.34),
        ("forbidden", "I don't know", "I don't know", UNKNOWN, 26.08, 26.92),
        ("forbidden", "not my problem", "nothing out my problem", UNKNOWN, 27.26, 28.36),
    ]
    assert [flag.similarity for flag in flags][-1] == pytest.approx(0.84, abs=0.01)
    assert all(flag.similarity == 1.0 for flag in flags[:-1])


# --- matching details -----------------------------------------------------------------------------------

def segment(text: str, speaker: str = AGENT, start: float = 1.0, end: float = 3.0, chunk: int = 1) -> Segment:
    return Segment(speaker, start, end, text, spread(whisper_units(text, chunk), start, end))


def flagged(*segments: Segment, rubric: Rubric = RUBRIC, duration: float = 60.0) -> list[tuple[str, str]]:
    flags, _ = find_flags(list(segments), rubric, duration)
    return [(flag.category, flag.phrase) for flag in flags]


@pytest.mark.parametrize(
    "text",
    [
        "Hello, thanks for waiting.",
        "That shell company again.",
        "It was a hellish week.",
        "He'll call you back.",  # "he will", never "hell"
        "Please call back laterally.",
        "我们不建议喂养这种狗。",
        "页面可以向下滚动查看。",
    ],
)
def test_near_misses_do_not_fire(text: str) -> None:
    assert flagged(segment(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Go to hell!", [("insult", "hell")]),
        ("HELL no", [("insult", "hell")]),
        ("I dont know", [("forbidden", "I don't know")]),
        ("I do not know", [("forbidden", "I don't know")]),
        ("Well, I don’t know.", [("forbidden", "I don't know")]),
        ("You STUPID idiot", [("insult", "stupid"), ("insult", "idiot")]),
        ("喂，说吧", [("forbidden", "喂")]),
        ("喂说吧什么事", [("forbidden", "喂")]),  # punctuation dropped: still opens the utterance
        ("好的 喂 你还在吗", [("forbidden", "喂")]),
        ("你给我滚！", [("insult", "滚")]),
        ("你這人有病吧", [("insult", "有病")]),
    ],
)
def test_hits(text: str, expected: list[tuple[str, str]]) -> None:
    assert flagged(segment(text)) == expected


@pytest.mark.parametrize("text", ["What do you wanted?", "These are not my problems."])
def test_inflected_words_fire_by_default_but_not_in_exact_mode(text: str) -> None:
    """A changed ending is how whisper often mishears a phrase; exact mode is for rubrics that want none of it."""
    exact = make_rubric(replace(FORBIDDEN, match=EXACT))
    assert flagged(segment(text), rubric=exact) == []
    assert [category for category, _ in flagged(segment(text))] == ["forbidden"]


def test_cjk_phrases_match_inside_longer_runs() -> None:
    """Without spaces there are no word boundaries to rely on: 不知道 inside 我也不知道啊 must fire."""
    assert ("forbidden", "不知道") in flagged(segment("我也不知道啊"))


def test_overlapping_phrases_of_one_category_keep_the_longest() -> None:
    assert flagged(segment("I don't know, sorry.")) == [("forbidden", "I don't know"), ("apology", "sorry")]
    assert flagged(segment("那你想好了再打来吧")) == [("forbidden", "那你想好了再打来吧")]


def test_overlapping_phrases_of_different_categories_are_both_kept() -> None:
    rubric = make_rubric(PhraseRule("forbidden", "language", ("你有病吧",), 5.0),
                         PhraseRule("insult", "attitude", ("有病",), 20.0))
    assert sorted(flagged(segment("你有病吧"), rubric=rubric)) == [("forbidden", "你有病吧"), ("insult", "有病")]


def test_flag_points_at_the_recognised_words() -> None:
    words = [Word(6.0, 6.2, " I"), Word(6.2, 6.6, " don't"), Word(6.6, 7.0, " know,"), Word(7.0, 7.3, " that"),
             Word(7.3, 7.5, " is"), Word(7.5, 7.7, " not"), Word(7.7, 7.9, " my"), Word(7.9, 8.5, " problem.")]
    flags, _ = find_flags([Segment(UNKNOWN, 6.0, 8.5, "I don't know, that is not my problem.", words)], RUBRIC, 13.45)
    assert flags == [
        Flag("forbidden", "I don't know", "I don't know", UNKNOWN, 6.0, 7.0, "language", 5.0),
        Flag("forbidden", "not my problem", "not my problem", UNKNOWN, 7.5, 8.5, "language", 5.0),
    ]


def test_segment_without_words_falls_back_to_its_text() -> None:
    text = "你这话什么意思，又不是我弄坏的。"
    flags, _ = find_flags([Segment(AGENT, 11.74, 14.81, text)], RUBRIC, 19.55)
    step = (14.81 - 11.74) / len(text)
    [flag] = flags
    assert (flag.phrase, flag.text) == ("你这话什么意思", "你这话什么意思")
    assert (flag.start, flag.end) == (pytest.approx(11.74), pytest.approx(11.74 + 7 * step))


# --- speakers -------------------------------------------------------------------------------------------

def test_speaker_acceptance() -> None:
    for_customer = PhraseRule("insult", "attitude", ("滚",), 1.0, speaker=CUSTOMER)
    for_mono = PhraseRule("insult", "attitude", ("滚",), 1.0, speaker=UNKNOWN)
    for_anyone = PhraseRule("insult", "attitude", ("滚",), 1.0, speaker="any")
    assert accepts_speaker(INSULT, AGENT) and accepts_speaker(INSULT, UNKNOWN)
    assert not accepts_speaker(INSULT, CUSTOMER)
    assert accepts_speaker(for_customer, CUSTOMER) and accepts_speaker(for_customer, UNKNOWN)
    assert not accepts_speaker(for_customer, AGENT)
    assert accepts_speaker(for_mono, UNKNOWN)
    assert not accepts_speaker(for_mono, AGENT) and not accepts_speaker(for_mono, CUSTOMER)
    assert all(accepts_speaker(for_anyone, speaker) for speaker in (AGENT, CUSTOMER, UNKNOWN))


def test_customer_rules_fire_on_the_customer_only() -> None:
    rubric = make_rubric(PhraseRule("insult", "attitude", ("滚",), 1.0, speaker=CUSTOMER))
    assert flagged(segment("滚！", AGENT), rubric=rubric) == []
    flags, _ = find_flags([segment("滚！", CUSTOMER)], rubric, 60.0)
    assert [flag.speaker for flag in flags] == [CUSTOMER]


def test_unknown_rule_speaker_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown speaker"):
        find_flags([], make_rubric(PhraseRule("insult", "attitude", ("滚",), 1.0, speaker="supervisor")), 10.0)


# --- windows and checks ---------------------------------------------------------------------------------

def checks_of(*segments: Segment, duration: float) -> dict[str, tuple[bool, str | None, float]]:
    _, checks = find_flags(list(segments), RUBRIC, duration)
    return {check.category: (check.present, check.item, check.deduction) for check in checks}


def test_greeting_outside_its_window_is_neither_flag_nor_check() -> None:
    late = segment("您好，请问有什么可以帮您？", start=25.0, end=28.0)
    assert flagged(late) == []
    assert checks_of(late, duration=60.0)["greeting"] == (False, "opening", 2.0)


def test_greeting_starting_inside_the_window_counts() -> None:
    assert checks_of(segment("您好", start=19.5, end=20.5), duration=60.0)["greeting"] == (True, "opening", 0.0)


def test_closing_must_be_near_the_end() -> None:
    early = segment("感谢您的来电，再见。", start=10.0, end=12.0)
    late = segment("感谢您的来电，再见。", start=50.0, end=52.0)
    assert flagged(early, duration=60.0) == []
    assert checks_of(early, duration=60.0)["closing"] == (False, "closing", 3.0)
    assert flagged(late, duration=60.0) == [("closing", "感谢您的来电"), ("closing", "再见")]
    assert checks_of(late, duration=60.0)["closing"] == (True, "closing", 0.0)


def test_unknown_duration_falls_back_to_the_last_segment() -> None:
    closing = segment("再见", start=100.0, end=101.0)
    assert checks_of(segment("您好", start=1.0, end=2.0), closing, duration=0.0)["closing"][0]


def test_a_customer_greeting_does_not_satisfy_the_agent_check() -> None:
    assert checks_of(segment("您好", CUSTOMER), duration=60.0)["greeting"] == (False, "opening", 2.0)


def test_only_windowed_expected_categories_get_checks() -> None:
    _, checks = find_flags([], make_rubric(APOLOGY, FORBIDDEN, GREETING), 10.0)
    assert [check.category for check in checks] == ["greeting"]


def test_whispers_homophone_is_heard_by_default_and_not_in_exact_mode() -> None:
    """Whisper prints 閒經病 for 神经病 on the corpus: normal matching hears it by pinyin, exact matching does not."""
    flags, _ = find_flags([segment("閒經病，隨便你。")], RUBRIC, 19.55)
    assert [(flag.phrase, flag.text) for flag in flags] == [("神经病", "閒經病")]
    assert 0.8 <= flags[0].similarity < 1.0
    exact = make_rubric(replace(INSULT, match=EXACT))
    assert find_flags([segment("閒經病，隨便你。")], exact, 19.55)[0] == []


def test_exact_matches_stand_alone() -> None:
    stream = segment_stream(segment("不要喂养，喂，hello hell"))
    assert list(exact_matches(stream, "喂")) == [(4, 5)]
    assert list(exact_matches(stream, "hell")) == [(11, 15)]


def test_flag_confidence_is_the_similarity_times_how_sure_the_recogniser_was() -> None:
    """The same phrase heard clearly and heard on a bad line: same flag, the bad line's less sure; a phrase
    matched by sound is never surer than its similarity."""
    def said(words: list[tuple[float, float, str]], probability: float) -> Segment:
        return Segment(AGENT, words[0][0], words[-1][1], "".join(text for _, _, text in words),
                       [Word(start, end, text, probability) for start, end, text in words])

    clear = said([(1.0, 1.3, "我"), (1.3, 1.6, "不"), (1.6, 2.0, "清楚")], 0.95)
    poor = said([(5.0, 5.3, "我"), (5.3, 5.6, "不"), (5.6, 6.0, "清楚")], 0.35)
    misheard = said([(9.0, 9.3, "神"), (9.3, 9.6, "经"), (9.6, 10.0, "冰")], 0.9)
    flags, _ = find_flags([clear, poor, misheard], RUBRIC, 60.0)
    by_start = {flag.start: flag for flag in flags}  # 不清楚 starts at its second word
    assert by_start[1.3].confidence == pytest.approx(0.95) and by_start[1.3].similarity == 1.0
    assert by_start[5.3].phrase == "不清楚" and by_start[5.3].confidence == pytest.approx(0.35)
    insult = by_start[9.0]
    assert insult.category == "insult" and insult.similarity < 1.0
    assert insult.confidence == pytest.approx(insult.similarity * 0.9, abs=0.001)
