"""The handbook's sampling modes for the calls nobody has time to hear in full.

Risk ranking puts the worst calls first; sampling picks the rest fairly: a random share, the same share from
every agent or team (so a quiet agent is not skipped), or targeted calls (new agents, a product keyword).
Samples are reproducible from their seed, so a supervisor can show how a sample was drawn.

A coverage plan is the monitoring plan's quota: each team checks a share of its calls every day, a share of its
agents is covered every week, and each inspector has a daily listening amount. :func:`quota_sample` draws a
date window by the plan; :func:`plan_progress` says how much of a draw is scored and what remains, and whether
the daily quotas fit the inspectors' amount. A draw is kept in the library (:func:`draw_plan`, table
``samples`` of step 11) so its progress is there the next day, in the window and on the command line alike.
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from ..domain import DRAFT
from ..i18n import _
from ..library.store import Store, new_id, now_iso
from ..textnorm import normalize

Row = dict[str, Any]


def _share(count: int, percent: float) -> int:
    """At least one call from any non-empty group, so nobody escapes sampling by being small."""
    if count == 0 or percent <= 0:
        return 0
    return min(count, max(1, math.ceil(count * percent / 100.0)))


def random_sample(rows: list[Row], percent: float, seed: int = 0) -> list[str]:
    chosen = random.Random(seed).sample(rows, _share(len(rows), percent))
    return [row["id"] for row in chosen]


def stratified_sample(rows: list[Row], percent: float, by: str = "agent", seed: int = 0) -> list[str]:
    if by not in ("agent", "team"):
        raise ValueError(f"stratify by 'agent' or 'team', not {by!r}")
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row[by]].append(row)
    rng = random.Random(seed)
    chosen: list[str] = []
    for key in sorted(groups):
        members = groups[key]
        chosen.extend(row["id"] for row in rng.sample(members, _share(len(members), percent)))
    return chosen


def targeted_sample(store: Store, rows: list[Row], agents: Iterable[str] = (), keyword: str = "") -> list[str]:
    """Calls of the given (e.g. new) agents, plus calls whose transcript mentions the keyword."""
    wanted_agents = {a for a in agents if a}
    needle = normalize(keyword) if keyword.strip() else ""
    mentioning = _recordings_mentioning(store, needle) if needle else set()
    return [row["id"] for row in rows if row["agent"] in wanted_agents or row["id"] in mentioning]


def _recordings_mentioning(store: Store, needle: str) -> set[str]:
    """Normalised matching, so 會員 finds 会员 and spacing or punctuation do not matter."""
    rows = store.query(
        "SELECT t.recording_id, group_concat(s.text, ' ') AS text FROM transcripts t "
        "JOIN segments s ON s.transcript_id = t.id GROUP BY t.id")
    return {row["recording_id"] for row in rows if needle in normalize(row["text"] or "")}


# ---------------------------------------------------------------------------------------------- coverage plans


@dataclass(frozen=True)
class CoveragePlan:
    """The handbook's quotas for one team (``team`` empty: the default for every team)."""

    team: str = ""
    call_share: float = 10.0  # percent of each day's calls the team checks
    agent_share: float = 20.0  # percent of the team's agents covered every ISO week
    inspector_daily: int = 0  # calls one inspector listens to per day (from effective working time); 0: no limit


@dataclass(frozen=True)
class PlanProgress:
    """How far a drawn sample has been worked through, and whether the inspectors can keep up with it."""

    drawn: int
    scored: int
    busiest_day: int  # the most calls drawn for one day
    daily_capacity: int  # calls the inspectors can hear in a day; 0: not set

    @property
    def remaining(self) -> int:
        return self.drawn - self.scored

    @property
    def over_capacity(self) -> bool:
        """A day's quota is more than the inspectors' daily amount: the plan cannot be kept as drawn."""
        return bool(self.daily_capacity) and self.busiest_day > self.daily_capacity


def in_window(rows: Iterable[Row], date_from: str = "", date_to: str = "") -> list[Row]:
    """The calls made between ``date_from`` and ``date_to`` (ISO days, both included; empty is open)."""
    return [row for row in rows if (not date_from or _day(row) >= date_from) and (not date_to or _day(row) <= date_to)]


def quota_sample(rows: Iterable[Row], plans: Mapping[str, CoveragePlan] | CoveragePlan, date_from: str = "",
                 date_to: str = "", seed: int = 0) -> list[str]:
    """The calls a coverage plan draws in the window: each team's daily share of its calls, then, where a
    week's draw misses too many of the team's agents, one call each from agents not yet covered until the
    weekly agent share is met. ``plans`` is one plan for every team or a plan per team (missing teams use the
    plan under the key ``""``, else the defaults). Reproducible from ``seed``."""
    rng = random.Random(seed)
    dated = [row for row in in_window(rows, date_from, date_to) if _day(row)]  # an undated call has no day quota
    calls = sorted(dated, key=lambda row: (_day(row), str(row["id"])))
    by_day: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in calls:
        by_day[(row["team"], _day(row))].append(row)
    chosen: list[Row] = []
    for (team, _day_of), members in sorted(by_day.items()):
        chosen.extend(rng.sample(members, _share(len(members), _plan(plans, team).call_share)))
    return [row["id"] for row in chosen + _agent_top_up(calls, chosen, plans, rng)]


