"""The rule workbench: edit one phrase rule and see at once what it would flag across the whole library.

Each hit shows the words heard, how close they were to the phrase, and the verdict inspectors gave that same
hit (confirmed, or rejected and why); above the hits, the edited rule's precision from those verdicts — so a QA
lead can tell a phrase that catches real violations from one that only buries inspectors in false alarms, and
see an edit drop the rejected hits, before changing the rubric file.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFormLayout, QHeaderView, QLabel, QMainWindow,
                               QPlainTextEdit, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..core.domain import AGENT, CONFIRMED, CUSTOMER, EXACT, LOOSE, MATCH_MODES, NORMAL, REJECTED, PhraseRule, Rubric
from ..core.library.store import Store
from ..core.pipeline.analysis import RubricLibrary
from ..core.scoring.decisions import Decision, WorkbenchHit, decision_for, decisions, rule_hits
from ..core.team.aggregate import RulePrecision, rule_key, tally
from .format import clock
from .format import category_name
from .tasks import Executor, Runner, report_failure

EDIT_DELAY_MS = 400
REJECTED_COLOUR = "#fce8e6"
CONFIRMED_COLOUR = "#e6f4ea"
Judged = tuple[WorkbenchHit, Decision | None]


def judged_hits(store: Store, rubric: Rubric, rule: PhraseRule) -> list[Judged]:
    """The rule's hits across the library, each with the latest verdict inspectors gave the same hit (None:
    nobody judged it). Runs on the database thread."""
    hits = rule_hits(store, rubric, rule, read_audio=False)
    known: dict[str, list[Decision]] = {}
    for decision in decisions(store, rubric_id=rubric.id):
        known.setdefault(decision.recording_id, []).append(decision)
    return [(hit, decision_for(hit.flag, known.get(hit.recording_id, []))) for hit in hits]


def precision_of(rubric_id: str, judged: list[Judged]) -> RulePrecision | None:
    """The edited rule's hits, confirmed, rejected and precision (None without a hit)."""
    rows = tally((rule_key(rubric_id, hit.flag.category, hit.flag.item, hit.flag.phrase),
                  decision.decision if decision else None) for hit, decision in judged)
    return rows[0] if rows else None


class RuleWorkbench(QMainWindow):
    hitActivated = Signal(str, float)  # recording id, seconds

    def __init__(self, store: Store, rubrics: RubricLibrary, parent: QWidget | None = None,
                 executor: Executor | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.rubrics = rubrics
        self.runner = Runner(lambda message: report_failure(self, message), executor)
        self.hits: list[WorkbenchHit] = []
        self.precision: RulePrecision | None = None
        self.setWindowTitle(self.tr("Rule workbench"))
        self.resize(1100, 700)
        self.rubric = QComboBox()
        for rubric in rubrics.all():
            self.rubric.addItem(rubric.name, rubric.id)
        self.rubric.currentIndexChanged.connect(self._fill_rules)
        self.rule = QComboBox()
        self.rule.currentIndexChanged.connect(self._load_rule)
        self.strictness = QComboBox()
        modes = {EXACT: self.tr("Exact: as written"), NORMAL: self.tr("Normal: by pronunciation"),
                 LOOSE: self.tr("Loose: by pronunciation, more slack")}
        for mode in MATCH_MODES:
            self.strictness.addItem(modes[mode], mode)
        self.strictness.currentIndexChanged.connect(self._schedule)
        self.phrases = QPlainTextEdit()
        self.phrases.setPlaceholderText(self.tr("One phrase per line"))
        self.phrases.textChanged.connect(self._schedule)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.precision_table = self._precision_table()
        form = QFormLayout()
        form.addRow(self.tr("Rubric"), self.rubric)
        form.addRow(self.tr("Rule"), self.rule)
        form.addRow(self.tr("Strictness"), self.strictness)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(form)
        left_layout.addWidget(QLabel(self.tr("Phrases")))
        left_layout.addWidget(self.phrases, 1)
        left_layout.addWidget(self.precision_table)
        left_layout.addWidget(self.summary)
        self.table = QTableWidget(0, 9)
        self.table.setHorizontalHeaderLabels([self.tr("Call"), self.tr("Time"), self.tr("Speaker"),
                                              self.tr("Heard"), self.tr("Similarity"), self.tr("Confidence"),
                                              self.tr("Verdict"), self.tr("Inspector"), self.tr("Reason")])
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

    def _precision_table(self) -> QTableWidget:
        """One row: the edited rule's hits and the inspectors' verdicts on them."""
        table = QTableWidget(1, 5)
        table.setHorizontalHeaderLabels([self.tr("Hits"), self.tr("Confirmed"), self.tr("Rejected"),
                                         self.tr("Not judged"), self.tr("Precision")])
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + table.rowHeight(0) + 4)
        table.setToolTip(self.tr("Precision: confirmed hits over hits given a verdict, from the inspectors' "
                                 "verdicts in this library"))
        return table

    def current_rubric(self) -> Rubric:
        return self.rubrics.by_id(self.rubric.currentData())

    def _phrase_rules(self) -> list[PhraseRule]:
        return list(self.current_rubric().rules)

    def _fill_rules(self) -> None:
        self.rule.blockSignals(True)
        self.rule.clear()
        titles = {item.id: item.title for item in self.current_rubric().items}
        for index, rule in enumerate(self._phrase_rules()):
            self.rule.addItem(f"{category_name(rule.category)} → {titles.get(rule.item, rule.item)}", index)
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
        self.runner.db(lambda: judged_hits(self.store, rubric, rule), self._show, self.summary.setText)

    def _show(self, judged: list[Judged]) -> None:
        self.hits = [hit for hit, _ in judged]
        self.precision = precision_of(self.current_rubric().id, judged)
        self.table.setRowCount(len(judged))
        speakers = {AGENT: self.tr("Agent"), CUSTOMER: self.tr("Customer")}
        for row, (hit, decision) in enumerate(judged):
            flag = hit.flag
            cells = [hit.file_name, clock(flag.start), speakers.get(flag.speaker, self.tr("Unknown")), flag.text,
                     f"{flag.similarity:.2f}", f"{flag.confidence:.2f}",
                     self._verdict_name(decision), decision.inspector if decision else "",
                     decision.reason if decision else ""]
            colour = {REJECTED: REJECTED_COLOUR, CONFIRMED: CONFIRMED_COLOUR}.get(decision.decision if decision else "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if colour:
                    item.setBackground(QColor(colour))
                self.table.setItem(row, column, item)
        self._show_precision(self.precision)
        calls = len({hit.recording_id for hit in self.hits})
        self.summary.setText(self.tr("{0} hits in {1} calls.").format(len(self.hits), calls))

    def _verdict_name(self, decision: Decision | None) -> str:
        if decision is None:
            return self.tr("not judged")
        return self.tr("confirmed") if decision.decision == CONFIRMED else self.tr("rejected")

    def _show_precision(self, precision: RulePrecision | None) -> None:
        counts = (precision.hits, precision.confirmed, precision.rejected, precision.pending) if precision else (0,) * 4
        rate = precision.precision if precision else None
        cells = [*(str(n) for n in counts), f"{rate:.0%}" if rate is not None else "—"]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignCenter)
            self.precision_table.setItem(0, column, item)

    def _activate(self, row: int, _column: int) -> None:
        hit = self.hits[row]
        self.hitActivated.emit(hit.recording_id, hit.flag.start)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        self.runner.close()
        super().closeEvent(event)
