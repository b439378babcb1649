"""The inspector's review in the real window, on a real analysed call: a verdict on every suggestion by mouse and
by key, items pending until judged, Submit refused while any is, the audited "accept remaining", the share of
the call heard, and a call type that makes the order flow N/A and re-normalises the total."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from qaworkstation.core.domain import CONFIRMED, DRAFT, REJECTED, SUBMITTED, Flag
from qaworkstation.core.library import audit
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import analyse_recording
from qaworkstation.core.scoring.decisions import decisions
from qaworkstation.core.scoring.hearing import HearingLog
from qaworkstation.core.scoring.rubric import score_evaluation
from qaworkstation.ui.main_window import MainWindow

CALL = "zh_insult_escalation.wav"
INSPECTOR = "质检员01"


@pytest.fixture(scope="module")
def analysed_library(tmp_path_factory: pytest.TempPathFactory, transcriber, rubrics, corpus: Path) -> Path:
    """The call analysed once with the real model; each test gets its own copy of the library file."""
    path = tmp_path_factory.mktemp("analysed") / "library.sqlite3"
    store = Store(path)
    recording_id = import_paths(store, [corpus / "calls" / CALL]).recording_ids[0]
    analyse_recording(store, transcriber, rubrics, recording_id)
    store.close()
    return path


@pytest.fixture
def library(analysed_library: Path, tmp_path: Path) -> Store:
    path = tmp_path / "library.sqlite3"
    shutil.copy(analysed_library, path)
    store = Store(path)
    yield store
    store.close()


@pytest.fixture
def window(qtbot, library: Store, transcriber, rubrics, tmp_path: Path, warnings) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    settings.setValue("inspector", INSPECTOR)
    main = MainWindow(library, transcriber, rubrics, settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    recording_id = library.list_recordings()[0]["id"]
    qtbot.waitUntil(lambda: INSPECTOR in main.role_label.text(), timeout=10000)  # the first user: supervisor
    main.open_recording(recording_id)
    qtbot.waitUntil(lambda: main.call is not None and bool(main.scorecard.suggestions()), timeout=10000)
    yield main
    main.close()


@pytest.fixture
def reason(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rejection dialog answered with a reason, as an inspector would type it; records each time it asked."""
    asked: list[str] = []

    def answer(*args, **kwargs) -> tuple[str, bool]:  # noqa: ANN002, ANN003
        asked.append(args[1] if len(args) > 1 else "")
        return "不是坐席说的", True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    return asked


def _total(window: MainWindow) -> float:
    view = window.scorecard
    return score_evaluation(view.rubric, view.scores(), view.call_type).total


def _stored(window: MainWindow) -> list:
    call = window.call
    return decisions(window.store, call.recording["id"], call.rubric.id, INSPECTOR)


def test_verdict_by_mouse_rejects_and_confirms_and_the_score_follows(qtbot, window: MainWindow,
                                                                     reason: list[str]) -> None:
    suggestion = next(s for s in window.scorecard.suggestions() if s.deduction > 0 and s.start is not None)
    row = window.scorecard._rows[suggestion.item_id]
    index = row.found.index(suggestion)
    score, total = row.score.value(), _total(window)
    assert not row.reviewed_state and "pending" in row.hints.text()

    row.hints.linkActivated.emit(f"reject:{index}")
    qtbot.waitUntil(lambda: "rejected" in row.hints.text(), timeout=5000)
    [rejected] = _stored(window)
    assert (rejected.decision, rejected.reason, rejected.start) == (REJECTED, "不是坐席说的", suggestion.start)
    gained = min(row.item.max_points, score + suggestion.deduction) - score
    assert gained > 0 and row.score.value() == pytest.approx(score + gained)
    assert _total(window) == pytest.approx(total + gained)
    assert "rejected: 不是坐席说的" in row.hints.text() and "<s" in row.hints.text()

    row.hints.linkActivated.emit(f"undo:{index}")  # taken back: pending again, the deduction returns
    qtbot.waitUntil(lambda: "rejected" not in row.hints.text(), timeout=5000)
    assert not _stored(window)
    assert row.score.value() == pytest.approx(score) and _total(window) == pytest.approx(total)

    for position in range(len(row.found)):
        row.hints.linkActivated.emit(f"confirm:{position}")
        qtbot.waitUntil(lambda: row.hints.text().count("confirmed") == position + 1, timeout=5000)
    assert {d.decision for d in _stored(window)} == {CONFIRMED}
    assert row.score.value() == pytest.approx(score)
    assert row.reviewed_state  # every suggestion of the item judged: the item is reviewed


