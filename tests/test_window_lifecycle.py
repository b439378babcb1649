"""Roles, versions and appeals in the real window: what each role is shown, Save and Submit, reading an older
version, disputing and ruling on an item, and changing a role in Settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from qaworkstation.core.domain import DISPUTED, DRAFT, RESOLVED, SUBMITTED, UPHELD, Segment
from qaworkstation.core.library import audit
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import roles
from qaworkstation.ui.dispute_dialog import DisputeDialog, ResolveDialog
from qaworkstation.ui.main_window import MainWindow
from qaworkstation.ui.settings_dialog import SettingsDialog

CALL = "zh_insult_escalation.wav"
PHONE = "13812345678"
SEGMENTS = [Segment("agent", 0.5, 3.0, "您好，这里是客服中心，请问有什么可以帮您"),
            Segment("customer", 3.5, 8.0, f"我的手机号是{PHONE}，请回电"),
            Segment("agent", 8.5, 11.0, "好的，感谢您的来电，再见")]


@pytest.fixture
def recording_id(store: Store, corpus: Path) -> str:
    """A real call whose transcript (stored directly, no model needed) has a customer's mobile number in it."""
    path = corpus / "calls" / CALL
    recording_id, _ = store.add_recording({"sha256": "c" * 64, "path": str(path), "file_name": CALL,
                                           "duration": 12.0, "channels": 2, "samplerate": 8000, "agent": "A1"})
    store.save_transcript(recording_id, "test-key", "test", {}, "zh", SEGMENTS)
    return recording_id


def open_window(qtbot, store: Store, transcriber, rubrics, tmp_path: Path, inspector: str) -> MainWindow:
    settings = QSettings(str(tmp_path / f"{inspector}.ini"), QSettings.IniFormat)
    settings.setValue("inspector", inspector)
    window = MainWindow(store, transcriber, rubrics, settings)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: inspector in window.role_label.text(), timeout=10000)
    return window


def open_call(qtbot, window: MainWindow, recording_id: str) -> None:
    qtbot.waitUntil(lambda: window.library.table.rowCount() > 0, timeout=10000)
    window.library.select(recording_id)
    qtbot.waitUntil(lambda: window.call is not None and window.call.recording["id"] == recording_id,
                    timeout=10000)


def latest(store: Store, window: MainWindow):  # noqa: ANN201 - the Evaluation, or None
    return store.evaluation(window.call.recording["id"], window.call.rubric.id, window.inspector)


