"""The two small forms of an appeal: the agent's dispute of one item, and the supervisor's ruling on it.

Both insist on words (a reason, a ruling comment) before OK is enabled: a dispute without a reason or a ruling
without an explanation helps nobody at the coaching table.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit,
                               QRadioButton, QVBoxLayout, QWidget)

from ..core.domain import REJECTED, UPHELD, Dispute


def _text_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setMaximumHeight(110)
    return box


class DisputeDialog(QDialog):
    """The agent's reason for disputing one item, as the inspector, coach or supervisor records it."""

    def __init__(self, item_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Dispute an item"))
        heading = QLabel(self.tr("The agent disputes <b>{0}</b>.").format(html.escape(item_title)))
        self.reason_edit = _text_box(self.tr("The agent's reason, in their words"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(self.tr("Record dispute"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self.reason().strip()))

    def reason(self) -> str:
        return self.reason_edit.toPlainText()


class ResolveDialog(QDialog):
    """The supervisor's ruling on a dispute: upheld or rejected, and why."""

    def __init__(self, item_title: str, dispute: Dispute, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Rule on a dispute"))
        heading = QLabel(self.tr("Dispute of <b>{0}</b>, recorded by {1}:").format(
            html.escape(item_title), html.escape(dispute.raised_by)))
        reason = QLabel(html.escape(dispute.reason))
        reason.setWordWrap(True)
        reason.setStyleSheet("padding: 4px 8px; background: #f1f3f4;")
        self.upheld = QRadioButton(self.tr("Upheld — the agent is right"))
        self.rejected = QRadioButton(self.tr("Rejected — the score stands"))
        self.choice = QButtonGroup(self)
        choices = QHBoxLayout()
        for button in (self.upheld, self.rejected):
            self.choice.addButton(button)
            choices.addWidget(button)
        self.comment_edit = _text_box(self.tr("Why — this is what the agent will read"))
        self.note = QLabel(self.tr("An upheld item is corrected by changing its score and submitting a new "
                                   "version."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5f6368;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(self.tr("Record ruling"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choice.buttonToggled.connect(self._update_ok)
        self.comment_edit.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        for widget in (heading, reason):
            layout.addWidget(widget)
        layout.addLayout(choices)
        for widget in (self.comment_edit, self.note, self.buttons):
            layout.addWidget(widget)
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self.ruling() and self.comment().strip()))

    def ruling(self) -> str:
        if self.upheld.isChecked():
            return UPHELD
        return REJECTED if self.rejected.isChecked() else ""

    def comment(self) -> str:
        return self.comment_edit.toPlainText()
