"""Opening a call in one place for every window: the role decides what is seen, an unredacted view is audited,
and the scorer's own verdicts, draft and call type come with the call."""

from __future__ import annotations

from pathlib import Path

from qaworkstation.core.domain import REJECTED, Flag, Segment
from qaworkstation.core.library import audit
from qaworkstation.core.library.store import Store
from qaworkstation.core.opened_call import open_call, view_context, visible_transcript
from qaworkstation.core.scoring import roles
from qaworkstation.core.scoring.decisions import record_decision
from qaworkstation.core.scoring.scorecard import draft_payload

PHONE = "13812345678"


def _call(store: Store, corpus: Path) -> str:
    path = corpus / "calls" / "zh_insult_escalation.wav"
    recording_id, _ = store.add_recording({"sha256": "f" * 64, "path": str(path), "file_name": path.name,
                                           "duration": 19.0, "channels": 2, "samplerate": 8000,
                                           "call_type": "投诉"})
    store.save_transcript(recording_id, "k", "test", {}, "zh", [
        Segment("agent", 0.5, 3.0, "您好，请问有什么可以帮您"),
        Segment("customer", 3.5, 7.0, f"我的手机号是{PHONE}"),
        Segment("agent", 8.0, 10.0, "不知道，你自己看着办")])
    store.save_analysis(recording_id, "zh-monitoring", [
        Flag("forbidden", "你自己看着办", "你自己看着办", "agent", 8.6, 10.0, "forbidden", 2.0),
        Flag("forbidden", "我的手机号", f"我的手机号是{PHONE}", "agent", 3.5, 7.0, "forbidden", 2.0)], [])
    return recording_id


def test_a_trainee_opens_a_call_redacted_and_nothing_is_audited(store: Store, rubrics, corpus: Path) -> None:
    roles.ensure_user(store, "boss")
    recording_id = _call(store, corpus)
    call = open_call(store, rubrics, recording_id, "新人")
    assert call.role == roles.TRAINEE and not call.view_logged
    text = "".join(segment.text for segment in call.segments)
    assert PHONE not in text and "*" * len(PHONE) in text
    assert all(PHONE not in flag.text for flag in call.flags)
    assert audit.entries(store.db, action=audit.UNREDACTED_VIEW) == []


def test_a_supervisor_view_is_audited_with_their_verdicts_draft_and_call_type(store: Store, rubrics,
                                                                              corpus: Path) -> None:
    recording_id = _call(store, corpus)
    call = open_call(store, rubrics, recording_id, "boss")  # the library's first user: supervisor
    assert call.role == roles.SUPERVISOR and call.view_logged and PHONE in call.segments[1].text
    assert [e.subject for e in audit.entries(store.db, action=audit.UNREDACTED_VIEW)] == [view_context(recording_id)]
    assert call.call_type == "投诉" and not call.from_draft and call.saved is None

    record_decision(store, recording_id, call.rubric.id, "boss", call.flags[0], REJECTED, "客户说的")
    store.save_draft(recording_id, call.rubric.id, "boss", draft_payload(call.items, "草稿", "咨询"))
    again = open_call(store, rubrics, recording_id, "boss")
    assert [(v.decision, v.reason) for v in again.verdicts] == [(REJECTED, "客户说的")]
    assert again.from_draft and again.comment == "草稿" and again.call_type == "咨询"
    segments, logged = visible_transcript(store, recording_id, "boss", again.role)
    assert logged and len(segments) == 3
