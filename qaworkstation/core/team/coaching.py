"""Coaching: the flagged moments and lost points of one agent, replayed and discussed, with a plan.

A coach picks an agent and sees every flagged moment and deducted item across their scored calls; a session
records a note per moment, an action plan, a follow-up date and the agent's acknowledgement. Sessions live in
the library (``coaching_sessions``, migration 6 of :mod:`store`) so follow-ups show up when due.

The handbook's loop goes on past the session: problem → 1:1 coaching → improvement plan → follow-up result →
training request → re-check. The session keeps its outcome, the follow-up result and a training request inside
its ``moments`` JSON (an object ``{"moments": [...], "loop": {...}}``; older rows hold the bare list), so the
loop needed no schema change. :func:`recheck` compares, for each coached item, how often the agent lost it on
the calls before the session and on the calls after it.

Coaching works from released scores only: an agent is coached on what was submitted to them, never on a draft
the inspector may still change. A call whose latest version is a draft is shown as last released. And it works
from what the evaluation stands by, never from the raw machine flags: a suggestion the inspector rejected, an
item restored to full marks, marked N/A or not applying to the call type gives no moment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ..domain import DRAFT, Evaluation, Flag, ItemScore, Rubric, RubricItem
from ..library.store import Store, new_id, now_iso
from ..scoring.lifecycle import release_behind
from ..scoring.scorecard import standing_flags


@dataclass
class Moment:
    """One thing to talk about: a flag in a call, or an item the inspector deducted."""

    recording_id: str
    file_name: str
    call_time: str
    start: float
    end: float
    category: str
    item: str
    item_title: str
    severity: str
    deduction: float
    text: str
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.recording_id}:{self.category}:{self.item}:{self.start:.2f}"


OUTCOMES = ("improved", "partly", "not_improved")  # the follow-up's verdict on the session, "" until then


@dataclass
class CoachingSession:
    agent: str
    coach: str
    moments: list[Moment] = field(default_factory=list)
    action_plan: str = ""
    follow_up: str = ""  # ISO date
    acknowledged_at: str = ""
    id: str = ""
    created_at: str = ""
    updated_at: str = ""
    outcome: str = ""  # one of OUTCOMES once followed up
    follow_up_result: str = ""  # what the follow-up found, in the coach's words
    training_request: str = ""  # training asked for when coaching alone is not enough; "" for none

    @property
    def day(self) -> str:
        """The day the session was held (its creation), which splits the agent's calls into before and after."""
        return self.created_at[:10]

    @property
    def items(self) -> list[tuple[str, str]]:
        """The coached items as (item id, title), in the order first discussed."""
        return list(dict.fromkeys((m.item, m.item_title) for m in self.moments if m.item))


@dataclass(frozen=True)
class ItemRecheck:
    """A coached item on the agent's calls before and after the session: calls it applied to, calls it lost
    points on, and the rates. A rate is None without such calls (no call is not a zero)."""

    item: str
    title: str
    calls_before: int
    lost_before: int
    calls_after: int
    lost_after: int

    @property
    def rate_before(self) -> float | None:
        return self.lost_before / self.calls_before if self.calls_before else None

    @property
    def rate_after(self) -> float | None:
        return self.lost_after / self.calls_after if self.calls_after else None

    @property
    def improved(self) -> bool | None:
        """Lost less often after than before; None until both sides have calls."""
        if self.rate_before is None or self.rate_after is None:
            return None
        return self.rate_after < self.rate_before


def released_evaluations(store: Store, recording_id: str = "") -> list[Evaluation]:
    """The latest released version of each evaluation in the library (of one call, if given), oldest change
    first. Only the latest version can be a draft, so the one before it is the last release; a draft of
    version 1 was never released and is left out."""
    released = []
    for evaluation in store.evaluations(recording_id=recording_id):
        if evaluation.status != DRAFT:
            released.append(evaluation)
        elif evaluation.version > 1:
            released.append(release_behind(store, evaluation))
    return sorted(released, key=lambda ev: ev.updated_at)


def agents(store: Store) -> list[str]:
    """The agents with at least one released evaluation to be coached on."""
    rows = store.query("SELECT DISTINCT r.agent FROM recordings r JOIN evaluations e ON e.recording_id = r.id "
                          "WHERE r.agent != '' AND e.status != ? ORDER BY r.agent", (DRAFT,))
    return [row["agent"] for row in rows]


def moments_for_agent(store: Store, rubrics: dict[str, Rubric], agent: str, date_from: str = "", date_to: str = "",
                      categories: set[str] | None = None, severities: set[str] | None = None) -> list[Moment]:
    """Flagged moments and deducted items across the agent's released evaluations, oldest call first."""
    found: list[Moment] = []
    for evaluation in released_evaluations(store):
        if evaluation.agent != agent or not _in_period(evaluation.call_time, date_from, date_to):
            continue
        rubric = rubrics.get(evaluation.rubric_id)
        if rubric is None:
            continue
        found.extend(_moments_of(evaluation, rubric))
    return [m for m in found if (not categories or m.category in categories)
            and (not severities or m.severity in severities)]


def standing_flags_of_call(store: Store, rubrics: dict[str, Rubric], recording_id: str) -> list[Flag]:
    """The flags the call's latest released evaluation stands by, for marking the replayed call: a suggestion
    the inspector rejected or overruled is no more shown to the agent there than in the moments."""
    released = [ev for ev in released_evaluations(store, recording_id) if ev.rubric_id in rubrics]
    if not released:
        return []
    return _standing(released[-1], rubrics[released[-1].rubric_id])


def _in_period(call_time: str, date_from: str, date_to: str) -> bool:
    day = call_time[:10]
    return (not date_from or day >= date_from) and (not date_to or day <= date_to)


