"""A realistic, reproducible month of evaluations for tests, benchmarks and the documentation's sample report.

Real evaluations cannot leave a call center, yet the team view, calibration and reports need months of them
to be tried honestly. The generator models what a supervisor sees: a few teams of agents, each agent with a
skill level and one or two personal weak spots, a couple of weak spots shared by most agents (the "common
problems" of the monthly report), flags whose phrases come from the rubric's own rules, and several
inspectors sharing the listening. Each evaluation is reviewed as the window requires before a submit: every
item judged (a few released with "accept the remaining items"), the rules' suggestions confirmed or rejected
with a reason (false alarms happen, more for some rules than others, so the report's rule precision says
something), how much of the call was heard, and a call type that makes the items it does not apply to N/A.
The same seed always gives the same evaluations.

``python -m qaworkstation.core.team.demo_data docs`` writes ``docs/monthly-report.pdf`` from it.
"""

from __future__ import annotations

import math
import random
import sys
import uuid
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..domain import (CONFIRMED, REJECTED, SUBMITTED, VIOLATION_CATEGORIES, Evaluation, Flag, Hearing, ItemScore,
                      PhraseRule, Rubric, RubricItem, Verdict)
from ..library.store import Store
from ..scoring.rubric import bundled_rubrics_dir, load_rubric
from ..scoring.scorecard import accept_remaining, build_evaluation
from .coaching import CoachingSession, Moment, item_loss_rates
from .reports import DEFAULT_FORECAST_PERIODS, Period, build_quality_report, deductions

DEMO_SEED = 2026
DEMO_MONTH = "2026-10"
DEMO_RECORDINGS = "/calls"  # where save_to_store says the recordings are
INSPECTORS = ("张敏", "李娜", "王磊")
ZH_TEAMS = {
    "物流组": ("陈晓燕", "刘洋", "赵静", "孙浩"),
    "售前组": ("周婷", "吴磊", "郑雪", "冯凯"),
    "售后组": ("何丽", "高峰", "林悦", "马超"),
    "投诉组": ("黄蕾", "罗军", "谢婷", "韩冰"),
}
EN_TEAMS = {"Billing": ("Alice Chen", "Brian Lee", "Carmen Diaz")}

# Chance per call that an item loses points. Slips on other items are rare on an ordinary call, so what an
# agent keeps losing points on stands out, as it does in a real month.
_BASE_CHANCE = {"A": 0.004, "B": 0.01, "C": 0.014}
_CRITICAL_CHANCE = 0.003
_COMMON_CHANCE = 0.3  # items most agents struggle with
_WEAK_CHANCE = 0.45  # an agent's personal weak spots
_NA_CHANCE = 0.3
_COMMON_PER_RUBRIC = 2
_CALLS_PER_AGENT = (9, 15)
_IMPROVEMENT_PER_MONTH = 0.8  # coaching works: weak spots fade a little each month
# A bad call (an angry customer, a bad day) loses the agent's weak spots and the common problems entirely,
# and a few serious items besides. Weaker agents have many more of them: failed calls cluster, as they do.
_BAD_CALL_SCALE = 1.0
_CALL_SECONDS = 300.0  # a recording's length where the call's own is not known
# Call lengths: log-normal around four minutes, complaints longer, a few cut short or dragging past ten minutes,
# so handle-time compliance has something to find. Drawn from their own random stream (see _duration) so the
# scores of a seed stay what they were before durations varied.
_MEDIAN_SECONDS = 240.0
_DURATION_SPREAD = 0.55
_COMPLAINT_LENGTHENING = 1.6
_SHORTEST_CALL, _LONGEST_CALL = 45.0, 1500.0
_EVENING_HOUR = 19
_EVENING_STRAIN = 1.8  # tired evenings: slips and bad calls are this much more likely from _EVENING_HOUR on
# Chance per call that a violation rule fires where nothing was wrong (a customer's words, a word misheard, an
# ordinary phrase): fillers are noisy, insults rarely wrong. The inspector rejects those, saying why.
_FALSE_ALARM_CHANCE = {"forbidden": 0.05, "filler": 0.06, "insult": 0.005}
_FALSE_ALARM_REASONS = {
    "forbidden": ("客户说的，不是坐席", "正常用语：有不明白的地方请随时来电", "识别错误"),
    "filler": ("语气停顿，不算口头禅", "识别错误"),
    "insult": ("客户说的，不是坐席",),
}
_UNJUDGED_CHANCE = 0.1  # a real hit left without a verdict of its own: the item was scored as a whole
_ACCEPT_REMAINING_CHANCE = 0.1  # the rest of the scorecard released with "accept the remaining items"
_HEARD_SHARE = (0.55, 1.0)
_UNHEARD_PER_CALL = (6, 11)  # calls of the same agent and day not drawn for listening, per evaluated call
_WORKDAY_MINUTES = (8 * 60 + 30, 21 * 60)  # when the hotline is open
DEMO_COACHING_DAY = "2026-10-12"  # the month's 1:1 sessions, for the coaching re-check in the agent trend
_COACHED_AGENTS = 3
# A caller left unhelped rings the same team's hotline again within days, more often after a weaker agent:
# the chance per handled call is this over the agent's skill, the callback up to _CALLBACK_HOURS later.
_CALLBACK_CHANCE = 0.15
_CALLBACK_HOURS = (1, 6 * 24)


