"""Opening a call: the recording, its transcript and flags as the user's role may see them, and the user's
evaluation of it with their verdicts, draft and call type — one function for every window that shows a call.

Who may read customers' words unredacted is decided here, once: a trainee sees phone, ID and card numbers
masked in the transcript and in the flags' quotes, and a view of the unredacted transcript is written to the
audit log, whichever window (scoring, coaching) showed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .domain import Check, Evaluation, Flag, ItemScore, Rubric, Segment, Verdict
from .library.store import Store
from .pipeline.analysis import RubricLibrary
from .rules.flags import find_flags
from .scoring import roles
from .scoring.decisions import decisions
from .scoring.scorecard import items_from_draft, suggested_scores


@dataclass
class OpenCall:
    """Everything a window shows about the call being scored."""

    recording: dict[str, Any]
    rubric: Rubric
    segments: list[Segment] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    items: dict[str, ItemScore] = field(default_factory=dict)
    comment: str = ""
    saved: Evaluation | None = None
    from_draft: bool = False
    versions: list[Evaluation] = field(default_factory=list)  # every version of ``saved``, oldest first
    role: str = roles.TRAINEE  # the role the call was opened under: what its transcript shows
    view_logged: bool = False  # an unredacted view of this call is in the audit log
    verdicts: list[Verdict] = field(default_factory=list)  # the inspector's verdicts on the call's suggestions
    call_type: str = ""
    accepted_remaining: list[str] = field(default_factory=list)
    suggested: dict[str, ItemScore] = field(default_factory=dict)  # the rules' pre-fill, verdicts applied


def view_context(recording_id: str) -> str:
    """How the audit log names a view of the call's transcript (never the words themselves)."""
    return f"transcript of recording {recording_id}"


def visible_transcript(store: Store, recording_id: str, user: str, role: str) -> tuple[list[Segment], bool]:
    """The call's latest transcript as ``role`` may see it, and whether an unredacted view was audited."""
    transcript = store.latest_transcript(recording_id)
    return _as_seen(store, transcript[0] if transcript else [], recording_id, user, role)


def _as_seen(store: Store, segments: list[Segment], recording_id: str, user: str,
             role: str) -> tuple[list[Segment], bool]:
    logged = bool(segments) and roles.may(role, roles.VIEW_UNREDACTED)
    return roles.visible_segments(role, segments, store, user, view_context(recording_id)), logged


def open_call(store: Store, rubrics: RubricLibrary, recording_id: str, inspector: str) -> OpenCall:
    """The call as ``inspector`` scores it: flags as analysed (with the audio rules) or, before analysis, from
    the transcript alone; the latest version of their evaluation, its history, their verdicts and draft."""
    recording = store.recording(recording_id)
    rubric = rubrics.for_language(recording["language"] or "zh")
    call = OpenCall(recording, rubric, role=roles.ensure_user(store, inspector))
    transcript = store.latest_transcript(recording_id)
    segments = transcript[0] if transcript else []
    call.segments, call.view_logged = _as_seen(store, segments, recording_id, inspector, call.role)
    if segments:
        if recording["status"] == "analysed":
            call.flags, call.checks = store.flags(recording_id, rubric.id), store.checks(recording_id, rubric.id)
        else:
            call.flags, call.checks = find_flags(segments, rubric, recording["duration"])
        call.flags = roles.visible_flags(call.role, call.flags)
    _load_evaluation(store, call, inspector)
    return call


def _load_evaluation(store: Store, call: OpenCall, inspector: str) -> None:
    """The inspector's evaluation, verdicts and draft; a draft (unsaved typing) wins over the saved version."""
    recording_id, rubric = call.recording["id"], call.rubric
    call.saved = store.evaluation(recording_id, rubric.id, inspector)
    call.versions = store.evaluation_versions(call.saved.id) if call.saved else []
    call.verdicts = [d.as_verdict() for d in decisions(store, recording_id, rubric.id, inspector)]
    draft = store.draft(recording_id, rubric.id, inspector)
    call.call_type = ((draft or {}).get("call_type") or (call.saved.call_type if call.saved else "")
                      or call.recording["call_type"])
    call.suggested = suggested_scores(rubric, call.flags, call.checks, call.verdicts, call.call_type)
    if draft:
        call.items, call.comment = items_from_draft(draft)
        call.accepted_remaining = list(draft.get("accepted_remaining", []))
        call.from_draft = True
    elif call.saved:
        call.items, call.comment = call.saved.items, call.saved.comment
        call.accepted_remaining = call.saved.accepted_remaining
    else:
        call.items = call.suggested
