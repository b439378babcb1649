"""Inspectors' verdicts on the rules' suggestions, and a rule run across the whole library.

Every suggestion the scorecard pre-fills is confirmed or rejected by the inspector; the verdicts are kept, not
because the score needs them (the score is the evaluation) but because rejections are the data for tuning
rules: a phrase rejected again and again is too loose. The workbench re-runs one edited rule over every stored
transcript and shows its hits next to those verdicts, so a QA lead sees at once what a change would catch and
which of its hits inspectors already threw out.

A suggestion has no stable id of its own, so a verdict is tied to what the suggestion was: its call, rubric,
category, phrase, item and moment (:func:`scorecard.concerns`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..domain import (CONFIRMED, REJECTED, VERDICTS, BehaviourRule, Check, Flag, PhraseRule, Rubric, SequenceRule,
                      Verdict)
from ..library.store import Store, new_id, now_iso
from ..rules.behaviour import recording_audio
from ..rules.flags import find_flags
from .scorecard import concerns

AnyRule = PhraseRule | BehaviourRule | SequenceRule


@dataclass(frozen=True)
class Decision:
    """One inspector's verdict on one suggestion. ``start`` is None for a call-level check (a missing greeting)."""

    id: str
    recording_id: str
    rubric_id: str
    inspector: str
    category: str
    phrase: str
    start: float | None
    item: str | None
    decision: str
    decided_at: str
    text: str = ""
    similarity: float | None = None
    reason: str = ""

    def concerns(self, suggestion: Flag | Check) -> bool:
        """Whether this verdict was given on ``suggestion`` (the same hit, or the same missing check or part)."""
        return concerns(self.category, self.phrase, self.item, self.start, suggestion)

    def as_verdict(self) -> Verdict:
        """The verdict as it travels with the evaluation (to the share, into team figures)."""
        return Verdict(self.category, self.phrase, self.item, self.start, self.decision, self.text, self.reason,
                       self.inspector, self.decided_at)


def record_decision(store: Store, recording_id: str, rubric_id: str, inspector: str, suggestion: Flag | Check,
                    decision: str, reason: str = "") -> Decision:
    """Store (or replace) an inspector's verdict on a suggestion, in one transaction; ``reason`` says why a
    suggestion was rejected (optional, and the best data there is for fixing the rule)."""
    if decision not in VERDICTS:
        raise ValueError(f"decision must be one of {', '.join(VERDICTS)}, got {decision!r}")
    fields = _suggestion_fields(suggestion)
    with store.transaction() as db:
        for old in _decisions(db, recording_id, rubric_id, inspector):
            if old.concerns(suggestion):
                db.execute("DELETE FROM suggestion_decisions WHERE id = ?", (old.id,))
        row = {"id": new_id(), "recording_id": recording_id, "rubric_id": rubric_id, "inspector": inspector,
               "decision": decision, "decided_at": now_iso(), "reason": reason.strip(), **fields}
        db["suggestion_decisions"].insert(row)
    return Decision(**row)


def forget_decision(store: Store, recording_id: str, rubric_id: str, inspector: str,
                    suggestion: Flag | Check) -> None:
    """Take back a verdict, so the suggestion is open again."""
    with store.transaction() as db:
        for old in _decisions(db, recording_id, rubric_id, inspector):
            if old.concerns(suggestion):
                db.execute("DELETE FROM suggestion_decisions WHERE id = ?", (old.id,))


def decisions(store: Store, recording_id: str = "", rubric_id: str = "", inspector: str = "") -> list[Decision]:
    """Verdicts, filtered by any of call, rubric and inspector, oldest first."""
    with store.transaction() as db:
        return _decisions(db, recording_id, rubric_id, inspector)


def decision_for(suggestion: Flag | Check, known: Sequence[Decision], inspector: str = "") -> Decision | None:
    """The latest verdict on ``suggestion`` among ``known`` (by ``inspector``, if given)."""
    matching = [d for d in known if d.concerns(suggestion) and (not inspector or d.inspector == inspector)]
    return max(matching, key=lambda d: d.decided_at) if matching else None


def _suggestion_fields(suggestion: Flag | Check) -> dict[str, Any]:
    if isinstance(suggestion, Check):
        return {"category": suggestion.category, "phrase": suggestion.part, "start": None, "item": suggestion.item,
                "text": "", "similarity": None}
    return {"category": suggestion.category, "phrase": suggestion.phrase, "start": suggestion.start,
            "item": suggestion.item, "text": suggestion.text, "similarity": suggestion.similarity}


def _decisions(db: Any, recording_id: str, rubric_id: str, inspector: str) -> list[Decision]:
    where, params = ["1 = 1"], []
    for column, value in (("recording_id", recording_id), ("rubric_id", rubric_id), ("inspector", inspector)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    sql = f"SELECT * FROM suggestion_decisions WHERE {' AND '.join(where)} ORDER BY decided_at"
    return [Decision(**row) for row in db.query(sql, params)]


# --- the workbench ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbenchHit:
    """One hit of a rule under test, with the verdicts inspectors gave the same hit before."""

    recording_id: str
    file_name: str
    flag: Flag
    rejected_by: tuple[str, ...] = ()
    confirmed_by: tuple[str, ...] = ()

    @property
    def rejected(self) -> bool:
        return bool(self.rejected_by)


def rule_hits(store: Store, rubric: Rubric, rule: AnyRule, *, read_audio: bool = True,
              progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> list[WorkbenchHit]:
    """Run one (possibly edited) rule over the latest stored transcript of every call in ``rubric``'s language.

    Nothing is transcribed or stored: this answers "what would this rule flag?" in seconds. Behaviour rules
    read each recording's audio unless ``read_audio`` is off (then word timestamps stand in for it).
    """
    alone = _rubric_of(rubric, rule)
    recordings = store.list_recordings()
    hits: list[WorkbenchHit] = []
    for index, recording in enumerate(recordings):
        if cancelled and cancelled():
            break
        if progress:
            progress(index, len(recordings))
        hits += _recording_hits(store, alone, rubric, recording, read_audio)
    return hits


def _rubric_of(rubric: Rubric, rule: AnyRule) -> Rubric:
    """The rubric with nothing but ``rule``, so its hits are not pruned against the other rules' hits."""
    return replace(rubric, rules=(rule,) if isinstance(rule, PhraseRule) else (),
                   behaviour_rules=(rule,) if isinstance(rule, BehaviourRule) else (),
                   sequence_rules=(rule,) if isinstance(rule, SequenceRule) else ())


def _recording_hits(store: Store, alone: Rubric, rubric: Rubric, recording: dict[str, Any],
                    read_audio: bool) -> list[WorkbenchHit]:
    transcript = store.latest_transcript(recording["id"])
    if transcript is None or (transcript[1] and transcript[1] != rubric.language):
        return []
    segments = transcript[0]
    audio = recording_audio(recording["path"]) if read_audio and alone.behaviour_rules else None
    flags, _ = find_flags(segments, alone, recording["duration"], audio=audio)
    known = decisions(store, recording["id"], rubric.id)
    return [WorkbenchHit(recording["id"], recording["file_name"], flag,
                         tuple(d.inspector for d in known if d.concerns(flag) and d.decision == REJECTED),
                         tuple(d.inspector for d in known if d.concerns(flag) and d.decision == CONFIRMED))
            for flag in flags]