@dataclass(frozen=True)
class DemoAgent:
    name: str
    team: str
    rubric_id: str
    skill: float  # 0.7 (struggling) .. 1.3 (excellent): divides the chance of every deduction
    weak_items: tuple[str, ...]
    blunder_items: tuple[str, ...]  # serious (A/B) items this agent gets wrong when a call goes badly


def default_rubrics(include_english: bool = False) -> list[Rubric]:
    """The shipped Chinese rubric, and the English one for a mixed-language center."""
    names = ["zh_monitoring.yaml", *(["en_contact_center.yaml"] if include_english else [])]
    return [load_rubric(bundled_rubrics_dir() / name) for name in names]


def demo_agents(rubrics: Sequence[Rubric], seed: int = DEMO_SEED) -> list[DemoAgent]:
    """The roster: Chinese teams on the first zh rubric, the English team on an en rubric if one is given."""
    rng = random.Random(f"{seed}-agents")
    agents = []
    for language, teams in (("zh", ZH_TEAMS), ("en", EN_TEAMS)):
        rubric = next((r for r in rubrics if r.language == language), None)
        if rubric is None:
            continue
        everyday = [item for item in rubric.items if not item.applies_to]  # weak spots show on every call type
        candidates = [item.id for item in everyday if not item.critical]
        serious = [item.id for item in everyday
                   if item.severity in ("A", "B") and not item.critical and item.id in _watched(rubric)]
        for team, names in teams.items():
            for name in names:
                weak = tuple(rng.sample(candidates, rng.choice((1, 2, 2))))
                blunders = tuple(rng.sample(serious, 3))
                agents.append(DemoAgent(name, team, rubric.id, round(rng.uniform(0.7, 1.3), 2), weak, blunders))
    return agents


def common_items(rubric: Rubric, seed: int = DEMO_SEED) -> tuple[str, ...]:
    """The items most agents lose points on this season, chosen among the B/C items."""
    rng = random.Random(f"{seed}-common-{rubric.id}")
    everyday = [item.id for item in rubric.items
                if item.severity != "A" and not item.applies_to and item.id in _watched(rubric)]
    return tuple(rng.sample(everyday, min(_COMMON_PER_RUBRIC, len(everyday))))


