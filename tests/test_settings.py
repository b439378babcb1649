"""Declared settings: one place for every key and default, typed reads that survive a hand-edited file, upgrade
steps run once, and the window applying what was chosen last time at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from qaworkstation.core import settings as declared
from qaworkstation.core.asr.models import OFFLINE_TINY_EN
from qaworkstation.core.asr.transcribe import TranscribeSettings


@pytest.fixture
def ini(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_settings_read_as_their_declared_type_with_defaults(ini: QSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QAWS_INSPECTOR", "质检员07")
    assert declared.read(ini, declared.INSPECTOR) == "质检员07"
    assert declared.transcribe_settings(ini) == TranscribeSettings()
    assert declared.cluster_settings(ini) is None
    ini.setValue("workers", "1")  # an ini file keeps text
    ini.setValue("cpu_threads", "many")  # a hand edit that is not a number
    ini.setValue("run_on", declared.RUN_LOCAL_WORKERS)
    ini.setValue("cluster_workers", "3")
    ini.sync()
    again = QSettings(ini.fileName(), QSettings.Format.IniFormat)
    assert declared.read(again, declared.WORKERS) == 1
    assert declared.read(again, declared.CPU_THREADS) == declared.CPU_THREADS.default_value()
    assert declared.cluster_settings(again).workers == 3
    assert len({setting.key for setting in declared.SETTINGS}) == len(declared.SETTINGS)


def test_settings_upgrade_steps_run_once_and_stamp_the_version(ini: QSettings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[int] = []
    monkeypatch.setattr(declared, "UPGRADES", {3: lambda store: ran.append(3) or store.setValue("model", "renamed")})
    monkeypatch.setattr(declared, "SETTINGS_VERSION", 3)
    assert declared.upgrade(ini) == 1 and ran == [3] and ini.value(declared.VERSION_KEY) == 3
    assert declared.read(ini, declared.MODEL) == "renamed"
    assert declared.upgrade(ini) == 3 and ran == [3]


def test_settings_chosen_last_time_apply_at_start_up(qtbot, store, transcriber, rubrics, ini: QSettings) -> None:
    from qaworkstation.ui.main_window import MainWindow

    declared.write(ini, declared.MODEL, OFFLINE_TINY_EN)
    declared.write(ini, declared.RUN_ON, declared.RUN_LOCAL_WORKERS)
    window = MainWindow(store, transcriber, rubrics, ini)  # built with the shipped defaults, as app.py does
    qtbot.addWidget(window)
    assert window.transcriber.settings.model == OFFLINE_TINY_EN
    assert window.queue.transcriber is window.transcriber and window.queue.cluster is not None
    assert int(ini.value(declared.VERSION_KEY)) == declared.SETTINGS_VERSION
    window.close()
