"""From flags to a filled scorecard: the rules' suggestions, the inspector's verdicts on them, the review state
of every item and the evaluation that gets saved.

The rules only suggest. A suggestion pre-fills its item's score but is not a review: the item stays pending
until a person scores it, confirms it as it stands or marks it N/A, and a verdict on a suggestion (confirmed or
rejected) is that person's judgement of it. What the saved evaluation stands by — the flags coaching, team
figures and reports count — is decided here, once, from the item scores and the verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..domain import (ADVISORY_CATEGORIES, REJECTED, Check, Evaluation, Flag, Hearing, ItemScore, Rubric, RubricItem,
                      Verdict)
from .rubric import score_evaluation

# Word timestamps move by a few hundred ms between model versions; a verdict still belongs to the same hit.
SAME_MOMENT_S = 0.5


@dataclass(frozen=True)
class Suggestion:
    """Why the rules think an item should lose points, with the moment to jump to (None for a missing check).

    ``source`` is the flag or check it came from, which is what a verdict is given on. An advisory suggestion
    (a form the recogniser cannot settle) deducts nothing by itself: the inspector decides.
    """

    item_id: str
    deduction: float
    category: str
    evidence: str = ""  # the words heard; empty for a missing greeting/closing
    speaker: str = ""
    start: float | None = None
    source: Flag | Check = Check("", False)
    part: str = ""  # the missing part of a greeting or closing (公司名, 工号...), when the rubric asks for parts

    @property
    def advisory(self) -> bool:
        return self.category in ADVISORY_CATEGORIES


def suggestions(rubric: Rubric, flags: list[Flag], checks: list[Check]) -> dict[str, list[Suggestion]]:
    """Every suggestion per item: flags with a deduction (or advisory ones) and expectations not met."""
    by_item: dict[str, list[Suggestion]] = {item.id: [] for item in rubric.items}
    for flag in flags:
        if flag.item in by_item and (flag.deduction > 0 or flag.category in ADVISORY_CATEGORIES):
            by_item[flag.item].append(Suggestion(flag.item, flag.deduction, flag.category, flag.text, flag.speaker,
                                                 flag.start, flag))
    for check in checks:
        if not check.present and check.item in by_item:
            by_item[check.item].append(Suggestion(check.item, check.deduction, check.category, source=check,
                                                  part=check.part))
    return by_item


def verdict_on(suggestion: Suggestion, verdicts: Iterable[Verdict]) -> Verdict | None:
    """The latest verdict given on ``suggestion`` (the same hit within :data:`SAME_MOMENT_S`, or the same
    missing check or part), if any."""
    matching = [v for v in verdicts if _concerns(v, suggestion)]
    return max(matching, key=lambda v: v.decided_at) if matching else None


def _concerns(verdict: Verdict, suggestion: Suggestion) -> bool:
    return concerns(verdict.category, verdict.phrase, verdict.item, verdict.start, suggestion.source)


def concerns(category: str, phrase: str, item: str | None, start: float | None, source: Flag | Check) -> bool:
    """Whether a verdict recorded as (category, phrase, item, start) was given on ``source``.

    A suggestion has no stable id of its own (re-analysis replaces the flags), so a verdict is tied to what
    the suggestion was: the same hit within :data:`SAME_MOMENT_S`, or the same missing check or part.
    """
    if (category, item) != (source.category, source.item):
        return False
    if isinstance(source, Check):
        return start is None and phrase == source.part
    return start is not None and phrase == source.phrase and abs(start - source.start) <= SAME_MOMENT_S


def deducted(found: Sequence[Suggestion], verdicts: Iterable[Verdict]) -> float:
    """What the item's suggestions take off together: each one not rejected (advisory ones take nothing)."""
    verdicts = list(verdicts)
    return sum(s.deduction for s in found if not _rejected(s, verdicts))


def _rejected(suggestion: Suggestion, verdicts: list[Verdict]) -> bool:
    verdict = verdict_on(suggestion, verdicts)
    return verdict is not None and verdict.decision == REJECTED


def suggested_scores(rubric: Rubric, flags: list[Flag], checks: list[Check], verdicts: Iterable[Verdict] = (),
                     call_type: str = "") -> dict[str, ItemScore]:
    """The scorecard as the rules would fill it: each item's max less its suggestions that were not rejected,
    floored at zero. Nothing is reviewed, except items the call type makes N/A (the type decides those)."""
    verdicts = list(verdicts)
    scores: dict[str, ItemScore] = {}
    for item_id, found in suggestions(rubric, flags, checks).items():
        item = rubric.item(item_id)
        if not item.applies(call_type):
            scores[item_id] = ItemScore(item_id, None, na=True, reviewed=True)
            continue
        scores[item_id] = ItemScore(item_id, max(0.0, item.max_points - deducted(found, verdicts)) if found else None)
    return scores


def with_verdict(score: ItemScore, item: RubricItem, suggestion: Suggestion, before: Verdict | None,
                 after: Verdict | None) -> ItemScore:
    """The item's score once a verdict on one of its suggestions changes from ``before`` to ``after``.

    Rejecting gives the suggestion's points back and taking a rejection back deducts them again; whatever else
    the inspector changed on the item stays as they left it.
    """
    was_rejected = before is not None and before.decision == REJECTED
    now_rejected = after is not None and after.decision == REJECTED
    if was_rejected == now_rejected:
        return score
    current = item.max_points if score.score is None else score.score
    change = suggestion.deduction if now_rejected else -suggestion.deduction
    return replace(score, score=min(item.max_points, max(0.0, current + change)))