def _watched(rubric: Rubric) -> set[str]:
    """The items a rule watches: the everyday slips a team shares (greeting, fillers, talk-over), not rare
    misconduct such as 抢单拉单, which a demo month would otherwise show as common as a missing greeting. A rule
    listening to the customer's side (an angry caller) watches no slip of the agent's, so it is left out."""
    rules = (*rubric.rules, *rubric.behaviour_rules, *rubric.sequence_rules)
    return {rule.item for rule in rules if getattr(rule, "speaker", "agent") != "customer"}


def generate_month(month: str = DEMO_MONTH, rubrics: Sequence[Rubric] | None = None, seed: int = DEMO_SEED,
                   months_of_coaching: int = 0) -> list[Evaluation]:
    """Every evaluation of ``month`` (``YYYY-MM``) for the demo roster, spread over the inspectors.

    ``months_of_coaching`` makes weak spots rarer, so consecutive months show an improving trend.
    """
    rubrics = list(rubrics) if rubrics is not None else default_rubrics()
    by_id = {rubric.id: rubric for rubric in rubrics}
    rng = random.Random(f"{seed}-{month}")
    days = _days_of(month)
    evaluations = []
    for agent in demo_agents(rubrics, seed):
        rubric = by_id[agent.rubric_id]
        fade = _IMPROVEMENT_PER_MONTH ** months_of_coaching
        for _ in range(rng.randint(*_CALLS_PER_AGENT)):
            evaluations.append(_evaluation(rng, rubric, agent, rng.choice(days), common_items(rubric, seed), fade))
    return _unique_call_ids(sorted(evaluations, key=lambda ev: (ev.call_time, ev.id)))


def generate_months(months: Sequence[str], rubrics: Sequence[Rubric] | None = None,
                    seed: int = DEMO_SEED) -> list[Evaluation]:
    """Consecutive months with coaching taking effect, for month-over-month comparisons."""
    return _unique_call_ids([ev for number, month in enumerate(months)
                             for ev in generate_month(month, rubrics, seed, number)])


def _unique_call_ids(evaluations: list[Evaluation]) -> list[Evaluation]:
    """A recording system never gives two calls one id, but five-digit random numbers do now and then, and a
    report takes two evaluations with one call id for the same call scored twice. A later call drawing an id
    already taken gets a letter after it (C77581B), in its file name too; the rest stay as drawn."""
    taken: set[str] = set()
    unique = []
    for ev in evaluations:
        call_id, letters = ev.call_id, iter("BCDEFGHJK")
        while call_id in taken:
            call_id = ev.call_id + next(letters)
        taken.add(call_id)
        unique.append(ev if call_id == ev.call_id else
                      replace(ev, call_id=call_id, file_name=ev.file_name.replace(ev.call_id, call_id)))
    return unique


def _days_of(month: str) -> list[date]:
    first = datetime.strptime(month, "%Y-%m").date()
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [first + timedelta(days=n) for n in range((following - first).days)]


