"""From flags to a filled scorecard: suggested deductions per item and the evaluation that gets saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .domain import Check, Evaluation, Flag, ItemScore, Rubric
from .rubric import score_evaluation


@dataclass(frozen=True)
class Suggestion:
    """Why the rules think an item should lose points, with the moment to jump to (None for a missing check)."""

    item_id: str
    deduction: float
    category: str
    evidence: str = ""  # the words heard; empty for a missing greeting/closing
    speaker: str = ""
    start: float | None = None


def suggestions(rubric: Rubric, flags: list[Flag], checks: list[Check]) -> dict[str, list[Suggestion]]:
    by_item: dict[str, list[Suggestion]] = {item.id: [] for item in rubric.items}
    for flag in flags:
        if flag.item in by_item and flag.deduction > 0:
            by_item[flag.item].append(Suggestion(flag.item, flag.deduction, flag.category, flag.text, flag.speaker,
                                                 flag.start))
    for check in checks:
        if not check.present and check.item in by_item:
            by_item[check.item].append(Suggestion(check.item, check.deduction, check.category))
    return by_item


def suggested_scores(rubric: Rubric, flags: list[Flag], checks: list[Check]) -> dict[str, ItemScore]:
    """Pre-filled scores: each item's max minus its suggested deductions, floored at zero."""
    scores: dict[str, ItemScore] = {}
    for item_id, found in suggestions(rubric, flags, checks).items():
        item = rubric.item(item_id)
        deducted = sum(s.deduction for s in found)
        scores[item_id] = ItemScore(item_id, max(0.0, item.max_points - deducted) if found else None)
    return scores


def build_evaluation(rubric: Rubric, recording: dict[str, Any], inspector: str, items: dict[str, ItemScore],
                     comment: str = "", evaluation_id: str = "") -> Evaluation:
    summary = score_evaluation(rubric, items)
    return Evaluation(
        id=evaluation_id, recording_id=recording["id"], rubric_id=rubric.id, inspector=inspector, items=items,
        comment=comment, total=summary.total, max_total=summary.max_total, passed=summary.passed,
        critical_failed=summary.critical_failed, agent=recording.get("agent", ""), team=recording.get("team", ""),
        call_id=recording.get("call_id", ""), call_time=recording.get("call_time", ""),
        file_name=recording.get("file_name", ""),
    )


def draft_payload(items: dict[str, ItemScore], comment: str) -> dict[str, Any]:
    return {"comment": comment,
            "items": {k: {"score": v.score, "na": v.na, "comment": v.comment} for k, v in items.items()}}


def items_from_draft(payload: dict[str, Any]) -> tuple[dict[str, ItemScore], str]:
    items = {k: ItemScore(k, v.get("score"), bool(v.get("na")), v.get("comment", ""))
             for k, v in payload.get("items", {}).items()}
    return items, payload.get("comment", "")
