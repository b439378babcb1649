"""The handbook's quality reports, computed from evaluations: daily listening detail and the weekly/monthly
quality report (listened count, pass rates per team and agent, A/B/C problem counts, top flags, common versus
individual problems, comparison with the previous period, per-agent trend).

Everything here is plain data over a list of evaluations, so the numbers can be tested without drawing and
the window, the command line and the PDF show the same figures. Charts and the PDF live in
:mod:`qaworkstation.core.team.report_charts`; CSV and XLSX exports of the same tables are here.

A report counts calls, not scorings: when a call was scored more than once (a re-check, a calibration
session) the latest evaluation stands for it, so a listened count never includes the same call twice.
It counts only released evaluations because it is built from the team database, which keeps no draft (see
:mod:`qaworkstation.core.team.aggregate`, also for why a disputed evaluation still counts).

It counts what the submitted evaluation stands by: the items it deducted (on the items its call type applies
to) and the flags it kept — never one the inspector rejected or overruled by restoring the item's points —
and it shows each rule's precision from the inspectors' verdicts.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from math import sqrt
from pathlib import Path
from statistics import fmean, median
from typing import Any

from ..atomic import atomic_write_bytes
from ..domain import VIOLATION_CATEGORIES, Evaluation, Flag, Rubric, RubricItem
from ..library.importer import normalise_call_time, read_metadata_csv
from ..scoring.scorecard import standing_flags
from .aggregate import RulePrecision, TeamDatabase, evaluation_day, rule_precision
from .coaching import CoachingSession, ItemRecheck, item_loss_rates

SEVERITIES = ("A", "B", "C")
DEFAULT_COMMON_SHARE = 0.3
DEFAULT_TOP = 10
COMPLAINT_TYPES = frozenset({"投诉", "complaint"})
DEFAULT_LISTENING = 5  # best and worst recordings on the listening list
DEFAULT_HANDLE_LIMITS = (60.0, 600.0)  # seconds: shorter is a call cut short, longer one that dragged
DEFAULT_FORECAST_PERIODS = 6
MIN_FORECAST_PERIODS = 3  # a straight line through two points has no error to state
DEFAULT_EXCERPTS = 3
DEFAULT_REPEAT_DAYS = 7  # a caller ringing again within a week was not helped the first time
_EPSILON = 1e-9
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "month_report": "质检月报", "week_report": "质检周报", "day_report": "日监听明细", "calls": "监听量",
        "pass_rate": "合格率", "mean_score": "平均得分率", "critical": "一票否决", "previous": "上期",
        "current": "本期", "change": "环比", "team": "组别", "agent": "坐席", "inspector": "质检员", "day": "日期",
        "call_time": "通话时间", "call_id": "通话编号", "file": "录音文件", "rubric": "评分标准", "score": "得分",
        "max": "满分", "percent": "得分率%", "passed": "合格", "deducted": "扣分项", "flags": "命中短语",
        "comment": "评语", "item": "评分细则", "severity": "严重度", "problem_calls": "扣分通话数",
        "points_lost": "扣分合计", "agents_share": "涉及坐席占比", "agents_with": "涉及坐席", "common": "共性问题",
        "individual": "个性问题", "kind": "类型", "category": "类别", "phrase": "短语", "hits": "命中次数",
        "flag_calls": "涉及通话", "problems_abc": "A/B/C类问题数", "trend": "坐席得分趋势", "teams": "各组合格率",
        "agents": "坐席合格率", "top_flags": "高频违规短语", "flag_categories": "违规类别",
        "top_problems": "高频扣分项", "no_data": "无数据", "pass_mark": "合格线", "A": "A类", "B": "B类", "C": "C类",
        "forbidden": "服务禁语", "insult": "侮辱攻击", "filler": "口头禅", "unknown_rubrics": "未知评分标准",
        "problems": "问题", "generated": "生成时间", "yes": "是", "no": "否", "individual_list": "个性问题明细",
        "common_rule": "共性问题：≥{share:.0%} 的坐席出现同一扣分项",
        "dropped": "同一通话多次评分时按最新一次计（本期合并 {n} 条）", "other": "未分组",
        "common_line": "{title}（{severity}）：{share:.0%} 的坐席，{calls} 通",
        "flag_line": "“{phrase}”（{category}）×{hits}", "weakest": "合格率最低的坐席", "agent_table": "坐席质检明细",
        "calibration": "监控校准", "reference_expert": "基准：专家评分",
        "reference_consensus": "基准：共识（中位数）", "reference": "基准", "pass_agreement": "合格判定一致率",
        "points": "得分", "items_off": "项偏差", "least_agreed": "分歧最大的评分细则",
        "deviation": "与基准的偏差（得分率，百分点）", "flag_bar": "{hits} 次 · {calls} 通",
        "agent_line": "{agent}（{team}）：{rate}，{calls} 通",
        "rule_precision": "规则准确率（质检员裁定）", "rule": "规则", "confirmed": "确认", "rejected": "驳回",
        "pending": "未裁定", "precision": "准确率",
        "greeting": "开头语", "closing": "结束语", "apology": "致歉语", "sequence": "流程顺序",
        "listening": "优秀录音与不合格录音", "best": "优秀录音", "worst": "不合格录音", "link": "播放链接",
        "listening_note": "点击通话编号即可播放录音（PDF 中为链接；表格中为文件路径）",
        "why": "说明", "handle_time": "通话时长达标", "duration": "通话时长", "mean_duration": "平均时长",
        "median_duration": "中位时长", "too_short": "过短", "too_long": "过长", "compliance": "时长达标率",
        "with_duration": "有时长的通话", "handle_rule": "达标：通话时长在 {low} 到 {high} 之间",
        "duration_mix": "通话时长分布", "complaints": "投诉电话", "complaint_share": "投诉占比",
        "all_calls": "全部通话", "time_of_day": "分时段质量", "hour": "时段",
        "forecast": "质量趋势预测", "month": "月份", "forecast_value": "预测合格率", "low": "下限", "high": "上限",
        "actual": "实际", "predicted": "预测",
        "forecast_method": "方法：对最近 {n} 期合格率做最小二乘直线拟合，外推下一期；区间为 ±2 个预测标准误"
                           "（残差近似正态时约 95%）。少于 3 期不作预测。",
        "forecast_line": "{label} 预测合格率 {value}（区间 {low} – {high}），每期变化 {slope}",
        "no_forecast": "数据不足 3 期，不作预测", "alerts": "阈值预警", "scope": "对象", "measure": "指标",
        "value": "实际值", "threshold": "预警线", "critical_count": "一票否决次数",
        "alert_pass": "{name}（{team}）合格率 {value}，低于 {threshold}",
        "alert_critical": "{name}（{team}）一票否决 {value} 次，达到预警线 {threshold} 次",
        "alert_rule": "预警线（可按组设置）：坐席合格率 < {agent_rate}（至少 {calls} 通）或一票否决 ≥ {agent_critical} 次；"
                      "组合格率 < {team_rate} 或一票否决 ≥ {team_critical} 次",
        "no_alerts": "本期无预警", "training": "培训计划", "advice": "培训建议", "times_lost": "扣分次数",
        "team_training": "集中培训（共性问题）", "coaching_1to1": "一对一辅导（个性问题）",
        "training_note": "按严重度 A/B/C 排列，A 类优先；同一类中扣分合计多者优先",
        "cases": "案例分析", "excerpt": "录音摘录", "at": "时间点", "no_excerpt": "（按整项评分，无命中短语摘录）",
        "common_cases": "共性案例", "individual_cases": "个性案例", "case_line": "{title}（{severity}）· {calls} 通 · {agents}",
        "coverage": "覆盖率", "handled": "受理通话量", "agents_on_duty": "接线坐席", "agent_coverage": "坐席覆盖率",
        "repeat_calls": "重复来电与首次解决率", "fcr": "首次解决率", "repeat_rate": "重复来电率",
        "repeated": "重复来电", "with_caller": "有来电号码的通话", "all": "全部", "fcr_short": "首次解决率",
        "repeat_rule": "重复来电：同一来电号码 {days} 天内再次来电，计入首次接听的坐席；首次解决率 = 1 − 重复来电率。"
                       "来电号码只用于计数，不在报告中显示。",
        "lowest_fcr": "首次解决率最低的坐席（至少 {calls} 通）",
        "coaching_recheck": "辅导复查（坐席趋势）", "coached_on": "辅导日期", "outcome": "辅导效果",
        "coached_item": "辅导项目", "lost_before": "辅导前扣分率", "lost_after": "辅导后扣分率",
        "before_calls": "辅导前 扣分/通话", "after_calls": "辅导后 扣分/通话",
        "verdict": "结论", "better": "有改善", "not_better": "未改善", "not_judged": "无法判断",
        "improved": "已改善", "partly": "部分改善", "not_improved": "未改善", "coached": "辅导",
        "recheck_note": "辅导前：上期初至辅导前一日的通话；辅导后：辅导次日至本期末（辅导当天不计）",
    },
    "en": {
        "month_report": "Monthly quality report", "week_report": "Weekly quality report",
        "day_report": "Daily listening detail", "calls": "Calls listened", "pass_rate": "Pass rate",
        "mean_score": "Mean score", "critical": "Critical fails", "previous": "Previous", "current": "Current",
        "change": "Change", "team": "Team", "agent": "Agent", "inspector": "Inspector", "day": "Day",
        "call_time": "Call time", "call_id": "Call id", "file": "Recording", "rubric": "Rubric", "score": "Score",
        "max": "Max", "percent": "Score %", "passed": "Passed", "deducted": "Deducted items",
        "flags": "Flagged phrases", "comment": "Comment", "item": "Item", "severity": "Severity",
        "problem_calls": "Calls deducted", "points_lost": "Points lost", "agents_share": "Share of agents",
        "agents_with": "Agents", "common": "Common", "individual": "Individual", "kind": "Kind",
        "category": "Category", "phrase": "Phrase", "hits": "Hits", "flag_calls": "Calls",
        "problems_abc": "A/B/C problems", "trend": "Agent score trend", "teams": "Pass rate by team",
        "agents": "Pass rate by agent", "top_flags": "Top flagged phrases", "flag_categories": "Flag categories",
        "top_problems": "Most deducted items", "no_data": "No data", "pass_mark": "Pass mark", "A": "A", "B": "B",
        "C": "C", "forbidden": "Forbidden", "insult": "Insult", "filler": "Filler",
        "unknown_rubrics": "Unknown rubrics", "problems": " problems", "generated": "Generated", "yes": "yes",
        "no": "no", "individual_list": "Individual problems by agent",
        "common_rule": "Common problem: shared by ≥{share:.0%} of agents",
        "dropped": "Calls scored more than once count once, latest scoring ({n} merged)", "other": "(no team)",
        "common_line": "{title} ({severity}): {share:.0%} of agents, {calls} calls",
        "flag_line": "“{phrase}” ({category}) ×{hits}", "weakest": "Lowest pass rates",
        "agent_table": "Agents in detail", "calibration": "Calibration", "reference_expert": "reference: the expert",
        "reference_consensus": "reference: the consensus (median)", "reference": "Reference",
        "pass_agreement": "pass/fail agreement", "points": "Points", "items_off": "items off",
        "least_agreed": "Items with the least agreement",
        "deviation": "Distance from the reference (score %, points)", "flag_bar": "{hits} hits · {calls} calls",
        "agent_line": "{agent} ({team}): {rate}, {calls} calls",
        "rule_precision": "Rule precision (inspectors' verdicts)", "rule": "Rule", "confirmed": "Confirmed",
        "rejected": "Rejected", "pending": "Not judged", "precision": "Precision",
        "greeting": "Greeting", "closing": "Closing", "apology": "Apology", "sequence": "Order of steps",
        "listening": "Best and worst recordings", "best": "Best recordings", "worst": "Failed recordings",
        "link": "Play", "listening_note": "Click a call id to play the recording (a link in the PDF, a path in the tables)",
        "why": "Why", "handle_time": "Handle time compliance", "duration": "Duration",
        "mean_duration": "Mean duration", "median_duration": "Median duration", "too_short": "Too short",
        "too_long": "Too long", "compliance": "Within limits", "with_duration": "Calls with a duration",
        "handle_rule": "Within limits: a call lasting {low} to {high}", "duration_mix": "Call durations",
        "complaints": "Complaint calls", "complaint_share": "Share of complaints", "all_calls": "All calls",
        "time_of_day": "Quality by time of day", "hour": "Hour", "forecast": "Quality trend forecast",
        "month": "Period", "forecast_value": "Forecast pass rate", "low": "Low", "high": "High",
        "actual": "Actual", "predicted": "Forecast",
        "forecast_method": "Method: a least-squares straight line through the pass rates of the last {n} periods, "
                           "extended one period; the band is ±2 standard errors of the prediction (about 95% if "
                           "the residuals are normal). No forecast from fewer than 3 periods.",
        "forecast_line": "{label} forecast pass rate {value} (band {low} – {high}), {slope} per period",
        "no_forecast": "Fewer than 3 periods of data: no forecast", "alerts": "Threshold alerts",
        "scope": "Scope", "measure": "Measure", "value": "Value", "threshold": "Threshold",
        "critical_count": "Critical fails",
        "alert_pass": "{name} ({team}) pass rate {value}, below {threshold}",
        "alert_critical": "{name} ({team}) {value} critical fails, at or over {threshold}",
        "alert_rule": "Thresholds (settable per team): agent pass rate < {agent_rate} (at least {calls} calls) or "
                      "critical fails ≥ {agent_critical}; team pass rate < {team_rate} or critical fails ≥ "
                      "{team_critical}",
        "no_alerts": "No alerts this period", "training": "Training plan", "advice": "Advice",
        "times_lost": "Times lost", "team_training": "Team training (common problem)",
        "coaching_1to1": "1:1 coaching (individual problem)",
        "training_note": "By severity, A first; within a severity, most points lost first",
        "cases": "Case analysis", "excerpt": "Excerpt", "at": "At", "no_excerpt": "(scored as a whole, no flagged phrase)",
        "common_cases": "Common cases", "individual_cases": "Individual cases",
        "case_line": "{title} ({severity}) · {calls} calls · {agents}", "coverage": "Coverage",
        "handled": "Calls handled", "agents_on_duty": "Agents on calls", "agent_coverage": "Agent coverage",
        "repeat_calls": "Repeat calls and first-call resolution", "fcr": "First-call resolution",
        "repeat_rate": "Repeat-call rate", "repeated": "Repeat calls", "with_caller": "Calls with a caller id",
        "all": "All", "fcr_short": "FCR",
        "repeat_rule": "Repeat call: the same caller id rings again within {days} days, counted against the agent "
                       "who took the first call; first-call resolution = 1 − repeat-call rate. Caller ids are only "
                       "counted, never shown in the report.",
        "lowest_fcr": "Lowest first-call resolution (at least {calls} calls)",
        "coaching_recheck": "Coaching re-check (agent trend)", "coached_on": "Coached on", "outcome": "Outcome",
        "coached_item": "Coached item", "lost_before": "Lost before", "lost_after": "Lost after",
        "before_calls": "Before: lost/calls", "after_calls": "After: lost/calls",
        "verdict": "Verdict", "better": "better", "not_better": "not better", "not_judged": "not judged",
        "improved": "improved", "partly": "partly improved", "not_improved": "not improved", "coached": "coached",
        "recheck_note": "Before: calls from the start of the previous period to the day before the session; "
                        "after: the day after it to the end of this period (the day itself counts on neither side)",
    },
}


def label(language: str, key: str) -> str:
    """The report's wording in ``language`` (``zh`` or ``en``); other languages fall back to English."""
    return LABELS.get(language, LABELS["en"]).get(key, key)