def _evaluation(rng: random.Random, rubric: Rubric, agent: DemoAgent, day: date, common: tuple[str, ...],
                fade: float) -> Evaluation:
    call_time = datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randint(8 * 60 + 30, 21 * 60))
    call_type = rng.choice(rubric.call_types) if rubric.call_types else ""
    duration = _duration(agent, call_time, call_type)
    items: dict[str, ItemScore] = {}
    flags: list[Flag] = []
    verdicts: list[Verdict] = []
    strain = _EVENING_STRAIN if call_time.hour >= _EVENING_HOUR else 1.0
    bad_call = rng.random() < strain * _BAD_CALL_SCALE * max(0.0, 1.3 - agent.skill) ** 2
    blunders = _blunders(rng, rubric, agent, common) if bad_call else set()
    inspector = rng.choice(INSPECTORS)
    for item in rubric.items:
        if not item.applies(call_type):
            items[item.id] = ItemScore(item.id, None, na=True, reviewed=True)
            continue
        severe = item.id in blunders
        chance = 1.0 if severe else min(strain * _deduction_chance(item, agent, common, fade), 0.9)
        items[item.id], hits, false_alarms = _item_verdict(rng, rubric, item, chance, severe, duration)
        flags += hits + false_alarms
        verdicts += _verdicts(rng, hits, false_alarms, inspector, call_time)
    items, accepted = _reviewed(rng, rubric, items, call_type)
    scored_at = (call_time + timedelta(hours=rng.randint(1, 30))).replace(tzinfo=timezone(timedelta(hours=8)))
    stamp = scored_at.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    call_number = rng.randint(10000, 99999)
    recording = {"id": str(uuid.UUID(int=rng.getrandbits(128))), "agent": agent.name, "team": agent.team,
                 "call_id": f"C{call_number}", "call_time": call_time.isoformat(timespec="seconds"),
                 "file_name": f"{agent.team}_{call_time:%Y%m%d_%H%M}_C{call_number}.wav"}
    evaluation = build_evaluation(rubric, recording, inspector, items, _comment(rubric, items),
                                  str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                                  flags=sorted(flags, key=lambda f: f.start), verdicts=verdicts, call_type=call_type,
                                  hearing=_hearing(rng, len(flags), duration), accepted_remaining=accepted)
    return replace(evaluation, created_at=stamp, updated_at=stamp, status=SUBMITTED)  # released, as shared


def _reviewed(rng: random.Random, rubric: Rubric, items: dict[str, ItemScore], call_type: str
              ) -> tuple[dict[str, ItemScore], list[str]]:
    """Every item judged before the submit: one by one, or now and then the untouched ones (full marks, no
    suggestion) released together with "accept the remaining items", which the evaluation records."""
    if rng.random() < _ACCEPT_REMAINING_CHANCE:
        untouched = {item_id for item_id, score in items.items() if not score.na and score.score is None}
        return accept_remaining(rubric, {k: replace(v, reviewed=k not in untouched) for k, v in items.items()},
                                call_type)
    full = {item.id: item.max_points for item in rubric.items}
    return {k: replace(v, score=full[k] if v.score is None and not v.na else v.score, reviewed=True)
            for k, v in items.items()}, []


def _duration(agent: DemoAgent, call_time: datetime, call_type: str) -> float:
    """The call's length in seconds, from a stream of its own keyed by the call, so adding durations did not
    change any score the main stream draws."""
    rng = random.Random(f"duration-{agent.name}-{call_time.isoformat()}-{call_type}")
    median = _MEDIAN_SECONDS * (_COMPLAINT_LENGTHENING if call_type in ("投诉", "complaint") else 1.0)
    seconds = rng.lognormvariate(math.log(median), _DURATION_SPREAD)
    return round(min(max(seconds, _SHORTEST_CALL), _LONGEST_CALL), 1)


def _hearing(rng: random.Random, suggestions: int, duration: float) -> Hearing:
    """Most of the call heard, and every flagged moment visited but now and then one."""
    heard = round(duration * rng.uniform(*_HEARD_SHARE), 1)
    visited = suggestions - (1 if suggestions and rng.random() < 0.2 else 0)
    return Hearing(heard, duration, visited, suggestions)


def _blunders(rng: random.Random, rubric: Rubric, agent: DemoAgent, common: tuple[str, ...]) -> set[str]:
    """The items a bad call loses entirely: what the agent is weak at anyway and their usual serious slips."""
    return {*agent.weak_items, *common, *agent.blunder_items}


def _deduction_chance(item: RubricItem, agent: DemoAgent, common: tuple[str, ...], fade: float) -> float:
    if item.critical:
        return _CRITICAL_CHANCE / agent.skill
    focus = (_COMMON_CHANCE if item.id in common else 0.0) + (_WEAK_CHANCE if item.id in agent.weak_items else 0.0)
    return min((_BASE_CHANCE[item.severity] + focus * fade) / agent.skill, 0.9)


