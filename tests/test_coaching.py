"""Coaching: an agent's moments from real analysed calls, sessions, follow-ups and the exported pack. Only
released scores are coached on: a draft never shows, and a correction in draft leaves the release in view."""

from __future__ import annotations

import base64
import io
import re
from datetime import date
from pathlib import Path

import soundfile as sf

from qaworkstation.core.domain import DRAFT, Flag, ItemScore
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import analyse_recording
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.scoring.scorecard import accept_remaining, build_evaluation, suggested_scores
from qaworkstation.core.team.coaching import (CoachingSession, agents, due_follow_ups, moments_for_agent, save_session,
                                              sessions_for_agent)
from qaworkstation.core.team.coaching_pack import export_pack
from qaworkstation.core.team.demo_data import default_rubrics


def _scored_call(store, transcriber, rubrics, calls_copy: Path) -> tuple[str, object]:
    (calls_copy / "metadata.csv").write_text("file,agent,call_time\nzh_insult_escalation.wav,A1003,2026-11-03 14:05\n",
                                             encoding="utf-8")
    recording_id = import_paths(store, [calls_copy / "zh_insult_escalation.wav"]).recording_ids[0]
    result = analyse_recording(store, transcriber, rubrics, recording_id)
    rubric = rubrics.by_id(result.rubric_id)
    items, accepted = accept_remaining(rubric, suggested_scores(rubric, result.flags, result.checks))
    roles.ensure_user(store, "质检员01")
    lifecycle.save_and_submit(store, build_evaluation(rubric, store.recording(recording_id), "质检员01", items,
                                                      flags=result.flags, accepted_remaining=accepted), "质检员01")
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
    from qaworkstation.core.domain import Segment, Word
    from qaworkstation.core.team.coaching import Moment

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


INSPECTOR = "质检员02"


FILLER = Flag("filler", "嗯", "嗯嗯", "agent", 5.0, 5.5, "filler", 0.5)


def _call_with_flag(store: Store) -> str:
    """A call of agent A2001 with one charged filler flag; no audio is needed for deducted-item moments."""
    recording_id, _ = store.add_recording({"sha256": "c" * 64, "path": "/x/c.wav", "file_name": "c.wav",
                                           "duration": 60.0, "channels": 2, "samplerate": 8000, "agent": "A2001",
                                           "call_time": "2026-11-04T10:00:00"})
    store.save_analysis(recording_id, "zh-monitoring", [FILLER], [])
    roles.ensure_user(store, INSPECTOR)
    return recording_id


def _scorecard(store: Store, recording_id: str, greeting: float, comment: str) -> object:
    """Greeting scored by hand, the filler flag kept (its item loses its points)."""
    rubric = default_rubrics()[0]
    filler = rubric.item("filler").max_points - FILLER.deduction
    items = {"greeting": ItemScore("greeting", greeting, comment=comment, reviewed=True),
             "filler": ItemScore("filler", filler, reviewed=True)}
    return build_evaluation(rubric, store.recording(recording_id), INSPECTOR, items, flags=[FILLER])


def test_a_draft_is_not_coached_on(store: Store) -> None:
    draft = lifecycle.save(store, _scorecard(store, _call_with_flag(store), 1.0, "草稿"), INSPECTOR)
    assert draft.status == DRAFT

    assert agents(store) == []
    assert moments_for_agent(store, {r.id: r for r in default_rubrics()}, "A2001") == []


def test_a_correction_in_draft_leaves_the_released_scores_in_coaching(store: Store, tmp_path: Path) -> None:
    rubrics = {r.id: r for r in default_rubrics()}
    recording_id = _call_with_flag(store)
    released = lifecycle.save_and_submit(store, _scorecard(store, recording_id, 1.0, "未报工号"), INSPECTOR)
    full = rubrics["zh-monitoring"].item("greeting").max_points
    draft = lifecycle.save(store, _scorecard(store, recording_id, full, "复核中"), INSPECTOR)
    assert (draft.version, draft.status) == (2, DRAFT)

    moments = moments_for_agent(store, rubrics, "A2001")

    assert agents(store) == ["A2001"]
    greeting_lost = rubrics["zh-monitoring"].item("greeting").max_points - 1.0
    assert sorted((m.category, m.item, m.deduction, m.text) for m in moments) == [
        ("deducted", "greeting", greeting_lost, "未报工号"), ("filler", "filler", 0.5, "嗯嗯")]
    deducted = [m for m in moments if m.category == "deducted"]  # no clip: the fake recording has no audio
    page = export_pack(store, CoachingSession("A2001", "coach", deducted), tmp_path / "p.html").read_text("utf-8")
    assert f"{released.total:g} / {released.max_total:g}" in page and f"{draft.total:g} / " not in page

    lifecycle.submit(store, draft.id, INSPECTOR)

    assert [m.category for m in moments_for_agent(store, rubrics, "A2001")] == ["filler"]
