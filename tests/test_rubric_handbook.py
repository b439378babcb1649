"""The Mandarin rubric against the QA handbook's seed standard (监听评分标准), item by item, and its phrase lists
on real recognised speech: as the seed writes them, yet silent on ordinary speech.

The seed standard lists what is assessed in seven sections and leaves points, severities and the pass mark to
each centre; anything the centre adds must say so in its title, so an inspector never mistakes it for the
handbook's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qaworkstation.core.asr.transcribe import Transcriber
from qaworkstation.core.audio.reading import probe
from qaworkstation.core.domain import AGENT, CUSTOMER, Flag, Rubric, Segment
from qaworkstation.core.rules.flags import find_flags
from qaworkstation.core.scoring.rubric import bundled_rubrics_dir, load_rubric

RUBRIC_FILE = bundled_rubrics_dir() / "zh_monitoring.yaml"
CENTRE_ADDITION = "（本中心补充）"

# Every item of the seed standard, by section, as the handbook titles it.
SEED_STANDARD = {
    "产品业务知识": ["产品知识准确", "业务解答完整"],
    "服务用语": ["开头语", "结束语", "不先挂客户电话", "礼貌用语", "致谢语", "致歉语", "服务禁语", "口头禅",
             "侮辱攻击讽刺语言"],
    "服务态度": ["热情亲切", "耐心细致", "主动负责", "拖音", "语言随意/乱开玩笑", "不得诋毁或否认售前人员话术"],
    "沟通技巧": ["表达清晰", "普通话标准/无方言", "倾听与确认", "语句婉转", "快速理解及时回答", "打破底线及时结束",
             "通话控制", "同理心"],
    "营销意识": ["主动推荐", "异议处理"],
    "订单流程": ["两声铃响内接听", "规范问候", "询问需求", "询问客户姓氏", "介绍产品卖点", "倾听客户需求", "产品比较",
             "下单并复述三要素", "追加销售", "规范结束", "祝福语"],
    "其他": ["不得接打私人电话", "不得抢单拉单", "不得诋毁同事"],
}
# The seed's forbidden phrases, as it writes them.
SEED_FORBIDDEN = ("喂", "不清楚", "不明白", "不知道", "你姓什么")
SEED_FILLERS = ("啊", "呀", "这个", "那个", "嗯")


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(RUBRIC_FILE)


def titles(rubric: Rubric) -> dict[str, list[str]]:
    return {section.title: [item.title for item in section.items] for section in rubric.sections}


@pytest.mark.parametrize(("section", "title"), [(section, title) for section, items in SEED_STANDARD.items()
                                                for title in items])
def test_every_item_of_the_handbook_is_in_its_section(rubric: Rubric, section: str, title: str) -> None:
    assert title in titles(rubric).get(section, []), f"{section} / {title} is missing from {RUBRIC_FILE.name}"


def test_the_seven_sections_in_the_handbooks_order_and_nothing_invented_unmarked(rubric: Rubric) -> None:
    assert list(titles(rubric)) == list(SEED_STANDARD)
    added = [(section, title) for section, found in titles(rubric).items() for title in found
             if title not in SEED_STANDARD[section]]
    assert added, "the silence rule needs the centre's own hold item"
    assert all(title.endswith(CENTRE_ADDITION) for _, title in added), added
    assert not {"记录准确"} & {title for found in titles(rubric).values() for title in found}


def test_the_file_says_the_points_are_the_centres_and_how_na_is_counted(rubric: Rubric) -> None:
    text = RUBRIC_FILE.read_text(encoding="utf-8")
    assert "确定考核的详细清楚的项目给出分值" in text and "本中心的默认设定" in text
    assert "不适用" in text and "重新折算" in text
    assert rubric.max_total == pytest.approx(100)


def test_what_no_recording_shows_is_judged_by_hand(rubric: Rubric) -> None:
    by_title = {item.title: item for item in rubric.items}
    assert by_title["两声铃响内接听"].by_hand and by_title["不先挂客户电话"].by_hand


def test_the_order_flow_applies_to_order_calls_only(rubric: Rubric) -> None:
    order_flow = next(section for section in rubric.sections if section.title == "订单流程")
    assert {item.applies_to for item in order_flow.items} == {("订购",)}
    assert rubric.item("apology").applies("投诉") and rubric.item("apology").applies("订购")
    assert not rubric.item("proactive_offer").applies("投诉")


def test_the_seeds_phrases_are_listed_as_written(rubric: Rubric) -> None:
    forbidden = {phrase for rule in rubric.rules if rule.category == "forbidden" for phrase in rule.phrases}
    fillers = {phrase for rule in rubric.rules if rule.category == "filler" for phrase in rule.phrases}
    assert set(SEED_FORBIDDEN) <= forbidden and set(SEED_FILLERS) <= fillers


def test_greeting_and_closing_name_their_required_parts(rubric: Rubric) -> None:
    parts = {rule.category: [part.name for part in rule.parts] for rule in rubric.rules if rule.category in
             ("greeting", "closing")}
    assert parts == {"greeting": ["公司名称", "工号"], "closing": ["服务热线", "工号", "祝福语"]}


ORDINARY = [
    "这个问题我帮您记一下，您有不明白的地方请随时来电。",
    "不知道我是否将您的问题解释清楚了？",
    "我这边听不清楚，麻烦您大声一点。",
    "这个订单已经发货了，这个月底前送到。",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_speech_costs_nothing(rubric: Rubric, text: str) -> None:
    flags, _ = find_flags([Segment(AGENT, 10.0, 16.0, text)], rubric, 120.0)
    assert [(f.category, f.phrase) for f in flags if f.category in ("forbidden", "filler")] == []


def test_the_customers_bu_zhi_dao_is_not_the_agents(rubric: Rubric) -> None:
    call = [Segment(CUSTOMER, 10.0, 12.0, "我也不知道啊"), Segment(AGENT, 13.0, 14.0, "不知道。")]
    flags, _ = find_flags(call, rubric, 120.0)
    assert [(f.phrase, f.speaker) for f in flags if f.category == "forbidden"] == [("不知道", AGENT)]


# --- the corpus, through the real model --------------------------------------------------------------------------

ZH_CALLS = ("zh_forbidden_no_closing", "zh_good_delivery", "zh_hold_fillers", "zh_insult_escalation")


@pytest.fixture(scope="module")
def heard(corpus: Path, transcriber: Transcriber, rubric: Rubric) -> dict[str, tuple[list[Flag], dict]]:
    """Each Mandarin corpus call transcribed by the app's model and judged by the shipped rubric."""
    found = {}
    for call_id in ZH_CALLS:
        audio = next(path for path in (corpus / "calls").glob(f"{call_id}.*") if path.suffix != ".json")
        info = probe(audio)
        segments = transcriber.transcribe_file(audio, info.channels, info.duration).segments
        truth = json.loads((corpus / "calls" / f"{call_id}.truth.json").read_text(encoding="utf-8"))
        found[call_id] = (find_flags(segments, rubric, info.duration)[0], truth)
    return found


