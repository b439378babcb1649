"""A coaching session in the window: pick the agent, replay a moment, write notes, save, export the pack."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.pipeline.analysis import analyse_recording
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.scoring.scorecard import accept_remaining, build_evaluation, suggested_scores
from qaworkstation.core.team.coaching import CoachingSession, moments_for_agent, save_session, sessions_for_agent
from qaworkstation.ui.coaching_window import CoachingWindow


@pytest.fixture
def scored(store, transcriber, rubrics, calls_copy: Path) -> str:
    (calls_copy / "metadata.csv").write_text("file,agent,call_time\nzh_forbidden_no_closing.wav,A1002,"
                                             "2026-11-02 10:41\n", encoding="utf-8")
    recording_id = import_paths(store, [calls_copy / "zh_forbidden_no_closing.wav"]).recording_ids[0]
    result = analyse_recording(store, transcriber, rubrics, recording_id)
    rubric = rubrics.by_id(result.rubric_id)
    roles.ensure_user(store, "质检员01")  # the library's first user: allowed to score and submit
    items, accepted = accept_remaining(rubric, suggested_scores(rubric, result.flags, result.checks))
    lifecycle.save_and_submit(store, build_evaluation(rubric, store.recording(recording_id), "质检员01", items,
                                                      flags=result.flags, accepted_remaining=accepted),
                              "质检员01")  # coaching works from released scores only
    return recording_id


def test_coaching_session_end_to_end(qtbot, store, rubrics, scored: str, tmp_path: Path) -> None:
    window = CoachingWindow(store, rubrics, "coach-li", QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.agent.currentText() == "A1002" and window.list.count() > 0, timeout=10000)
    forbidden = [i for i, m in enumerate(window.moments) if m.category == "forbidden"]
    assert forbidden
    row = forbidden[0]
    moment = window.moments[row]
    window.list.setCurrentRow(row)
    qtbot.waitUntil(lambda: window.playback.duration > 0 and window.playback.playing, timeout=10000)
    assert moment.start - 2.5 <= window.playback.position <= moment.end + 2.5
    assert window.transcript.toPlainText()

    window.note.setPlainText("不要用“喂”开头，先报工号")
    window.plan.setPlainText("一周内复听三通电话")
    window.acknowledged.setChecked(True)
    window.save()
    qtbot.waitUntil(lambda: bool(sessions_for_agent(store, "A1002")), timeout=5000)
    saved = sessions_for_agent(store, "A1002")[0]
    assert saved.action_plan == "一周内复听三通电话" and saved.acknowledged_at
    assert saved.moments[row].note == "不要用“喂”开头，先报工号"

    pack = tmp_path / "pack.html"
    window.export(pack)
    qtbot.waitUntil(pack.exists, timeout=10000)
    page = pack.read_text(encoding="utf-8")
    assert "先报工号" in page and "data:audio/wav;base64," in page
    window.close()


def test_coaching_outcome_follow_up_in_the_window(qtbot, store, rubrics, scored: str, tmp_path: Path,
                                                  warnings: list[str]) -> None:
    by_id = {r.id: r for r in rubrics.all()}
    moments = moments_for_agent(store, by_id, "A1002")
    save_session(store, CoachingSession("A1002", "coach-li", moments, created_at="2026-11-01T09:00:00Z"))
    window = CoachingWindow(store, rubrics, "coach-li", QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.follow_up_box.isEnabled() and window.recheck_list.count() > 0, timeout=10000)

    lines = [window.recheck_list.item(row).text() for row in range(window.recheck_list.count())]
    assert len(lines) == len({m.item for m in moments})
    assert all("1/1 (100%)" in line for line in lines)  # the one call after the session lost each item
    window.outcome.setCurrentIndex(window.outcome.findData("not_improved"))
    window.result.setPlainText("复听仍有禁语")
    window.training.setText("服务禁语专项培训")
    window.save_follow_up()
    qtbot.waitUntil(lambda: sessions_for_agent(store, "A1002")[0].outcome == "not_improved", timeout=5000)

    kept = sessions_for_agent(store, "A1002")[0]
    assert (kept.follow_up_result, kept.training_request) == ("复听仍有禁语", "服务禁语专项培训")
    assert warnings == []
    window.close()
