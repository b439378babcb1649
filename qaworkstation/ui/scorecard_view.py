"""The rubric as a form filled while listening: score, N/A and comment per item, suggestions from the rules.

Totals, critical failure and pass/fail are recomputed by the core on every change, so what the inspector sees
is exactly what will be saved.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from ..core.domain import ItemScore, Rubric, RubricItem
from ..core.rubric import score_evaluation
from ..core.scorecard import Suggestion
from .format import clock, points

_SEVERITY_COLOURS = {"A": "#d93025", "B": "#e37400", "C": "#5f6368"}


def category_name(category: str) -> str:
    translate = QCoreApplication.translate
    names = {"greeting": translate("ScorecardView", "Greeting"), "closing": translate("ScorecardView", "Closing"),
             "apology": translate("ScorecardView", "Apology"),
             "forbidden": translate("ScorecardView", "Forbidden phrase"),
             "insult": translate("ScorecardView", "Insult"), "filler": translate("ScorecardView", "Filler word")}
    return names.get(category, category)


def describe(suggestion: Suggestion) -> str:
    """One line of evidence for a suggested deduction, in the inspector's language."""
    translate = QCoreApplication.translate
    if not suggestion.evidence:
        return translate("ScorecardView", "{0} missing").format(category_name(suggestion.category))
    speakers = {"agent": translate("ScorecardView", "Agent"), "customer": translate("ScorecardView", "Customer")}
    speaker = speakers.get(suggestion.speaker, translate("ScorecardView", "Unknown"))
    return f"{category_name(suggestion.category)}: “{suggestion.evidence}” ({speaker})"


class _ItemRow:
    """The widgets of one rubric item."""

    def __init__(self, item: RubricItem, grid: QGridLayout, row: int, owner: "ScorecardView") -> None:
        self.item = item
        critical = " <b style='color:#a50e6e'>★</b>" if item.critical else ""
        severity = _SEVERITY_COLOURS.get(item.severity, "#5f6368")
        self.title = QLabel(f"<span style='color:{severity};font-weight:600'>{item.severity}</span> "
                            f"{html.escape(item.title)}{critical}")
        self.title.setToolTip(item.description or item.title)
        self.title.setWordWrap(True)
        self.score = QDoubleSpinBox()
        self.score.setRange(0, item.max_points)
        self.score.setSingleStep(0.5)
        self.score.setDecimals(1)
        self.score.setValue(item.max_points)
        self.score.setSuffix(f" / {points(item.max_points)}")
        self.score.setKeyboardTracking(False)
        self.na = QCheckBox(QCoreApplication.translate("ScorecardView", "N/A"))
        self.na.setEnabled(item.allow_na)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(QCoreApplication.translate("ScorecardView", "Comment"))
        self.hints = QLabel()
        self.hints.setWordWrap(False)
        self.hints.setTextFormat(Qt.RichText)
        self.hints.linkActivated.connect(lambda link: owner.jumpRequested.emit(float(link)))
        self.hints.hide()
        for col, widget in enumerate((self.title, self.score, self.na, self.comment)):
            grid.addWidget(widget, row, col)
        grid.addWidget(self.hints, row + 1, 0, 1, 4)
        self.score.valueChanged.connect(owner._on_changed)
        self.na.toggled.connect(owner._on_changed)
        self.comment.textEdited.connect(owner._on_changed)

    def value(self) -> ItemScore:
        return ItemScore(self.item.id, self.score.value(), self.na.isChecked() and self.item.allow_na,
                         self.comment.text())

    def set_value(self, score: ItemScore | None) -> None:
        self.score.setValue(self.item.max_points if score is None or score.score is None else score.score)
        self.na.setChecked(bool(score and score.na))
        self.comment.setText(score.comment if score else "")

    def set_suggestions(self, found: list[Suggestion], owner: "ScorecardView") -> None:
        lines = []
        for suggestion in found:
            jump = (f" <a href='{suggestion.start}'>{clock(suggestion.start)}</a>"
                    if suggestion.start is not None else "")
            lines.append(f"<span style='color:#d93025'>−{points(suggestion.deduction)}</span> "
                         f"{html.escape(describe(suggestion))}{jump}")
        self.hints.setText("<br>".join(lines))
        self.hints.setVisible(bool(lines))
        self.title.setStyleSheet("QLabel { background: #fdecea; }" if lines else "")


class ScorecardView(QWidget):
    changed = Signal()
    jumpRequested = Signal(float)
    saveRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rubric: Rubric | None = None
        self._rows: dict[str, _ItemRow] = {}
        self._loading = False
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.overall = QPlainTextEdit()
        self.overall.setPlaceholderText(self.tr("Overall comment for the agent"))
        self.overall.setMaximumHeight(70)
        self.overall.textChanged.connect(self._on_changed)
        self.total = QLabel()
        self.total.setStyleSheet("font-size: 18px; font-weight: 700;")
        self.state = QLabel()
        self.state.setStyleSheet("color: #5f6368;")
        self.save_button = QPushButton(self.tr("Save evaluation"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.saveRequested)
        footer = QHBoxLayout()
        footer.addWidget(self.total, 1)
        footer.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.overall)
        layout.addLayout(footer)
        layout.addWidget(self.state)
        self.setEnabled(False)

    def set_rubric(self, rubric: Rubric) -> None:
        self.rubric = rubric
        pass_mark = self.tr("pass mark {0}%").format(points(rubric.pass_mark))
        self.header.setText(f"{html.escape(rubric.name)}  <span style='color:#5f6368;font-size:12px'>"
                            f"{html.escape(pass_mark)}</span>")
        body = QWidget()
        grid = QGridLayout(body)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(3, 2)
        grid.setVerticalSpacing(2)
        self._rows = {}
        row = 0
        for section in rubric.sections:
            heading = QLabel(html.escape(section.title))
            heading.setStyleSheet("font-weight: 700; color: #202124; padding-top: 8px; border-bottom: 1px solid"
                                  " #dadce0;")
            grid.addWidget(heading, row, 0, 1, 4)
            row += 1
            for item in section.items:
                self._rows[item.id] = _ItemRow(item, grid, row, self)
                row += 2
        grid.setRowStretch(row, 1)
        self.scroll.setWidget(body)
        self.setEnabled(True)
        self._update_total()

    def set_scores(self, items: dict[str, ItemScore], comment: str, suggestions: dict[str, list[Suggestion]]
                   ) -> None:
        self._loading = True
        try:
            for item_id, row in self._rows.items():
                row.set_value(items.get(item_id))
                row.set_suggestions(suggestions.get(item_id, []), self)
            self.overall.setPlainText(comment)
        finally:
            self._loading = False
        self._update_total()

    def scores(self) -> dict[str, ItemScore]:
        return {item_id: row.value() for item_id, row in self._rows.items()}

    def comment(self) -> str:
        return self.overall.toPlainText()

    def set_state(self, text: str) -> None:
        self.state.setText(text)

    def _on_changed(self) -> None:
        self._update_total()
        if not self._loading:
            self.changed.emit()

    def _update_total(self) -> None:
        if not self.rubric:
            return
        summary = score_evaluation(self.rubric, self.scores())
        if summary.critical_failed:
            verdict, colour = self.tr("FAIL — critical item"), "#a50e6e"
        elif summary.passed:
            verdict, colour = self.tr("PASS"), "#188038"
        else:
            verdict, colour = self.tr("FAIL"), "#d93025"
        self.total.setText(f"{points(round(summary.total, 1))} / {points(summary.max_total)}  "
                           f"<span style='color:{colour}'>{verdict}</span>")
