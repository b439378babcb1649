"""The rough edges an inspector trips over in the first hour, each on a real widget: the mouse wheel never
rescores an item it scrolls past, a click anywhere on a transcript line seeks to it, and the window's dividers
stay where the user left them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from qaworkstation.core.domain import Segment
from qaworkstation.core.scoring.roles import SCORE
from qaworkstation.ui.main_window import MainWindow
from qaworkstation.ui.scorecard_view import ScorecardView
from qaworkstation.ui.transcript_view import TranscriptView


def _wheel(widget, steps: int) -> None:  # noqa: ANN001 - any QWidget
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, widget.mapToGlobal(centre), QPoint(), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_past_a_score_box_without_changing_it(qtbot, rubrics) -> None:  # noqa: ANN001
    view = ScorecardView()
    qtbot.addWidget(view)
    view.resize(600, 500)
    view.show()
    qtbot.waitExposed(view)
    view.set_rubric(rubrics.for_language("zh"))
    view.set_permissions(frozenset({SCORE}))
    box = view._rows["clarity"].score
    before = box.value()
    _wheel(box, -2)
    assert box.value() == before and not view._rows["clarity"].reviewed_state

    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    _wheel(box, -1)  # clicked or tabbed into: the wheel is the inspector's deliberate change
    assert box.value() == before - box.singleStep() and view._rows["clarity"].reviewed_state


def test_a_click_anywhere_on_a_transcript_line_seeks_to_it(qtbot) -> None:  # noqa: ANN001
    view = TranscriptView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    view.set_transcript([Segment("agent", 0.5, 3.0, "您好，请问有什么可以帮您"),
                         Segment("customer", 3.4, 6.0, "我的快递还没有收到"),
                         Segment("agent", 6.5, 9.0, "请您提供一下订单号")], [])
    sought: list[float] = []
    view.seekRequested.connect(sought.append)
    for text, start in (("快递还没有", 3.4), ("订单号", 6.5), ("您好", 0.5)):
        cursor = view.document().find(text)
        point = view.cursorRect(cursor).center()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
        assert sought[-1] == start
    assert len(sought) == 3

    cursor = view.document().find("订单号")  # a selection to copy is not a seek
    view.setTextCursor(cursor)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=view.cursorRect(cursor).center())
    assert len(sought) == 3


def _window(qtbot, store, transcriber, rubrics, settings: QSettings) -> MainWindow:  # noqa: ANN001
    window = MainWindow(store, transcriber, rubrics, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_dividers_and_columns_stay_where_the_user_left_them_and_saving_moves_nothing(qtbot, store, transcriber, rubrics,
                                                                         corpus: Path, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    settings.setValue("inspector", "质检员01")
    path = corpus / "calls" / "zh_good_delivery.wav"
    recording_id, _ = store.add_recording({"sha256": "d" * 64, "path": str(path), "file_name": path.name,
                                           "duration": 43.0, "channels": 2, "samplerate": 8000})
    store.save_transcript(recording_id, "k", "test", {}, "zh", [Segment("agent", 0.5, 3.0, "您好")])
    window = _window(qtbot, store, transcriber, rubrics, settings)
    window.open_recording(recording_id)
    qtbot.waitUntil(lambda: window.call is not None, timeout=10000)
    window.scorecard.layout().activate()
    before = window.scorecard.minimumSizeHint().width()
    window.save_evaluation()
    qtbot.waitUntil(lambda: window.scorecard.history.isEnabled(), timeout=5000)
    window.scorecard.layout().activate()
    assert window.scorecard.minimumSizeHint().width() == before  # the version box was there all along
    assert "Version 1" in window.scorecard.history.currentText()

    target = window.splitter.sizes()[0] - 20  # the window is at its narrowest for the other panels
    window.splitter.moveSplitter(target, 1)  # what dragging the first divider does
    chosen = window.splitter.sizes()
    assert chosen[0] == target
    window.library.table.horizontalHeader().resizeSection(0, 133)  # a wider Call column
    window.close()
    again = _window(qtbot, store, transcriber, rubrics, settings)
    assert again.splitter.sizes() == chosen
    assert again.library.table.horizontalHeader().sectionSize(0) == 133
    again.close()


def test_a_failing_background_job_reaches_the_person_in_every_window(qtbot, store, transcriber, rubrics,
                                                                     tmp_path: Path, warnings: list[str]) -> None:
    from qaworkstation.ui.coaching_window import CoachingWindow
    from qaworkstation.ui.rule_workbench import RuleWorkbench

    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    main = _window(qtbot, store, transcriber, rubrics, settings)
    windows = [main, CoachingWindow(store, rubrics, "coach", settings, main), RuleWorkbench(store, rubrics, main)]

    def fail() -> None:
        raise OSError(28, "No space left on device")

    for window in windows:
        window.runner.db(fail)  # no failure handler given: the window's own report is the default
        qtbot.waitUntil(lambda: len(warnings) == windows.index(window) + 1, timeout=5000)
        assert "No space left on device" in warnings[-1]
    assert "No space left on device" in main.statusBar().currentMessage()


def test_sampling_fields_follow_the_mode(qtbot, store) -> None:  # noqa: ANN001
    from qaworkstation.ui.sampling_dialog import TARGETED, SamplingDialog
    from qaworkstation.ui.tasks import Runner

    dialog = SamplingDialog(store, Runner(lambda message: None))
    qtbot.addWidget(dialog)
    assert dialog.percent.isEnabled() and not dialog.agents.isEnabled() and not dialog.keyword.isEnabled()
    dialog.mode.setCurrentIndex(dialog.mode.findData(TARGETED))
    assert dialog.agents.isEnabled() and dialog.keyword.isEnabled() and not dialog.percent.isEnabled()


def test_settings_refuse_a_shared_folder_that_is_not_there(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    from qaworkstation.ui.settings_dialog import SettingsDialog

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = SettingsDialog(settings, "质检员01")
    qtbot.addWidget(dialog)
    dialog.sync_folder.setText(str(tmp_path / "not-mounted"))
    dialog.accept()
    assert "not-mounted" in dialog.problem.text() and settings.value("sync_folder") is None
    dialog.sync_folder.setText(str(tmp_path))
    dialog.accept()
    assert settings.value("sync_folder") == str(tmp_path)


def test_saved_times_read_as_local_date_and_minute() -> None:
    from datetime import datetime, timezone

    from qaworkstation.ui.format import when

    stamp = datetime(2026, 12, 2, 4, 11, 28, tzinfo=timezone.utc)
    assert when(stamp.isoformat()) == stamp.astimezone().strftime("%Y-%m-%d %H:%M")
    assert "T" not in when("2026-12-02T04:11:28.123456+00:00") and when("soon") == "soon"


def test_call_details_set_by_hand_reach_the_library_and_the_card(qtbot, store, transcriber, rubrics, corpus: Path,
                                                                  tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from qaworkstation.ui.call_details_dialog import CallDetailsDialog

    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    path = corpus / "calls" / "zh_good_delivery.wav"
    recording_id, _ = store.add_recording({"sha256": "e" * 64, "path": str(path), "file_name": path.name,
                                           "duration": 43.0, "channels": 2, "samplerate": 8000})
    store.save_transcript(recording_id, "k", "test", {}, "zh", [Segment("agent", 0.5, 3.0, "您好")])
    window = _window(qtbot, store, transcriber, rubrics, settings)
    window.open_recording(recording_id)
    qtbot.waitUntil(lambda: window.call is not None, timeout=10000)

    def fill(dialog: CallDetailsDialog) -> int:
        dialog.agent.setText("A1009")
        dialog.team.setText("售后组")
        dialog.call_type.setCurrentText("投诉")
        dialog.time_known.setChecked(True)
        return 1

    monkeypatch.setattr(CallDetailsDialog, "exec", fill)
    window.edit_call_details()
    qtbot.waitUntil(lambda: store.recording(recording_id)["agent"] == "A1009", timeout=5000)
    stored = store.recording(recording_id)
    assert (stored["team"], stored["call_type"]) == ("售后组", "投诉") and stored["call_time"][:2] == "20"
    qtbot.waitUntil(lambda: "A1009" in window.call_label.text(), timeout=5000)
    assert window.scorecard.call_type == "投诉"


def test_an_inspector_sees_the_calibration_calls_assigned_to_them(qtbot, store, transcriber, rubrics,  # noqa: ANN001
                                                                  tmp_path: Path) -> None:
    from qaworkstation.core.team.calibration import new_session, save_session

    share = tmp_path / "share"
    share.mkdir()
    save_session(share, new_session("zh-monitoring", "CAL-9", ["质检员01", "qa-li"]))
    save_session(share, new_session("zh-monitoring", "CAL-8", ["qa-li", "qa-wang"]))  # someone else's
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    settings.setValue("inspector", "质检员01")
    settings.setValue("sync_folder", str(share))
    window = _window(qtbot, store, transcriber, rubrics, settings)
    qtbot.waitUntil(window.calibration_label.isVisible, timeout=10000)
    assert "1" in window.calibration_label.text() and "CAL-9" in window.calibration_label.toolTip()
    assert "CAL-8" not in window.calibration_label.toolTip()


def test_the_key_card_lists_the_scorecard_keys_too(qtbot, store, transcriber, rubrics,  # noqa: ANN001
                                                   tmp_path: Path) -> None:
    window = _window(qtbot, store, transcriber, rubrics,
                     QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    card = window.player.help.card.text()
    for key, what in (("Ctrl+S", "Save the scorecard"), ("C", "Confirm the current suggestion"),
                      ("X", "Reject the current suggestion"), ("N", "Next flag")):
        assert f">{key}</td>" in card and what in card


def test_a_folder_import_shows_its_progress_and_closes_it(qtbot, store, transcriber, rubrics, calls_copy: Path,
                                                          tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    window = _window(qtbot, store, transcriber, rubrics, settings)
    monkeypatch.setattr(window, "enqueue", lambda ids, priority=0: None)  # the import, not the analysis
    window.import_paths([str(calls_copy)])
    labels: list[str] = []
    window.import_progress.canceled.connect(lambda: labels.append("cancel"))
    qtbot.waitUntil(lambda: window.import_progress.maximum() == 6, timeout=20000)  # six calls found
    qtbot.waitUntil(lambda: "Imported 6" in window.statusBar().currentMessage(), timeout=60000)
    assert not window.import_progress.isVisible() and labels == []


def test_forms_are_built_ahead_a_few_items_a_turn_and_kept_per_rubric(qtbot, rubrics) -> None:  # noqa: ANN001
    view = ScorecardView()
    qtbot.addWidget(view)
    view.show()
    zh, en = rubrics.for_language("zh"), rubrics.for_language("en")
    view.prepare(zh)
    view.prepare(en)
    assert not view._forms["zh-monitoring"].rows  # nothing built until the event loop turns
    qtbot.waitUntil(lambda: all(form.complete for form in view._forms.values()), timeout=10000)
    built = {rubric.id: dict(view._forms[rubric.id].rows) for rubric in (zh, en)}
    assert set(built[zh.id]) == {item.id for item in zh.items} and set(built[en.id]) == {item.id for item in en.items}
    for rubric in (zh, en, zh):  # calls of both languages opened in turn: each form shown again, never rebuilt
        view.set_rubric(rubric)
        assert view._rows == built[rubric.id] and view._forms[rubric.id].body.isVisible()
        assert [form.rubric.id for form in view._forms.values() if form.body.isVisible()] == [rubric.id]
    edited = type(zh)(**{**zh.__dict__})  # the rubric file loaded again: its form is built anew
    view.set_rubric(edited)
    assert view._rows.keys() == built[zh.id].keys() and view._rows["clarity"] is not built[zh.id]["clarity"]