def _moments_of(evaluation: Evaluation, rubric: Rubric) -> list[Moment]:
    """The flags the evaluation stands by, each a moment to replay, then the items it deducted without one
    (scored down by the inspector's own judgement)."""
    flags = _standing(evaluation, rubric)
    moments = [_moment(evaluation, rubric.item(flag.item or ""), flag.start, flag.end, flag.category,
                       flag.deduction, flag.text) for flag in flags]
    flagged = {flag.item for flag in flags}
    for item in rubric.items:
        score = evaluation.items.get(item.id)
        if item.id in flagged or not _deducted(item, score, evaluation.call_type):
            continue
        moments.append(_moment(evaluation, item, 0.0, 0.0, "deducted", item.max_points - score.score,
                               score.comment))
    return moments


def _standing(evaluation: Evaluation, rubric: Rubric) -> list[Flag]:
    """The evaluation's flags, filtered again: evaluations saved before they kept the flags they stand by carry
    the call's raw flags; on newer ones this changes nothing."""
    return standing_flags(rubric, evaluation.items, evaluation.flags, evaluation.verdicts, evaluation.call_type)


def _deducted(item: RubricItem, score: ItemScore | None, call_type: str) -> bool:
    return (score is not None and not score.na and score.score is not None and score.score < item.max_points
            and item.applies(call_type))


def _moment(evaluation: Evaluation, item: RubricItem, start: float, end: float, category: str, deduction: float,
            text: str) -> Moment:
    return Moment(evaluation.recording_id, evaluation.file_name, evaluation.call_time, start, end, category,
                  item.id, item.title, item.severity, deduction, text)


def item_loss_rates(evaluations: Iterable[Evaluation], rubrics: Mapping[str, Rubric], agent: str,
                    items: Iterable[tuple[str, str]], day: str) -> list[ItemRecheck]:
    """For each (item id, title), the agent's calls it applied to and lost points on, before ``day`` and after
    it. Calls on ``day`` itself count on neither side: whether they came before the talk is not known."""
    wanted = list(items)
    counts = {item: [0, 0, 0, 0] for item, _ in wanted}  # calls before, lost before, calls after, lost after
    for evaluation in evaluations:
        call_day = evaluation.call_time[:10]
        rubric = rubrics.get(evaluation.rubric_id)
        if evaluation.agent != agent or rubric is None or call_day == day:
            continue
        side = 0 if call_day < day else 2
        for item_id, tally in counts.items():
            item = next((i for i in rubric.items if i.id == item_id), None)
            score = evaluation.items.get(item_id)
            if item is None or not item.applies(evaluation.call_type) or score is None or score.na:
                continue
            tally[side] += 1
            tally[side + 1] += _deducted(item, score, evaluation.call_type)
    return [ItemRecheck(item, title, *counts[item]) for item, title in wanted]


def recheck(store: Store, rubrics: Mapping[str, Rubric], session: CoachingSession) -> list[ItemRecheck]:
    """The session's coached items re-checked on the agent's released calls, before and after the session."""
    return item_loss_rates(released_evaluations(store), rubrics, session.agent, session.items, session.day)


def save_session(store: Store, session: CoachingSession) -> CoachingSession:
    if session.outcome not in ("", *OUTCOMES):
        raise ValueError(f"unknown coaching outcome {session.outcome!r}; expected one of {', '.join(OUTCOMES)}")
    stamp = now_iso()
    session.id = session.id or new_id()
    session.created_at = session.created_at or stamp
    session.updated_at = stamp
    with store.transaction() as db:
        db["coaching_sessions"].upsert({
            "id": session.id, "agent": session.agent, "coach": session.coach, "action_plan": session.action_plan,
            "follow_up": session.follow_up, "acknowledged_at": session.acknowledged_at,
            "moments": json.dumps(_payload(session), ensure_ascii=False),
            "created_at": session.created_at, "updated_at": session.updated_at,
        }, pk="id")
    return session


def all_sessions(store: Store) -> list[CoachingSession]:
    """Every session in the library, oldest first: what the team report re-checks in its agents' trends."""
    return [_session(row) for row in store.query("SELECT * FROM coaching_sessions ORDER BY created_at, id")]


def sessions_for_agent(store: Store, agent: str) -> list[CoachingSession]:
    rows = store.query("SELECT * FROM coaching_sessions WHERE agent = ? ORDER BY created_at DESC", (agent,))
    return [_session(row) for row in rows]


def due_follow_ups(store: Store, today: date | None = None) -> list[CoachingSession]:
    """Sessions whose follow-up date has come, so the coach sees them without searching."""
    day = (today or date.today()).isoformat()
    rows = store.query("SELECT * FROM coaching_sessions WHERE follow_up != '' AND follow_up <= ? "
                          "ORDER BY follow_up", (day,))
    return [_session(row) for row in rows]


def _payload(session: CoachingSession) -> dict[str, Any]:
    """The ``moments`` column's JSON: the moments and the rest of the loop (outcome, result, training)."""
    return {"moments": [asdict(m) for m in session.moments],
            "loop": {"outcome": session.outcome, "follow_up_result": session.follow_up_result,
                     "training_request": session.training_request}}


def _session(row: dict[str, Any]) -> CoachingSession:
    payload = json.loads(row["moments"])
    if isinstance(payload, list):  # a session saved before the loop was kept
        payload = {"moments": payload, "loop": {}}
    loop = payload.get("loop", {})
    return CoachingSession(row["agent"], row["coach"], [Moment(**m) for m in payload["moments"]],
                           row["action_plan"], row["follow_up"], row["acknowledged_at"], row["id"],
                           row["created_at"], row["updated_at"], loop.get("outcome", ""),
                           loop.get("follow_up_result", ""), loop.get("training_request", ""))