def _item_verdict(rng: random.Random, rubric: Rubric, item: RubricItem, chance: float,
                  severe: bool, duration: float) -> tuple[ItemScore, list[Flag], list[Flag]]:
    """One item's score and the violations the rules suggested on it, consistent with each other: a forbidden
    phrase costs exactly the rule's deduction per real hit, as the rules engine would suggest, and a false alarm
    (rejected, see :func:`_verdicts`) costs nothing. A ``severe`` miss loses the whole item. An item nobody
    deducted is left unscored here (full points once reviewed). Returns the score, the real hits and the false
    alarms."""
    if item.allow_na and not severe and rng.random() < _NA_CHANCE:
        return ItemScore(item.id, None, na=True, reviewed=True), [], []
    rule = next((r for r in rubric.rules if r.item == item.id and r.category in VIOLATION_CATEGORIES
                 and r.deduction > 0), None)
    false_alarms = ([_flag(rng, rule, rule.deduction, "", duration)]
                    if rule is not None and rng.random() < _FALSE_ALARM_CHANCE.get(rule.category, 0.0) else [])
    if rng.random() >= chance:
        return ItemScore(item.id), [], false_alarms
    if rule is not None:
        count = math.ceil(item.max_points / rule.deduction) if severe else rng.choice((1, 1, 2, 3))
        hits = [_flag(rng, rule, rule.deduction, rng.choice(_CONTEXT), duration) for _ in range(count)]
        lost = min(item.max_points, sum(f.deduction for f in hits))
        return ItemScore(item.id, item.max_points - lost, comment=f"{len(hits)}×{rule.category}"), hits, false_alarms
    lost = item.max_points if severe else rng.choice((1.0, max(1.0, round(item.max_points / 2)), item.max_points))
    return ItemScore(item.id, max(0.0, item.max_points - lost)), [], []


def _verdicts(rng: random.Random, hits: list[Flag], false_alarms: list[Flag], inspector: str,
              call_time: datetime) -> list[Verdict]:
    """The inspector's verdict on each suggestion: false alarms rejected with a reason, real hits confirmed,
    except the odd one left unjudged when the item was scored as a whole."""
    decided = (call_time + timedelta(hours=1)).isoformat(timespec="seconds")
    confirmed = [Verdict(f.category, f.phrase, f.item, f.start, CONFIRMED, f.text, "", inspector, decided)
                 for f in hits if rng.random() >= _UNJUDGED_CHANCE]
    rejected = [Verdict(f.category, f.phrase, f.item, f.start, REJECTED, f.text,
                        rng.choice(_FALSE_ALARM_REASONS[f.category]), inspector, decided) for f in false_alarms]
    return confirmed + rejected


def _flag(rng: random.Random, rule: PhraseRule, deduction: float, heard_as: str, duration: float) -> Flag:
    """A violation heard mid-call, the phrase in the words around it (``heard_as``; a false alarm is often a
    fragment misheard, the phrase alone)."""
    phrase = rng.choice(rule.phrases)
    start = round(rng.uniform(10.0, duration - 30), 1)
    text = f"{phrase}，{heard_as}" if heard_as else phrase
    return Flag(rule.category, phrase, text, rule.speaker, start, round(start + rng.uniform(0.6, 3.0), 1), rule.item,
                deduction)


_CONTEXT = ("我帮您看一下", "您稍等", "这个情况是这样的", "您说的我明白", "我们这边会处理")


def _comment(rubric: Rubric, items: dict[str, ItemScore]) -> str:
    lost = [rubric.item(i).title for i, s in items.items()
            if s.score is not None and s.score < rubric.item(i).max_points]
    return "、".join(lost[:3]) + ("需改进" if lost else "") if rubric.language == "zh" else ", ".join(lost[:3])


# ------------------------------------------------------------------------------------------ real libraries


