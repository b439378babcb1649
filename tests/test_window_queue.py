"""The window's background queue: importing a folder analyses every call, the opened call jumps ahead."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from qaworkstation.core.importer import import_paths
from qaworkstation.core.work_queue import OPENED_PRIORITY, WorkQueue
from qaworkstation.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, store, transcriber, rubrics, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: None)
    main = MainWindow(store, transcriber, rubrics, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(main)
    yield main
    main.close()


def test_importing_a_folder_analyses_every_call_in_the_background(qtbot, window: MainWindow, store,
                                                                  calls_copy: Path) -> None:
    day = calls_copy.parent / "day"
    day.mkdir()
    for name in ("zh_forbidden_no_closing.wav", "en_rude_mono.wav"):
        (calls_copy / name).rename(day / name)
    seen = []
    window.queue.statusChanged.connect(seen.append)
    window.import_paths([str(day)])
    qtbot.waitUntil(lambda: len(store.list_recordings()) == 2, timeout=20000)
    qtbot.waitUntil(lambda: all(r["status"] == "analysed" for r in store.list_recordings()), timeout=240000)
    qtbot.waitUntil(lambda: not window.queue.running, timeout=20000)
    assert seen and seen[-1].done == 2 and seen[-1].total == 2
    assert any(0 < s.fraction < 1 for s in seen)
    qtbot.waitUntil(lambda: window.library.table.rowCount() == 2, timeout=10000)
    risky = window.library.table.item(0, 0).text()
    assert "forbidden" in risky or "rude" in risky


def test_opening_a_waiting_call_puts_it_first(qtbot, window: MainWindow, store, calls_copy: Path) -> None:
    ids = import_paths(store, [calls_copy]).recording_ids
    WorkQueue(store).enqueue(ids)
    window.queue.pause()
    window.open_recording(ids[3])
    qtbot.waitUntil(lambda: window.call is not None, timeout=10000)
    window.queue.pause()
    window.queue.wait()
    jobs = {j["recording_id"]: j for j in WorkQueue(store).jobs()}
    assert jobs[ids[3]]["priority"] == OPENED_PRIORITY
    assert all(jobs[i]["priority"] == 0 for i in ids if i != ids[3])