def _next_suggestion(qtbot, window: MainWindow) -> None:
    """N until the flag reached is one the scorecard suggests a deduction for (a heard apology is a flag too)."""
    for _flag in window.call.flags:
        qtbot.keyClick(window.player.waveform, Qt.Key.Key_N)
        if window.scorecard.current is not None and window.scorecard.current.deduction > 0:
            return


def test_verdict_by_key_acts_on_the_flag_last_jumped_to(qtbot, window: MainWindow, reason: list[str]) -> None:
    window.player.waveform.setFocus()
    _next_suggestion(qtbot, window)
    first = window.scorecard.current
    assert first is not None and isinstance(first.source, Flag) and first.source == window.player._last_flag
    qtbot.keyClick(window.player.waveform, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: len(window.scorecard.verdicts) == 1, timeout=5000)
    assert reason and _stored(window)[0].decision == REJECTED and _stored(window)[0].start == first.start

    _next_suggestion(qtbot, window)
    second = window.scorecard.current
    assert second is not None and second is not first
    qtbot.keyClick(window.player.waveform, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: len(window.scorecard.verdicts) == 2, timeout=5000)
    confirmed = next(d for d in _stored(window) if d.decision == CONFIRMED)
    assert confirmed.start == second.start and confirmed.category == second.category


def test_review_submit_refuses_pending_items_and_accept_remaining_is_audited(
        qtbot, window: MainWindow, warnings: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    store, call = window.store, window.call
    window.scorecard._rows["greeting"].score.setValue(0.5)  # one item judged by hand
    window.submit_evaluation()
    assert len(warnings) == 1 and "Not reviewed yet" in warnings[0]
    titles = [item.title for item in window.scorecard.pending_items()]
    assert call.rubric.item("greeting").title not in titles and titles[0] in warnings[0]
    assert store.evaluation(call.recording["id"], call.rubric.id, INSPECTOR) is None  # nothing was saved

    warnings.clear()
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.No)
    window.accept_remaining()
    assert window.scorecard.pending_items()  # declined: nothing accepted
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    window.accept_remaining()
    assert window.scorecard.pending_items() == []
    window.submit_evaluation()
    qtbot.waitUntil(lambda: window.call.saved is not None and window.call.saved.status == SUBMITTED, timeout=5000)
    released = store.evaluation(call.recording["id"], call.rubric.id, INSPECTOR)
    assert "greeting" not in released.accepted_remaining and set(titles) == {
        call.rubric.item(item_id).title for item_id in released.accepted_remaining}
    assert all(score.reviewed for score in released.items.values())
    saves = audit.entries(store.db, released.id, audit.SCORE)
    assert sorted(saves[-1].detail["accepted_remaining"]) == sorted(released.accepted_remaining)
    assert warnings == []


def test_review_heard_share_is_shown_and_stored(qtbot, window: MainWindow) -> None:
    assert "heard 0%" in window.scorecard.progress.text()
    window.seek(0.0)
    window.toggle_play()
    qtbot.waitUntil(lambda: window.player.hearing.heard_s >= 1.0, timeout=15000)
    window.toggle_play()
    assert "heard 0%" not in window.scorecard.progress.text()
    window.save_evaluation()
    call = window.call
    qtbot.waitUntil(lambda: window.store.evaluation(call.recording["id"], call.rubric.id, INSPECTOR) is not None,
                    timeout=5000)
    saved = window.store.evaluation(call.recording["id"], call.rubric.id, INSPECTOR)
    assert saved.status == DRAFT and saved.hearing.heard_s >= 1.0
    assert saved.hearing.duration_s == pytest.approx(call.recording["duration"], abs=0.01)
    assert saved.hearing.flags_total == len(call.flags)