# ---------------------------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """A half-open range of days [start, end): a day, an ISO week (Monday first) or a calendar month."""

    kind: str
    start: date
    end: date

    @classmethod
    def day(cls, day: date) -> Period:
        return cls("day", day, day + timedelta(days=1))

    @classmethod
    def week(cls, day: date) -> Period:
        monday = day - timedelta(days=day.weekday())
        return cls("week", monday, monday + timedelta(days=7))

    @classmethod
    def month(cls, text: str) -> Period:
        first = datetime.strptime(text, "%Y-%m").date()
        return cls("month", first, _next_month(first))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10`` (month), ``2026-W43`` (ISO week) or ``2026-10-05`` (day), as typed on the command line."""
        text = text.strip()
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return cls.month(text)
        if match := re.fullmatch(r"(\d{4})-W(\d{1,2})", text, re.IGNORECASE):
            return cls.week(date.fromisocalendar(int(match[1]), int(match[2]), 1))
        try:
            return cls.day(date.fromisoformat(text))
        except ValueError:
            raise ValueError(f"not a period: {text!r}; expected YYYY-MM, YYYY-Www or YYYY-MM-DD") from None

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.isoformat()

    def previous(self) -> Period:
        if self.kind == "month":
            return Period.month(f"{self.start - timedelta(days=1):%Y-%m}")
        length = self.end - self.start
        return Period(self.kind, self.start - length, self.start)

    def contains(self, day: str) -> bool:
        """``day`` is ``YYYY-MM-DD`` text, as :func:`evaluation_day` gives it."""
        return self.start.isoformat() <= day < self.end.isoformat()

    def buckets(self) -> list[Period]:
        """The points of a trend line: the weeks of a month (cut at its edges) or the days of a week."""
        if self.kind == "day":
            return [self]
        step = Period.week if self.kind == "month" else Period.day
        buckets, cursor = [], self.start
        while cursor < self.end:
            whole = step(cursor)
            buckets.append(Period(whole.kind, max(whole.start, self.start), min(whole.end, self.end)))
            cursor = buckets[-1].end
        return buckets


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


# ---------------------------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Deduction:
    """An item that lost points on one call; its severity decides whether it is an A, B or C problem."""

    item: RubricItem
    lost: float


def deductions(evaluation: Evaluation, rubric: Rubric) -> list[Deduction]:
    """The deducted items, counted exactly as :func:`score_evaluation` adds up: unscored means full points,
    N/A only counts where the rubric allows it, items the call type does not apply to count not at all."""
    found = []
    for item in rubric.items:
        verdict = evaluation.items.get(item.id)
        if verdict is None or verdict.score is None or (verdict.na and item.allow_na):
            continue
        if not item.applies(evaluation.call_type):
            continue
        lost = item.max_points - min(max(float(verdict.score), 0.0), item.max_points)
        if lost > _EPSILON:
            found.append(Deduction(item, lost))
    return found


def as_released(evaluation: Evaluation, rubrics: dict[str, Rubric]) -> Evaluation:
    """The evaluation with only the flags it stands by (:func:`scorecard.standing_flags`). Records from
    before evaluations kept their own flags carry the call's raw flags, some on items the inspector restored
    or marked N/A; filtering again changes nothing on newer ones. An unknown rubric leaves the flags as sent."""
    rubric = rubrics.get(evaluation.rubric_id)
    if rubric is None:
        return evaluation
    return replace(evaluation, flags=standing_flags(rubric, evaluation.items, evaluation.flags, evaluation.verdicts,
                                                    evaluation.call_type))


def percent(evaluation: Evaluation) -> float:
    return 100.0 * evaluation.total / evaluation.max_total if evaluation.max_total else 0.0


def one_per_call(evaluations: Iterable[Evaluation]) -> list[Evaluation]:
    """One evaluation per call and rubric, the latest ``updated_at`` standing for the call. A call is known by
    its call id, else its file name; recording ids are local to each inspector's library and cannot match."""
    latest: dict[tuple[str, str], Evaluation] = {}
    for ev in evaluations:
        key = (ev.rubric_id, ev.call_id or ev.file_name or ev.recording_id)
        if key not in latest or (ev.updated_at, ev.id) > (latest[key].updated_at, latest[key].id):
            latest[key] = ev
    return sorted(latest.values(), key=lambda ev: (evaluation_day(ev), ev.call_time, ev.id))