@pytest.mark.parametrize("call_id", ZH_CALLS)
def test_on_real_speech_the_seeds_lists_charge_only_what_the_truth_holds(
        heard: dict[str, tuple[list[Flag], dict]], call_id: str) -> None:
    """The bare 不清楚 finds the agent's 这个我不清楚, not the customer's 怎么会不清楚呢, nor 这个 of ordinary speech;
    fillers deduct at most once a call."""
    flags, truth = heard[call_id]
    events = [(event["start"], event["end"]) for event in truth["events"] if event["category"] == "forbidden"]
    forbidden = [flag for flag in flags if flag.category == "forbidden"]
    assert len(forbidden) == len(events)
    assert all(any(flag.start <= end + 0.3 and start <= flag.end + 0.3 for start, end in events) for flag in forbidden)
    assert not [flag for flag in flags if flag.speaker == CUSTOMER and flag.deduction > 0]  # anger is no charge
    assert sum(flag.deduction > 0 for flag in flags if flag.category == "filler") <= 1


def test_the_missed_apology_is_the_agents_after_the_complaint_and_named(
        heard: dict[str, tuple[list[Flag], dict]]) -> None:
    flags, truth = heard["zh_insult_escalation"]
    complaint = next(turn for turn in truth["turns"] if "坏了" in turn["text"])
    [sequence] = [flag for flag in flags if flag.category == "sequence"]
    assert (sequence.phrase, sequence.speaker) == ("客户抱怨后未致歉", AGENT)
    assert sequence.start >= complaint["start"]
    assert "未致歉" in sequence.text and "坏了" in sequence.text