def test_save_submit_history_and_appeal(qtbot, store: Store, transcriber, rubrics, tmp_path: Path,
                                        recording_id: str, warnings: list[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, store, transcriber, rubrics, tmp_path, "质检员01")  # first user: supervisor
    assert window.role_label.text() == "质检员01 · Supervisor"
    open_call(qtbot, window, recording_id)
    card = window.scorecard
    assert PHONE in window.transcript.toPlainText()
    views = audit.entries(store.db, action=audit.UNREDACTED_VIEW)
    assert [(v.actor, v.subject) for v in views] == [("质检员01", f"transcript of recording {recording_id}")]

    greeting = card._rows["greeting"]
    greeting.score.setValue(1.0)
    window.save_evaluation()
    qtbot.waitUntil(lambda: latest(store, window) is not None and card.history.isEnabled(), timeout=5000)
    assert (latest(store, window).version, latest(store, window).status) == (1, DRAFT)
    assert card.state.text().startswith("Draft · version 1 — Saved")

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    window.accept_remaining()  # the items this test does not look at, accepted as they stand
    window.submit_evaluation()
    qtbot.waitUntil(lambda: latest(store, window).status == SUBMITTED, timeout=5000)
    qtbot.waitUntil(lambda: card.state.text().startswith("Submitted · version 1"), timeout=5000)
    qtbot.waitUntil(lambda: not greeting.appeal.isHidden(), timeout=5000)  # once the history is reloaded
    assert card.editable and greeting.appeal.text() == "Dispute…"

    greeting.score.setValue(2.0)
    window.save_evaluation()
    qtbot.waitUntil(lambda: card.history.count() == 2, timeout=5000)
    assert [card.history.itemText(i) for i in range(2)] == ["Version 2 · Draft", "Version 1 · Submitted"]
    assert greeting.appeal.isHidden()  # a draft cannot be disputed

    card.history.setCurrentIndex(1)
    card.history.activated.emit(1)
    assert not card.editable and greeting.score.value() == 1.0 and not card.save_button.isEnabled()
    assert card.state.text().startswith("Version 1 (Submitted)")
    card.history.activated.emit(0)
    qtbot.waitUntil(lambda: card.editable and greeting.score.value() == 2.0, timeout=5000)

    window.submit_evaluation()
    qtbot.waitUntil(lambda: latest(store, window).status == SUBMITTED and latest(store, window).version == 2,
                    timeout=5000)
    qtbot.waitUntil(lambda: not greeting.appeal.isHidden(), timeout=5000)

    def dispute(dialog: DisputeDialog) -> int:
        dialog.reason_edit.setPlainText("我在开头问候了")
        return 1

    monkeypatch.setattr(DisputeDialog, "exec", dispute)
    greeting.appeal.click()
    qtbot.waitUntil(lambda: greeting.appeal.text() == "Resolve…", timeout=5000)
    assert latest(store, window).status == DISPUTED
    assert "我在开头问候了" in greeting.disputes.text() and "awaiting a ruling" in greeting.disputes.text()

    def rule(dialog: ResolveDialog) -> int:
        dialog.upheld.setChecked(True)
        dialog.comment_edit.setPlainText("0:01 有问候")
        return 1

    monkeypatch.setattr(ResolveDialog, "exec", rule)
    greeting.appeal.click()
    qtbot.waitUntil(lambda: latest(store, window).status == RESOLVED, timeout=5000)
    qtbot.waitUntil(lambda: "upheld by 质检员01" in greeting.disputes.text(), timeout=5000)
    assert [d.ruling for d in latest(store, window).disputes] == [UPHELD]
    assert audit.verify(store.db).ok
    assert warnings == []
    window.close()


def test_trainee_sees_desensitised_calls_and_cannot_release(qtbot, store: Store, transcriber, rubrics,
                                                            tmp_path: Path, recording_id: str,
                                                            warnings: list[str]) -> None:
    roles.ensure_user(store, "boss")  # someone else already runs this library
    window = open_window(qtbot, store, transcriber, rubrics, tmp_path, "新人")
    assert window.role_label.text() == "新人 · Trainee (desensitised data)"
    open_call(qtbot, window, recording_id)

    shown = window.transcript.toPlainText()
    assert PHONE not in shown and "我的手机号是" in shown and "*" * len(PHONE) in shown
    assert audit.entries(store.db, action=audit.UNREDACTED_VIEW) == []
    card = window.scorecard
    assert card.editable and card.save_button.isEnabled() and not card.submit_button.isEnabled()
    window.submit_evaluation()  # the button is disabled, and the core refuses anyway: nothing is saved
    qtbot.waitUntil(lambda: bool(warnings), timeout=5000)
    assert store.evaluations() == []
    window.open_coaching()
    window.open_team()
    assert [w.split(": ", 1)[1] for w in warnings] == [
        "The trainee role may not submit evaluations; ask a supervisor (allowed for: inspector, supervisor).",
        "The trainee role may not run coaching sessions; ask a supervisor (allowed for: coach, supervisor).",
        "The trainee role may not open the team view; ask a supervisor (allowed for: coach, supervisor)."]
    window.close()


def test_role_box_in_settings(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    known = {"boss": roles.SUPERVISOR, "li": roles.COACH}
    locked = SettingsDialog(settings, "li", roles=known, may_manage_roles=False)
    qtbot.addWidget(locked)
    assert not locked.role.isEnabled() and locked.role.currentData() == roles.COACH

    dialog = SettingsDialog(settings, "boss", roles=known, may_manage_roles=True)
    qtbot.addWidget(dialog)
    assert dialog.role.isEnabled() and dialog.role_change() is None
    dialog.inspector.setText("wang")
    dialog.inspector.textEdited.emit("wang")
    assert dialog.role.currentData() == roles.TRAINEE  # a new id starts as a trainee
    dialog.role.setCurrentIndex(dialog.role.findData(roles.INSPECTOR))
    assert dialog.role_change() == roles.INSPECTOR
    fresh = SettingsDialog(settings, "first", roles={}, may_manage_roles=True)
    qtbot.addWidget(fresh)
    assert fresh.role.currentData() == roles.SUPERVISOR


def test_a_supervisor_hands_the_workstation_to_a_coach(qtbot, store: Store, transcriber, rubrics,
                                                       tmp_path: Path, warnings: list[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, store, transcriber, rubrics, tmp_path, "boss")

    def choose(dialog: SettingsDialog) -> int:
        dialog.inspector.setText("li")
        dialog.role.setCurrentIndex(dialog.role.findData(roles.COACH))
        dialog.settings.setValue("inspector", "li")
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", choose)
    window.open_settings()
    qtbot.waitUntil(lambda: window.role_label.text() == "li · Coach", timeout=5000)
    assert roles.role_of(store, "li") == roles.COACH
    change = audit.entries(store.db, subject="li")[-1]
    assert (change.actor, change.action, change.detail["to"]) == ("boss", audit.ROLE_CHANGE, roles.COACH)
    assert roles.SCORE not in window.scorecard.permissions and not window.scorecard.editable  # coaches do not score
    assert warnings == []
    window.close()
