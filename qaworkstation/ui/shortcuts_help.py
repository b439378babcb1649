"""The `?` overlay: every key of the window (player and scorecard) on one card, so nobody has to hunt
through menus."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

SHADE = QColor(0, 0, 0, 150)


class ShortcutsHelp(QWidget):
    """A translucent layer covering its parent with a card of (keys, what they do); any key or click closes it."""

    def __init__(self, parent: QWidget, entries: Sequence[tuple[str, str]]) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.card = QLabel(self._html(entries))
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setStyleSheet("background:#fdfdfd;color:#202124;border-radius:8px;padding:18px 26px;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.card, 0, Qt.AlignmentFlag.AlignCenter)
        parent.installEventFilter(self)
        self.hide()

    def _html(self, entries: Sequence[tuple[str, str]]) -> str:
        rows = "".join(
            f"<tr><td style='padding:3px 18px 3px 0;font-family:monospace;font-weight:600'>{html.escape(keys)}</td>"
            f"<td style='padding:3px 0'>{html.escape(text)}</td></tr>" for keys, text in entries)
        title = html.escape(self.tr("Keyboard shortcuts"))
        hint = html.escape(self.tr("Press any key to close"))
        return (f"<h3 style='margin:0 0 8px 0'>{title}</h3><table>{rows}</table>"
                f"<p style='color:#5f6368;margin-top:10px'>{hint}</p>")

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
            self.show()
            self.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep covering the parent when it is resized."""
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def event(self, event: QEvent) -> bool:
        """Claim every key while shown, so Esc (or any key) closes the card instead of reaching the player."""
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), SHADE)
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.hide()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()