# ---------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Stats:
    """The headline numbers of a group of calls: everyone, a team or an agent."""

    name: str
    team: str
    calls: int
    passed: int
    mean_percent: float | None
    critical: int
    severity: dict[str, int]

    @property
    def pass_rate(self) -> float | None:
        """Passed calls over calls, 0..1; None when nothing was listened to (not 0%: no data is no verdict)."""
        return self.passed / self.calls if self.calls else None


@dataclass(frozen=True)
class ItemProblem:
    """A rubric item that lost points in the period, and how widely it is shared among the agents."""

    rubric_id: str
    item_id: str
    title: str
    severity: str
    calls: int
    points_lost: float
    agents: tuple[str, ...]
    agent_share: float
    common: bool
    previous_calls: int


@dataclass(frozen=True)
class FlagCount:
    """A flagged violation (category, or one phrase of it) and how often it was heard."""

    category: str
    phrase: str
    hits: int
    calls: int
    previous_hits: int


@dataclass(frozen=True)
class AgentTrend:
    """An agent's mean score per trend bucket (the weeks of a month, the days of a week)."""

    agent: str
    team: str
    points: tuple[float | None, ...]  # mean score % per bucket; None where the agent had no call


@dataclass(frozen=True)
class DetailRow:
    """One evaluated call, as in the handbook's daily listening detail."""

    day: str
    call_time: str
    agent: str
    team: str
    call_id: str
    file_name: str
    inspector: str
    rubric_id: str
    total: float
    max_total: float
    percent: float
    passed: bool
    critical_failed: bool
    deducted: str
    flags: str
    comment: str


@dataclass(frozen=True)
class ListenedCall:
    """A call on the listening list: one of the month's best (优秀录音) or failed (不合格录音) recordings, with
    where to play it (``link``: a file URI under the recordings folder when one is known, else the file name)."""

    kind: str  # "best" or "worst"
    day: str
    call_time: str
    agent: str
    team: str
    call_id: str
    file_name: str
    percent: float
    critical_failed: bool
    why: str
    link: str


@dataclass(frozen=True)
class HandleTime:
    """Call durations of a team (or everyone, ``name`` empty) against the handle-time limits."""

    name: str
    calls: int  # calls whose duration is known
    mean_s: float | None
    median_s: float | None
    too_short: int
    too_long: int

    @property
    def compliance(self) -> float | None:
        """Share of the calls within the limits, 0..1; None without a known duration."""
        return (self.calls - self.too_short - self.too_long) / self.calls if self.calls else None


@dataclass(frozen=True)
class Forecast:
    """The next period's pass rate from a least-squares line through the last periods' pass rates.

    Stated, not a black box: ``slope`` is the change per period, the band is ±2 standard errors of the
    prediction; ``value`` is None when fewer than :data:`MIN_FORECAST_PERIODS` periods had calls."""

    labels: tuple[str, ...]
    pass_rates: tuple[float | None, ...]
    next_label: str
    value: float | None
    low: float | None
    high: float | None
    slope: float | None

    @property
    def periods_used(self) -> int:
        return sum(rate is not None for rate in self.pass_rates)


@dataclass(frozen=True)
class AlertThresholds:
    """The lines a supervisor is warned about; a team may set its own (``thresholds`` of the report)."""

    agent_pass_rate: float = 0.9
    agent_critical: int = 1
    team_pass_rate: float = 0.95
    team_critical: int = 2
    min_calls: int = 3  # an agent with fewer calls is not judged on a pass rate


@dataclass(frozen=True)
class Alert:
    """An agent or team over a line: ``measure`` is ``pass_rate`` (value below threshold) or ``critical``."""

    scope: str  # "team" or "agent"
    name: str
    team: str
    measure: str
    value: float
    threshold: float


@dataclass(frozen=True)
class TrainingNeed:
    """An item to train, with the agents who lost it and how often; common items call for team training,
    individual ones for 1:1 coaching."""

    severity: str
    rubric_id: str
    item_id: str
    title: str
    calls: int
    points_lost: float
    common: bool
    agents: tuple[tuple[str, int], ...]  # (agent, calls lost), most first


@dataclass(frozen=True)
class Excerpt:
    """What was said at a flagged moment of a call, as the evaluation kept it."""

    agent: str
    call_id: str
    start: float
    text: str


@dataclass(frozen=True)
class Case:
    """A problem with example excerpts from the calls that lost it (the handbook's case analysis)."""

    problem: ItemProblem
    excerpts: tuple[Excerpt, ...]


@dataclass(frozen=True)
class Coverage:
    """The QA coverage rate (覆盖率) of a team, or everyone (``name`` empty): calls handled and evaluated, and
    agents who took calls and had at least one evaluated."""

    name: str
    calls: int
    covered: int
    agents: int
    agents_covered: int

    @property
    def rate(self) -> float | None:
        return self.covered / self.calls if self.calls else None

    @property
    def agent_rate(self) -> float | None:
        return self.agents_covered / self.agents if self.agents else None


@dataclass(frozen=True)
class RepeatCalls:
    """First-call resolution (首次解决率) of everyone, a team or an agent: of the calls handled in the period
    whose metadata names the caller, how many were followed by another call from the same caller within the
    window. A repeat counts against the call that was not resolved (the earlier one), so against its agent."""

    scope: str  # "all", "team" or "agent"
    name: str
    team: str
    calls: int  # handled calls in the period with a caller id
    repeated: int

    @property
    def repeat_rate(self) -> float | None:
        return self.repeated / self.calls if self.calls else None

    @property
    def fcr(self) -> float | None:
        return 1.0 - self.repeated / self.calls if self.calls else None


