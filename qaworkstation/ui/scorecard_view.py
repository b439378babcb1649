"""The rubric as a form filled while listening: score, N/A and comment per item, suggestions from the rules.

Totals, critical failure and pass/fail are recomputed by the core on every change, so what the inspector sees
is exactly what will be saved. The footer carries the evaluation's lifecycle: Save keeps a draft version,
Submit releases it, and the history menu shows older versions read-only. Each item offers "Dispute…" or
"Resolve…" when the user's role allows it on the version shown.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QToolButton, QVBoxLayout, QWidget)

from ..core.domain import (DISPUTED, DRAFT, FINAL, REJECTED, RESOLVED, SUBMITTED, UPHELD, Dispute, Evaluation,
                           ItemScore, Rubric, RubricItem)
from ..core.lifecycle import DISPUTABLE
from ..core.roles import DISPUTE, RELEASE, RESOLVE_DISPUTE, SCORE
from ..core.rubric import score_evaluation
from ..core.scorecard import Suggestion
from .format import clock, points

_SEVERITY_COLOURS = {"A": "#d93025", "B": "#e37400", "C": "#5f6368"}
# Disputing is offered on every item, so it stays quiet; a dispute waiting for a ruling asks for attention.
_APPEAL_STYLES = {DISPUTE: "QToolButton { color: #80868b; font-size: 11px; }",
                  RESOLVE_DISPUTE: "QToolButton { color: #a50e6e; font-weight: 600; }"}


def category_name(category: str) -> str:
    translate = QCoreApplication.translate
    names = {"greeting": translate("ScorecardView", "Greeting"), "closing": translate("ScorecardView", "Closing"),
             "apology": translate("ScorecardView", "Apology"),
             "forbidden": translate("ScorecardView", "Forbidden phrase"),
             "insult": translate("ScorecardView", "Insult"), "filler": translate("ScorecardView", "Filler word"),
             "silence": translate("ScorecardView", "Long silence"), "dead_air": translate("ScorecardView", "Dead air"),
             "overtalk": translate("ScorecardView", "Talk-over"),
             "speech_rate": translate("ScorecardView", "Speech rate"),
             "talk_ratio": translate("ScorecardView", "Talk ratio"), "loudness": translate("ScorecardView", "Loudness"),
             "sequence": translate("ScorecardView", "Order of steps")}
    return names.get(category, category)


def describe(suggestion: Suggestion) -> str:
    """One line of evidence for a suggested deduction, in the inspector's language."""
    translate = QCoreApplication.translate
    if not suggestion.evidence:
        return translate("ScorecardView", "{0} missing").format(category_name(suggestion.category))
    speakers = {"agent": translate("ScorecardView", "Agent"), "customer": translate("ScorecardView", "Customer")}
    speaker = speakers.get(suggestion.speaker, translate("ScorecardView", "Unknown"))
    return f"{category_name(suggestion.category)}: “{suggestion.evidence}” ({speaker})"


def status_name(status: str) -> str:
    translate = QCoreApplication.translate
    names = {DRAFT: translate("ScorecardView", "Draft"), SUBMITTED: translate("ScorecardView", "Submitted"),
             DISPUTED: translate("ScorecardView", "Disputed"), RESOLVED: translate("ScorecardView", "Resolved"),
             FINAL: translate("ScorecardView", "Final")}
    return names.get(status, status)


def describe_dispute(dispute: Dispute) -> str:
    """One line of an item's appeal history: who disputed it and why, and the ruling once there is one."""
    translate = QCoreApplication.translate
    raised = translate("ScorecardView", "Disputed by {0}: “{1}”").format(dispute.raised_by, dispute.reason)
    if dispute.is_open:
        return raised + translate("ScorecardView", " — awaiting a ruling")
    verdicts = {UPHELD: translate("ScorecardView", "upheld"), REJECTED: translate("ScorecardView", "rejected")}
    return raised + translate("ScorecardView", " — {0} by {1}: “{2}”").format(
        verdicts.get(dispute.ruling, dispute.ruling), dispute.ruled_by, dispute.ruling_comment)


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
        self.appeal = QToolButton()
        self.appeal.setAutoRaise(True)
        self.appeal.hide()
        self.appeal.clicked.connect(lambda: owner._on_appeal(self))
        self.appeal_action = ""  # DISPUTE or RESOLVE_DISPUTE when the button is shown
        self.appeal_target = ""  # the item id to dispute, or the id of the open dispute to resolve
        self.disputes = QLabel()
        self.disputes.setWordWrap(True)
        self.disputes.setStyleSheet("color: #a50e6e;")
        self.disputes.hide()
        for col, widget in enumerate((self.title, self.score, self.na, self.comment, self.appeal)):
            grid.addWidget(widget, row, col)
        grid.addWidget(self.hints, row + 1, 0, 1, 5)
        grid.addWidget(self.disputes, row + 2, 0, 1, 5)
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

    def set_editable(self, editable: bool) -> None:
        self.score.setEnabled(editable)
        self.na.setEnabled(editable and self.item.allow_na)
        self.comment.setReadOnly(not editable)

    def set_appeal(self, disputes: list[Dispute], action: str, target: str) -> None:
        """Show the item's disputes on the version shown and offer ``action`` (dispute/resolve) if any."""
        self.disputes.setText("<br>".join(f"⚑ {html.escape(describe_dispute(d))}" for d in disputes))
        self.disputes.setVisible(bool(disputes))
        labels = {DISPUTE: QCoreApplication.translate("ScorecardView", "Dispute…"),
                  RESOLVE_DISPUTE: QCoreApplication.translate("ScorecardView", "Resolve…")}
        self.appeal.setText(labels.get(action, ""))
        self.appeal.setStyleSheet(_APPEAL_STYLES.get(action, ""))
        self.appeal.setVisible(bool(action))
        self.appeal_action, self.appeal_target = action, target


