"""Pronunciation-aware phrase matching: what whisper mishears must still match, polite speech must never."""

from __future__ import annotations

import pytest

from qaworkstation.core.domain import EXACT, LOOSE, NORMAL, Segment, Word
from qaworkstation.core.rules.flags import find_flags
from qaworkstation.core.rules.fuzzy import Syllable, fuzzy_matches, syllable_similarity, units, word_similarity
from qaworkstation.core.scoring.rubric import bundled_rubrics_dir, load_rubric
from qaworkstation.core.textnorm import build_stream, normalize


def heard(phrase: str, text: str, mode: str = NORMAL, min_similarity: float | None = None) -> list[tuple[str, float]]:
    """What of ``text`` matches ``phrase``, with the similarity, as whisper would have printed it in one word."""
    stream = build_stream([Word(0.0, 1.0, text)])
    found = fuzzy_matches(units(stream.text), units(normalize(phrase)), stream.breaks, mode, min_similarity)
    return [(stream.text[m.first:m.last], m.similarity) for m in found]


# --- readings and unit similarity --------------------------------------------------------------------------------

def test_units_read_chinese_in_context_and_keep_english_words_whole() -> None:
    found = units(normalize("还有 I don't know 还钱"))
    assert [u.text for u in found] == ["还", "有", "i", "do", "not", "know", "还", "钱"]
    assert found[0].syllable == Syllable("h", "ai", 2)  # 还有: hai
    assert found[-2].syllable == Syllable("h", "uan", 2)  # 还钱: huan
    assert found[2].syllable is None


def test_apical_vowel_and_glides_are_told_apart() -> None:
    shi, ji, wo, yi = (units(char)[0].syllable for char in "是急我一")
    assert shi.final == "-i" and ji.final == "i"
    assert (wo.initial, yi.initial) == ("w", "y")


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("致", "制", 0.95, 0.95),  # a homophone, whatever the tone
        ("您", "你", 0.0, 0.0),  # nin2/ni3: different syllables and tones
        ("神", "闲", 0.7, 0.9),  # shen2/xian2: whisper's confusion on the corpus, same tone
        ("是", "急", 0.0, 0.0),  # shi4/ji2: tones differ, so not a near-homophone
        ("试", "死", 0.0, 0.0),  # shi4/si3: a fuzzy pair, but the tone tells them apart
        ("存", "蠢", 0.0, 0.0),  # cun2/chun3
        ("山", "伤", 0.9, 0.9),  # shan1/shang1: the an/ang fuzzy pair
        ("吧", "绑", 0.7, 0.9),  # ba5/bang3: a neutral tone agrees with any
    ],
)
def test_syllable_similarity(a: str, b: str, low: float, high: float) -> None:
    similarity = syllable_similarity(units(a)[0].syllable, units(b)[0].syllable)
    assert low <= similarity <= high


@pytest.mark.parametrize(
    ("word", "other", "low", "high"),
    [
        ("problem", "problem", 1.0, 1.0),
        ("problem", "problems", 0.9, 0.99),
        ("not", "nothing", 0.7, 0.8),  # a garbled ending
        ("my", "a", 0.0, 0.0),  # two letters: no edit allowed
        ("hell", "help", 0.7, 0.8),  # one edit in four letters: close in spelling (the matcher refuses it)
        ("later", "latter", 0.8, 0.9),
        ("know", "now", 0.7, 0.8),
    ],
)
def test_word_similarity(word: str, other: str, low: float, high: float) -> None:
    assert low <= word_similarity(word, other) <= high


# --- what must match ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("神经病", "閒經病，隨便你。", "闲经病"),  # traditional script and a near-homophone
        ("神经病", "闲经病", "闲经病"),
        ("那你想好了再打来吧", "喂,说绑,什么事,这个我不清楚,你去问快弟吧,那你想好了该打来绑。", "那你想好了该打来绑"),
        ("那你想好了再打来吧", "那你想好了再找来吧", "那你想好了再找来吧"),
        ("not my problem", "I don't know, nothing out my problem.", "nothing out my problem"),
        ("you need to", "You needed to read the contract.", "you needed to"),
        ("I don't know", "I DONT KNOW", "i do not know"),
        ("你这话什么意思", "你這話甚麼意思", "你这话甚么意思"),  # 甚: a homophone of 什
    ],
)
def test_misheard_phrases_match(phrase: str, text: str, expected: str) -> None:
    [(found, similarity)] = heard(phrase, text)
    assert found == expected
    assert 0.8 <= similarity <= 1.0


def test_exact_text_scores_one_and_mishearing_less() -> None:
    assert heard("神经病", "神经病") == [("神经病", 1.0)]
    assert heard("神经病", "闲经病")[0][1] < 1.0


def test_loose_mode_hears_short_homophones_and_greetings() -> None:
    assert heard("欢迎致电", "你好，欢迎据点优选商城", LOOSE) == [("欢迎据点", pytest.approx(0.93, abs=0.01))]
    assert heard("再见", "好的，在见", LOOSE) == [("在见", pytest.approx(0.975))]
    assert heard("再见", "好的，在见", NORMAL) == []  # two units: only exact in normal mode


