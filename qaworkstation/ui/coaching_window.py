"""Coaching mode: a coach and an agent go through the agent's flagged moments together.

Pick an agent, filter the moments (period, category, severity), replay each one in the player with its
transcript, note what was agreed, write the action plan and follow-up, record the agent's acknowledgement,
save, and export a self-contained pack for the agent.

The agent's last saved session is followed up in the same window: its coached items re-checked on the calls
before and after it (how often each was lost), and its outcome, follow-up result and training request recorded.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QListView, QListWidget, QListWidgetItem, QMainWindow, QPlainTextEdit,
                               QPushButton, QSplitter, QVBoxLayout, QWidget)

from ..core.audio.playback import Playback
from ..core.domain import Flag, Segment
from ..core.library.store import Store, now_iso
from ..core.opened_call import visible_transcript
from ..core.pipeline.analysis import RubricLibrary
from ..core.scoring import roles
from ..core.team.coaching import (OUTCOMES, CoachingSession, ItemRecheck, Moment, agents, due_follow_ups,
                                  moments_for_agent, recheck, save_session, sessions_for_agent, standing_flags_of_call)
from ..core.team.coaching_pack import LEAD_S, export_pack
from .format import clock
from .player_panel import PlayerPanel
from .format import category_name
from .tasks import Executor, Runner, report_failure
from .transcript_view import TranscriptView

_ALL = ""


class CoachingWindow(QMainWindow):
    def __init__(self, store: Store, rubrics: RubricLibrary, coach: str, settings: QSettings,
                 parent: QWidget | None = None, executor: Executor | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.rubrics = rubrics
        self.coach = coach
        self.runner = Runner(lambda message: report_failure(self, message), executor)
        self.playback = Playback()
        self.session: CoachingSession | None = None
        self.previous: CoachingSession | None = None  # the agent's last saved session, to follow up
        self.moments: list[Moment] = []
        self.setWindowTitle(self.tr("Coaching"))
        self.resize(1300, 820)
        self.player = PlayerPanel(self.playback, settings)
        self.player.positionChanged.connect(lambda seconds: self.transcript.set_position(seconds))
        self.transcript = TranscriptView()
        self.transcript.seekRequested.connect(self.player.seek_and_play)
        self._build()
        self.player.install_shortcuts(self)
        self.runner.db(lambda: (agents(self.store), due_follow_ups(self.store)), self._show_agents)

    def _build(self) -> None:
        self.agent = QComboBox()
        self.agent.currentIndexChanged.connect(self.load_moments)
        self.date_from = QDateEdit(QDate.currentDate().addMonths(-1))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.load_moments)
        self.all_dates = QCheckBox(self.tr("All dates"))
        self.all_dates.setChecked(True)
        self.all_dates.toggled.connect(self.load_moments)
        self.category = QComboBox()
        self.category.addItem(self.tr("All categories"), _ALL)
        for category in ("forbidden", "insult", "filler", "sequence", "greeting", "closing", "apology", "deducted"):
            self.category.addItem(category_name(category) if category != "deducted" else self.tr("Deducted item"),
                                  category)
        self.category.currentIndexChanged.connect(self.load_moments)
        self.severity = QComboBox()
        self.severity.addItem(self.tr("All severities"), _ALL)
        for severity in "ABC":
            self.severity.addItem(severity, severity)
        self.severity.currentIndexChanged.connect(self.load_moments)
        self.due = QLabel()
        self.due.setStyleSheet("color: #d93025;")
        filters = QFormLayout()
        filters.addRow(self.tr("Agent"), self.agent)
        filters.addRow(self.all_dates)
        filters.addRow(self.tr("From"), self.date_from)
        filters.addRow(self.tr("To"), self.date_to)
        filters.addRow(self.tr("Category"), self.category)
        filters.addRow(self.tr("Severity"), self.severity)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)  # wrapped in full: "结束语 −3…" hides the point
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self.show_moment)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.due)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.list, 1)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("What was agreed about this moment"))
        self.note.textChanged.connect(self._store_note)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.addWidget(self.player)
        centre_layout.addWidget(self.transcript, 1)
        centre_layout.addWidget(QLabel(self.tr("Note on this moment")))
        centre_layout.addWidget(self.note)
        self.plan = QPlainTextEdit()
        self.plan.setPlaceholderText(self.tr("Action plan agreed with the agent"))
        self.follow_up = QDateEdit(QDate.currentDate().addDays(14))
        self.follow_up.setCalendarPopup(True)
        self.follow_up.setDisplayFormat("yyyy-MM-dd")
        self.acknowledged = QCheckBox(self.tr("The agent acknowledges this coaching"))
        self.save_button = QPushButton(self.tr("Save session"))
        self.save_button.clicked.connect(self.save)
        self.export_button = QPushButton(self.tr("Export pack for the agent…"))
        self.export_button.clicked.connect(self.choose_export)
        self.state = QLabel()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(QLabel(self.tr("Action plan")))
        right_layout.addWidget(self.plan, 1)
        form = QFormLayout()
        form.addRow(self.tr("Follow-up"), self.follow_up)
        right_layout.addLayout(form)
        right_layout.addWidget(self.acknowledged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.export_button)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.state)
        right_layout.addWidget(self._build_follow_up())
        splitter = QSplitter(Qt.Horizontal)
        for widget in (left, centre, right):
            splitter.addWidget(widget)
        splitter.setSizes([360, 600, 340])
        self.setCentralWidget(splitter)

    def _build_follow_up(self) -> QGroupBox:
        """The previous session's follow-up: the re-check of its items, its outcome, result and training."""
        self.follow_up_box = QGroupBox(self.tr("Follow-up of the last session"))
        self.recheck_list = QListWidget()
        self.recheck_list.setWordWrap(True)
        self.outcome = QComboBox()
        self.outcome.addItem(self.tr("Not yet followed up"), "")
        names = {"improved": self.tr("Improved"), "partly": self.tr("Partly improved"),
                 "not_improved": self.tr("Not improved")}
        for code in OUTCOMES:
            self.outcome.addItem(names[code], code)
        self.result = QPlainTextEdit()
        self.result.setPlaceholderText(self.tr("What the follow-up found"))
        self.result.setMaximumHeight(70)
        self.training = QLineEdit()
        self.training.setPlaceholderText(self.tr("Training to request, if coaching is not enough"))
        self.follow_up_button = QPushButton(self.tr("Save follow-up"))
        self.follow_up_button.clicked.connect(self.save_follow_up)
        layout = QFormLayout(self.follow_up_box)
        layout.addRow(self.recheck_list)
        layout.addRow(self.tr("Outcome"), self.outcome)
        layout.addRow(self.tr("Result"), self.result)
        layout.addRow(self.tr("Training request"), self.training)
        layout.addRow(self.follow_up_button)
        self.follow_up_box.setEnabled(False)
        return self.follow_up_box

    def _show_agents(self, loaded: tuple[list[str], list[CoachingSession]]) -> None:
        names, due = loaded
        self.agent.blockSignals(True)
        self.agent.clear()
        self.agent.addItems(names)
        self.agent.blockSignals(False)
        if due:
            self.due.setText(self.tr("Follow-ups due: {0}").format(", ".join(f"{s.agent} ({s.follow_up})"
                                                                              for s in due)))
        self.load_moments()

    def load_moments(self) -> None:
        agent = self.agent.currentText()
        if not agent:
            return
        every = self.all_dates.isChecked()
        date_from = "" if every else self.date_from.date().toString(Qt.ISODate)
        date_to = "" if every else self.date_to.date().toString(Qt.ISODate)
        categories = {self.category.currentData()} - {_ALL}
        severities = {self.severity.currentData()} - {_ALL}
        rubrics = {r.id: r for r in self.rubrics.all()}
        self.runner.db(lambda: moments_for_agent(self.store, rubrics, agent, date_from, date_to, categories,
                                                 severities), self._show_moments)
        self.load_follow_up()

    def load_follow_up(self) -> None:
        """The agent's last saved session and its items re-checked, read on the database thread."""
        agent = self.agent.currentText()
        rubrics = {r.id: r for r in self.rubrics.all()}

        def load() -> tuple[CoachingSession | None, list[ItemRecheck]]:
            sessions = sessions_for_agent(self.store, agent)
            return (sessions[0], recheck(self.store, rubrics, sessions[0])) if sessions else (None, [])

        self.runner.db(load, lambda loaded: self._show_follow_up(*loaded))

    def _show_follow_up(self, session: CoachingSession | None, rechecked: list[ItemRecheck]) -> None:
        self.previous = session
        self.follow_up_box.setEnabled(session is not None)
        self.recheck_list.clear()
        if session is None:
            self.follow_up_box.setTitle(self.tr("Follow-up of the last session"))
            return
        self.follow_up_box.setTitle(self.tr("Follow-up of the session of {0}").format(session.day))
        for item in rechecked:
            self.recheck_list.addItem(self._recheck_line(item))
        self.outcome.setCurrentIndex(max(0, self.outcome.findData(session.outcome)))
        self.result.setPlainText(session.follow_up_result)
        self.training.setText(session.training_request)

    def _recheck_line(self, item: ItemRecheck) -> str:
        """"结束语: lost on 6/10 calls before → 2/9 after", so the coach sees whether the coaching held."""
        def rate(lost: int, calls: int) -> str:
            return f"{lost}/{calls} ({lost / calls:.0%})" if calls else self.tr("no calls")

        verdict = {True: self.tr("better"), False: self.tr("not better"), None: ""}[item.improved]
        return self.tr("{0}: lost on {1} before → {2} after {3}").format(
            item.title, rate(item.lost_before, item.calls_before), rate(item.lost_after, item.calls_after),
            verdict).strip()

    def save_follow_up(self) -> None:
        session = self.previous
        if session is None:
            return
        session.outcome = self.outcome.currentData()
        session.follow_up_result = self.result.toPlainText()
        session.training_request = self.training.text().strip()
        self.runner.db(lambda: save_session(self.store, session),
                       lambda _saved: self.state.setText(self.tr("Follow-up saved.")))

    def _show_moments(self, moments: list[Moment]) -> None:
        self.moments = moments
        self.session = CoachingSession(self.agent.currentText(), self.coach, moments)
        self.list.clear()
        for moment in moments:
            where = clock(moment.start) if moment.end else self.tr("whole call")
            text = f"{moment.severity} {moment.item_title} −{moment.deduction:g}\n{moment.file_name} {where}"
            if moment.text:
                text += f"\n“{moment.text}”"
            entry = QListWidgetItem(text)
            entry.setToolTip(text)
            self.list.addItem(entry)
        self.state.setText(self.tr("{0} moments").format(len(moments)))

    def show_moment(self, row: int) -> None:
        if not 0 <= row < len(self.moments):
            return
        moment = self.moments[row]
        self.note.blockSignals(True)
        self.note.setPlainText(moment.note)
        self.note.blockSignals(False)
        recording_id, coach = moment.recording_id, self.coach
        rubrics = {r.id: r for r in self.rubrics.all()}

        def load() -> tuple[dict, list[Segment], list[Flag]]:
            """The call as the coach's role may see it, the same way the scoring window shows it."""
            role = roles.ensure_user(self.store, coach)
            segments, _logged = visible_transcript(self.store, recording_id, coach, role)
            flags = roles.visible_flags(role, standing_flags_of_call(self.store, rubrics, recording_id))
            return self.store.recording(recording_id), segments, flags

        self.runner.db(load, lambda loaded: self._replay(moment, *loaded))

    def _replay(self, moment: Moment, recording: dict, segments: list[Segment], flags: list[Flag]) -> None:
        self.player.open(recording["path"], recording["sha256"], recording["duration"])
        self.player.set_segments(segments)
        self.player.set_flags(flags)
        self.transcript.set_transcript(segments, flags)
        if moment.end:
            self.player.set_loop(max(0.0, moment.start - LEAD_S), moment.end + LEAD_S)
            self.player.seek_and_play(max(0.0, moment.start - LEAD_S))

    def _store_note(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.moments):
            self.moments[row].note = self.note.toPlainText()

    def _session_from_form(self) -> CoachingSession:
        session = self.session or CoachingSession(self.agent.currentText(), self.coach)
        session.moments = self.moments
        session.action_plan = self.plan.toPlainText()
        session.follow_up = self.follow_up.date().toString(Qt.ISODate)
        if self.acknowledged.isChecked() and not session.acknowledged_at:
            session.acknowledged_at = now_iso()
        return session

    def save(self) -> None:
        session = self._session_from_form()
        self.runner.db(lambda: save_session(self.store, session), self._saved)

    def _saved(self, session: CoachingSession) -> None:
        self.session = session
        self.state.setText(self.tr("Session saved."))
        self.load_follow_up()

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export coaching pack"),
                                              f"coaching-{self.agent.currentText()}.html", "HTML (*.html)")
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        session = self._session_from_form()
        rubrics = {r.id: r for r in self.rubrics.all()}
        self.runner.io(lambda: export_pack(self.store, save_session(self.store, session), path, rubrics=rubrics),
                       lambda written: self.state.setText(self.tr("Pack written to {0}").format(written)),
                       self.state.setText)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        self.runner.close()
        self.player.wait()
        self.playback.close()
        super().closeEvent(event)
