"""The whole inspector loop in the real window: open a call, play and seek, score, save a draft, submit, sync,
read back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from qaworkstation.core.domain import DRAFT, SUBMITTED
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.pipeline.analysis import analyse_recording
from qaworkstation.core.team.sync import MANIFEST_NAME, SyncResult, read_synced_evaluations, sync_evaluations
from qaworkstation.ui.main_window import MainWindow

CALL = "zh_insult_escalation.wav"


@pytest.fixture
def window(qtbot, store, transcriber, rubrics, tmp_path: Path, warnings) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    settings.setValue("inspector", "质检员01")
    main = MainWindow(store, transcriber, rubrics, settings)
    qtbot.addWidget(main)
    yield main
    main.close()


def _open(qtbot, window: MainWindow, recording_id: str) -> None:
    window.refresh_library()
    qtbot.waitUntil(lambda: window.library.table.rowCount() > 0, timeout=10000)
    window.library.select(recording_id)
    qtbot.waitUntil(lambda: window.call is not None and window.call.recording["id"] == recording_id,
                    timeout=10000)


def test_inspector_loop_end_to_end(qtbot, window: MainWindow, store, transcriber, rubrics, corpus: Path,
                                   tmp_path: Path, warnings: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    recording_id = import_paths(store, [corpus / "calls" / CALL]).recording_ids[0]
    analyse_recording(store, transcriber, rubrics, recording_id)
    share = tmp_path / "share"
    share.mkdir()
    window.settings.setValue("sync_folder", str(share))

    _open(qtbot, window, recording_id)
    assert "你这话什么意思" in window.transcript.toPlainText()
    assert window.call.flags and all(f.speaker == "agent" for f in window.call.flags if f.deduction > 0)
    assert [f.speaker for f in window.call.flags if f.category == "customer_anger"] == ["customer"]  # 我要投诉你
    forbidden_row = window.scorecard._rows["forbidden"]
    assert not forbidden_row.hints.isHidden() and forbidden_row.score.value() < forbidden_row.item.max_points

    window.toggle_play()
    qtbot.waitUntil(lambda: window.playback.position > 0.3, timeout=5000)
    window.seek(11.0)
    assert window.playback.position == pytest.approx(11.0, abs=0.3)
    window.toggle_play()
    assert not window.playback.playing

    window.scorecard._rows["greeting"].score.setValue(2.0)
    window.scorecard._rows["greeting"].comment.setText("开头语不完整")
    window.scorecard._rows["greeting"].comment.textEdited.emit("开头语不完整")
    qtbot.waitUntil(lambda: store.draft(recording_id, window.call.rubric.id, "质检员01") is not None,
                    timeout=5000)

    window.save_evaluation()
    qtbot.waitUntil(lambda: "1 drafts stay on this computer" in window.statusBar().currentMessage(), timeout=5000)
    saved = store.evaluation(recording_id, window.call.rubric.id, "质检员01")
    assert saved.status == DRAFT and saved.items["greeting"].score == 2.0
    assert saved.items["greeting"].comment == "开头语不完整"
    assert store.draft(recording_id, window.call.rubric.id, "质检员01") is None
    folder = share / "质检员01"
    assert _published(folder) == {} and not list(folder.glob("changes-*"))  # Save keeps the draft private
    assert read_synced_evaluations(share) == ([], [])

    window.submit_evaluation()  # refused: the items nobody looked at are named, nothing is released
    rubric = window.call.rubric
    assert len(warnings) == 1 and f"• {rubric.item('forbidden').title}\n" in warnings[0]
    assert f"• {rubric.item('greeting').title}\n" not in warnings[0]  # scored above: reviewed
    assert store.evaluation(recording_id, rubric.id, "质检员01").status == DRAFT
    warnings.clear()
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    window.accept_remaining()
    assert window.scorecard.pending_items() == []
    window.submit_evaluation()
    qtbot.waitUntil(lambda: saved.id in _published(folder), timeout=5000)
    submitted = store.evaluation(recording_id, window.call.rubric.id, "质检员01")
    assert (submitted.id, submitted.version, submitted.status) == (saved.id, 1, SUBMITTED)
    exported = folder / "evaluations.csv"
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["evaluation_id"], row["status"]) for row in rows] == [(saved.id, SUBMITTED)]
    assert float(rows[0]["total"]) == pytest.approx(submitted.total)
    journal = next(folder.glob("changes-*.jsonl"))
    record = json.loads(journal.read_text(encoding="utf-8").splitlines()[0])
    assert (record["id"], record["status"]) == (saved.id, SUBMITTED)
    assert record["agent"] == store.recording(recording_id)["agent"]
    assert "forbidden" in record["accepted_remaining"] and "greeting" not in record["accepted_remaining"]
    assert warnings == []


def _published(folder: Path) -> dict[str, str]:
    """What the inspector's manifest, written last by every sync, says is on the share; {} before any sync."""
    manifest = folder / MANIFEST_NAME
    return json.loads(manifest.read_text(encoding="utf-8"))["evaluations"] if manifest.exists() else {}