@dataclass(frozen=True)
class AgentRecheck:
    """A coaching session of an agent in the report's trend: its day and outcome, and each coached item's loss
    rate on the agent's calls before and after it, so the trend shows whether the coaching held."""

    agent: str
    team: str
    day: str
    outcome: str
    items: tuple[ItemRecheck, ...]


@dataclass
class QualityReport:
    """Everything the weekly/monthly report shows, computed once; charts, tables and exports only read it.
    ``previous_*`` hold the period before, for the comparison; ``pass_marks`` are per rubric id."""

    period: Period
    previous_period: Period
    language: str
    common_share: float
    summary: Stats
    previous: Stats
    teams: list[Stats]
    previous_teams: dict[str, Stats]
    agents: list[Stats]
    previous_agents: dict[str, Stats]
    problems: list[ItemProblem]
    flag_categories: list[FlagCount]
    flag_phrases: list[FlagCount]
    trend_labels: tuple[str, ...]
    trends: list[AgentTrend]
    detail: list[DetailRow]
    pass_marks: dict[str, float]
    rules: list[RulePrecision] = field(default_factory=list)
    item_titles: dict[tuple[str, str], str] = field(default_factory=dict)  # (rubric id, item id) -> title
    merged_scorings: int = 0
    unknown_rubrics: list[str] = field(default_factory=list)
    listening: list[ListenedCall] = field(default_factory=list)
    handle_limits: tuple[float, float] = DEFAULT_HANDLE_LIMITS
    handle_times: list[HandleTime] = field(default_factory=list)  # everyone first, then each team
    complaints: list[Stats] = field(default_factory=list)  # all complaint calls first, then per team
    hours: list[Stats] = field(default_factory=list)  # one per hour of the day that had calls
    forecast: Forecast | None = None
    default_thresholds: AlertThresholds = field(default_factory=AlertThresholds)
    alerts: list[Alert] = field(default_factory=list)
    training: list[TrainingNeed] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)  # everyone first, then each team; empty if not known
    repeat_days: int = DEFAULT_REPEAT_DAYS
    repeat_calls: list[RepeatCalls] = field(default_factory=list)  # all, teams, agents; empty without caller ids
    rechecks: list[AgentRecheck] = field(default_factory=list)  # coaching sessions of the period's agents

    @property
    def common_problems(self) -> list[ItemProblem]:
        return [p for p in self.problems if p.common]

    @property
    def individual_problems(self) -> list[ItemProblem]:
        return [p for p in self.problems if not p.common]

    @property
    def title(self) -> str:
        key = {"month": "month_report", "week": "week_report"}.get(self.period.kind, "day_report")
        return f"{self.period.label} {label(self.language, key)}"


# ---------------------------------------------------------------------------------------------- building


def build_quality_report(evaluations: Iterable[Evaluation], period: Period, rubrics: Iterable[Rubric], *,
                         common_share: float = DEFAULT_COMMON_SHARE, top: int = DEFAULT_TOP,
                         language: str = "zh", recordings_root: str | Path | None = None,
                         durations: Mapping[str, float] | None = None,
                         handle_limits: tuple[float, float] = DEFAULT_HANDLE_LIMITS,
                         thresholds: Mapping[str, AlertThresholds] | None = None,
                         default_thresholds: AlertThresholds = AlertThresholds(),
                         forecast_periods: int = DEFAULT_FORECAST_PERIODS,
                         handled: Iterable[Mapping[str, Any]] | None = None,
                         repeat_days: int = DEFAULT_REPEAT_DAYS,
                         coaching: Iterable[CoachingSession] = ()) -> QualityReport:
    """The weekly/monthly quality report of ``period``, compared with the period before it.

    ``evaluations`` may span any dates (pass both periods for the comparison, and the periods before for the
    forecast); an item is a common problem when at least ``common_share`` (0..1) of the agents scored on its
    rubric lost points on it. ``recordings_root`` is where the listening list's files can be played from;
    ``durations`` (call id or file name -> seconds, e.g. the library's recording lengths) fills in calls whose
    evaluation did not record one; ``thresholds`` are per team, ``default_thresholds`` for the others.
    ``handled`` lists every call the center took (rows with team, agent, call_id or file_name, call_time, as
    the library's recordings), for the coverage rate; without it the report has no coverage. Where those rows
    carry a ``caller`` (the caller's number), the report has repeat calls within ``repeat_days`` days and
    first-call resolution per team and agent. ``coaching`` sessions of the period's agents, held before it
    ends, are re-checked on the report's calls (the agent trend's before/after figures).
    """
    by_id = {rubric.id: rubric for rubric in rubrics}
    everything = list(evaluations)
    handled = list(handled) if handled is not None else None
    calls = [as_released(ev, by_id) for ev in one_per_call(everything)]
    previous_period = period.previous()
    current = [ev for ev in calls if period.contains(evaluation_day(ev))]
    before = [ev for ev in calls if previous_period.contains(evaluation_day(ev))]
    in_range = sum(1 for ev in everything if period.contains(evaluation_day(ev)))
    team_of = _team_of(language)
    problems = _problems(current, before, by_id, common_share)
    teams = _group_stats(current, by_id, team_of, with_team=False)
    agents = _group_stats(current, by_id, lambda ev: ev.agent, with_team=True)
    return QualityReport(
        period=period, previous_period=previous_period, language=language, common_share=common_share,
        summary=_stats("", "", current, by_id), previous=_stats("", "", before, by_id),
        teams=teams,
        previous_teams={s.name: s for s in _group_stats(before, by_id, team_of, with_team=False)},
        agents=agents,
        previous_agents={s.name: s for s in _group_stats(before, by_id, lambda ev: ev.agent, with_team=True)},
        problems=problems,
        flag_categories=_flag_counts(current, before, by_category=True)[:top],
        flag_phrases=_flag_counts(current, before, by_category=False)[:top],
        trend_labels=tuple(f"{b.start:%m-%d}" for b in period.buckets()),
        trends=_trends(current, period.buckets()),
        detail=detail_rows(current, by_id.values(), language),
        pass_marks={rubric.id: rubric.pass_mark for rubric in by_id.values()},
        rules=rule_precision(current),
        item_titles={(rubric.id, item.id): item.title for rubric in by_id.values() for item in rubric.items},
        merged_scorings=in_range - len(current),
        unknown_rubrics=sorted({ev.rubric_id for ev in current if ev.rubric_id not in by_id}),
        listening=listening_list(current, by_id, recordings_root, language),
        handle_limits=handle_limits,
        handle_times=handle_times(current, team_of, handle_limits, durations or {}),
        complaints=_complaint_stats(current, by_id, team_of),
        hours=_hour_stats(current, by_id),
        forecast=forecast_pass_rate(calls, period, forecast_periods),
        default_thresholds=default_thresholds,
        alerts=threshold_alerts(teams, agents, thresholds or {}, default_thresholds),
        training=training_plan(problems, current, by_id),
        cases=case_analysis(problems, current, top),
        coverage=coverage_rates(handled, current, period, language) if handled is not None else [],
        repeat_days=repeat_days,
        repeat_calls=repeat_calls(handled or [], period, repeat_days, language),
        rechecks=coaching_rechecks(coaching, calls, by_id, period, agents),
    )


def team_quality_report(team: TeamDatabase, period: Period, rubrics: Iterable[Rubric], **options: Any) -> QualityReport:
    """The report of ``period`` from the merged team database, reading only the days it needs (the periods the
    forecast fits its line to, which include the previous one it compares with): released evaluations only, so
    every count in it (calls listened, merged scorings) leaves drafts out alike."""
    first = history_start(period, options.get("forecast_periods", DEFAULT_FORECAST_PERIODS))
    evaluations = team.evaluations(day_from=first.isoformat(), day_to=period.end.isoformat())
    return build_quality_report(evaluations, period, rubrics, **options)


def history_start(period: Period, forecast_periods: int = DEFAULT_FORECAST_PERIODS) -> date:
    """The first day a report of ``period`` reads: the start of the forecast's oldest period, or of the
    previous period when the forecast looks back less far."""
    oldest = period.previous()
    for _ in range(forecast_periods - 2):
        oldest = oldest.previous()
    return oldest.start


def coaching_rechecks(sessions: Iterable[CoachingSession], calls: Sequence[Evaluation],
                      rubrics: Mapping[str, Rubric], period: Period, agents: Sequence[Stats]) -> list[AgentRecheck]:
    """Each session of an agent scored in ``period`` and held before it ends, its items re-checked on the calls
    from the previous period's start to this period's end (what the report reads), by team, agent and day."""
    teams = {s.name: s.team for s in agents}
    window = period.previous().start.isoformat(), period.end.isoformat()
    scope = [ev for ev in calls if window[0] <= evaluation_day(ev) < window[1]]
    found = [AgentRecheck(s.agent, teams[s.agent], s.day, s.outcome,
                          tuple(item_loss_rates(scope, rubrics, s.agent, s.items, s.day)))
             for s in sessions if s.agent in teams and s.day < window[1] and s.items]
    return sorted(found, key=lambda r: (r.team, r.agent, r.day))