def handled_calls(evaluations: Sequence[Evaluation], seed: int = DEMO_SEED) -> list[dict[str, str]]:
    """Every call the demo center took: each evaluated call and, beside it, the calls of the same agent that day
    nobody listened to (a 10% plan checks about one in ten), as library rows for the coverage rate, each with
    its caller's number (see :func:`_with_callers`) for repeat calls."""
    rng = random.Random(f"{seed}-handled")
    rows = []
    for ev in evaluations:
        rows.append({"team": ev.team, "agent": ev.agent, "call_id": ev.call_id, "file_name": ev.file_name,
                     "call_time": ev.call_time})
        for number in range(rng.randint(*_UNHEARD_PER_CALL)):
            call_id = f"{ev.call_id}-{number}"
            rows.append({"team": ev.team, "agent": ev.agent, "call_id": call_id, "file_name": "",
                         "call_time": _same_day(ev.call_time, f"{seed}-{call_id}")})
    return _with_callers(rows, seed)


def _same_day(call_time: str, key: str) -> str:
    """Another moment of the call's day in opening hours, from a stream of its own (the number of calls per day,
    which the coverage figures rest on, stays what it was)."""
    day = datetime.fromisoformat(call_time).replace(hour=0, minute=0, second=0)
    minute = random.Random(key).randint(*_WORKDAY_MINUTES)
    return (day + timedelta(minutes=minute)).isoformat(timespec="seconds")


def _with_callers(rows: list[dict[str, str]], seed: int) -> list[dict[str, str]]:
    """Every call gets a caller number of its own, then, in call order, a caller the agent did not help (chance
    :data:`_CALLBACK_CHANCE` over the agent's skill) rings the team again up to six days later: the team's first
    call at or after that moment takes the caller's number. Callbacks can chain, as they do."""
    rng = random.Random(f"{seed}-callers")
    skill = {agent.name: agent.skill for agent in demo_agents(default_rubrics(include_english=True), seed)}
    ordered = sorted(rows, key=lambda row: (row["call_time"], row["call_id"]))
    teams: dict[str, list[dict[str, str]]] = defaultdict(list)
    for number, row in enumerate(ordered):
        row["caller"] = f"139{number:08d}"
        teams[row["team"]].append(row)
    times = {team: [row["call_time"] for row in members] for team, members in teams.items()}
    called_back: set[str] = set()
    for row in ordered:
        if rng.random() >= _CALLBACK_CHANCE / skill.get(row["agent"], 1.0):
            continue
        later = datetime.fromisoformat(row["call_time"]) + timedelta(hours=rng.uniform(*_CALLBACK_HOURS))
        start = bisect_left(times[row["team"]], later.isoformat(timespec="seconds"))
        target = next((other for other in teams[row["team"]][start:] if other["call_id"] not in called_back), None)
        if target is not None:
            target["caller"] = row["caller"]
            called_back.add(target["call_id"])
    return rows


def coaching_sessions(evaluations: Sequence[Evaluation], rubrics: Sequence[Rubric], day: str = DEMO_COACHING_DAY,
                      count: int = _COACHED_AGENTS, seed: int = DEMO_SEED) -> list[CoachingSession]:
    """The 1:1 sessions a coach would hold on ``day``: the ``count`` agents with the lowest pass rate over the 30
    days before it, each coached on their personal weak spots (one moment per item, from a call that lost it),
    with the follow-up's outcome as the re-check over the month's report shows it (from the previous month's
    start to the month's end)."""
    by_id = {rubric.id: rubric for rubric in rubrics}
    first = (date.fromisoformat(day) - timedelta(days=30)).isoformat()
    before = [ev for ev in evaluations if first <= ev.call_time[:10] < day and ev.rubric_id in by_id]
    rates = {agent: _pass_share([ev for ev in before if ev.agent == agent]) for agent in {ev.agent for ev in before}}
    roster = {agent.name: agent for agent in demo_agents(rubrics, seed)}
    month = Period.month(day[:7])
    scope = [ev for ev in evaluations
             if month.previous().start.isoformat() <= ev.call_time[:10] < month.end.isoformat()]
    sessions = []
    for agent in sorted(rates, key=lambda name: (rates[name], name))[:count]:
        moments = _coaching_moments([ev for ev in before if ev.agent == agent], by_id, roster[agent].weak_items)
        session = CoachingSession(agent, "coach", moments, "复听本人录音，逐项对照评分标准", created_at=f"{day}T10:00:00Z")
        rechecked = item_loss_rates(scope, by_id, agent, session.items, day)
        better = sum(bool(item.improved) for item in rechecked)
        session.outcome = ("improved" if better == len(rechecked) else "partly" if better else "not_improved")
        sessions.append(session)
    return sessions