def judged_by_verdicts(found: Sequence[Suggestion], verdicts: Iterable[Verdict]) -> bool:
    """Whether a person has given a verdict on every suggestion of an item: then the item is reviewed, its
    evidence judged one suggestion at a time."""
    verdicts = list(verdicts)
    return bool(found) and all(verdict_on(s, verdicts) is not None for s in found)


def pending(rubric: Rubric, items: dict[str, ItemScore], call_type: str = "") -> list[RubricItem]:
    """The items still waiting for a person, in the rubric's order."""
    return [item for item in rubric.items if item.applies(call_type) and _is_pending(items.get(item.id))]


def _is_pending(score: ItemScore | None) -> bool:
    return score is None or not (score.reviewed or score.na)


def accept_remaining(rubric: Rubric, items: dict[str, ItemScore], call_type: str = ""
                     ) -> tuple[dict[str, ItemScore], list[str]]:
    """The deliberate "accept the remaining items as they are": every pending item reviewed at the score shown
    (full points when nothing was suggested). Returns the items and the ids accepted, which the evaluation and
    the audit log keep, so nobody mistakes them for items judged one by one."""
    accepted = [item.id for item in pending(rubric, items, call_type)]
    updated = dict(items)
    for item_id in accepted:
        score = items.get(item_id) or ItemScore(item_id)
        full = rubric.item(item_id).max_points
        updated[item_id] = replace(score, score=full if score.score is None else score.score, reviewed=True)
    return updated, accepted


def for_call_type(rubric: Rubric, items: dict[str, ItemScore], call_type: str, suggested: dict[str, ItemScore]
                  ) -> dict[str, ItemScore]:
    """The scorecard after the call's type changed: items that no longer apply become N/A (reviewed by the
    type), items that apply again get their suggested score back, pending."""
    updated = dict(items)
    for item in rubric.items:
        current = items.get(item.id) or ItemScore(item.id)
        if not item.applies(call_type):
            updated[item.id] = replace(current, na=True, reviewed=True)
        elif current.na and not item.allow_na:
            updated[item.id] = suggested.get(item.id) or ItemScore(item.id)
    return updated


def standing_flags(rubric: Rubric, items: dict[str, ItemScore], flags: list[Flag], verdicts: Iterable[Verdict],
                   call_type: str = "") -> list[Flag]:
    """The flags an evaluation stands by: not rejected, on an item that applies, is not N/A and lost points.

    This is what coaching replays and team figures count; a rejected suggestion appears nowhere else than in the
    rule workbench, and a flag on an item the inspector restored to full marks was overruled.
    """
    verdicts = list(verdicts)
    kept = []
    for flag in flags:
        if flag.item is None or flag.category in ADVISORY_CATEGORIES:
            continue
        try:
            item = rubric.item(flag.item)
        except KeyError:
            continue
        score = items.get(flag.item)
        lost = score is not None and not score.na and score.score is not None and score.score < item.max_points
        suggestion = Suggestion(flag.item, flag.deduction, flag.category, flag.text, flag.speaker, flag.start, flag)
        if lost and item.applies(call_type) and flag.deduction > 0 and not _rejected(suggestion, verdicts):
            kept.append(flag)
    return kept


def build_evaluation(rubric: Rubric, recording: dict[str, Any], inspector: str, items: dict[str, ItemScore],
                     comment: str = "", evaluation_id: str = "", *, flags: list[Flag] | None = None,
                     verdicts: Sequence[Verdict] = (), call_type: str = "", hearing: Hearing | None = None,
                     accepted_remaining: Sequence[str] = ()) -> Evaluation:
    """The evaluation as it will be saved: scores summed over the items that apply, and the flags it stands by."""
    summary = score_evaluation(rubric, items, call_type)
    return Evaluation(
        id=evaluation_id, recording_id=recording["id"], rubric_id=rubric.id, inspector=inspector, items=items,
        comment=comment, total=summary.total, max_total=summary.max_total, passed=summary.passed,
        critical_failed=summary.critical_failed, agent=recording.get("agent", ""), team=recording.get("team", ""),
        call_id=recording.get("call_id", ""), call_time=recording.get("call_time", ""),
        file_name=recording.get("file_name", ""),
        flags=standing_flags(rubric, items, flags or [], verdicts, call_type), verdicts=list(verdicts),
        call_type=call_type, hearing=hearing or Hearing(), accepted_remaining=list(accepted_remaining),
    )


def draft_payload(items: dict[str, ItemScore], comment: str, call_type: str = "",
                  accepted_remaining: Sequence[str] = ()) -> dict[str, Any]:
    """The unsaved scorecard as kept every few seconds, review state included."""
    return {"comment": comment, "call_type": call_type, "accepted_remaining": list(accepted_remaining),
            "items": {k: {"score": v.score, "na": v.na, "comment": v.comment, "reviewed": v.reviewed}
                      for k, v in items.items()}}


def items_from_draft(payload: dict[str, Any]) -> tuple[dict[str, ItemScore], str]:
    items = {k: ItemScore(k, v.get("score"), bool(v.get("na")), v.get("comment", ""), bool(v.get("reviewed")))
             for k, v in payload.get("items", {}).items()}
    return items, payload.get("comment", "")