def _team_of(language: str) -> Callable[[Evaluation], str]:
    return lambda ev: ev.team or label(language, "other")


def _stats(name: str, team: str, evaluations: list[Evaluation], rubrics: dict[str, Rubric]) -> Stats:
    severity = Counter({s: 0 for s in SEVERITIES})
    for ev in evaluations:
        if ev.rubric_id in rubrics:
            severity.update(d.item.severity for d in deductions(ev, rubrics[ev.rubric_id]))
    return Stats(
        name=name, team=team, calls=len(evaluations), passed=sum(ev.passed for ev in evaluations),
        mean_percent=fmean(percent(ev) for ev in evaluations) if evaluations else None,
        critical=sum(ev.critical_failed for ev in evaluations), severity=dict(severity),
    )


def _group_stats(evaluations: list[Evaluation], rubrics: dict[str, Rubric], key: Callable[[Evaluation], str],
                 with_team: bool) -> list[Stats]:
    """Stats per group, best pass rate first; an agent's team is the one most of their calls were in."""
    groups: dict[str, list[Evaluation]] = defaultdict(list)
    for ev in evaluations:
        groups[key(ev)].append(ev)
    stats = []
    for name, members in groups.items():
        team = Counter(ev.team for ev in members).most_common(1)[0][0] if with_team else name
        stats.append(_stats(name, team, members, rubrics))
    return sorted(stats, key=lambda s: (-(s.pass_rate or 0.0), -(s.mean_percent or 0.0), s.name))


def _problems(current: list[Evaluation], before: list[Evaluation], rubrics: dict[str, Rubric],
              common_share: float) -> list[ItemProblem]:
    """Every deducted item with the agents who share it, most widespread first."""
    agents_per_rubric: dict[str, set[str]] = defaultdict(set)
    calls: Counter[tuple[str, str]] = Counter()
    lost: Counter[tuple[str, str]] = Counter()
    agents: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ev in current:
        agents_per_rubric[ev.rubric_id].add(ev.agent)
        for deduction in deductions(ev, rubrics[ev.rubric_id]) if ev.rubric_id in rubrics else []:
            key = (ev.rubric_id, deduction.item.id)
            calls[key] += 1
            lost[key] += deduction.lost
            agents[key].add(ev.agent)
    previous = Counter((ev.rubric_id, d.item.id) for ev in before if ev.rubric_id in rubrics
                       for d in deductions(ev, rubrics[ev.rubric_id]))
    problems = []
    for (rubric_id, item_id), count in calls.items():
        item = rubrics[rubric_id].item(item_id)
        share = len(agents[(rubric_id, item_id)]) / len(agents_per_rubric[rubric_id])
        problems.append(ItemProblem(
            rubric_id, item_id, item.title, item.severity, count, lost[(rubric_id, item_id)],
            tuple(sorted(agents[(rubric_id, item_id)])), share, share + _EPSILON >= common_share,
            previous[(rubric_id, item_id)],
        ))
    return sorted(problems, key=lambda p: (-p.agent_share, -p.calls, p.severity, p.rubric_id, p.item_id))


def _flag_counts(current: list[Evaluation], before: list[Evaluation], by_category: bool) -> list[FlagCount]:
    """Violations heard (forbidden phrases, insults, fillers), most frequent first; expected phrases such as
    greetings are flagged too but are not problems."""
    def key(flag: Flag) -> tuple[str, str]:
        return (flag.category, "" if by_category else flag.phrase)

    def violations(ev: Evaluation) -> list[Flag]:
        return [f for f in ev.flags if f.category in VIOLATION_CATEGORIES]

    hits = Counter(key(f) for ev in current for f in violations(ev))
    calls = Counter(k for ev in current for k in {key(f) for f in violations(ev)})
    previous = Counter(key(f) for ev in before for f in violations(ev))
    counts = [FlagCount(category, phrase, n, calls[(category, phrase)], previous[(category, phrase)])
              for (category, phrase), n in hits.items()]
    return sorted(counts, key=lambda c: (-c.hits, -c.calls, c.category, c.phrase))


def _trends(current: list[Evaluation], buckets: Sequence[Period]) -> list[AgentTrend]:
    by_agent: dict[str, list[Evaluation]] = defaultdict(list)
    for ev in current:
        by_agent[ev.agent].append(ev)
    trends = []
    for agent, calls in by_agent.items():
        points = []
        for bucket in buckets:
            scores = [percent(ev) for ev in calls if bucket.contains(evaluation_day(ev))]
            points.append(fmean(scores) if scores else None)
        team = Counter(ev.team for ev in calls).most_common(1)[0][0]
        trends.append(AgentTrend(agent, team, tuple(points)))
    return sorted(trends, key=lambda t: (t.team, t.agent))


# ---------------------------------------------------------------------------------------------- handbook reports


def listening_list(current: Sequence[Evaluation], rubrics: Mapping[str, Rubric],
                   recordings_root: str | Path | None = None, language: str = "zh",
                   size: int = DEFAULT_LISTENING) -> list[ListenedCall]:
    """The month's best recordings (passed, highest score; 优秀录音) and failed ones (不合格录音: critical fails
    first, then lowest score), so a supervisor can pick calls to play in a team meeting."""
    ranked = sorted(current, key=lambda ev: (-percent(ev), ev.call_time, ev.id))
    best = [ev for ev in ranked if ev.passed and not ev.critical_failed][:size]
    failed = sorted((ev for ev in current if not ev.passed),
                    key=lambda ev: (not ev.critical_failed, percent(ev), ev.call_time, ev.id))[:size]
    return ([_listened("best", ev, rubrics, recordings_root, language) for ev in best]
            + [_listened("worst", ev, rubrics, recordings_root, language) for ev in failed])


def _listened(kind: str, ev: Evaluation, rubrics: Mapping[str, Rubric], recordings_root: str | Path | None,
              language: str) -> ListenedCall:
    lost = deductions(ev, rubrics[ev.rubric_id]) if ev.rubric_id in rubrics else []
    why = ("; ".join(f"{d.item.title}({d.item.severity}) -{d.lost:g}" for d in lost) if kind == "worst"
           else ev.comment)
    return ListenedCall(kind, evaluation_day(ev), ev.call_time.replace("T", " ")[11:16], ev.agent,
                        ev.team or label(language, "other"), ev.call_id, ev.file_name, round(percent(ev), 1),
                        ev.critical_failed, why, recording_link(ev.file_name, recordings_root))


def coverage_rates(handled: Iterable[Mapping[str, Any]], current: Sequence[Evaluation], period: Period,
                   language: str = "zh") -> list[Coverage]:
    """Coverage of the calls handled in ``period``: everyone, then each team in name order. A handled call is
    covered when an evaluation of the period names it by call id or file name."""
    evaluated = {key for ev in current for key in (ev.call_id, ev.file_name) if key}
    calls: dict[str, list[bool]] = defaultdict(list)
    agents: dict[str, dict[str, bool]] = defaultdict(dict)
    for row in handled:
        if not period.contains(str(row.get("call_time") or "")[:10]):
            continue
        team = str(row.get("team") or "") or label(language, "other")
        hit = bool({row.get("call_id"), row.get("file_name")} & evaluated)
        for name in ("", team):
            calls[name].append(hit)
            agents[name][row["agent"]] = agents[name].get(row["agent"], False) or hit
    return [Coverage(name, len(calls[name]), sum(calls[name]), len(agents[name]), sum(agents[name].values()))
            for name in sorted(calls)]


def repeat_calls(handled: Iterable[Mapping[str, Any]], period: Period, days: int = DEFAULT_REPEAT_DAYS,
                 language: str = "zh") -> list[RepeatCalls]:
    """Repeat calls and first-call resolution of the calls handled in ``period``: everyone, each team (by name),
    then each agent (by team, lowest resolution first). A call is repeated when the next call from the same
    ``caller`` comes within ``days`` days after it, so pass the days after the period too: a call late in the
    month is judged by the calls early in the next. Rows without a caller or a readable time are left out;
    nothing at all when no row has a caller."""
    if days < 1:
        raise ValueError(f"the repeat-call window must be at least one day, not {days}")
    repeated = _repeated_flags(handled, timedelta(days=days))
    other = label(language, "other")
    groups: dict[tuple[str, str], list[bool]] = defaultdict(list)
    teams: dict[str, Counter[str]] = defaultdict(Counter)  # an agent's team is the one most calls were in
    for row, again in repeated:
        if period.contains(row["call_time"][:10]):
            team, agent = str(row.get("team") or "") or other, str(row.get("agent") or "")
            teams[agent][team] += 1
            for key in (("all", ""), ("team", team), ("agent", agent)):
                groups[key].append(again)
    found = [RepeatCalls(scope, name, teams[name].most_common(1)[0][0] if scope == "agent" else name,
                         len(flags), sum(flags)) for (scope, name), flags in groups.items()]
    order = {"all": 0, "team": 1, "agent": 2}
    return sorted(found, key=lambda r: (order[r.scope], r.team if r.scope == "agent" else "",
                                        r.fcr if r.scope == "agent" else 0.0, r.name))