def test_exact_mode_and_a_similarity_threshold() -> None:
    assert heard("神经病", "闲经病", EXACT) == []
    assert heard("神经病", "闲经病", NORMAL, min_similarity=0.95) == []
    assert heard("神经病", "闲经病", NORMAL, min_similarity=0.9) != []


def test_the_best_of_overlapping_candidates_is_kept() -> None:
    assert heard("我不知道", "我不知道我不知道") == [("我不知道", 1.0), ("我不知道", 1.0)]


# --- what must not match -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("急什么", "请问是什么问题呢"),  # ji/shi: the tone differs
        ("急什么", "请问您是想咨询什么问题呢"),  # ji/xun: too far apart
        ("急什么", "请问您的洗衣机是什么型号"),  # 机 is a homophone of 急, but 是 cannot be skipped beside it
        ("你去死", "你去试一下重启"),
        ("你是不是傻", "你是不是少收了一件"),  # sha/shao at the phrase's end runs on into another word
        ("你有病", "你有空的时候再看看"),
        ("有病吧", "有病假条也可以"),
        ("有病吧", "我们这边没有办法直接退款"),
        ("给我滚", "您可以滚动页面查看"),
        ("我不清楚", "这个我清楚"),  # a negation cannot be dropped
        ("我不清楚", "我也清楚"),
        ("not my problem", "That is not a problem at all."),
        ("not my problem", "That's not your problem, we will fix it."),
        ("not my problem", "It's now my problem to solve."),  # a negation must stay a negation
        ("go to hell", "Please go to help dot example dot com."),  # a content word must be heard as itself
        ("there's nothing I can do", "There's something I can do for you."),
        ("I can't help you", "How can I help you today?"),
        ("you need to", "You don't need to worry."),
        ("call back later", "I will call you back later."),
        ("what do you want", "What did you want to do today?"),
    ],
)
def test_near_misses_do_not_match(phrase: str, text: str) -> None:
    assert heard(phrase, text) == []


def test_one_and_two_unit_phrases_never_match_by_sound_in_normal_mode() -> None:
    assert heard("蠢货", "我们的存货不多了") == []
    assert heard("笨蛋", "本单已经提交") == []
    assert heard("hell", "hello") == []


POLITE_ZH = """
您好，请问有什么可以帮您？
请问您是想咨询什么问题呢？
您先别着急，我帮您查一下。
您不用急，我们马上处理。
这个问题我帮您记一下。
你去试试看，不行再联系我们。
我们的存货不多了，建议您尽快下单。
本单已经为您提交成功。
我明白您的意思了。
这个我清楚，我马上为您处理。
我知道了，谢谢您的耐心。
我去帮您问一下仓库。
随便看看也可以，有需要随时联系。
您有什么不明白的地方请随时来电。
我已经帮您登记了。
不是这样的，我跟您解释一下。
我问一下我们的同事。
有完整的发票吗？
请问您贵姓？
神经内科在三楼。
这个病是可以治好的。
是不是需要帮您转接？
你是不是刷错卡了？
这不是您的问题，是我们的疏忽。
这个归我们售后管，我帮您转过去。
我已经说明过了，您看一下短信。
你问的问题我记下了。
没完成的订单我帮您取消。
急需的话可以选加急。
白色的有货，黑色的没货了。
您有病历本吗？
我们不建议喂养这种狗。
您想好了再打过来也可以。
那您考虑好了再联系我们。
您有不清楚的地方可以随时问我。
不知道我是否将您的问题解释清楚了？
不知道您还有什么需要？
我这边听不清楚，麻烦您大声一点。
如果您不明白的话我再解释一遍。
有什么不明白的再联系我们。
您不知道也没关系，我帮您查。
哪里不清楚我再跟您说一遍。
"""
POLITE_EN = """
I'm so sorry about that, let me check.
No problem, I can help you with that.
I'll call you back later today.
I do know what you mean.
Let me see what I can do for you.
You're right, that was our mistake.
As I mentioned, the refund is on its way.
Please stay calm, we'll sort it out.
What do you think about this option?
Whatever works best for you.
It is not my place to say.
Not my area, but I will transfer you to the right team.
I don't have that information right now.
Hello, thanks for waiting.
That shell company again.
Go to the help center.
That's now my priority.
We can call you back later if you like.
Your stupendous patience is appreciated.
It was a hellish week for everyone.
"""


@pytest.mark.parametrize(("rubric_file", "text"), [
    *(("zh_monitoring.yaml", line) for line in POLITE_ZH.strip().splitlines()),
    *(("en_contact_center.yaml", line) for line in POLITE_EN.strip().splitlines()),
])
def test_polite_agent_speech_gets_no_violation_from_the_shipped_rubrics(rubric_file: str, text: str) -> None:
    rubric = load_rubric(bundled_rubrics_dir() / rubric_file)
    flags, _ = find_flags([Segment("agent", 100.0, 104.0, text)], rubric, 600.0)
    assert [(f.category, f.phrase, f.text) for f in flags if f.category in ("forbidden", "insult")] == []