class ScorecardView(QWidget):
    changed = Signal()
    jumpRequested = Signal(float)
    saveRequested = Signal()
    submitRequested = Signal()
    versionChosen = Signal(int)
    disputeRequested = Signal(str)  # item id
    resolveRequested = Signal(str)  # dispute id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rubric: Rubric | None = None
        self._rows: dict[str, _ItemRow] = {}
        self._loading = False
        self.permissions: frozenset[str] = frozenset()
        self.versions: list[Evaluation] = []
        self.shown: Evaluation | None = None
        self.editable = True
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
        self.save_button = QPushButton(self.tr("Save draft"))
        self.save_button.setToolTip(self.tr("Keep these scores as a draft version that can still change; Submit "
                                            "releases it"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.saveRequested)
        self.submit_button = QPushButton(self.tr("Submit"))
        self.submit_button.setToolTip(self.tr("Release this version to the team and the agent; it can no longer be "
                                              "changed, only followed by a new version"))
        self.submit_button.clicked.connect(self.submitRequested)
        self.history = QComboBox()
        self.history.setToolTip(self.tr("Version history: older versions open read-only"))
        self.history.activated.connect(lambda index: self.versionChosen.emit(self.history.itemData(index)))
        self.history.hide()
        footer = QHBoxLayout()
        footer.addWidget(self.total, 1)
        footer.addWidget(self.history)
        footer.addWidget(self.save_button)
        footer.addWidget(self.submit_button)
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
                row += 3
        grid.setRowStretch(row, 1)
        self.scroll.setWidget(body)
        self.setEnabled(True)
        self._apply_mode()
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

    # lifecycle --------------------------------------------------------------------------------------------

    def set_permissions(self, permissions: frozenset[str]) -> None:
        """What the current role may do; controls it may not use are disabled or hidden."""
        self.permissions = permissions
        self._apply_mode()

    def set_history(self, versions: list[Evaluation], shown: Evaluation | None = None) -> None:
        """Every version of the evaluation (oldest first) and the one on screen, the latest when None."""
        self.versions, self.shown = versions, shown or (versions[-1] if versions else None)
        self.history.blockSignals(True)
        self.history.clear()
        for version in reversed(versions):
            self.history.addItem(self.tr("Version {0} · {1}").format(version.version, status_name(version.status)),
                                 version.version)
        if self.shown:
            self.history.setCurrentIndex(self.history.findData(self.shown.version))
        self.history.blockSignals(False)
        self.history.setVisible(bool(versions))
        self._apply_mode()

    @property
    def viewing_old_version(self) -> bool:
        return bool(self.shown and self.versions and self.shown.version != self.versions[-1].version)

    def _apply_mode(self) -> None:
        latest = self.versions[-1] if self.versions else None
        self.editable = (SCORE in self.permissions and not self.viewing_old_version
                         and not (latest and latest.status == FINAL))
        for row in self._rows.values():
            row.set_editable(self.editable)
            row.set_appeal(*self._appeal(row.item.id))
        self.overall.setReadOnly(not self.editable)
        self.save_button.setEnabled(self.editable)
        self.submit_button.setEnabled(self.editable and RELEASE in self.permissions)

    def _appeal(self, item_id: str) -> tuple[list[Dispute], str, str]:
        """The disputes of the item on the version shown, and what this role may do about them."""
        shown = self.shown
        if shown is None:
            return [], "", ""
        disputes = [d for d in shown.disputes if d.version == shown.version and d.item_id == item_id]
        pending = next((d for d in disputes if d.is_open), None)
        if pending and RESOLVE_DISPUTE in self.permissions:
            return disputes, RESOLVE_DISPUTE, pending.id
        if (not pending and DISPUTE in self.permissions and not self.viewing_old_version
                and shown.status in DISPUTABLE and item_id in shown.items):
            return disputes, DISPUTE, item_id
        return disputes, "", ""

    def _on_appeal(self, row: _ItemRow) -> None:
        if row.appeal_action == RESOLVE_DISPUTE:
            self.resolveRequested.emit(row.appeal_target)
        elif row.appeal_action == DISPUTE:
            self.disputeRequested.emit(row.appeal_target)

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
