"""How risky a call looks from its flags, so the inspector's day starts with the worst calls.

The score orders calls lexicographically while staying one sortable number: any critical hit (一票否决)
outranks every non-critical call, then severity A hits outrank B, B outrank C, then the count — the whole part
of the score. Its fraction orders calls with the same problems: first by how sure the flags are (the mean
confidence of the problem flags, in tenths: a phrase heard clearly on a good line before the same phrase
guessed on a bad one), then by the caller's anger, which is no fault of the agent's but a reason to listen.
A problem is never discounted for being uncertain: on a bad line the true hits are uncertain too, and the
worst call must not sink because the line was poor.
"""

from __future__ import annotations

from ..domain import Check, Flag, Rubric
from ..i18n import _, ngettext

_CRITICAL_WEIGHT = 1_000_000.0
_SEVERITY_WEIGHTS = {"A": 10_000.0, "B": 100.0, "C": 1.0}
_CONFIDENCE_STEP = 0.1  # the fraction's first decimal: 0 (unsure) to 9 (sure)
_TOP_CONFIDENCE = 9
_UNSURE_BELOW = 5  # steps under a half are said so when the risk is read back
_ANGER_WEIGHT = 0.001  # the fraction's next places
_MAX_ANGER = 99  # moments counted, so anger never reaches the next confidence step
ANGER = "customer_anger"


def risk_score(rubric: Rubric, flags: list[Flag], checks: list[Check]) -> float:
    items = {item.id: item for item in rubric.items}
    problems = [(f.item, f.confidence) for f in flags if f.deduction > 0]
    problems += [(c.item, 1.0) for c in checks if not c.present]  # a missing phrase: nothing heard to doubt
    score, sureness = 0.0, []
    for item_id, confidence in problems:
        item = items.get(item_id or "")
        if item is None:
            continue
        score += _CRITICAL_WEIGHT if item.critical else _SEVERITY_WEIGHTS.get(item.severity, 1.0)
        sureness.append(min(1.0, max(0.0, confidence)))
    step = min(_TOP_CONFIDENCE, int(10 * sum(sureness) / len(sureness))) if sureness else 0
    angry = sum(1 for flag in flags if flag.category == ANGER)
    return score + _CONFIDENCE_STEP * step + _ANGER_WEIGHT * min(angry, _MAX_ANGER)


def describe_risk(score: float) -> str:
    """The score read back as counts (``1 critical, 2 A, 1 B``) for people; exact up to 99 problems of a
    severity, which is far beyond any one call. Unsure flags (mean confidence under a half) are said so."""
    problems = int(score + _ANGER_WEIGHT / 2)  # the whole part; the fraction is confidence and anger
    fraction = score - problems
    step = int(fraction / _CONFIDENCE_STEP + _ANGER_WEIGHT / 2)
    angry = round((fraction - step * _CONFIDENCE_STEP) / _ANGER_WEIGHT)
    remaining, parts = problems, []
    for name, weight in ((_("critical"), _CRITICAL_WEIGHT), *_SEVERITY_WEIGHTS.items()):
        count, remaining = divmod(remaining, int(weight))
        if count:
            parts.append(f"{count} {name}")
    if problems and step < _UNSURE_BELOW:
        parts.append(_("heard unsurely (confidence {0}0%)").format(step) if step else _("heard unsurely"))
    if angry > 0:
        parts.append(ngettext("{0} angry caller moment", "{0} angry caller moments", angry).format(angry))
    return ", ".join(parts) or _("no problems")
