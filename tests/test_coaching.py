"""Coaching: an agent's moments from real analysed calls, sessions, follow-ups and the exported pack."""

from __future__ import annotations

import base64
import io
import re
from datetime import date
from pathlib import Path

import soundfile as sf

from qaworkstation.core.analysis import analyse_recording
from qaworkstation.core.coaching import (CoachingSession, agents, due_follow_ups, moments_for_agent, save_session,
                                         sessions_for_agent)
from qaworkstation.core.coaching_pack import export_pack
from qaworkstation.core.importer import import_paths
from qaworkstation.core.scorecard import build_evaluation, suggested_scores


def _scored_call(store, transcriber, rubrics, calls_copy: Path) -> tuple[str, object]:
    (calls_copy / "metadata.csv").write_text("file,agent,call_time\nzh_insult_escalation.wav,A1003,2026-11-03 14:05\n",
                                             encoding="utf-8")
    recording_id = import_paths(store, [calls_copy / "zh_insult_escalation.wav"]).recording_ids[0]
    result = analyse_recording(store, transcriber, rubrics, recording_id)
    rubric = rubrics.by_id(result.rubric_id)
    items = suggested_scores(rubric, result.flags, result.checks)
    store.save_evaluation(build_evaluation(rubric, store.recording(recording_id), "质检员01", items))
    return recording_id, rubric


def test_moments_session_follow_up_and_pack(store, transcriber, rubrics, calls_copy: Path, tmp_path: Path) -> None:
    recording_id, rubric = _scored_call(store, transcriber, rubrics, calls_copy)
    assert agents(store) == ["A1003"]
    moments = moments_for_agent(store, {rubric.id: rubric}, "A1003")
    flagged = [m for m in moments if m.category == "forbidden"]
    assert flagged and all(m.recording_id == recording_id and m.end > m.start for m in flagged)
    assert moments_for_agent(store, {rubric.id: rubric}, "A1003", date_from="2026-12-01") == []
    assert {m.category for m in moments_for_agent(store, {rubric.id: rubric}, "A1003",
                                                  categories={"forbidden"})} == {"forbidden"}

    flagged[0].note = "先安抚情绪，不要反问客户"
    session = save_session(store, CoachingSession("A1003", "coach-li", flagged, "复盘服务禁语", "2026-11-10"))
    assert [s.id for s in sessions_for_agent(store, "A1003")] == [session.id]
    assert sessions_for_agent(store, "A1003")[0].moments[0].note == "先安抚情绪，不要反问客户"
    assert [s.id for s in due_follow_ups(store, date(2026, 11, 10))] == [session.id]
    assert due_follow_ups(store, date(2026, 11, 9)) == []

    pack = export_pack(store, session, tmp_path / "pack.html")
    page = pack.read_text(encoding="utf-8")
    assert "先安抚情绪" in page and "复盘服务禁语" in page and flagged[0].text in page
    clips = re.findall(r'src="data:audio/wav;base64,([^"]+)"', page)
    assert len(clips) == len(flagged)
    samples, rate = sf.read(io.BytesIO(base64.b64decode(clips[0])))
    expected = (flagged[0].end - flagged[0].start) + 4.0
    assert abs(len(samples) / rate - expected) < 0.1 and abs(samples).max() > 0.01