def _pass_share(evaluations: Sequence[Evaluation]) -> float:
    """The share of the calls that passed (1.0 for none: an agent without calls is not the weakest)."""
    return sum(ev.passed for ev in evaluations) / len(evaluations) if evaluations else 1.0


def _coaching_moments(evaluations: Sequence[Evaluation], rubrics: dict[str, Rubric],
                      items: Sequence[str]) -> list[Moment]:
    """The latest call that lost each item, as the moment to replay."""
    moments = []
    for item_id in items:
        lost = [(ev, d) for ev in evaluations for d in deductions(ev, rubrics[ev.rubric_id]) if d.item.id == item_id]
        if lost:
            ev, deduction = lost[-1]
            moments.append(Moment(ev.recording_id, ev.file_name, ev.call_time, 0.0, 0.0, "deducted", item_id,
                                  deduction.item.title, deduction.item.severity, deduction.lost, ev.comment))
    return moments


def history_months(period: Period, count: int = DEFAULT_FORECAST_PERIODS) -> list[str]:
    """``count`` months ending with ``period``'s, oldest first: what the forecast page fits its line to."""
    months = [period]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return [month.label for month in months]


def save_to_store(store: Store, evaluation: Evaluation) -> Evaluation:
    """Put a generated evaluation into an inspector's library as the app's Save would: the recording (keyed by a
    hash made from the call id), its rule flags, then the scorecard as a draft with the flags it stands by and
    its verdicts. The store stamps its own times.

    A draft is private (no share, report or calibration counts it), so callers submit what the team should see
    with :func:`~qaworkstation.core.scoring.lifecycle.submit`; the report tests keep some as drafts on purpose."""
    sha256 = uuid.uuid5(uuid.NAMESPACE_URL, f"{evaluation.call_id}/{evaluation.file_name}").hex * 2
    recording_id, _ = store.add_recording({
        "sha256": sha256, "path": f"{DEMO_RECORDINGS}/{evaluation.file_name}", "file_name": evaluation.file_name,
        "duration": evaluation.hearing.duration_s or _CALL_SECONDS, "channels": 2, "samplerate": 8000,
        "agent": evaluation.agent,
        "team": evaluation.team, "call_id": evaluation.call_id, "call_time": evaluation.call_time,
    })
    store.save_analysis(recording_id, evaluation.rubric_id, evaluation.flags, [])
    return store.save_evaluation(replace(evaluation, id="", recording_id=recording_id))


def main(argv: list[str] | None = None) -> int:
    """Write the sample monthly report into a folder: the months before are generated too, for the comparison
    and the forecast, and the recordings are linked where :func:`save_to_store` puts them."""
    from .report_charts import export_pdf  # matplotlib is loaded only when a report is made

    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs")
    period = Period.month(DEMO_MONTH)
    rubrics = default_rubrics()
    evaluations = generate_months(history_months(period), rubrics)
    report = build_quality_report(evaluations, period, rubrics, recordings_root=DEMO_RECORDINGS,
                                  handled=handled_calls(evaluations),
                                  coaching=coaching_sessions(evaluations, rubrics))
    out.mkdir(parents=True, exist_ok=True)
    export_pdf(report, out / "monthly-report.pdf")
    print(out / "monthly-report.pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
