"""The handbook's sampling modes for the calls nobody has time to hear in full.

Risk ranking puts the worst calls first; sampling picks the rest fairly: a random share, the same share from
every agent or team (so a quiet agent is not skipped), or targeted calls (new agents, a product keyword).
Samples are reproducible from their seed, so a supervisor can show how a sample was drawn.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .store import Store
from .textnorm import normalize

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
    rows = store.db.query(
        "SELECT t.recording_id, group_concat(s.text, ' ') AS text FROM transcripts t "
        "JOIN segments s ON s.transcript_id = t.id GROUP BY t.id")
    return {row["recording_id"] for row in rows if needle in normalize(row["text"] or "")}
