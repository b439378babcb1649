"""How risky a call looks from its flags, so the inspector's day starts with the worst calls.

The score orders calls lexicographically — any critical hit (一票否决) outranks every non-critical call, then
severity A hits outrank B, B outrank C, then the count — while staying one sortable number. The caller's anger
is no fault of the agent's but a reason to listen: it orders calls after every rule hit, in the fraction.
"""

from __future__ import annotations

from ..domain import Check, Flag, Rubric

_CRITICAL_WEIGHT = 1_000_000.0
_SEVERITY_WEIGHTS = {"A": 10_000.0, "B": 100.0, "C": 1.0}
_ANGER_WEIGHT = 0.01
_MAX_ANGER = 99  # moments counted, so the fraction never reaches a C hit
ANGER = "customer_anger"


def risk_score(rubric: Rubric, flags: list[Flag], checks: list[Check]) -> float:
    items = {item.id: item for item in rubric.items}
    problems = [f.item for f in flags if f.deduction > 0] + [c.item for c in checks if not c.present]
    score = 0.0
    for item_id in problems:
        item = items.get(item_id or "")
        if item is None:
            continue
        score += _CRITICAL_WEIGHT if item.critical else _SEVERITY_WEIGHTS.get(item.severity, 1.0)
    angry = sum(1 for flag in flags if flag.category == ANGER)
    return score + _ANGER_WEIGHT * min(angry, _MAX_ANGER)


def describe_risk(score: float) -> str:
    """The score read back as counts (``1 critical, 2 A, 1 B``) for people; exact up to 99 problems of a
    severity, which is far beyond any one call."""
    problems = int(score + _ANGER_WEIGHT / 2)  # the whole part; the fraction counts angry moments
    remaining, parts = problems, []
    for name, weight in (("critical", _CRITICAL_WEIGHT), *_SEVERITY_WEIGHTS.items()):
        count, remaining = divmod(remaining, int(weight))
        if count:
            parts.append(f"{count} {name}")
    angry = round((score - problems) / _ANGER_WEIGHT)
    if angry > 0:
        parts.append(f"{angry} angry caller moment{'s' if angry > 1 else ''}")
    return ", ".join(parts) or "no problems"