def _repeated_flags(handled: Iterable[Mapping[str, Any]], window: timedelta
                    ) -> list[tuple[Mapping[str, Any], bool]]:
    """Each call with a caller and a time, and whether the same caller rang again within ``window`` after it."""
    by_caller: dict[str, list[tuple[datetime, Mapping[str, Any]]]] = defaultdict(list)
    for row in handled:
        caller, when = str(row.get("caller") or "").strip(), _call_datetime(row)
        if caller and when is not None:
            by_caller[caller].append((when, row))
    flagged = []
    for calls in by_caller.values():
        calls.sort(key=lambda call: (call[0], str(call[1].get("call_id") or call[1].get("file_name") or "")))
        for (when, row), following in zip(calls, [*calls[1:], None], strict=True):
            flagged.append((row, following is not None and following[0] - when <= window))
    return flagged


def _call_datetime(row: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(row.get("call_time") or ""))
    except ValueError:
        return None


def read_call_list(path: str | Path) -> list[dict[str, str]]:
    """Every call the center handled, from the recording system's call list in the importer's ``metadata.csv``
    form (``file`` plus ``agent``, ``team``, ``call_id``, ``call_time``, ``caller``): the ``handled`` rows of
    the coverage rate and the repeat calls, for a supervisor whose own library does not hold every call."""
    rows = []
    for file_name, fields in read_metadata_csv(Path(path)).items():
        rows.append({"file_name": file_name, **fields,
                     "call_time": normalise_call_time(fields.get("call_time", ""))})
    return rows


def recording_link(file_name: str, recordings_root: str | Path | None) -> str:
    """A ``file://`` URI a PDF viewer or Excel opens in the system's player when the recordings folder is known
    and absolute; else the file name, which is what an inspector searches the library for."""
    if not recordings_root or not file_name:
        return file_name
    path = Path(recordings_root) / file_name
    return path.as_uri() if path.is_absolute() else str(path)


def call_duration(ev: Evaluation, durations: Mapping[str, float]) -> float | None:
    """The call's length: what the evaluation recorded, else the recording's known length, else unknown."""
    if ev.hearing.duration_s > 0:
        return ev.hearing.duration_s
    known = durations.get(ev.call_id) or durations.get(ev.file_name)
    return float(known) if known else None


def handle_times(current: Sequence[Evaluation], team_of: Callable[[Evaluation], str],
                 limits: tuple[float, float], durations: Mapping[str, float]) -> list[HandleTime]:
    """Handle-time compliance for everyone, then per team (most calls out of limits first)."""
    by_team: dict[str, list[float]] = defaultdict(list)
    everyone = []
    for ev in current:
        seconds = call_duration(ev, durations)
        if seconds is not None:
            by_team[team_of(ev)].append(seconds)
            everyone.append(seconds)
    teams = sorted((_handle_time(name, values, limits) for name, values in by_team.items()),
                   key=lambda h: (h.compliance if h.compliance is not None else 1.0, h.name))
    return [_handle_time("", everyone, limits), *teams]


def _handle_time(name: str, seconds: list[float], limits: tuple[float, float]) -> HandleTime:
    low, high = limits
    return HandleTime(name, len(seconds), fmean(seconds) if seconds else None,
                      median(seconds) if seconds else None, sum(s < low for s in seconds),
                      sum(s > high for s in seconds))


def is_complaint(ev: Evaluation) -> bool:
    return ev.call_type.strip().lower() in COMPLAINT_TYPES


def _complaint_stats(current: Sequence[Evaluation], rubrics: dict[str, Rubric],
                     team_of: Callable[[Evaluation], str]) -> list[Stats]:
    """All complaint calls (name empty) first, then each team's; nothing when the month had none."""
    complaints = [ev for ev in current if is_complaint(ev)]
    if not complaints:
        return []
    return [_stats("", "", complaints, rubrics), *_group_stats(complaints, rubrics, team_of, with_team=False)]


def _hour_stats(current: Sequence[Evaluation], rubrics: dict[str, Rubric]) -> list[Stats]:
    """Quality per hour of the day the call was made (``08:00`` for 08:00–08:59), in clock order."""
    by_hour: dict[str, list[Evaluation]] = defaultdict(list)
    for ev in current:
        if len(ev.call_time) >= 13 and ev.call_time[11:13].isdigit():
            by_hour[f"{ev.call_time[11:13]}:00"].append(ev)
    return [_stats(hour, "", by_hour[hour], rubrics) for hour in sorted(by_hour)]


def forecast_pass_rate(calls: Sequence[Evaluation], period: Period,
                       periods: int = DEFAULT_FORECAST_PERIODS) -> Forecast:
    """Next period's pass rate from a least-squares line through the pass rates of the last ``periods``
    periods (this one included; periods without calls are left out of the fit)."""
    history = [period]
    while len(history) < periods:
        history.insert(0, history[0].previous())
    rates: list[float | None] = []
    for bucket in history:
        members = [ev for ev in calls if bucket.contains(evaluation_day(ev))]
        rates.append(sum(ev.passed for ev in members) / len(members) if members else None)
    following = Period(period.kind, period.end, period.end + (period.end - period.start)) \
        if period.kind != "month" else Period.month(f"{period.end:%Y-%m}")
    points = [(float(x), rate) for x, rate in enumerate(rates) if rate is not None]
    value, band, slope = linear_forecast(points, float(len(rates)))
    low = max(0.0, value - band) if value is not None and band is not None else None
    high = min(1.0, value + band) if value is not None and band is not None else None
    return Forecast(tuple(b.label for b in history), tuple(rates), following.label,
                    None if value is None else min(max(value, 0.0), 1.0), low, high, slope)


def linear_forecast(points: Sequence[tuple[float, float]], at: float
                    ) -> tuple[float | None, float | None, float | None]:
    """The least-squares line's value at ``at``, its ±2 standard errors of prediction and its slope; all None
    from fewer than :data:`MIN_FORECAST_PERIODS` points, where no error can honestly be stated."""
    n = len(points)
    if n < MIN_FORECAST_PERIODS:
        return None, None, None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    x_mean, y_mean = fmean(xs), fmean(ys)
    sxx = sum((x - x_mean) ** 2 for x in xs)
    slope = sum((x - x_mean) * (y - y_mean) for x, y in points) / sxx
    intercept = y_mean - slope * x_mean
    residuals = sum((y - (intercept + slope * x)) ** 2 for x, y in points)
    error = sqrt(residuals / (n - 2) * (1 + 1 / n + (at - x_mean) ** 2 / sxx))
    return intercept + slope * at, 2 * error, slope


def threshold_alerts(teams: Sequence[Stats], agents: Sequence[Stats], thresholds: Mapping[str, AlertThresholds],
                     default: AlertThresholds = AlertThresholds()) -> list[Alert]:
    """Every team and agent over a line, teams first, critical fails before pass rates, worst first."""
    def lines(team: str) -> AlertThresholds:
        return thresholds.get(team, default)

    alerts = []
    for scope, groups in (("team", teams), ("agent", agents)):
        for s in groups:
            limit = lines(s.team)
            rate_line, critical_line = ((limit.team_pass_rate, limit.team_critical) if scope == "team"
                                        else (limit.agent_pass_rate, limit.agent_critical))
            if s.critical >= critical_line > 0:
                alerts.append(Alert(scope, s.name, s.team, "critical", s.critical, critical_line))
            judged = scope == "team" or s.calls >= limit.min_calls
            if judged and s.pass_rate is not None and s.pass_rate < rate_line - _EPSILON:
                alerts.append(Alert(scope, s.name, s.team, "pass_rate", s.pass_rate, rate_line))
    order = {"team": 0, "agent": 1}
    return sorted(alerts, key=lambda a: (order[a.scope], a.measure != "critical",
                                         -a.value if a.measure == "critical" else a.value, a.name))


