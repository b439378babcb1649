"""Normalisation must make whisper's arbitrary spelling choices invisible while keeping the way back to the words."""

from __future__ import annotations

import pytest

from qaworkstation.core.domain import Segment, Word
from qaworkstation.core.textnorm import (
    build_stream,
    is_cjk,
    is_word_char,
    normalize,
    segment_stream,
    spread_words,
    to_script,
)


def timed_words(*texts: str, start: float = 0.0, step: float = 0.5) -> list[Word]:
    """Words back to back, ``step`` seconds each, as whisper would time them."""
    return [Word(start + i * step, start + (i + 1) * step, text) for i, text in enumerate(texts)]


# --- script conversion ----------------------------------------------------------------------------------

def test_to_script_converts_both_ways_and_leaves_as_is_alone() -> None:
    assert to_script("你這話什麼意思", "simplified") == "你这话什么意思"
    assert to_script("你这话什么意思", "traditional") == "你這話什麼意思"
    assert to_script("你這話什么意思", "as-is") == "你這話什么意思"


def test_to_script_keeps_latin_and_punctuation() -> None:
    assert to_script("Hello，這個 iPhone 3！", "simplified") == "Hello，这个 iPhone 3！"


def test_to_script_rejects_an_unknown_script() -> None:
    with pytest.raises(ValueError, match="unknown script"):
        to_script("你好", "klingon")


# --- normalisation --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你這話什麼意思？", "你这话什么意思"),  # traditional -> simplified
        ("你 这话，什么 意思。", "你这话什么意思"),  # spaces and punctuation between CJK
        ("神經病、隨便你！", "神经病随便你"),
        ("ＡＢＣ　ｄｅｆ！", "abc def"),  # full-width letters, ideographic space
        ("工号１００１为您服务", "工号1001为您服务"),  # full-width digits kept as digits
        ("Hello,   World!", "hello world"),
        ("  Thank you for calling Northwind support.", "thank you for calling northwind support"),
        ("我的iPhone坏了", "我的iphone坏了"),
        ("follow-up", "follow up"),
        ("？！。，", ""),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "variant", ["I don't know", "I do not know", "I dont know", "I DON'T KNOW.", "I don\u2019t know", "i don＇t know"]
)
def test_contractions_share_one_canonical_form(variant: str) -> None:
    assert normalize(variant) == "i do not know"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can't", "can not"),
        ("cannot", "can not"),
        ("cant", "can not"),
        ("won't", "will not"),
        ("isn't", "is not"),
        ("I'm sorry", "i am sorry"),
        ("you're welcome", "you are welcome"),
        ("it's fine", "it is fine"),
        ("that's all", "that is all"),
        ("let's go", "let us go"),
        ("John's order", "johns order"),  # a possessive, not "John is"
    ],
)
def test_contraction_expansions(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("word", ["hell", "shell", "well", "were", "its", "ill", "id"])
def test_real_words_that_look_like_bare_contractions_are_left_alone(word: str) -> None:
    """"we'll" without its apostrophe is "well": expanding it would invent words the speaker never said."""
    assert normalize(word) == word


def test_character_classes() -> None:
    assert is_cjk("喂") and is_cjk("〇") and not is_cjk("a") and not is_cjk("，")
    assert is_word_char("a") and is_word_char("7") and not is_word_char("喂") and not is_word_char("'")


# --- the index-preserving stream ------------------------------------------------------------------------

def test_stream_maps_english_matches_back_to_words() -> None:
    words = timed_words(" I", " don't", " know,", " that", " is", " not", " my", " problem.", start=6.0)
    stream = build_stream(words)
    assert stream.text == "i do not know that is not my problem"
    assert len(stream.owners) == len(stream.text)

    first = stream.text.index("do not know")
    last = first + len("do not know")
    assert stream.times(first, last) == (6.5, 7.5)
    assert stream.source_text(first, last) == "don't know"  # edge punctuation is not part of the hit

    first = stream.text.index("is not")
    assert stream.source_text(first, len(stream.text)) == "is not my problem"


def test_stream_maps_traditional_multi_character_words_back() -> None:
    words = timed_words("你", "這話", "什麼", "意思", "，", "又", "不是", "我", "弄壞", "的", "。", start=11.0)
    stream = build_stream(words)
    assert stream.text == "你这话什么意思又不是我弄坏的"

    first = stream.text.index("什么意思")
    last = first + len("什么意思")
    assert stream.times(first, last) == (12.0, 13.0)
    assert stream.source_text(first, last) == "什麼意思"  # as recognised, not as normalised
    assert stream.owners[stream.text.index("坏")] == 8


def test_stream_of_mixed_script_keeps_owner_per_character() -> None:
    stream = build_stream(timed_words("我的", " iPhone", "壞了"))
    assert stream.text == "我的iphone坏了"
    assert stream.owners == (0, 0, 1, 1, 1, 1, 1, 1, 2, 2)


def test_stream_records_pause_marks_that_normalisation_removes() -> None:
    assert build_stream(timed_words("喂", "，", "說吧")).breaks == {0, 1, 3}
    assert build_stream(timed_words("喂", "養")).breaks == {0, 2}


def test_segment_without_words_spreads_times_over_its_text() -> None:
    segment = Segment("agent", 1.0, 2.0, "喂，说吧")
    stream = segment_stream(segment)
    assert stream.text == "喂说吧"
    assert stream.times(0, 1) == (1.0, 1.25)
    assert stream.times(1, 3) == (1.5, 2.0)
    assert stream.source_text(0, 3) == "喂，说吧"
    assert stream.source_text(0, 1) == "喂"


def test_segment_with_words_uses_them_not_its_text() -> None:
    segment = Segment("agent", 0.0, 9.0, "unused text", timed_words(" Hi", " there"))
    assert segment_stream(segment).text == "hi there"


def test_spread_words_of_an_empty_segment() -> None:
    assert spread_words(Segment("agent", 1.0, 2.0, "")) == []
    assert segment_stream(Segment("agent", 1.0, 2.0, "")).text == ""


def test_normalize_agrees_with_the_stream() -> None:
    """Phrases and transcripts go through the same path, so a phrase always finds its own spoken form."""
    head, *tail = "Thank you, I'm sorry — 您好，歡迎致電！".split(" ")
    words = timed_words(head, *(" " + token for token in tail))
    assert normalize("".join(word.text for word in words)) == build_stream(words).text == "thank you i am sorry您好欢迎致电"