def test_draft_survives_reopening(qtbot, window: MainWindow, store, transcriber, rubrics, corpus: Path) -> None:
    recording_id = import_paths(store, [corpus / "calls" / CALL]).recording_ids[0]
    analyse_recording(store, transcriber, rubrics, recording_id)
    _open(qtbot, window, recording_id)
    window.scorecard.overall.setPlainText("语气生硬，需要辅导")
    window._save_draft()
    qtbot.waitUntil(lambda: store.draft(recording_id, window.call.rubric.id, "质检员01") is not None, timeout=5000)
    window.call = None
    window.open_recording(recording_id)
    qtbot.waitUntil(lambda: window.call is not None, timeout=10000)
    assert window.scorecard.comment() == "语气生硬，需要辅导"


def test_a_comment_typed_just_before_another_call_is_opened_is_kept(qtbot, window: MainWindow, store, transcriber,
                                                                       rubrics, corpus: Path) -> None:
    """The inspector types an item's comment and at once clicks the next call: the draft, still waiting for its
    timer, is written for the call it was typed on, not lost and not given to the next call."""
    first, second = import_paths(store, [corpus / "calls" / CALL, corpus / "calls" / "zh_good_delivery.wav"]
                                 ).recording_ids
    for recording_id in (first, second):
        analyse_recording(store, transcriber, rubrics, recording_id)
    _open(qtbot, window, first)
    row = window.scorecard._rows["greeting"]
    row.comment.setText("开头语不完整")
    row.comment.textEdited.emit("开头语不完整")
    assert window.draft_timer.isActive()  # typed, not yet kept
    window.open_recording(second)
    qtbot.waitUntil(lambda: window.call.recording["id"] == second, timeout=10000)
    assert not window.draft_timer.isActive()
    assert window.scorecard._rows["greeting"].comment.text() == ""
    assert store.draft(second, window.call.rubric.id, "质检员01") is None
    window.open_recording(first)
    qtbot.waitUntil(lambda: window.call.recording["id"] == first, timeout=10000)
    assert window.scorecard._rows["greeting"].comment.text() == "开头语不完整"


def test_missing_share_is_reported_and_nothing_lost(qtbot, window: MainWindow, store, transcriber, rubrics,
                                                    corpus: Path, tmp_path: Path, warnings: list[str]) -> None:
    recording_id = import_paths(store, [corpus / "calls" / CALL]).recording_ids[0]
    analyse_recording(store, transcriber, rubrics, recording_id)
    window.settings.setValue("sync_folder", str(tmp_path / "not-mounted"))
    _open(qtbot, window, recording_id)
    window.save_evaluation()
    qtbot.waitUntil(lambda: bool(warnings), timeout=5000)
    assert "not-mounted" in warnings[0]
    assert store.evaluation(recording_id, window.call.rubric.id, "质检员01") is not None


def test_window_speaks_simplified_chinese_under_a_chinese_locale(qtbot, qapp, store, transcriber, rubrics,
                                                                 tmp_path: Path) -> None:
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QDialogButtonBox

    from qaworkstation.ui.app import install_translator

    assert install_translator(qapp, QLocale(QLocale.German, QLocale.Germany)) == []  # no German UI: all English
    translators = install_translator(qapp, QLocale(QLocale.Chinese, QLocale.China))
    try:
        main = MainWindow(store, transcriber, rubrics, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
        qtbot.addWidget(main)
        assert main.play_button.text() == "播放"
        assert main.library.table.horizontalHeaderItem(1).text() == "坐席"
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        assert (buttons.button(QDialogButtonBox.Ok).text(), buttons.button(QDialogButtonBox.Cancel).text()) == (
            "确定", "取消")  # Qt's own strings follow the same locale
        synced = SyncResult(True, "Synced ...", [Path("/share/q/manifest.json")], 5, 1, 2, "/share/q")
        assert main._sync_summary(synced) == "已同步 5 条评分到 /share/q（新增或修改 1 条）。 2 份草稿在提交前只保存在本机。"
        unmounted = sync_evaluations(tmp_path / "not-mounted", "质检员01", [])
        assert main._sync_failure(unmounted).startswith("找不到共享文件夹：请检查网络共享是否已连接。 本机数据没有任何丢失。\n\n")
        assert str(tmp_path / "not-mounted") in main._sync_failure(unmounted)  # the details, for IT
        main.close()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
