"""The rule workbench: edit one phrase rule and see at once what it would flag across the whole library.

Each hit shows the words heard, how close they were to the phrase, and whether inspectors had rejected that
same hit before — so a QA lead can tell a phrase that catches real violations from one that only buries
inspectors in false alarms, before changing the rubric file.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QMainWindow, QPlainTextEdit, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from ..core.analysis import RubricLibrary
from ..core.decisions import WorkbenchHit, rule_hits
from ..core.domain import MATCH_MODES, PhraseRule, Rubric
from ..core.store import Store
from .format import clock
from .scorecard_view import category_name
from .tasks import Runner

EDIT_DELAY_MS = 400


class RuleWorkbench(QMainWindow):
    hitActivated = Signal(str, float)  # recording id, seconds

    def __init__(self, store: Store, rubrics: RubricLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.rubrics = rubrics
        self.runner = Runner()
        self.hits: list[WorkbenchHit] = []
        self.setWindowTitle(self.tr("Rule workbench"))
        self.resize(1100, 700)
        self.rubric = QComboBox()
        for rubric in rubrics.all():
            self.rubric.addItem(rubric.name, rubric.id)
        self.rubric.currentIndexChanged.connect(self._fill_rules)
        self.rule = QComboBox()
        self.rule.currentIndexChanged.connect(self._load_rule)
        self.strictness = QComboBox()
        for mode in MATCH_MODES:
            self.strictness.addItem(mode, mode)
        self.strictness.currentIndexChanged.connect(self._schedule)
        self.phrases = QPlainTextEdit()
        self.phrases.setPlaceholderText(self.tr("One phrase per line"))
        self.phrases.textChanged.connect(self._schedule)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Rubric"), self.rubric)
        form.addRow(self.tr("Rule"), self.rule)
        form.addRow(self.tr("Strictness"), self.strictness)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(form)
        left_layout.addWidget(QLabel(self.tr("Phrases")))
        left_layout.addWidget(self.phrases, 1)
        left_layout.addWidget(self.summary)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Call"), self.tr("Time"), self.tr("Speaker"),
                                              self.tr("Heard"), self.tr("Similarity"), self.tr("Rejected by")])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(self._activate)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.table)
        splitter.setSizes([360, 740])
        self.setCentralWidget(splitter)
        self.timer = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS, timeout=self.run)
        self._fill_rules()

    def current_rubric(self) -> Rubric:
        return self.rubrics.by_id(self.rubric.currentData())

    def _phrase_rules(self) -> list[PhraseRule]:
        return list(self.current_rubric().rules)

    def _fill_rules(self) -> None:
        self.rule.blockSignals(True)
        self.rule.clear()
        for index, rule in enumerate(self._phrase_rules()):
            self.rule.addItem(f"{category_name(rule.category)} → {rule.item}", index)
        self.rule.blockSignals(False)
        self._load_rule()

    def _load_rule(self) -> None:
        rules = self._phrase_rules()
        if not rules:
            return
        rule = rules[self.rule.currentData() or 0]
        for widget in (self.phrases, self.strictness):
            widget.blockSignals(True)
        self.phrases.setPlainText("\n".join(rule.phrases))
        self.strictness.setCurrentIndex(max(0, self.strictness.findData(rule.match)))
        for widget in (self.phrases, self.strictness):
            widget.blockSignals(False)
        self.run()

    def edited_rule(self) -> PhraseRule:
        """The selected rule with the phrases and strictness as edited here (the file is not changed)."""
        rule = self._phrase_rules()[self.rule.currentData() or 0]
        phrases = tuple(line.strip() for line in self.phrases.toPlainText().splitlines() if line.strip())
        return replace(rule, phrases=phrases, match=self.strictness.currentData())

    def _schedule(self) -> None:
        self.timer.start()

    def run(self) -> None:
        if not self._phrase_rules():
            return
        rubric, rule = self.current_rubric(), self.edited_rule()
        if not rule.phrases:
            self._show([])
            return
        self.summary.setText(self.tr("Searching the library…"))
        self.runner.db(lambda: rule_hits(self.store, rubric, rule, read_audio=False), self._show,
                       self.summary.setText)

    def _show(self, hits: list[WorkbenchHit]) -> None:
        self.hits = hits
        self.table.setRowCount(len(hits))
        for row, hit in enumerate(hits):
            flag = hit.flag
            cells = [hit.file_name, clock(flag.start), flag.speaker, flag.text, f"{flag.similarity:.2f}",
                     ", ".join(hit.rejected_by)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if hit.rejected:
                    item.setBackground(QColor("#fce8e6"))
                self.table.setItem(row, column, item)
        rejected = sum(hit.rejected for hit in hits)
        calls = len({hit.recording_id for hit in hits})
        self.summary.setText(self.tr("{0} hits in {1} calls; inspectors had rejected {2} of them.").format(
            len(hits), calls, rejected))

    def _activate(self, row: int, _column: int) -> None:
        hit = self.hits[row]
        self.hitActivated.emit(hit.recording_id, hit.flag.start)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        self.runner.close()
        super().closeEvent(event)