def _agent_top_up(calls: list[Row], chosen: list[Row], plans: Mapping[str, CoveragePlan] | CoveragePlan,
                  rng: random.Random) -> list[Row]:
    """One call from each of enough uncovered agents to reach every team-week's agent share."""
    taken = {row["id"] for row in chosen}
    weeks: dict[tuple[str, tuple[int, int]], list[Row]] = defaultdict(list)
    for row in calls:
        weeks[(row["team"], _week(row))].append(row)
    added: list[Row] = []
    for (team, _week_of), members in sorted(weeks.items()):
        agents = sorted({row["agent"] for row in members})
        covered = {row["agent"] for row in members if row["id"] in taken}
        missing = _share(len(agents), _plan(plans, team).agent_share) - len(covered)
        uncovered = [agent for agent in agents if agent not in covered]
        for agent in rng.sample(uncovered, max(0, min(missing, len(uncovered)))):
            added.append(rng.choice([row for row in members if row["agent"] == agent]))
    return added


def plan_progress(drawn: Iterable[Row], scored_ids: Collection[str], plan: CoveragePlan = CoveragePlan(),
                  inspectors: int = 1) -> PlanProgress:
    """Drawn, scored and remaining calls of a draw (``scored_ids``: calls with a submitted evaluation), and the
    busiest day's draw against the inspectors' daily amount."""
    rows = list(drawn)
    per_day: dict[str, int] = defaultdict(int)
    for row in rows:
        per_day[_day(row)] += 1
    return PlanProgress(len(rows), sum(row["id"] in scored_ids for row in rows), max(per_day.values(), default=0),
                        plan.inspector_daily * inspectors)


def _plan(plans: Mapping[str, CoveragePlan] | CoveragePlan, team: str) -> CoveragePlan:
    if isinstance(plans, CoveragePlan):
        return plans
    return plans.get(team) or plans.get("") or CoveragePlan()


def _day(row: Row) -> str:
    return str(row.get("call_time") or "")[:10]


def _week(row: Row) -> tuple[int, int]:
    year, week, _ = date.fromisoformat(_day(row)).isocalendar()
    return year, week


# ---------------------------------------------------------------------------------------------- saved draws


@dataclass
class SavedSample:
    """A draw under a coverage plan as it was made: the plan, the window, the seed and the calls it chose. The
    calls are kept, not re-drawn, since calls imported later would change a new draw of the same window."""

    plan: CoveragePlan
    date_from: str
    date_to: str
    seed: int
    recording_ids: list[str] = field(default_factory=list)
    name: str = ""
    created_by: str = ""
    id: str = ""
    created_at: str = ""


def draw_plan(store: Store, plan: CoveragePlan, date_from: str, date_to: str, seed: int = 0, name: str = "",
              created_by: str = "") -> SavedSample:
    """Draw the library's calls of the window (ISO days, both included) by ``plan`` and keep the draw; a plan
    naming a team draws from that team's calls only."""
    for day in (date_from, date_to):
        _check_day(day)
    if date_from > date_to:
        raise ValueError(_("the window starts after it ends: {first} > {last}").format(first=date_from, last=date_to))
    rows = store.list_recordings(team=plan.team, date_from=date_from, date_to=_day_after(date_to))
    drawn = quota_sample(rows, plan, date_from, date_to, seed)
    if not drawn:  # an empty draw kept would show as a plan with nothing left to do
        message = (_("no calls of {team} to draw between {first} and {last} (or the plan's shares are 0)") if plan.team
                   else _("no calls to draw between {first} and {last} (or the plan's shares are 0)"))
        raise ValueError(message.format(team=plan.team, first=date_from, last=date_to))
    sample = SavedSample(plan, date_from, date_to, seed, drawn, name or f"{plan.team or '*'} {date_from}…{date_to}",
                         created_by)
    return save_sample(store, sample)


def save_sample(store: Store, sample: SavedSample) -> SavedSample:
    """Keep (or rename) a draw; its id and time are given on first save, so saving again updates it."""
    sample.id = sample.id or new_id()
    sample.created_at = sample.created_at or now_iso()
    with store.transaction() as db:
        db["samples"].upsert({
            "id": sample.id, "name": sample.name, "plan": json.dumps(asdict(sample.plan), ensure_ascii=False),
            "date_from": sample.date_from, "date_to": sample.date_to, "seed": sample.seed,
            "recording_ids": json.dumps(sample.recording_ids), "created_by": sample.created_by,
            "created_at": sample.created_at,
        }, pk="id")
    return sample


def saved_samples(store: Store) -> list[SavedSample]:
    """Every kept draw, newest first."""
    rows = store.query("SELECT * FROM samples ORDER BY created_at DESC, id")
    return [SavedSample(CoveragePlan(**json.loads(row["plan"])), row["date_from"], row["date_to"], row["seed"],
                        json.loads(row["recording_ids"]), row["name"], row["created_by"], row["id"],
                        row["created_at"]) for row in rows]


def sample_progress(store: Store, sample: SavedSample, inspectors: int = 1) -> PlanProgress:
    """The kept draw against the library now: how many of its calls have a released evaluation (a draft is
    not scored yet), and its busiest day against the inspectors' daily amount."""
    wanted = set(sample.recording_ids)
    window = store.list_recordings(date_from=sample.date_from, date_to=_day_after(sample.date_to))
    drawn = [row for row in window if row["id"] in wanted]
    return plan_progress(drawn, scored_recordings(store), sample.plan, inspectors)


def scored_recordings(store: Store) -> set[str]:
    """The calls with at least one released evaluation version (a later draft correction does not unscore)."""
    rows = store.query("SELECT DISTINCT recording_id FROM evaluations WHERE status != ?", (DRAFT,))
    return {row["recording_id"] for row in rows}


def _check_day(day: str) -> None:
    try:
        date.fromisoformat(day)
    except ValueError:
        raise ValueError(_("not a day: {day!r}; expected YYYY-MM-DD").format(day=day)) from None


def _day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
