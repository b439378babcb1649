"""The rubric as a form filled while listening: score, N/A, review and comment per item, and the rules'
suggestions, each confirmed or rejected by the inspector.

An item is pending until a person judges it: the rules pre-fill a score but do not review it. Scoring, marking
N/A, ticking it reviewed, or giving a verdict on each of its suggestions does. Totals, critical failure and
pass/fail are recomputed by the core on every change, over the items the call type applies to, so what the
inspector sees is exactly what will be saved. The footer carries how much of the call was heard, how many
items are reviewed and the evaluation's lifecycle: Save keeps a draft version, Submit releases it (refused
while items are pending), and the history menu shows older versions read-only. Each item offers "Dispute…" or
"Resolve…" when the user's role allows it on the version shown.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QFrame, QGridLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QSizePolicy, QToolButton,
                               QVBoxLayout, QWidget)

from ..core.domain import (CONFIRMED, DISPUTED, DRAFT, FINAL, REJECTED, RESOLVED, SEQUENCE_CATEGORY, SUBMITTED, UPHELD,
                           Dispute, Evaluation, Hearing, ItemScore, Rubric, RubricItem, Verdict)
from ..core.scoring.lifecycle import DISPUTABLE
from ..core.scoring.roles import DISPUTE, RELEASE, RESOLVE_DISPUTE, SCORE
from ..core.scoring.rubric import score_evaluation
from ..core.scoring.scorecard import (Suggestion, accept_remaining, for_call_type, judged_by_verdicts, pending,
                                      verdict_on, with_verdict)
from .format import category_name, clock, points

_SEVERITY_COLOURS = {"A": "#d93025", "B": "#e37400", "C": "#5f6368"}
# Disputing is offered on every item, so it stays quiet; a dispute waiting for a ruling asks for attention.
_APPEAL_STYLES = {DISPUTE: "QToolButton { color: #80868b; font-size: 11px; }",
                  RESOLVE_DISPUTE: "QToolButton { color: #a50e6e; font-weight: 600; }"}


def describe(suggestion: Suggestion) -> str:
    """One line of evidence for a suggested deduction, in the inspector's language."""
    translate = QCoreApplication.translate
    if suggestion.part:
        return translate("ScorecardView", "{0}: “{1}” missing").format(category_name(suggestion.category),
                                                                      suggestion.part)
    if not suggestion.evidence:
        return translate("ScorecardView", "{0} missing").format(category_name(suggestion.category))
    speakers = {"agent": translate("ScorecardView", "Agent"), "customer": translate("ScorecardView", "Customer")}
    speaker = speakers.get(suggestion.speaker, translate("ScorecardView", "Unknown"))
    if suggestion.category == SEQUENCE_CATEGORY:  # the rubric's own sentence naming the missing step
        return f"{category_name(suggestion.category)}: {suggestion.evidence} ({speaker})"
    return f"{category_name(suggestion.category)}: “{suggestion.evidence}” ({speaker})"


def describe_verdict(verdict: Verdict | None) -> str:
    """The state of a suggestion in the inspector's language: pending, confirmed, or rejected and why."""
    translate = QCoreApplication.translate
    if verdict is None:
        return translate("ScorecardView", "pending")
    if verdict.decision == CONFIRMED:
        return translate("ScorecardView", "confirmed")
    if verdict.reason:
        return translate("ScorecardView", "rejected: {0}").format(verdict.reason)
    return translate("ScorecardView", "rejected")


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