def training_plan(problems: Sequence[ItemProblem], current: Sequence[Evaluation],
                  rubrics: dict[str, Rubric]) -> list[TrainingNeed]:
    """The month's problems as a training plan: A items first, then B, then C, most points lost first within a
    severity, each with the agents who lost it and how often."""
    lost_by: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for ev in current:
        for deduction in deductions(ev, rubrics[ev.rubric_id]) if ev.rubric_id in rubrics else []:
            lost_by[(ev.rubric_id, deduction.item.id)][ev.agent] += 1
    needs = [TrainingNeed(p.severity, p.rubric_id, p.item_id, p.title, p.calls, p.points_lost, p.common,
                          tuple(sorted(lost_by[(p.rubric_id, p.item_id)].items(), key=lambda a: (-a[1], a[0]))))
             for p in problems]
    return sorted(needs, key=lambda n: (n.severity, -n.points_lost, n.rubric_id, n.item_id))


def case_analysis(problems: Sequence[ItemProblem], current: Sequence[Evaluation], top: int = DEFAULT_TOP,
                  excerpts: int = DEFAULT_EXCERPTS) -> list[Case]:
    """Every common problem and the ``top`` individual ones, each with a few excerpts of what was said (the
    flags the evaluations kept on the item), one per agent before a second from the same agent."""
    chosen = [p for p in problems if p.common] + [p for p in problems if not p.common][:top]
    return [Case(p, _excerpts(p, current, excerpts)) for p in chosen]


def _excerpts(problem: ItemProblem, current: Sequence[Evaluation], size: int) -> tuple[Excerpt, ...]:
    heard = [Excerpt(ev.agent, ev.call_id, f.start, f.text) for ev in current if ev.rubric_id == problem.rubric_id
             for f in ev.flags if f.item == problem.item_id and f.text]
    seen: Counter[str] = Counter()
    ranked = []
    for excerpt in heard:
        ranked.append((seen[excerpt.agent], excerpt))
        seen[excerpt.agent] += 1
    return tuple(excerpt for _, excerpt in sorted(ranked, key=lambda r: r[0])[:size])


# ---------------------------------------------------------------------------------------------- detail


def detail_rows(evaluations: Iterable[Evaluation], rubrics: Iterable[Rubric], language: str = "zh") -> list[DetailRow]:
    """One row per evaluated call, with what was deducted and the violations heard, in call order."""
    by_id = {rubric.id: rubric for rubric in rubrics}
    rows = []
    for ev in sorted(evaluations, key=lambda e: (evaluation_day(e), e.call_time, e.id)):
        lost = deductions(ev, by_id[ev.rubric_id]) if ev.rubric_id in by_id else []
        heard = Counter(f.phrase for f in ev.flags if f.category in VIOLATION_CATEGORIES)
        rows.append(DetailRow(
            day=evaluation_day(ev), call_time=ev.call_time.replace("T", " ")[11:16], agent=ev.agent,
            team=ev.team or label(language, "other"), call_id=ev.call_id, file_name=ev.file_name,
            inspector=ev.inspector, rubric_id=ev.rubric_id, total=ev.total, max_total=ev.max_total,
            percent=round(percent(ev), 1), passed=ev.passed, critical_failed=ev.critical_failed,
            deducted="; ".join(f"{d.item.title}({d.item.severity}) -{d.lost:g}" for d in lost),
            flags="; ".join(f"{phrase}×{n}" if n > 1 else phrase for phrase, n in heard.most_common()),
            comment=ev.comment,
        ))
    return rows


def daily_detail(evaluations: Iterable[Evaluation], day: date, rubrics: Iterable[Rubric],
                 language: str = "zh") -> list[DetailRow]:
    """The daily listening detail: every call of ``day`` that was evaluated, once."""
    period, rubrics = Period.day(day), list(rubrics)
    by_id = {rubric.id: rubric for rubric in rubrics}
    return detail_rows([as_released(ev, by_id) for ev in one_per_call(evaluations)
                        if period.contains(evaluation_day(ev))], rubrics, language)


# ---------------------------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """A report table as exported: ``name`` is a stable ASCII file name, ``title`` the sheet's caption."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def detail_table(rows: Sequence[DetailRow], language: str = "zh") -> Table:
    t = LABELS.get(language, LABELS["en"])
    columns = (t["day"], t["call_time"], t["agent"], t["team"], t["call_id"], t["file"], t["inspector"],
               t["rubric"], t["score"], t["max"], t["percent"], t["passed"], t["critical"], t["deducted"],
               t["flags"], t["comment"])
    values = [(r.day, r.call_time, r.agent, r.team, r.call_id, r.file_name, r.inspector, r.rubric_id, r.total,
               r.max_total, r.percent, int(r.passed), int(r.critical_failed), r.deducted, r.flags, r.comment)
              for r in rows]
    return Table("daily_detail", t["day_report"], columns, values)


def report_tables(report: QualityReport) -> list[Table]:
    """Every table behind the report's charts, for people who build their own in Excel."""
    t = LABELS.get(report.language, LABELS["en"])
    return [
        _group_table("teams", t["teams"], report.teams, report.previous_teams, t, with_team=False),
        _group_table("agents", t["agents"], report.agents, report.previous_agents, t, with_team=True),
        _problems_table(report, t),
        _flags_table(report, t),
        _trend_table(report, t),
        rule_precision_table(report),
        listening_table(report),
        handle_time_table(report),
        _complaints_table(report, t),
        _hours_table(report, t),
        forecast_table(report),
        alerts_table(report),
        training_table(report),
        cases_table(report),
        coverage_table(report),
        repeat_calls_table(report),
        recheck_table(report),
        detail_table(report.detail, report.language),
    ]


def listening_table(report: QualityReport) -> Table:
    """The best and failed recordings with the path or link to play each."""
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["kind"], t["day"], t["call_time"], t["agent"], t["team"], t["call_id"], t["percent"],
               t["critical"], t["why"], t["file"], t["link"])
    rows = [(t[c.kind], c.day, c.call_time, c.agent, c.team, c.call_id, c.percent, int(c.critical_failed), c.why,
             c.file_name, c.link) for c in report.listening]
    return Table("listening", t["listening"], columns, rows)


def minutes(seconds: float | None) -> str:
    """``4:05`` for 245 seconds: how a supervisor reads a handle time."""
    if seconds is None:
        return ""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def handle_time_table(report: QualityReport) -> Table:
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["team"], t["with_duration"], t["mean_duration"], t["median_duration"], t["too_short"],
               t["too_long"], f"{t['compliance']}%")
    rows = [(h.name or t["all_calls"], h.calls, minutes(h.mean_s), minutes(h.median_s), h.too_short, h.too_long,
             _rate(h.compliance)) for h in report.handle_times]
    return Table("handle_time", t["handle_time"], columns, rows)


def _complaints_table(report: QualityReport, t: dict[str, str]) -> Table:
    columns = (t["team"], t["calls"], f"{t['complaint_share']}%", f"{t['pass_rate']}%", f"{t['mean_score']}%",
               t["critical"])
    all_calls = {s.name: s.calls for s in report.teams}
    rows = [(s.name or t["all_calls"], s.calls,
             _rate(s.calls / (all_calls.get(s.name) if s.name else report.summary.calls)),
             _rate(s.pass_rate), _number(s.mean_percent), s.critical) for s in report.complaints]
    return Table("complaints", t["complaints"], columns, rows)


def _hours_table(report: QualityReport, t: dict[str, str]) -> Table:
    columns = (t["hour"], t["calls"], f"{t['pass_rate']}%", f"{t['mean_score']}%", t["critical"])
    rows = [(s.name, s.calls, _rate(s.pass_rate), _number(s.mean_percent), s.critical) for s in report.hours]
    return Table("time_of_day", t["time_of_day"], columns, rows)


def forecast_table(report: QualityReport) -> Table:
    """Each past period's pass rate, then the forecast with its band; the method is in the title."""
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["month"], t["kind"], f"{t['pass_rate']}%", f"{t['low']}%", f"{t['high']}%")
    forecast = report.forecast
    if forecast is None:
        return Table("forecast", t["forecast"], columns, [])
    rows: list[tuple[Any, ...]] = [(name, t["actual"], _rate(rate), "", "")
                                   for name, rate in zip(forecast.labels, forecast.pass_rates)]
    rows.append((forecast.next_label, t["predicted"], _rate(forecast.value), _rate(forecast.low),
                 _rate(forecast.high)))
    return Table("forecast", t["forecast"], columns, rows)


