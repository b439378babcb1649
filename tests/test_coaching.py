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


def test_pack_masks_and_mutes_personal_data(store, calls_copy: Path, tmp_path: Path) -> None:
    """A customer's phone number said in a flagged moment is masked in the text and silent in the clip."""
    from qaworkstation.core.coaching import Moment
    from qaworkstation.core.domain import Segment, Word

    recording_id = import_paths(store, [calls_copy / "zh_good_delivery.wav"]).recording_ids[0]
    digits = "13812345678"
    words = [Word(19.5 + 0.2 * i, 19.7 + 0.2 * i, d) for i, d in enumerate(digits)]
    store.save_transcript(recording_id, "k", "m", {}, "zh", [
        Segment("customer", 19.0, 22.0, "我的电话是" + digits, [Word(19.0, 19.5, "我的电话是"), *words], "zh")])
    moment = Moment(recording_id, "zh_good_delivery.wav", "", 19.0, 22.0, "forbidden", "x", "x", "B", 1.0,
                    "电话是" + digits)
    page = export_pack(store, CoachingSession("A1001", "coach", [moment]), tmp_path / "p.html").read_text("utf-8")
    assert digits not in page and "***********" in page
    clip = re.findall(r'src="data:audio/wav;base64,([^"]+)"', page)[0]
    samples, rate = sf.read(io.BytesIO(base64.b64decode(clip)))
    start = int((19.5 - 17.0) * rate) + int(0.2 * rate)  # clip starts 2 s before the moment
    assert abs(samples[start:start + rate]).max() == 0.0
