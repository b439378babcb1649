"""Workstation settings: who is scoring (and in which role), where scores sync, and how calls are transcribed.

Every setting is declared once here with its default, read from and written to QSettings, so the window and
the dialog cannot disagree about a name or a default.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from ..core.models import OFFLINE_BASE, OFFLINE_TINY_EN, ModelUnavailable, resolve_model
from ..core.roles import COACH, INSPECTOR, ROLES, SUPERVISOR, TRAINEE
from ..core.transcribe import TranscribeSettings

DEFAULTS = TranscribeSettings()


def transcribe_settings(settings: QSettings) -> TranscribeSettings:
    """The transcription settings stored on this workstation, with the shipped defaults for anything unset."""
    return TranscribeSettings(
        model=str(settings.value("model", DEFAULTS.model)),
        compute_type=str(settings.value("compute_type", DEFAULTS.compute_type)),
        cpu_threads=int(settings.value("cpu_threads", DEFAULTS.cpu_threads)),
        workers=int(settings.value("workers", DEFAULTS.workers)),
        language=str(settings.value("language", DEFAULTS.language)),
        script=str(settings.value("script", DEFAULTS.script)),
    )


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
        current = transcribe_settings(settings)
        self.inspector = QLineEdit(inspector)
        self.role = self._combo([(role_name(role), role) for role in ROLES], self.stored_role(inspector))
        self.role.setEnabled(may_manage_roles)
        self.role.setToolTip(self.tr("The role of this inspector id on this workstation")
                             if may_manage_roles else self.tr("Only a supervisor can change roles"))
        self.inspector.textEdited.connect(lambda text: self._select(self.role, self.stored_role(text.strip())))
        self.sync_folder = QLineEdit(str(settings.value("sync_folder", "")))
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
        form = QFormLayout()
        form.addRow(self.tr("Inspector id"), self.inspector)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Team shared folder"), sync_row)
        form.addRow(self.tr("Speech model"), model_row)
        form.addRow(self.tr("Compute type"), self.compute_type)
        form.addRow(self.tr("Channels decoded at once"), self.workers)
        form.addRow(self.tr("Threads per channel"), self.threads)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Chinese script"), self.script)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

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
        """Refuse a model that cannot be loaded here, saying how to get it, rather than failing later."""
        try:
            resolve_model(self.chosen_model())
        except ModelUnavailable as exc:
            self.problem.setText(str(exc))
            return
        values = {"inspector": self.inspector.text().strip(), "sync_folder": self.sync_folder.text().strip(),
                  "model": self.chosen_model(), "compute_type": self.compute_type.currentData(),
                  "workers": self.workers.value(), "cpu_threads": self.threads.value(),
                  "language": self.language.currentData(), "script": self.script.currentData()}
        for key, value in values.items():
            if key != "inspector" or value:
                self.settings.setValue(key, value)
        super().accept()