def alerts_table(report: QualityReport) -> Table:
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["scope"], t["team"], t["agent"], t["measure"], t["value"], t["threshold"])
    rows = [(t[a.scope], a.team, a.name if a.scope == "agent" else "",
             t["pass_rate"] if a.measure == "pass_rate" else t["critical_count"],
             *((_rate(a.value), _rate(a.threshold)) if a.measure == "pass_rate" else (int(a.value), int(a.threshold))))
            for a in report.alerts]
    return Table("alerts", t["alerts"], columns, rows)


def training_table(report: QualityReport) -> Table:
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["severity"], t["item"], t["problem_calls"], t["points_lost"], t["advice"], t["agents_with"])
    rows = [(n.severity, n.title, n.calls, round(n.points_lost, 1),
             t["team_training"] if n.common else t["coaching_1to1"],
             "、".join(f"{agent}×{count}" for agent, count in n.agents)) for n in report.training]
    return Table("training_plan", t["training"], columns, rows)


def coverage_table(report: QualityReport) -> Table:
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["team"], t["handled"], t["calls"], f"{t['coverage']}%", t["agents_on_duty"], t["agents_with"],
               f"{t['agent_coverage']}%")
    rows = [(c.name or t["all_calls"], c.calls, c.covered, _rate(c.rate), c.agents, c.agents_covered,
             _rate(c.agent_rate)) for c in report.coverage]
    return Table("coverage", t["coverage"], columns, rows)


def repeat_calls_table(report: QualityReport) -> Table:
    """Repeat calls and first-call resolution: everyone, the teams, then the agents."""
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["scope"], t["team"], t["agent"], t["with_caller"], t["repeated"], f"{t['repeat_rate']}%",
               f"{t['fcr']}%")
    rows = [(t[r.scope], r.team if r.scope != "all" else t["all_calls"], r.name if r.scope == "agent" else "",
             r.calls, r.repeated, _rate(r.repeat_rate), _rate(r.fcr)) for r in report.repeat_calls]
    return Table("repeat_calls", t["repeat_calls"], columns, rows)


def recheck_table(report: QualityReport) -> Table:
    """One row per coached item: the session, its outcome, and how often the item was lost before and after."""
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["agent"], t["team"], t["coached_on"], t["outcome"], t["coached_item"], t["before_calls"],
               f"{t['lost_before']}%", t["after_calls"], f"{t['lost_after']}%", t["verdict"])
    verdicts = {True: t["better"], False: t["not_better"], None: t["not_judged"]}
    rows = [(r.agent, r.team, r.day, t[r.outcome] if r.outcome else "", item.title,
             f"{item.lost_before}/{item.calls_before}", _rate(item.rate_before),
             f"{item.lost_after}/{item.calls_after}", _rate(item.rate_after), verdicts[item.improved])
            for r in report.rechecks for item in r.items]
    return Table("coaching_recheck", t["coaching_recheck"], columns, rows)


def cases_table(report: QualityReport) -> Table:
    """One row per excerpt (a case without any keeps one row saying so)."""
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["kind"], t["item"], t["severity"], t["problem_calls"], t["agent"], t["call_id"], t["at"],
               t["excerpt"])
    rows = []
    for case in report.cases:
        p = case.problem
        head = (t["common"] if p.common else t["individual"], p.title, p.severity, p.calls)
        rows += [(*head, e.agent, e.call_id, minutes(e.start), e.text) for e in case.excerpts] or [
            (*head, "、".join(p.agents), "", "", t["no_excerpt"])]
    return Table("cases", t["cases"], columns, rows)


def _rate(value: float | None) -> float | str:
    return round(100.0 * value, 1) if value is not None else ""


def _number(value: float | None) -> float | str:
    return round(value, 1) if value is not None else ""


def _group_table(name: str, title: str, groups: list[Stats], previous: dict[str, Stats], t: dict[str, str],
                 with_team: bool) -> Table:
    columns = ((t["agent"], t["team"]) if with_team else (t["team"],)) + (
        t["calls"], t["passed"], f"{t['pass_rate']}%", f"{t['mean_score']}%", t["critical"], t["A"], t["B"], t["C"],
        f"{t['previous']} {t['pass_rate']}%", f"{t['change']} ({t['pass_rate']})")
    rows = []
    for s in groups:
        before = previous.get(s.name)
        rate_before = before.pass_rate if before else None
        change = (s.pass_rate - rate_before) if s.pass_rate is not None and rate_before is not None else None
        identity = (s.name, s.team) if with_team else (s.name,)
        rows.append((*identity, s.calls, s.passed, _rate(s.pass_rate), _number(s.mean_percent), s.critical,
                     s.severity["A"], s.severity["B"], s.severity["C"], _rate(rate_before), _rate(change)))
    return Table(name, title, columns, rows)


def _problems_table(report: QualityReport, t: dict[str, str]) -> Table:
    columns = (t["rubric"], t["item"], t["severity"], t["problem_calls"], t["points_lost"], f"{t['agents_share']}%",
               t["kind"], t["agents_with"], f"{t['previous']} {t['problem_calls']}")
    rows = [(p.rubric_id, p.title, p.severity, p.calls, round(p.points_lost, 1), _rate(p.agent_share),
             t["common"] if p.common else t["individual"], "、".join(p.agents), p.previous_calls)
            for p in report.problems]
    return Table("problems", t["top_problems"], columns, rows)


def _flags_table(report: QualityReport, t: dict[str, str]) -> Table:
    columns = (t["category"], t["phrase"], t["hits"], t["flag_calls"], f"{t['previous']} {t['hits']}")
    rows = [(t.get(f.category, f.category), f.phrase, f.hits, f.calls, f.previous_hits) for f in report.flag_phrases]
    return Table("flags", t["top_flags"], columns, rows)


def rule_precision_table(report: QualityReport) -> Table:
    """Each rule's hits and the inspectors' verdicts on them, least precise first: the rules to tighten."""
    t = LABELS.get(report.language, LABELS["en"])
    columns = (t["rubric"], t["category"], t["item"], t["rule"], t["hits"], t["confirmed"], t["rejected"],
               t["pending"], f"{t['precision']}%")
    rows = [(r.rule.rubric_id, t.get(r.rule.category, r.rule.category),
             report.item_titles.get((r.rule.rubric_id, r.rule.item), r.rule.item), r.rule.phrase, r.hits,
             r.confirmed, r.rejected, r.pending, _rate(r.precision)) for r in report.rules]
    return Table("rule_precision", t["rule_precision"], columns, rows)


def _trend_table(report: QualityReport, t: dict[str, str]) -> Table:
    columns = (t["agent"], t["team"], *report.trend_labels)
    rows = [(trend.agent, trend.team, *(_number(p) for p in trend.points)) for trend in report.trends]
    return Table("trend", t["trend"], columns, rows)



# ---------------------------------------------------------------------------------------------- exports


def export_csv(table: Table, path: str | Path) -> Path:
    """UTF-8 with BOM and CRLF, so Excel on a Chinese Windows opens it without mojibake; written atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    writer.writerows(tuple(_csv_cell(value) for value in row) for row in table.rows)
    atomic_write_bytes(path, buffer.getvalue().encode("utf-8-sig"))
    return Path(path)


def export_csvs(tables: Iterable[Table], folder: str | Path, prefix: str = "") -> list[Path]:
    """One CSV per table, named ``<prefix><table name>.csv``."""
    return [export_csv(table, Path(folder) / f"{prefix}{table.name}.csv") for table in tables]


def export_xlsx(tables: Iterable[Table], path: str | Path) -> Path:
    """One sheet per table with a bold, frozen header; numbers stay numbers so Excel can sum them."""
    from openpyxl import Workbook  # only when exporting: the import costs a noticeable part of a second
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, workbook.sheetnames))
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        _literal_text(sheet)
        sheet.freeze_panes = "A2"
        _fit_columns(sheet, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)


def _csv_cell(value: Any) -> Any:
    """Text typed by people is opened by other people in Excel: a leading ``=``/``+``/``-``/``@`` would run as
    a formula (CSV injection), so it gets an apostrophe in front."""
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def _literal_text(sheet: Any) -> None:
    """openpyxl turns text starting with ``=`` into a formula; in a report it is always text."""
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def _sheet_title(title: str, taken: list[str]) -> str:
    """Excel allows 31 characters and none of ``[]:*?/\\`` in a sheet name, each name once."""
    base = re.sub(r"[\[\]:*?/\\]", "_", title)[:28] or "Sheet"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}-{number}", number + 1
    return name


def _fit_columns(sheet: Any, table: Table) -> None:
    """Widths from the longest text; a CJK character is about two Latin characters wide."""
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(table.columns, start=1):
        texts = [str(column), *(str(row[index - 1]) for row in table.rows[:500])]
        width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) for text in texts)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 6), 60)
