"""The call's details (agent, team, call id, time, type) set by hand, for calls imported without metadata.

Reports, coaching and sampling are all by agent, team and date: a call nobody can attribute is a call nobody is
coached on. Files without a metadata CSV or a name pattern come in blank, and this is where they get filled.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout,
                               QLineEdit, QVBoxLayout, QWidget)

_STORED_FORMAT = "yyyy-MM-ddTHH:mm:ss"  # how the importer stores call times (importer.normalise_call_time)


class CallDetailsDialog(QDialog):
    def __init__(self, recording: dict[str, Any], call_types: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Call details — {0}").format(recording["file_name"]))
        self.agent = QLineEdit(recording["agent"])
        self.team = QLineEdit(recording["team"])
        self.call_id = QLineEdit(recording["call_id"])
        self.call_type = QComboBox()
        self.call_type.setEditable(True)
        self.call_type.addItems(["", *call_types])
        self.call_type.setCurrentText(recording.get("call_type", ""))
        self.time = QDateTimeEdit()
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time.setCalendarPopup(True)
        stored = QDateTime.fromString(recording["call_time"][:19], _STORED_FORMAT)
        self.time.setDateTime(stored if stored.isValid() else QDateTime.currentDateTime())
        self.time_known = QCheckBox(self.tr("Time known"))
        self.time_known.setChecked(stored.isValid())
        self.time_known.toggled.connect(self.time.setEnabled)
        self.time.setEnabled(stored.isValid())
        form = QFormLayout()
        form.addRow(self.tr("Agent"), self.agent)
        form.addRow(self.tr("Team"), self.team)
        form.addRow(self.tr("Call id"), self.call_id)
        form.addRow(self.tr("Call type"), self.call_type)
        form.addRow(self.time_known, self.time)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def values(self) -> dict[str, str]:
        """The details as :meth:`Store.update_recording` takes them."""
        when = self.time.dateTime().toString(_STORED_FORMAT) if self.time_known.isChecked() else ""
        return {"agent": self.agent.text().strip(), "team": self.team.text().strip(),
                "call_id": self.call_id.text().strip(), "call_type": self.call_type.currentText().strip(),
                "call_time": when}