def test_call_type_makes_order_items_na_and_renormalises_the_total(qtbot, window: MainWindow) -> None:
    view, rubric = window.scorecard, window.call.rubric
    order_items = [item for item in rubric.items if item.applies_to and "投诉" not in item.applies_to]
    assert order_items and "投诉" in rubric.call_types
    full = score_evaluation(rubric, view.scores(), "")
    view.call_type_box.setCurrentIndex(view.call_type_box.findData("投诉"))
    view.call_type_box.activated.emit(view.call_type_box.currentIndex())
    complaint = score_evaluation(rubric, view.scores(), "投诉")
    assert view.call_type == "投诉"
    assert complaint.max_total == pytest.approx(full.max_total - sum(item.max_points for item in order_items))
    for item in order_items:
        row = view._rows[item.id]
        assert row.na.isChecked() and not row.score.isEnabled() and not row.is_pending
    assert f"{complaint.percent:.1f}%" in view.total.text()
    recording_id = window.call.recording["id"]
    qtbot.waitUntil(lambda: window.store.recording(recording_id)["call_type"] == "投诉", timeout=5000)
    assert window._scorecard_evaluation().call_type == "投诉"


def test_review_hearing_log_counts_replays_once_and_never_a_seek() -> None:
    log = HearingLog(duration_s=60.0)
    for position in (0.0, 0.5, 1.0, 1.5, 2.0):  # two seconds played
        log.advance(position, playing=True)
    log.advance(30.0, playing=True)  # a seek nobody announced (longer than any tick): not heard
    log.advance(30.5, playing=True)
    log.jumped()  # a seek the player announced: the step after it is not heard either
    log.advance(33.0, playing=True)
    for position in (1.0, 1.5, 2.0):  # a replay of what was heard counts once
        log.advance(position, playing=True)
    log.advance(2.4, playing=False)  # paused: nothing heard
    log.advance(2.8, playing=True)
    flags = [Flag("forbidden", "喂", "喂", "agent", 1.2, 1.4, "forbidden", 2.0),
             Flag("insult", "神经病", "神经病", "agent", 40.0, 41.0, "insult", 5.0)]
    hearing = log.summary(flags)
    assert hearing.heard_s == pytest.approx(2.5)
    assert (hearing.flags_visited, hearing.flags_total) == (1, 2)
    assert hearing.share == pytest.approx(2.5 / 60.0)


def test_the_next_call_on_the_same_rubric_reuses_the_form_but_none_of_its_answers(
        qtbot, window: MainWindow, library: Store, corpus: Path, tmp_path: Path) -> None:
    view, rubric = window.scorecard, window.call.rubric
    first_rows = dict(view._rows)
    item = rubric.items[0]
    view._rows[item.id].set_reviewed(True)  # a judgement on the first call, not saved
    view.call_type_box.setCurrentIndex(view.call_type_box.findData("投诉"))
    view.call_type_box.activated.emit(view.call_type_box.currentIndex())
    shutil.copy(corpus / "calls" / "zh_good_delivery.wav", tmp_path / "second.wav")
    second = import_paths(library, [tmp_path / "second.wav"]).recording_ids[0]
    library.update_recording(second, language="zh")
    window.open_recording(second)
    qtbot.waitUntil(lambda: window.call is not None and window.call.recording["id"] == second, timeout=10000)
    assert window.call.rubric is rubric and view._rows == first_rows  # the same form, not rebuilt
    assert view.suggestions() == [] and view.call_type == ""
    assert not view._rows[item.id].review.isChecked() and view._rows[item.id].is_pending
    assert view.comment() == "" and view.scroll.verticalScrollBar().value() == 0