class ScoreBox(QDoubleSpinBox):
    """A score that only the inspector's deliberate action changes: the wheel scrolls the form unless the box
    has keyboard focus (clicked or tabbed into), so scrolling past an item never rescores it."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


_PENDING_STYLE = "QLabel { border-left: 3px solid #f9ab00; padding-left: 4px; }"
_REVIEWED_STYLE = "QLabel { border-left: 3px solid #34a853; padding-left: 4px; }"
_NA_STYLE = "QLabel { border-left: 3px solid #dadce0; padding-left: 4px; color: #80868b; }"
_CURRENT_LINE = "background:#fff3c4"


def _restyle(widget: QWidget, css: str) -> None:
    """Set a style sheet only when it changes: each one set re-polishes the widget, and filling a form restyles
    every row three times over, a frozen frame when a call opens."""
    if widget.styleSheet() != css:
        widget.setStyleSheet(css)


class _ItemRow:
    """The widgets of one rubric item, and its review state (pending until a person judges it)."""

    def __init__(self, item: RubricItem, grid: QGridLayout, row: int, owner: "ScorecardView") -> None:
        self.item = item
        self.owner = owner
        self.reviewed_state = False
        self.found: list[Suggestion] = []
        critical = " <b style='color:#a50e6e'>★</b>" if item.critical else ""
        severity = _SEVERITY_COLOURS.get(item.severity, "#5f6368")
        hand = QCoreApplication.translate("ScorecardView", "judged by hand")
        by_hand = (f" <span style='color:#1a73e8;font-size:11px'>{html.escape(hand)}</span>" if item.by_hand
                   else "")
        self.title = QLabel(f"<span style='color:{severity};font-weight:600'>{item.severity}</span> "
                            f"{html.escape(item.title)}{critical}{by_hand}")
        self.title.setToolTip(item.description or item.title)
        self.title.setWordWrap(True)
        # About five wide characters: a name wraps between words, never a character per line, in a narrow panel.
        self.title.setMinimumWidth(self.title.fontMetrics().horizontalAdvance("M") * 6)
        self.score = ScoreBox()
        self.score.setRange(0, item.max_points)
        self.score.setSingleStep(0.5)
        self.score.setDecimals(1)
        self.score.setValue(item.max_points)
        self.score.setSuffix(f" / {points(item.max_points)}")
        self.score.setKeyboardTracking(False)
        self.na = QCheckBox(QCoreApplication.translate("ScorecardView", "N/A"))
        self.na.setEnabled(item.allow_na)
        self.review = QToolButton()
        self.review.setCheckable(True)
        self.review.setAutoRaise(True)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(QCoreApplication.translate("ScorecardView", "Comment"))
        self.comment.setMinimumWidth(60)  # gives way first: the comment is optional, the item's name is not
        self.hints = QLabel()
        self.hints.setWordWrap(True)
        self.hints.setTextFormat(Qt.RichText)
        self.hints.linkActivated.connect(self._on_link)
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
        for col, widget in enumerate((self.title, self.score, self.na, self.review, self.comment, self.appeal)):
            grid.addWidget(widget, row, col)
        grid.addWidget(self.hints, row + 1, 0, 1, 6)
        grid.addWidget(self.disputes, row + 2, 0, 1, 6)
        self.score.valueChanged.connect(lambda _value: self._judged())
        self.na.toggled.connect(lambda _checked: self._judged())
        self.review.toggled.connect(self._on_review_toggled)
        self.comment.textEdited.connect(owner._on_changed)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.title, self.score, self.na, self.review, self.comment, self.appeal, self.hints, self.disputes)

    # review state -------------------------------------------------------------------------------------------

    def _judged(self) -> None:
        """A person changed the score or N/A: the item is reviewed."""
        if not self.owner._loading:
            self.set_reviewed(True)
        self.owner._on_changed()

    def _on_review_toggled(self, checked: bool) -> None:
        if not self.owner._loading:
            self.reviewed_state = checked
            self._style()
            self.owner._on_changed()

    def set_reviewed(self, reviewed: bool) -> None:
        self.reviewed_state = reviewed
        self.review.blockSignals(True)
        self.review.setChecked(reviewed)
        self.review.blockSignals(False)
        self._style()

    @property
    def is_pending(self) -> bool:
        return self.applies and not (self.reviewed_state or self.na.isChecked())

    @property
    def applies(self) -> bool:
        return self.item.applies(self.owner.call_type)

    def _style(self) -> None:
        if not self.applies or self.na.isChecked():
            style = _NA_STYLE
        else:
            style = _REVIEWED_STYLE if self.reviewed_state else _PENDING_STYLE
        background = " QLabel { background: #fdecea; }" if self.found and self.is_pending else ""
        _restyle(self.title, style + background)
        if self.review.text() == ("✓" if self.reviewed_state else "○"):
            return
        self.review.setText("✓" if self.reviewed_state else "○")
        _restyle(self.review, "QToolButton { color: #188038; font-weight: 700; }" if self.reviewed_state
                 else "QToolButton { color: #e37400; }")
        translate = QCoreApplication.translate
        self.review.setToolTip(
            translate("ScorecardView", "Reviewed — click to set it pending again") if self.reviewed_state
            else translate("ScorecardView", "Pending — click when the score stands as judged (pending items block "
                                            "Submit)"))

    # values -------------------------------------------------------------------------------------------------

    def value(self) -> ItemScore:
        na = self.na.isChecked() and (self.item.allow_na or not self.applies)
        return ItemScore(self.item.id, self.score.value(), na, self.comment.text(), self.reviewed_state)

    def set_value(self, score: ItemScore | None) -> None:
        self.score.setValue(self.item.max_points if score is None or score.score is None else score.score)
        self.na.setChecked(bool(score and score.na))
        self.comment.setText(score.comment if score else "")
        self.set_reviewed(bool(score and score.reviewed))

    # suggestions --------------------------------------------------------------------------------------------

    def render_suggestions(self) -> None:
        """One line per suggestion: deduction, evidence, moment, its verdict and the links to give one."""
        owner = self.owner
        lines = []
        for index, suggestion in enumerate(self.found):
            verdict = verdict_on(suggestion, owner.verdicts)
            jump = (f" <a href='seek:{suggestion.start}'>{clock(suggestion.start)}</a>"
                    if suggestion.start is not None else "")
            amount = ("?" if suggestion.advisory else f"−{points(suggestion.deduction)}")
            text = f"<span style='color:#d93025'>{amount}</span> {html.escape(describe(suggestion))}{jump}"
            if verdict is not None and verdict.decision == REJECTED:
                text = f"<s style='color:#80868b'>{text}</s>"
            colour = {None: "#e37400", CONFIRMED: "#188038"}.get(verdict and verdict.decision, "#80868b")
            state = f"<span style='color:{colour}'>{html.escape(describe_verdict(verdict))}</span>"
            links = self._verdict_links(index, verdict) if owner.editable else ""
            current = f" style='{_CURRENT_LINE}'" if suggestion is owner.current else ""
            lines.append(f"<span{current}>{text} · {state}{links}</span>")
        self.hints.setText("<br>".join(lines))
        self.hints.setVisible(bool(lines))
        self._style()

    def _verdict_links(self, index: int, verdict: Verdict | None) -> str:
        translate = QCoreApplication.translate
        if verdict is None:
            confirm, reject = translate("ScorecardView", "✓ Confirm"), translate("ScorecardView", "✗ Reject")
            return (f" &nbsp;<a href='confirm:{index}'>{html.escape(confirm)}</a>"
                    f" &nbsp;<a href='reject:{index}'>{html.escape(reject)}</a>")
        undo = translate("ScorecardView", "undo")
        return f" &nbsp;<a href='undo:{index}'>{html.escape(undo)}</a>"

    def _on_link(self, link: str) -> None:
        action, _, value = link.partition(":")
        if action == "seek":
            self.owner.jumpRequested.emit(float(value))
            return
        suggestion = self.found[int(value)]
        self.owner.verdictRequested.emit(suggestion, {"confirm": CONFIRMED, "reject": REJECTED}.get(action, ""))

    def set_editable(self, editable: bool) -> None:
        self.score.setEnabled(editable and self.applies)
        self.na.setEnabled(editable and self.item.allow_na and self.applies)
        self.review.setEnabled(editable and self.applies)
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


# GUI-thread time a turn of building ahead may take: several items on a quiet machine, one while the queue decodes
# on both cores (three items took 14-22 ms then), so forms are ready soon after start-up without a long frame.
_BUILD_TURN_S = 0.004


class _Form:
    """One rubric's form: a section heading and a row of widgets per item, built all at once or a few items
    at a time while the window is idle."""

    def __init__(self, rubric: Rubric, owner: ScorecardView) -> None:
        self.rubric = rubric
        self.owner = owner
        self.body = QWidget(owner._forms_box)
        self.body.hide()
        owner._forms_box.layout().addWidget(self.body)
        self.grid = QGridLayout(self.body)
        self.grid.setColumnStretch(0, 3)
        self.grid.setColumnStretch(4, 2)
        self.grid.setVerticalSpacing(2)
        self.rows: dict[str, _ItemRow] = {}
        self._todo = [(section, item) for section in rubric.sections for item in (None, *section.items)]
        self.settled = False  # laid out and shown once while idle (:meth:`settle`)
        self._next_row = 0

    @property
    def complete(self) -> bool:
        return not self._todo

    def build(self, budget_s: float | None = None) -> None:
        """Build items (with the headings before them) for about ``budget_s`` seconds, at least one, or
        everything left."""
        deadline = None if budget_s is None else time.perf_counter() + budget_s
        built = 0
        while self._todo and (deadline is None or not built or time.perf_counter() < deadline):
            section, item = self._todo.pop(0)
            if item is None:
                heading = QLabel(html.escape(section.title))
                heading.setStyleSheet("font-weight: 700; color: #202124; padding-top: 8px; border-bottom: 1px "
                                      "solid #dadce0;")
                self.grid.addWidget(heading, self._next_row, 0, 1, 6)
                self._next_row += 1
                continue
            row = self.rows[item.id] = _ItemRow(item, self.grid, self._next_row, self.owner)
            row.render_suggestions()  # a pending row's style sheet now: set on first show, 42 re-polishes
            for widget in row.widgets():
                widget.ensurePolished()  # style and fonts now, not all at once when the form is first shown
            self._next_row += 3
            built += 1
        if not self._todo:
            self.grid.setRowStretch(self._next_row, 1)

    def settle(self) -> None:
        """Once a form built ahead is complete, while idle: lay it out and show it once, hidden, since a form's
        first show costs twice its later ones. A form a call needed sooner is laid out and shown by that call."""
        self.settled = True
        if self.owner._form is not self:
            self.body.adjustSize()
            self.body.show()
            self.body.hide()


class ScorecardView(QWidget):
    changed = Signal()
    jumpRequested = Signal(float)
    saveRequested = Signal()
    submitRequested = Signal()
    versionChosen = Signal(int)
    disputeRequested = Signal(str)  # item id
    resolveRequested = Signal(str)  # dispute id
    verdictRequested = Signal(object, str)  # Suggestion, "confirmed" / "rejected" / "" to take a verdict back
    acceptRemainingRequested = Signal()
    callTypeChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rubric: Rubric | None = None
        self._rows: dict[str, _ItemRow] = {}
        self._forms: dict[str, _Form] = {}
        self._form: _Form | None = None
        self._builder = QTimer(self, singleShot=True, interval=0, timeout=self._build_some)
        self._loading = False
        self._showing = False  # inside showing_call(): rows are rendered when it ends
        self.permissions: frozenset[str] = frozenset()
        self.versions: list[Evaluation] = []
        self.shown: Evaluation | None = None
        self.editable = True
        self.verdicts: list[Verdict] = []
        self.call_type = ""
        self.accepted_remaining: list[str] = []
        self.current: Suggestion | None = None  # the suggestion C and X act on (the flag last jumped to)
        self.hearing = Hearing()
        self._suggested: dict[str, ItemScore] = {}  # the rules' pre-fill, for items a call type brings back
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 15px; font-weight: 600;")
        # A long rubric name wraps: as one line it set the panel's minimum width, and opening a call of the other
        # language moved every divider of the window (and repainted all of it).
        self.header.setWordWrap(True)
        self.call_type_box = QComboBox()
        self.call_type_box.setToolTip(self.tr("Call type: items of the handbook's flow that do not apply to it "
                                              "are N/A and the total is re-normalised over the rest"))
        self.call_type_box.activated.connect(lambda _index: self.choose_call_type(self.call_type_box.currentData()))
        # Room for a type's name, the same for every rubric: sized to the items, the panel's width followed the
        # rubric shown and moved the window's dividers.
        self.call_type_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.call_type_box.setMinimumContentsLength(12)
        self.call_type_label = QLabel(self.tr("Call type"))
        for widget in (self.call_type_box, self.call_type_label):
            widget.hide()  # until a call's rubric lists its types: an empty box says nothing
        self.progress = QLabel()
        self.progress.setStyleSheet("color: #3c4043;")
        self.progress.setWordWrap(True)
        self.accept_button = QPushButton()
        self.accept_button.setToolTip(self.tr("Review every pending item at the score shown; recorded on the "
                                              "evaluation and in the audit log as accepted without review"))
        self.accept_button.clicked.connect(self.acceptRemainingRequested)
        self.accept_button.hide()  # until a call's form shows what is pending: a blank button says nothing
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        # Every rubric's form lives in this one box inside the scroll area, only the current one shown: moving a
        # form into the scroll area when first shown re-styled each of its widgets (20-40 ms while the queue runs).
        self._forms_box = QWidget()
        forms_layout = QVBoxLayout(self._forms_box)
        forms_layout.setContentsMargins(0, 0, 0, 0)
        self.scroll.setWidget(self._forms_box)
        self.overall = QPlainTextEdit()
        self.overall.setPlaceholderText(self.tr("Overall comment for the agent"))
        self.overall.setMaximumHeight(56)
        self.overall.textChanged.connect(self._on_changed)
        self.total = QLabel()
        self.total.setStyleSheet("font-size: 18px; font-weight: 700;")
        # The total's text changes with every score; its width must not push the window's dividers around, and
        # on a narrow panel it wraps rather than losing the verdict.
        self.total.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.total.setWordWrap(True)
        self.state = QLabel()
        self.state.setStyleSheet("color: #5f6368;")
        self.state.setWordWrap(True)  # a long status wraps instead of widening the panel
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
        # Always in its place and wide enough for "Version 12 · Submitted", so saving never shifts the panels.
        self.history.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.history.setMinimumContentsLength(16)
        heading = QHBoxLayout()
        heading.addWidget(self.header, 1)
        heading.addWidget(self.call_type_label)
        heading.addWidget(self.call_type_box)
        review = QHBoxLayout()
        review.addWidget(self.progress, 1)
        review.addWidget(self.history)
        footer = QHBoxLayout()  # the total has a line of its own above: the verdict is never cut off
        footer.addStretch(1)
        footer.addWidget(self.accept_button)
        footer.addWidget(self.save_button)
        footer.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(heading)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.overall)
        layout.addLayout(review)
        layout.addWidget(self.total)
        layout.addLayout(footer)
        layout.addWidget(self.state)
        self.setEnabled(False)

    def set_rubric(self, rubric: Rubric) -> None:
        """The form for ``rubric``, empty until :meth:`set_scores` fills it. Forms are kept per rubric and built
        ahead of time (:meth:`prepare`): building one is a tenth of a second of the GUI thread, a frozen frame
        on every call opened if it were done here."""
        self._set_call_types(rubric)
        form = self._form_for(rubric)
        form.build()
        self.scroll.verticalScrollBar().setValue(0)
        self.setEnabled(True)
        if form is self._form:
            return
        if self._form is not None:
            if self._forms.get(self._form.rubric.id) is self._form:
                self._form.body.hide()
            else:
                self._form.body.deleteLater()  # its rubric file was loaded again
        if not self._showing:  # inside showing_call() the form is shown once its rows are filled
            form.body.show()
        self._form, self.rubric, self._rows = form, rubric, form.rows
        pass_mark = self.tr("pass mark {0}%").format(points(rubric.pass_mark))
        self.header.setText(f"{html.escape(rubric.name)}  <span style='color:#5f6368;font-size:12px'>"
                            f"{html.escape(pass_mark)}</span>")
        self._apply_mode()
        self._update_total()

    def prepare(self, rubric: Rubric) -> None:
        """Build the form of ``rubric`` a few items per turn of the event loop, so opening a call on it later
        only fills it in."""
        if not self._form_for(rubric).settled:
            self._builder.start()

    def form_ready(self, rubric: Rubric) -> bool:
        """Whether the form of ``rubric`` is built, so showing a call on it only fills it in; if not, it is
        built ahead first."""
        if self._form_for(rubric).complete:
            return True
        self._builder.start()
        return False

    def _form_for(self, rubric: Rubric) -> _Form:
        form = self._forms.get(rubric.id)
        if form is None or form.rubric is not rubric:  # new, or the rubric file was loaded again
            if form is not None and form is not self._form:
                form.body.deleteLater()
            form = self._forms[rubric.id] = _Form(rubric, self)
        return form

    def _build_some(self) -> None:
        """One turn of building ahead: a few items of the first unfinished form, or settling a finished one."""
        form = next((form for form in self._forms.values() if not form.settled), None)
        if form is None:
            return
        if form.complete:
            form.settle()
        else:
            form.build(_BUILD_TURN_S)
        self._builder.start()

    def _set_call_types(self, rubric: Rubric) -> None:
        """The rubric's call types (a type from metadata the rubric does not list is added per call)."""
        self.call_type_box.clear()
        self.call_type_box.addItem(self.tr("not set"), "")
        for call_type in rubric.call_types:
            self.call_type_box.addItem(call_type, call_type)
        for widget in (self.call_type_box, self.call_type_label):
            widget.setVisible(bool(rubric.call_types))

    def set_scores(self, items: dict[str, ItemScore], comment: str, suggestions: dict[str, list[Suggestion]],
                   verdicts: list[Verdict] | None = None, call_type: str = "",
                   accepted_remaining: list[str] | None = None, suggested: dict[str, ItemScore] | None = None
                   ) -> None:
        """Show a scorecard: the items as saved or drafted, the rules' suggestions with the verdicts given on
        them, the call's type, the items accepted without review, and the rules' pre-fill (``suggested``) that
        an item gets back when a change of call type makes it apply again."""
        self._loading = True
        try:
            self.verdicts = list(verdicts or [])
            self.accepted_remaining = list(accepted_remaining or [])
            self._suggested = dict(suggested or {})
            self.current = None
            self._set_call_type(call_type)
            for item_id, row in self._rows.items():
                row.set_value(items.get(item_id))
                row.found = suggestions.get(item_id, [])  # rendered once, by _apply_mode below
            self.overall.setPlainText(comment)
        finally:
            self._loading = False
        self._apply_mode()
        self._update_total()

    def _set_call_type(self, call_type: str) -> None:
        self.call_type = call_type
        index = self.call_type_box.findData(call_type)
        if index < 0 and call_type:  # a type from metadata the rubric does not list: shown, every item applies
            self.call_type_box.addItem(call_type, call_type)
            index = self.call_type_box.count() - 1
        self.call_type_box.setCurrentIndex(max(0, index))

    def choose_call_type(self, call_type: str) -> None:
        """The call's type changed (on the card or in the call's details): items follow, and the window hears."""
        if call_type == self.call_type or not self.rubric:
            return
        items = for_call_type(self.rubric, self.scores(), call_type, self._suggested)
        self._loading = True
        try:
            self._set_call_type(call_type)
            for item_id, row in self._rows.items():
                row.set_value(items.get(item_id))
        finally:
            self._loading = False
        self._apply_mode()
        self.callTypeChanged.emit(call_type)
        self._on_changed()

    # verdicts and review ------------------------------------------------------------------------------------

    def suggestions(self) -> list[Suggestion]:
        """Every suggestion shown, in the rubric's order."""
        return [suggestion for row in self._rows.values() for suggestion in row.found]

    def apply_verdict(self, suggestion: Suggestion, verdict: Verdict | None) -> None:
        """A verdict was recorded (or taken back, ``verdict`` None): the item's score follows it, and an item
        whose every suggestion has a verdict is reviewed."""
        row = self._rows.get(suggestion.item_id)
        if row is None:
            return
        before = verdict_on(suggestion, self.verdicts)
        if before is not None:
            self.verdicts.remove(before)
        if verdict is not None:
            self.verdicts.append(verdict)
        self._loading = True
        try:
            row.set_value(with_verdict(row.value(), row.item, suggestion, before, verdict))
            if judged_by_verdicts(row.found, self.verdicts):
                row.set_reviewed(True)
        finally:
            self._loading = False
        row.render_suggestions()
        self._on_changed()

    def set_current(self, suggestion: Suggestion | None) -> None:
        """Mark the suggestion the keys act on, and bring its item into view."""
        self.current = suggestion
        for row in self._rows.values():
            row.render_suggestions()
        row = self._rows.get(suggestion.item_id) if suggestion else None
        if row is not None:
            self.scroll.ensureWidgetVisible(row.hints if row.hints.isVisible() else row.title)

    def pending_items(self) -> list[RubricItem]:
        """Items no person has judged yet, in the rubric's order."""
        return pending(self.rubric, self.scores(), self.call_type) if self.rubric else []

    def show_pending(self) -> None:
        """Scroll to the first pending item, whose amber mark says what is missing."""
        items = self.pending_items()
        if items:
            self.scroll.ensureWidgetVisible(self._rows[items[0].id].title)

    def accept_remaining(self) -> list[str]:
        """Review every pending item at the score shown; the ids are kept for the evaluation and the audit."""
        if not self.rubric:
            return []
        items, accepted = accept_remaining(self.rubric, self.scores(), self.call_type)
        self._loading = True
        try:
            for item_id in accepted:
                self._rows[item_id].set_value(items[item_id])
        finally:
            self._loading = False
        self.accepted_remaining = sorted({*self.accepted_remaining, *accepted})
        self._on_changed()
        return accepted

    def set_hearing(self, hearing: Hearing) -> None:
        """How much of the call has been heard so far; shown beside the review progress."""
        if hearing != self.hearing:
            self.hearing = hearing
            self._update_progress()

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
        if not versions:
            self.history.addItem(self.tr("Not saved yet"), 0)
        self.history.blockSignals(False)
        self.history.setEnabled(bool(versions))
        self._apply_mode()

    @property
    def viewing_old_version(self) -> bool:
        return bool(self.shown and self.versions and self.shown.version != self.versions[-1].version)

    @contextmanager
    def showing_call(self) -> Iterator[None]:
        """Rubric, scores and history of a call set together: the rows are rendered once, at the end, instead of
        after each step (three times over, a third of the time a call takes to show). The form is hidden
        meanwhile: a suggestion's line shown in a visible form lays out the whole window at once (2 ms a line,
        a frozen frame when a call's analysis lands), in a hidden one it is laid out once, when the form shows.
        A form holding the keyboard focus stays shown: hiding it would end the edit in progress."""
        if self._form is not None and not self._form.body.isAncestorOf(QApplication.focusWidget()):
            self._form.body.hide()
        self._showing = True
        try:
            yield
        finally:
            self._showing = False
            self._apply_mode()
            if self._form is not None:
                self._form.body.show()

    def _apply_mode(self) -> None:
        if self._showing:
            return
        latest = self.versions[-1] if self.versions else None
        self.editable = (SCORE in self.permissions and not self.viewing_old_version
                         and not (latest and latest.status == FINAL))
        for row in self._rows.values():
            row.set_editable(self.editable)
            row.set_appeal(*self._appeal(row.item.id))
            row.render_suggestions()
        self.overall.setReadOnly(not self.editable)
        self.save_button.setEnabled(self.editable)
        self.submit_button.setEnabled(self.editable and RELEASE in self.permissions)
        self.call_type_box.setEnabled(self.editable)
        self._update_progress()

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
        if self._loading:
            return  # a whole card being set: its total is worked out once, when it is done
        self._update_total()
        self.changed.emit()

    def _update_total(self) -> None:
        if not self.rubric:
            return
        self._update_progress()
        summary = score_evaluation(self.rubric, self.scores(), self.call_type)
        if summary.critical_failed:
            verdict, colour = self.tr("FAIL — critical item"), "#a50e6e"
        elif summary.passed:
            verdict, colour = self.tr("PASS"), "#188038"
        else:
            verdict, colour = self.tr("FAIL"), "#d93025"
        self.total.setText(f"{points(round(summary.total, 1))} / {points(summary.max_total)}  "
                           f"<span style='font-size:13px;color:#5f6368'>{summary.percent:.1f}%</span>  "
                           f"<span style='color:{colour}'>{verdict}</span>")

    def _update_progress(self) -> None:
        """Reviewed items, the share of the call heard and the flags heard: how much judgement is behind it."""
        if not self.rubric:
            return
        applicable = [row for row in self._rows.values() if row.applies and not row.na.isChecked()]
        waiting = len(self.pending_items())
        hearing = self.hearing
        self.progress.setText(self.tr("Reviewed {0} of {1} items · heard {2}% of the call · {3} of {4} flags heard")
                              .format(len(applicable) - waiting, len(applicable), round(100 * hearing.share),
                                      hearing.flags_visited, hearing.flags_total))
        self.accept_button.setText(self.tr("Accept remaining ({0})…").format(waiting))
        self.accept_button.setEnabled(self.editable and waiting > 0)
        self.accept_button.show()
