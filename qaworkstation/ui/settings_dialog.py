"""Workstation settings: who is scoring (and in which role), where scores sync, how calls are transcribed and
where that work runs (this process, worker processes here, or a Dask cluster).

The settings themselves are declared once, with their defaults, in :mod:`core.settings`; this dialog only shows
and checks them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from ..core import settings as declared
from ..core.asr.models import OFFLINE_BASE, OFFLINE_TINY_EN, ModelUnavailable, resolve_model
from ..core.pipeline.cluster_settings import check_memory_limit, check_scheduler_address, parse_path_maps
from ..core.privacy import keys
from ..core.scoring.roles import COACH, INSPECTOR, ROLES, SUPERVISOR, TRAINEE
from ..core.settings import AUDIO_SENT, AUDIO_SHARED, RUN_HERE, RUN_LOCAL_WORKERS, RUN_SCHEDULER

T = TypeVar("T")

def _checked(check: Callable[[str], T], text: str, message: str) -> T:
    """``check(text)``, with its refusal replaced by ``message`` (the core speaks English; the dialog may not)."""
    try:
        return check(text)
    except ValueError as exc:
        raise ValueError(message) from exc


def role_name(role: str) -> str:
    translate = QCoreApplication.translate
    names = {INSPECTOR: translate("Roles", "Inspector"), COACH: translate("Roles", "Coach"),
             SUPERVISOR: translate("Roles", "Supervisor"), TRAINEE: translate("Roles", "Trainee (desensitised data)")}
    return names.get(role, role)


class SettingsDialog(QDialog):
    """``roles`` maps the library's known user ids to their roles, so the Role box follows the inspector id
    as it is typed; only a user who may manage roles can change it."""

    def __init__(self, settings: QSettings, inspector: str, parent: QWidget | None = None, *,
                 roles: dict[str, str] | None = None, may_manage_roles: bool = False) -> None:
        super().__init__(parent)
        self.settings = settings
        self.known_roles = roles or {}
        self.setWindowTitle(self.tr("Settings"))
        current = declared.transcribe_settings(settings)
        self.inspector = QLineEdit(inspector)
        self.role = self._combo([(role_name(role), role) for role in ROLES], self.stored_role(inspector))
        self.role.setEnabled(may_manage_roles)
        self.role.setToolTip(self.tr("The role of this inspector id on this workstation")
                             if may_manage_roles else self.tr("Only a supervisor can change roles"))
        self.inspector.textEdited.connect(lambda text: self._select(self.role, self.stored_role(text.strip())))
        self.sync_folder = QLineEdit(declared.read(settings, declared.SYNC_FOLDER))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_sync)
        sync_row = QHBoxLayout()
        sync_row.addWidget(self.sync_folder, 1)
        sync_row.addWidget(browse)
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.addItem(self.tr("Offline multilingual base (Mandarin + English)"), OFFLINE_BASE)
        self.model.addItem(self.tr("Offline English-only tiny.en"), OFFLINE_TINY_EN)
        self._select(self.model, current.model)
        model_folder = QPushButton(self.tr("Model folder…"))
        model_folder.clicked.connect(self._browse_model)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(model_folder)
        self.compute_type = self._combo([("int8", "int8"), ("int8_float32", "int8_float32"),
                                         ("float32", "float32")], current.compute_type)
        self.workers = self._spin(1, max(1, os.cpu_count() or 1), current.workers)
        self.threads = self._spin(0, 64, current.cpu_threads)
        self.threads.setSpecialValueText(self.tr("automatic"))
        self.language = self._combo([(self.tr("Detect per channel"), ""), ("中文 (zh)", "zh"),
                                     ("English (en)", "en")], current.language)
        self.script = self._combo([(self.tr("Simplified"), "simplified"), (self.tr("Traditional"), "traditional"),
                                   (self.tr("As recognised"), "as-is")], current.script)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #d93025;")
        self.problem.setWordWrap(True)
        who = QGroupBox(self.tr("Inspector"))
        who_form = QFormLayout(who)
        who_form.addRow(self.tr("Inspector id"), self.inspector)
        who_form.addRow(self.tr("Role"), self.role)
        who_form.addRow(self.tr("Team shared folder"), sync_row)
        speech = QGroupBox(self.tr("Transcription"))
        speech_form = QFormLayout(speech)
        speech_form.addRow(self.tr("Speech model"), model_row)
        speech_form.addRow(self.tr("Compute type"), self.compute_type)
        speech_form.addRow(self.tr("Channels decoded at once"), self.workers)
        speech_form.addRow(self.tr("Threads per channel"), self.threads)
        speech_form.addRow(self.tr("Language"), self.language)
        speech_form.addRow(self.tr("Chinese script"), self.script)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(speech)
        layout.addWidget(self._build_cluster())
        layout.addWidget(self._build_security())
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _build_cluster(self) -> QGroupBox:
        """Where the queue runs. Only the fields of the chosen place are shown: a scheduler address means
        nothing to local workers, and a path mapping nothing when the audio is sent."""
        stored = self.settings
        self.run_on = self._combo([(self.tr("This computer, in the app"), RUN_HERE),
                                   (self.tr("Worker processes on this computer (Dask)"), RUN_LOCAL_WORKERS),
                                   (self.tr("A Dask cluster"), RUN_SCHEDULER)], declared.read(stored, declared.RUN_ON))
        self.cluster_workers = self._spin(1, 64, declared.read(stored, declared.CLUSTER_WORKERS))
        self.cluster_threads = self._spin(1, 64, declared.read(stored, declared.CLUSTER_THREADS))
        self.cluster_memory = QLineEdit(declared.read(stored, declared.CLUSTER_MEMORY))
        self.cluster_memory.setToolTip(self.tr("auto, 0 (no limit) or a size such as 6GB"))
        self.scheduler = QLineEdit(declared.read(stored, declared.CLUSTER_SCHEDULER))
        self.scheduler.setPlaceholderText("tcp://10.0.0.5:8786")
        self.audio = self._combo([(self.tr("Sent from this computer"), AUDIO_SENT),
                                  (self.tr("Read from a shared folder"), AUDIO_SHARED)],
                                 declared.read(stored, declared.CLUSTER_AUDIO))
        self.path_map = QLineEdit(declared.read(stored, declared.CLUSTER_PATH_MAP))
        self.path_map.setPlaceholderText(self.tr("/srv/calls=/mnt/calls; …"))
        self.path_map.setToolTip(self.tr("This computer's folder = the same folder as the workers see it"))
        box = QGroupBox(self.tr("Where calls are analysed"))
        self.cluster_form = QFormLayout(box)
        self.cluster_form.addRow(self.tr("Run on"), self.run_on)
        self.cluster_form.addRow(self.tr("Worker processes"), self.cluster_workers)
        self.cluster_form.addRow(self.tr("Threads per worker"), self.cluster_threads)
        self.cluster_form.addRow(self.tr("Memory limit per worker"), self.cluster_memory)
        self.cluster_form.addRow(self.tr("Scheduler address"), self.scheduler)
        self.cluster_form.addRow(self.tr("Workers get the audio"), self.audio)
        self.cluster_form.addRow(self.tr("Path mapping"), self.path_map)
        self.run_on.currentIndexChanged.connect(self._show_cluster_rows)
        self.audio.currentIndexChanged.connect(self._show_cluster_rows)
        self._show_cluster_rows()
        return box

    def _build_security(self) -> QGroupBox:
        """Which keys this workstation holds, by id: whether the library and the journals are encrypted is
        something an inspector should be able to see, and how to change it (from the command line)."""
        box = QGroupBox(self.tr("Encryption"))
        form = QFormLayout(box)
        for name, label, off in ((keys.DATABASE_KEY, self.tr("Library"),
                                  self.tr("not encrypted (switch on with: qaws encrypt)")),
                                 (keys.TEAM_KEY, self.tr("Shared folder journals"),
                                  self.tr("not encrypted (team key: qaws key set-team)"))):
            try:
                key = keys.load_key(name)
                text = self.tr("encrypted, key {0}").format(keys.key_id(key)) if key else off
            except keys.KeyUnavailable as exc:
                text = str(exc)
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, value)
        return box

    def _show_cluster_rows(self) -> None:
        run_on, shared = self.run_on.currentData(), self.audio.currentData() == AUDIO_SHARED
        for widget in (self.cluster_workers, self.cluster_threads, self.cluster_memory):
            self.cluster_form.setRowVisible(widget, run_on == RUN_LOCAL_WORKERS)
        self.cluster_form.setRowVisible(self.scheduler, run_on == RUN_SCHEDULER)
        self.cluster_form.setRowVisible(self.audio, run_on == RUN_SCHEDULER)
        self.cluster_form.setRowVisible(self.path_map, run_on == RUN_SCHEDULER and shared)

    def _cluster_values(self) -> dict[declared.Setting, object]:
        """The fields of the chosen place, checked; ValueError says, in the window's language, which field is
        wrong and what it takes."""
        run_on = self.run_on.currentData()
        values: dict[declared.Setting, object] = {declared.RUN_ON: run_on}
        if run_on == RUN_LOCAL_WORKERS:
            memory = _checked(check_memory_limit, self.cluster_memory.text(),
                              self.tr("Memory limit per worker: auto, 0 (no limit) or a size such as 6GB"))
            values.update({declared.CLUSTER_WORKERS: self.cluster_workers.value(),
                           declared.CLUSTER_THREADS: self.cluster_threads.value(), declared.CLUSTER_MEMORY: memory})
        elif run_on == RUN_SCHEDULER:
            values.update({declared.CLUSTER_SCHEDULER: _checked(check_scheduler_address, self.scheduler.text(), self.tr(
                "Scheduler address: expected tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786")),
                declared.CLUSTER_AUDIO: self.audio.currentData()})
            if self.audio.currentData() == AUDIO_SHARED:
                wrong = self.tr("Path mapping: where the workers see this computer's call folder, as "
                                "LOCAL=REMOTE, e.g. /srv/calls=/mnt/calls")
                if not _checked(parse_path_maps, self.path_map.text(), wrong):
                    raise ValueError(wrong)
                values[declared.CLUSTER_PATH_MAP] = self.path_map.text().strip()
        return values

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        if index < 0:
            combo.addItem(value, value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def _combo(self, choices: list[tuple[str, str]], value: str) -> QComboBox:
        combo = QComboBox()
        for label, data in choices:
            combo.addItem(label, data)
        self._select(combo, value)
        return combo

    @staticmethod
    def _spin(low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        return spin

    def _browse_sync(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Team shared folder"), self.sync_folder.text())
        if folder:
            self.sync_folder.setText(folder)

    def _browse_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with a CTranslate2 Whisper model"))
        if folder:
            self._select(self.model, folder)

    def stored_role(self, user: str) -> str:
        """The role the library holds for ``user``; a new id would start as a trainee (a supervisor in a
        library nobody has used yet)."""
        return self.known_roles.get(user, TRAINEE if self.known_roles else SUPERVISOR)

    def role_change(self) -> str | None:
        """The role chosen for the inspector id when it differs from the stored one, else None."""
        chosen = self.role.currentData()
        return chosen if chosen != self.stored_role(self.inspector.text().strip()) else None

    def chosen_model(self) -> str:
        text = self.model.currentText()
        data = self.model.currentData()
        return data if data and self.model.itemText(self.model.currentIndex()) == text else text.strip()

    def accept(self) -> None:
        """Refuse a model that cannot be loaded here (saying how to get it) or a cluster field that cannot work,
        rather than failing later in the queue."""
        try:
            resolve_model(self.chosen_model())
            cluster = self._cluster_values()
        except (ModelUnavailable, ValueError) as exc:
            self.problem.setText(str(exc))
            return
        folder = self.sync_folder.text().strip()
        if folder and not Path(folder).is_dir():
            self.problem.setText(self.tr("The shared folder {0} does not exist or is not reachable: check that the "
                                         "share is connected, or choose it with Browse…").format(folder))
            return
        values = {declared.SYNC_FOLDER: folder, declared.MODEL: self.chosen_model(),
                  declared.COMPUTE_TYPE: self.compute_type.currentData(), declared.WORKERS: self.workers.value(),
                  declared.CPU_THREADS: self.threads.value(), declared.LANGUAGE: self.language.currentData(),
                  declared.SCRIPT: self.script.currentData(), **cluster}
        if self.inspector.text().strip():  # an empty id keeps the one in use
            values[declared.INSPECTOR] = self.inspector.text().strip()
        for setting, value in values.items():
            declared.write(self.settings, setting, value)
        super().accept()
