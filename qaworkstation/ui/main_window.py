"""The inspector's window: library on the left, player and transcript in the middle, scorecard on the right.

The window holds view state only. Every database call goes through the runner's single database thread and
every long job (decoding, transcription, sync) through a worker, so the window never freezes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QInputDialog, QLabel, QMainWindow, QMessageBox, QProgressBar,
                               QProgressDialog, QPushButton, QSplitter, QToolBar, QVBoxLayout, QWidget)

from ..core import settings as declared
from ..core.asr.transcribe import Transcriber, TranscribeSettings
from ..core.audio.playback import Playback
from ..core.domain import CONFIRMED, DRAFT, REJECTED, Evaluation, Flag, ItemScore, Rubric, Segment, Verdict
from ..core.library.importer import ImportReport, import_paths
from ..core.library.store import Store
from ..core.opened_call import OpenCall, open_call, view_context
from ..core.pipeline.analysis import RubricLibrary
from ..core.pipeline.cluster_settings import ClusterSettings
from ..core.pipeline.work_queue import OPENED_PRIORITY, QueueStatus, WorkQueue
from ..core.privacy.redact import redact_segments
from ..core.scoring import lifecycle, roles
from ..core.scoring.decisions import forget_decision, record_decision
from ..core.scoring.scorecard import Suggestion, build_evaluation, draft_payload, items_from_draft, suggestions
from ..core.team.calibration import CalibrationSession, load_sessions, still_to_score
from ..core.team.sampling import sample_progress
from ..core.team.sync import (PROBLEM_AUDIT, PROBLEM_DISK_FULL, PROBLEM_KEY, PROBLEM_NO_PERMISSION, PROBLEM_NOT_FOUND,
                              PROBLEM_NOT_SET_UP, SyncResult, publish)
from .call_details_dialog import CallDetailsDialog
from .dispute_dialog import DisputeDialog, ResolveDialog
from .format import clock, when
from .import_problems import problem_lines
from .library_view import LibraryView
from .player_panel import PlayerPanel
from .queue_controller import QueueController
from .sampling_dialog import SamplingDialog
from .scorecard_view import ScorecardView, status_name
from .settings_dialog import SettingsDialog, role_name
from .tasks import JobContext, Runner, report_failure
from .transcript_view import TranscriptView

DRAFT_DELAY_MS = 1500
FORM_WAIT_MS = 20  # how often the landing of a call's analysis looks again whether its form is built


class MainWindow(QMainWindow):
    def __init__(self, store: Store, transcriber: Transcriber, rubrics: RubricLibrary,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.store = store
        self.transcriber = transcriber
        self.rubrics = rubrics
        self.settings = settings or QSettings("QA Workstation", "qaws")
        declared.upgrade(self.settings)
        self.runner = Runner(self.show_error)
        self.playback = Playback()
        self.call: OpenCall | None = None
        self._draw_dialog: SamplingDialog | None = None  # the dialog of the coverage draw the library shows
        self.queue = QueueController(store.path, transcriber, rubrics, self, None)
        self._apply_analysis_settings()  # the model and place chosen last time, before any call is analysed
        self.queue.statusChanged.connect(self._on_queue_status)
        self.queue.clusterStarting.connect(self._on_cluster_starting)
        self.queue.dashboardChanged.connect(self._on_dashboard)
        self.queue.segmentReady.connect(self._on_segment)
        self.queue.analysed.connect(self._on_analysed)
        self.queue.failed.connect(self._on_analysis_failed)
        self.queue.runningChanged.connect(self._on_queue_running)
        self.setWindowTitle(self.tr("QA Workstation"))
        self.resize(1480, 900)
        self._build()
        self._build_shortcuts()
        self.draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS, timeout=self._save_draft)
        # Timers, not queued calls: a frame is painted between the transcript, the card's filling and its paint.
        self.card_timer = QTimer(self, singleShot=True, interval=0, timeout=self._fill_card_unpainted)
        self.card_paint_timer = QTimer(self, singleShot=True, interval=0, timeout=self._paint_card)
        self.statusBar().addPermanentWidget(self.audio_status)
        self.audio_status.setText(self.playback.status if self.playback.available
                                  else self.tr("No audio output — playback runs silently"))
        self._build_role()
        self.refresh_library()
        self.runner.db(lambda: WorkQueue(self.store).waiting(), self._resume_left_work, self.show_error)
        self.runner.db(self.rubrics.all, self._prepare_forms, lambda _message: None)  # a bad rubric says so on use

    def _prepare_forms(self, rubrics: list[Rubric]) -> None:
        """Build each rubric's scorecard form while the window is idle, so opening a call does not freeze it."""
        for rubric in rubrics:
            self.scorecard.prepare(rubric)

    # construction -----------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.library = LibraryView()
        self.library.recordingSelected.connect(self.open_recording)
        self.library.filtersChanged.connect(self.refresh_library)
        self.player = PlayerPanel(self.playback, self.settings)
        self.waveform = self.player.waveform
        self.play_button = self.player.play_button
        self.call_label = QLabel()
        self.call_label.setStyleSheet("font-weight: 600; padding: 2px 0;")
        # A long title (agent, team, time, type, file name) wraps: as one line it set the centre's minimum width,
        # and each call opened moved the window's dividers by its length.
        self.call_label.setWordWrap(True)
        self.transcript = TranscriptView()
        self.transcript.seekRequested.connect(self.seek_and_play)
        self.player.flagReached.connect(self._on_flag_reached)
        self.player.positionChanged.connect(self._on_position)
        self.player.positionChanged.connect(self.transcript.set_position)
        self.player.positionChanged.connect(self.transcript.highlight_word)
        self.player.statusMessage.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self.details_button = QPushButton(self.tr("Call details…"))
        self.details_button.setToolTip(self.tr("Agent, team, time and type of this call, for calls imported "
                                               "without metadata"))
        self.details_button.clicked.connect(self.edit_call_details)
        self.details_button.setEnabled(False)
        title = QHBoxLayout()
        title.addWidget(self.call_label, 1)
        title.addWidget(self.details_button)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(6, 6, 6, 6)
        centre_layout.addLayout(title)
        centre_layout.addWidget(self.player)
        centre_layout.addWidget(self.transcript, 1)
        self.scorecard = ScorecardView()
        self.scorecard.changed.connect(self._on_scorecard_changed)
        self.scorecard.jumpRequested.connect(self.seek_and_play)
        self.scorecard.saveRequested.connect(self.save_evaluation)
        self.scorecard.submitRequested.connect(self.submit_evaluation)
        self.scorecard.versionChosen.connect(self.show_version)
        self.scorecard.disputeRequested.connect(self.dispute_item)
        self.scorecard.resolveRequested.connect(self.resolve_dispute)
        self.scorecard.verdictRequested.connect(self.give_verdict)
        self.scorecard.acceptRemainingRequested.connect(self.accept_remaining)
        self.scorecard.callTypeChanged.connect(self._on_call_type)
        self.splitter = QSplitter(Qt.Horizontal)
        for widget in (self.library, centre, self.scorecard):
            self.splitter.addWidget(widget)
        self.splitter.setSizes([400, 600, 480])
        self.splitter.setStretchFactor(1, 1)
        self.splitter.restoreState(declared.read(self.settings, declared.MAIN_SPLITTER))  # as the user left them
        self.splitter.splitterMoved.connect(
            lambda *_: declared.write(self.settings, declared.MAIN_SPLITTER, self.splitter.saveState()))
        columns = self.library.table.horizontalHeader()
        columns.restoreState(declared.read(self.settings, declared.LIBRARY_COLUMNS))  # widths this user chose
        columns.sectionResized.connect(
            lambda *_: declared.write(self.settings, declared.LIBRARY_COLUMNS, columns.saveState()))
        self.setCentralWidget(self.splitter)
        self._build_toolbar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 1000)
        self.queue_label = QLabel()
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.clicked.connect(self.toggle_queue)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_analysis)
        self.dashboard = QLabel()
        self.dashboard.setOpenExternalLinks(True)
        for widget in (self.progress, self.queue_label, self.pause_button, self.cancel_button, self.dashboard):
            self.statusBar().addPermanentWidget(widget)  # beside messages, never drawn over by one
            widget.hide()
        self.audio_status = QLabel()
        self.calibration_label = QLabel()
        self.calibration_label.setStyleSheet("color: #a50e6e; font-weight: 600;")
        self.statusBar().addPermanentWidget(self.calibration_label)
        self.calibration_label.hide()

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Main"))
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        for text, slot in ((self.tr("Import files…"), self.import_files),
                           (self.tr("Import folder…"), self.import_folder),
                           (self.tr("Analyse all"), self.analyse_all),
                           (self.tr("Search…"), self.open_search),
                           (self.tr("Sample…"), self.choose_sample),
                           (self.tr("Sync to shared folder"), self.sync),
                           (self.tr("Coaching…"), self.open_coaching),
                           (self.tr("Team…"), self.open_team),
                           (self.tr("Rules…"), self.open_workbench),
                           (self.tr("Settings…"), self.open_settings)):
            action = QAction(text, self)
            action.triggered.connect(slot)
            toolbar.addAction(action)

    def _build_shortcuts(self) -> None:
        """The player's keys, and the scorecard's: C and X give the verdict on the suggestion last jumped to."""
        self.player.install_shortcuts(self, [
            ("C", self.tr("Confirm the current suggestion"), lambda: self._verdict_by_key(CONFIRMED)),
            ("X", self.tr("Reject the current suggestion (asks for a reason)"), lambda: self._verdict_by_key(REJECTED)),
            (QKeySequence(QKeySequence.Save).toString(), self.tr("Save the scorecard as a draft"),
             self.save_evaluation),
        ])

    # settings ---------------------------------------------------------------------------------------------

    @property
    def inspector(self) -> str:
        return declared.read(self.settings, declared.INSPECTOR)

    @property
    def sync_folder(self) -> str:
        return declared.read(self.settings, declared.SYNC_FOLDER)

    def choose_sync_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Team shared folder"), self.sync_folder)
        if folder:
            declared.write(self.settings, declared.SYNC_FOLDER, folder)

    def open_settings(self) -> None:
        self._save_pending_draft()  # in the name of the inspector who typed it, whoever Settings hands over to
        before = (self.inspector, *self._analysis_settings())
        dialog = SettingsDialog(self.settings, self.inspector, self, roles=self.user_roles,
                                may_manage_roles=roles.may(self.role, roles.MANAGE_ROLES))
        if not dialog.exec():
            return
        inspector = self.inspector
        self._apply_role_change(before[0], inspector, dialog.role_change())
        if self.queue.running and self._analysis_settings() != before[1:]:
            self.statusBar().showMessage(self.tr("New analysis settings apply when the queue stops."), 10000)
        self._apply_analysis_settings()
        if inspector != before[0] and self.call:
            self.open_recording(self.call.recording["id"])

    def _analysis_settings(self) -> tuple[TranscribeSettings, ClusterSettings | None]:
        return declared.transcribe_settings(self.settings), declared.cluster_settings(self.settings)

    def _apply_analysis_settings(self) -> None:
        """Give the queue the stored transcription and cluster settings, once it is not running (a queue
        mid-run keeps its model and workers; this runs again when it stops)."""
        chosen, cluster = self._analysis_settings()
        if self.queue.running or (chosen, cluster) == (self.transcriber.settings, self.queue.cluster):
            return
        if chosen != self.transcriber.settings:
            self.transcriber = Transcriber(chosen)
        self.queue.transcriber, self.queue.cluster = self.transcriber, cluster

    # library ----------------------------------------------------------------------------------------------

    def refresh_library(self) -> None:
        """Re-read the list's count and the rows in view through the library's own read connection (indexed
        queries of a page, never the whole library); the selected call stays selected."""
        if self.library.reader is None:
            self.library.set_reader(self.store.reader())
        self.library.refresh()
        self._show_draw_progress()

    def import_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Import recordings"), "",
                                                self.tr("Audio (*.wav *.flac *.mp3 *.ogg *.opus);;All files (*)"))
        if files:
            self.import_paths(files)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Import a folder of recordings"))
        if folder:
            self.import_paths([folder])

    def import_paths(self, paths: list[str]) -> None:
        """Import off the GUI thread with a progress dialog whose Cancel stops between files (what came in stays)."""
        self.statusBar().showMessage(self.tr("Importing…"))
        progress = QProgressDialog(self.tr("Looking for recordings…"), self.tr("Cancel"), 0, 0, self)
        progress.setWindowTitle(self.tr("Importing"))
        progress.setMinimumDuration(400)
        self.import_progress = progress

        def run(context: JobContext) -> ImportReport:
            return import_paths(self.store, paths, progress=lambda done, total, name: context.emit((done, total, name)),
                                cancelled=context.cancelled)

        def step(item: tuple[int, int, str]) -> None:
            done, total, name = item
            progress.setMaximum(total)
            progress.setValue(done)
            progress.setLabelText(self.tr("Checking {0} of {1}: {2}").format(done + 1, total, name))

        def finished(report: ImportReport) -> None:
            progress.reset()
            self._on_imported(report)

        job = self.runner.long(run, finished, step)
        progress.canceled.connect(job.cancel)
        job.signals.failed.connect(lambda _message: progress.reset())

    def _on_imported(self, report: ImportReport) -> None:
        message = self.tr("Imported {0}, already in library {1}, failed {2}").format(
            len(report.imported), len(report.duplicates), len(report.errors))
        if report.cancelled:
            message += self.tr("; stopped before the rest, as asked")
        if report.ignored:
            message += self.tr("; {0} files that are not recordings ignored").format(len(report.ignored))
        self.statusBar().showMessage(message, 10000)
        if report.errors:
            details = "\n".join(problem_lines(report))
            QMessageBox.warning(self, self.tr("Some files could not be imported"), f"{message}\n\n{details}")
        self.refresh_library()
        self.enqueue(report.recording_ids)

    # opening a call ---------------------------------------------------------------------------------------

    def open_recording(self, recording_id: str, play_at: float | None = None) -> None:
        """Load the call off the GUI thread; ``play_at`` plays a moment once the call is shown (a seek made
        before that would be undone by the opening)."""
        self.runner.db(lambda: WorkQueue(self.store).prioritise(recording_id))
        self._load_call(recording_id, lambda call: self._show_call(call, play_at))

    def _load_call(self, recording_id: str, show: Callable[[OpenCall], None]) -> None:
        """Read a call off the GUI thread and hand it to ``show``; what was typed in the last moments (the
        draft's timer still running) is written first, for the call it was typed on: the database thread takes
        the draft before the reading, so a call opened again finds it."""
        self._save_pending_draft()
        inspector = self.inspector
        self.runner.db(lambda: open_call(self.store, self.rubrics, recording_id, inspector), show, self.show_error)

    def _save_pending_draft(self) -> None:
        if self.draft_timer.isActive():
            self.draft_timer.stop()
            self._save_draft()


    def _show_call(self, call: OpenCall, play_at: float | None = None) -> None:
        """Show a call opened by the inspector, card included; a card still waiting from the call before is
        dropped."""
        self.card_timer.stop()
        self._paint_card()
        self.call = call
        self._show_recording(call, play_at)
        self._show_card(call)
        recording = call.recording
        if not call.segments and recording["status"] != "error":
            self.enqueue([recording["id"]], OPENED_PRIORITY)

    def _show_recording(self, call: OpenCall, play_at: float | None = None) -> None:
        """The call's title, audio, timeline and transcript."""
        recording = call.recording
        self._show_call_title(recording)
        self.details_button.setEnabled(True)
        self.player.open(recording["path"], recording["sha256"], recording["duration"])
        self.player.set_segments(call.segments)
        self.player.set_flags(call.flags)
        self.transcript.set_transcript(call.segments, call.flags)
        if play_at is not None:
            self.player.play_moment(play_at)

    def _show_card(self, call: OpenCall) -> None:
        """The call's scorecard: rubric, scores, suggestions, history and where it stands."""
        with self.scorecard.showing_call():
            self.scorecard.set_rubric(call.rubric)
            self._show_scores(call, call.items, call.comment)
            self.scorecard.set_history(call.versions)
        self._show_saved_state()

    def _show_analysis(self, call: OpenCall) -> None:
        """The open call's analysis landed: its transcript and flags now; its card (perhaps another language's
        form, now that the language is known) filled in the next turn and painted in the one after. All in one
        turn froze the window for 20-27 ms while the queue decoded; the card follows two frames later."""
        if self.call is None or self.call.recording["id"] != call.recording["id"]:
            return  # another call was opened meanwhile
        if self.draft_timer.isActive():  # typed while the call was read: written first, then read again
            self._load_call(call.recording["id"], self._show_analysis)
            return
        if not self.scorecard.form_ready(call.rubric):
            # Its form is still being built ahead, a few items a turn (the window's first seconds): built here
            # at once it froze the window for 40-80 ms.
            QTimer.singleShot(FORM_WAIT_MS, self, lambda: self._show_analysis(call))
            return
        self.call = call
        self._show_recording(call)
        self.card_timer.start()

    def _fill_card_unpainted(self) -> None:
        if self.call is not None:
            self.scorecard.setUpdatesEnabled(False)  # the card as it was stays on screen until it is painted
            try:
                self._show_card(self.call)
            finally:
                self.card_paint_timer.start()  # never left unpainted

    def _paint_card(self) -> None:
        self.card_paint_timer.stop()
        if not self.scorecard.updatesEnabled():
            self.scorecard.setUpdatesEnabled(True)

    def _show_call_title(self, recording: dict[str, Any]) -> None:
        self.call_label.setText(" · ".join(x for x in (recording["agent"], recording["team"],
                                                       recording["call_time"].replace("T", " "),
                                                       recording["call_type"], recording["file_name"]) if x))

    def edit_call_details(self) -> None:
        """Agent, team, id, time and type set by hand; the library and the open call follow."""
        call = self.call
        if not call:
            return
        dialog = CallDetailsDialog(call.recording, call.rubric.call_types, self)
        if not dialog.exec():
            return
        values, recording_id = dialog.values(), call.recording["id"]

        def saved(recording: dict[str, Any]) -> None:
            if self.call is call:
                call.recording = recording
                self._show_call_title(recording)
                self.scorecard.choose_call_type(values["call_type"])
            self.refresh_library()

        def store() -> dict[str, Any]:
            self.store.update_recording(recording_id, **values)
            return self.store.recording(recording_id)

        self.runner.db(store, saved)

    def _show_saved_state(self) -> None:
        if not self.call:
            return
        if self.call.from_draft:
            self.scorecard.set_state(self._lifecycle_note(self.tr("Unsaved changes restored from the draft.")))
        elif self.call.saved:
            self.scorecard.set_state(self._lifecycle_note(self.tr("Saved {0} by {1}.").format(
                when(self.call.saved.updated_at), self.call.saved.inspector)))
        else:
            self.scorecard.set_state(self.tr("Not scored yet — the rules' suggestions are pre-filled; confirm or "
                                             "reject each and review every item."))

    # analysis ---------------------------------------------------------------------------------------------

    def enqueue(self, recording_ids: list[str], priority: int = 0) -> None:
        """Queue calls for analysis and make sure the queue is running."""
        if recording_ids:
            self.runner.db(lambda: WorkQueue(self.store).enqueue(recording_ids, priority),
                           lambda _added: self.queue.start(), self.show_error)

    def analyse_all(self) -> None:
        self.runner.db(self.store.unanalysed_ids, self.enqueue, self.show_error)

    def toggle_queue(self) -> None:
        if self.queue.running:
            self.queue.pause()
        else:
            self.queue.start()

    def cancel_analysis(self) -> None:
        self.queue.pause()
        self.runner.db(lambda: WorkQueue(self.store).cancel_all(), failure=self.show_error)

    def _on_queue_running(self, running: bool) -> None:
        self.pause_button.setText(self.tr("Pause") if running else self.tr("Resume"))
        if not running:
            self._apply_analysis_settings()
            self.runner.db(lambda: WorkQueue(self.store).waiting(), self._on_queue_waiting)

    def _resume_left_work(self, waiting: int) -> None:
        """Calls still queued when the app was last closed (or crashed) are analysed now, not when the
        inspector happens to import something: every call gets its analysis without anyone asking."""
        if waiting:
            self.queue.start()

    def _on_queue_waiting(self, waiting: int) -> None:
        for widget in (self.progress, self.queue_label, self.cancel_button):
            widget.setVisible(bool(waiting))
        self.pause_button.setVisible(bool(waiting))
        if waiting:
            self.queue_label.setText(self.tr("Paused, {0} calls waiting").format(waiting))

    def _on_queue_status(self, status: QueueStatus) -> None:
        for widget in (self.progress, self.queue_label, self.pause_button, self.cancel_button):
            widget.show()
        self.progress.setValue(int(status.fraction * 1000))
        eta = self.tr(", about {0} left").format(clock(status.eta_s)) if status.eta_s is not None else ""
        self.queue_label.setText(self.tr("Analysed {0} of {1}{2} {3}").format(
            status.done, status.total, eta, status.current_file))

    def _on_cluster_starting(self, where: str) -> None:
        message = (self.tr("Connecting to the Dask scheduler at {0}…").format(where) if "://" in where else
                   self.tr("Starting {0} worker processes and loading the model in each…").format(where))
        self.queue_label.setText(message)
        self.queue_label.show()

    def _on_dashboard(self, link: str) -> None:
        """While a cluster runs the queue, its Dask dashboard (per-worker load, task stream) is one click away."""
        self.dashboard.setText(self.tr('<a href="{0}">Dask dashboard</a>').format(link) if link else "")
        self.dashboard.setToolTip(link)
        self.dashboard.setVisible(bool(link))

    def _on_segment(self, recording_id: str, segment: Segment) -> None:
        if self.call and self.call.recording["id"] == recording_id:
            self.transcript.add_segment(self._visible_live_segment(segment))

    def _on_analysed(self, recording_id: str) -> None:
        self.refresh_library()
        if self.call and self.call.recording["id"] == recording_id:
            self._load_call(recording_id, self._show_analysis)

    def _on_analysis_failed(self, file_name: str, message: str) -> None:
        """One call failed (named), or the queue itself stopped (no name: e.g. the cluster cannot be reached)."""
        if file_name:
            self.statusBar().showMessage(self.tr("Could not analyse {0}: {1}").format(file_name, message), 15000)
        else:
            self.statusBar().showMessage(self.tr("Analysis stopped: {0}. The calls stay queued.").format(message),
                                         30000)

    def open_coaching(self) -> None:
        if not self._allowed(roles.COACH_AGENTS, "coaching window"):
            return
        from .coaching_window import CoachingWindow

        self.coaching = CoachingWindow(self.store, self.rubrics, self.inspector, self.settings, self,
                                       self.runner.executor)
        self.coaching.show()

    def open_team(self) -> None:
        if not self._allowed(roles.AGGREGATE, "team window"):
            return
        from .team_window import TeamWindow

        self.team = TeamWindow(self.rubrics, self.settings, parent=self, store=self.store)
        self.team.show()

    def open_workbench(self) -> None:
        from .rule_workbench import RuleWorkbench

        self.workbench = RuleWorkbench(self.store, self.rubrics, self, self.runner.executor)
        self.workbench.hitActivated.connect(self._open_hit)
        self.workbench.show()

    def _open_hit(self, recording_id: str, seconds: float) -> None:
        """Open a call at a moment (a rule hit, a search result), selected in the library if it is listed; the
        selection itself must not open the call a second time without the moment."""
        self.library.blockSignals(True)
        try:
            self.library.select(recording_id)
        finally:
            self.library.blockSignals(False)
        self.open_recording(recording_id, play_at=seconds)

    def open_search(self) -> None:
        """Transcript search over the whole library; a result opens its call at that moment."""
        from .search_window import SearchWindow

        if getattr(self, "search_window", None) is None:
            self.search_window = SearchWindow(self.store, self.runner, self, self.library.reader.choices())
            self.search_window.momentActivated.connect(self._open_hit)
        self.search_window.show()
        self.search_window.raise_()
        self.search_window.activateWindow()

    def choose_sample(self) -> None:
        dialog = SamplingDialog(self.store, self.runner, self)
        if dialog.exec():
            self.library.set_sample(dialog.chosen_ids)
            self._draw_dialog = dialog if dialog.chosen_draw else None
            self._show_draw_progress()

    def _show_draw_progress(self) -> None:
        """A coverage draw's drawn / scored / remaining beside its calls, recounted as evaluations are saved."""
        dialog = self._draw_dialog
        if dialog is None or not self.library.showing_sample:
            return
        draw = dialog.chosen_draw
        self.runner.db(lambda: sample_progress(self.store, draw),
                       lambda progress: self.library.set_sample_note(dialog.progress_text(progress)))

    # playback ---------------------------------------------------------------------------------------------

    def toggle_play(self) -> None:
        self.player.toggle_play()

    def seek(self, seconds: float) -> None:
        self.player.seek(seconds)

    def seek_and_play(self, seconds: float) -> None:
        self.player.seek_and_play(seconds)

    # scoring ----------------------------------------------------------------------------------------------

    def _on_scorecard_changed(self) -> None:
        if self.call:
            self.call.from_draft = True
            self.scorecard.set_state(self._lifecycle_note(self.tr("Editing — draft kept automatically.")))
            self.draft_timer.start()

    def _save_draft(self) -> None:
        if not self.call:
            return
        call, inspector = self.call, self.inspector
        payload = draft_payload(self.scorecard.scores(), self.scorecard.comment(), self.scorecard.call_type,
                                self.scorecard.accepted_remaining)
        self.runner.db(lambda: self.store.save_draft(call.recording["id"], call.rubric.id, inspector, payload),
                       failure=self.show_error)

    def save_evaluation(self) -> None:
        if not self.call or not self.scorecard.editable:
            return
        self.draft_timer.stop()
        evaluation, inspector = self._scorecard_evaluation(), self.inspector
        self.runner.db(lambda: lifecycle.save(self.store, evaluation, inspector), self._on_saved, self.show_error)

    def _on_saved(self, evaluation: Evaluation) -> None:
        if self.call and self.call.recording["id"] == evaluation.recording_id:
            self.call.saved = evaluation
            self.call.from_draft = False
            self._show_saved_state()
            self._refresh_history(evaluation.id)
        self.statusBar().showMessage(self.tr("Evaluation saved: {0} / {1}").format(
            round(evaluation.total, 1), evaluation.max_total), 5000)
        self.refresh_library()
        if self.sync_folder:
            self.sync()

    def _scorecard_evaluation(self) -> Evaluation:
        call, view = self.call, self.scorecard
        return build_evaluation(call.rubric, call.recording, self.inspector, view.scores(), view.comment(),
                                call.saved.id if call.saved else "", flags=call.flags, verdicts=view.verdicts,
                                call_type=view.call_type, hearing=self.player.hearing.summary(call.flags),
                                accepted_remaining=view.accepted_remaining)

    def _show_scores(self, call: OpenCall, items: dict[str, ItemScore], comment: str,
                     shown: Evaluation | None = None) -> None:
        """The scorecard with the call's suggestions and verdicts; ``shown`` is an older version read-only,
        with the verdicts, call type and hearing it was saved with."""
        found = suggestions(call.rubric, call.flags, call.checks)
        if shown is None:
            self.scorecard.set_scores(items, comment, found, call.verdicts, call.call_type, call.accepted_remaining,
                                      call.suggested)
            self.scorecard.set_hearing(self.player.hearing.summary(call.flags))
        else:
            self.scorecard.set_scores(items, comment, found, shown.verdicts, shown.call_type,
                                      shown.accepted_remaining, call.suggested)
            self.scorecard.set_hearing(shown.hearing)

    # verdicts and review ----------------------------------------------------------------------------------

    def _on_flag_reached(self, flag: Flag) -> None:
        """The flag N, P or a click jumped to is the suggestion C and X act on."""
        current = next((s for s in self.scorecard.suggestions() if s.source == flag), None)
        self.scorecard.set_current(current)

    def _on_position(self, _seconds: float) -> None:
        if self.call and not self.scorecard.viewing_old_version:
            self.scorecard.set_hearing(self.player.hearing.summary(self.call.flags))

    def _verdict_by_key(self, decision: str) -> None:
        if self.scorecard.current is not None and self.scorecard.editable:
            self.give_verdict(self.scorecard.current, decision)

    def give_verdict(self, suggestion: Suggestion, decision: str) -> None:
        """Record the inspector's verdict on a suggestion (a rejection asks why; the reason is optional), or
        take it back (``decision`` empty); the scorecard follows once it is stored."""
        call = self.call
        if not call or not self.scorecard.editable:
            return
        reason = ""
        if decision == REJECTED:
            reason, ok = QInputDialog.getText(self, self.tr("Reject suggestion"),
                                              self.tr("Why is this suggestion wrong? (optional — it helps fix the "
                                                      "rule)"))
            if not ok:
                return
        recording_id, rubric_id, inspector = call.recording["id"], call.rubric.id, self.inspector

        def store() -> Verdict | None:
            if not decision:
                forget_decision(self.store, recording_id, rubric_id, inspector, suggestion.source)
                return None
            return record_decision(self.store, recording_id, rubric_id, inspector, suggestion.source, decision,
                                   reason).as_verdict()

        def show(verdict: Verdict | None) -> None:
            if self.call is call:
                self.scorecard.apply_verdict(suggestion, verdict)
                call.verdicts = list(self.scorecard.verdicts)

        self.runner.db(store, show, self.show_error)

    def accept_remaining(self) -> None:
        """The deliberate "accept the remaining items as they are", after saying what it means."""
        waiting = self.scorecard.pending_items()
        if not waiting or not self.scorecard.editable:
            return
        answer = QMessageBox.question(
            self, self.tr("Accept remaining items"),
            self.tr("Accept {0} items at the scores shown without reviewing them one by one?\n\nThe evaluation "
                    "and the audit log will say they were accepted, not judged.").format(len(waiting)))
        if answer == QMessageBox.StandardButton.Yes:
            self.scorecard.accept_remaining()

    def _on_call_type(self, call_type: str) -> None:
        """The call type chosen in the window becomes the recording's, so the library and reports know it."""
        if not self.call:
            return
        self.call.call_type = call_type
        recording_id = self.call.recording["id"]
        self.runner.db(lambda: self.store.update_recording(recording_id, call_type=call_type),
                       lambda _none: self.refresh_library(), self.show_error)

    def _refuse_pending(self) -> bool:
        """Submit is refused while items are pending; the message names them and the form scrolls to the first."""
        waiting = self.scorecard.pending_items()
        if not waiting:
            return False
        names = "\n".join(f"• {item.title}" for item in waiting[:12])
        more = self.tr("\n… and {0} more").format(len(waiting) - 12) if len(waiting) > 12 else ""
        self.scorecard.show_pending()
        QMessageBox.warning(self, self.tr("Items not reviewed yet"),
                            self.tr("Submit needs every item judged. Not reviewed yet:\n{0}{1}\n\nScore each, "
                                    "mark it N/A or reviewed, or use “Accept remaining”.").format(names, more))
        return True

    # lifecycle --------------------------------------------------------------------------------------------

    def submit_evaluation(self) -> None:
        """Save the scorecard as shown and release it, in one transaction; it is read-only from then on."""
        if not self.call or not self.scorecard.editable:
            return
        if roles.may(self.role, roles.RELEASE) and self._refuse_pending():  # a trainee hears the role's refusal
            return
        self.draft_timer.stop()
        evaluation, inspector = self._scorecard_evaluation(), self.inspector
        self.runner.db(lambda: lifecycle.save_and_submit(self.store, evaluation, inspector), self._on_saved,
                       self.show_error)

    def _lifecycle_note(self, text: str) -> str:
        """The state line led by the evaluation's status and version, and what a save will now do."""
        saved = self.call.saved if self.call else None
        if not saved:
            return text
        lead = self.tr("{0} · version {1}").format(status_name(saved.status), saved.version)
        if saved.status != DRAFT and self.call.from_draft:
            text += " " + self.tr("Saving starts version {0}.").format(saved.version + 1)
        return f"{lead} — {text}"

    def _refresh_history(self, evaluation_id: str) -> None:
        def show(versions: list[Evaluation]) -> None:
            if self.call and self.call.saved and self.call.saved.id == evaluation_id:
                self.call.versions = versions
                self.scorecard.set_history(versions)

        self.runner.db(lambda: self.store.evaluation_versions(evaluation_id), show, self.show_error)

    def show_version(self, version: int) -> None:
        """Show an older version read-only; choosing the latest goes back to editing it, draft included."""
        call = self.call
        if not call or not call.versions:
            return
        self.draft_timer.stop()
        if call.from_draft:
            self._save_draft()
            call.from_draft = False
        if version == call.versions[-1].version:
            self._show_latest()
            return
        shown = next(v for v in call.versions if v.version == version)
        self.scorecard.set_history(call.versions, shown)
        self._show_scores(call, shown.items, shown.comment, shown)
        self.scorecard.set_state(self.tr("Version {0} ({1}), saved {2} — read-only. Choose the latest version to "
                                         "edit.").format(shown.version, status_name(shown.status),
                                                         when(shown.updated_at)))

    def _show_latest(self) -> None:
        call, inspector = self.call, self.inspector
        latest = call.versions[-1]

        def load() -> tuple[dict[str, ItemScore], str, bool]:
            draft = self.store.draft(call.recording["id"], call.rubric.id, inspector)
            return (*items_from_draft(draft), True) if draft else (latest.items, latest.comment, False)

        def show(result: tuple[dict[str, ItemScore], str, bool]) -> None:
            if self.call is not call:
                return
            call.items, call.comment, call.from_draft = result
            self.scorecard.set_history(call.versions)
            self._show_scores(call, call.items, call.comment)
            self._show_saved_state()

        self.runner.db(load, show, self.show_error)

    def dispute_item(self, item_id: str) -> None:
        shown = self.scorecard.shown
        if not self.call or not shown:
            return
        dialog = DisputeDialog(self.call.rubric.item(item_id).title, self)
        if not dialog.exec():
            return
        reason, inspector = dialog.reason(), self.inspector
        self.runner.db(lambda: lifecycle.open_dispute(self.store, shown.id, item_id, reason, inspector),
                       lambda _dispute: self._after_appeal(shown.version, self.tr("Dispute recorded.")),
                       self.show_error)

    def resolve_dispute(self, dispute_id: str) -> None:
        shown = self.scorecard.shown
        dispute = next((d for d in shown.disputes if d.id == dispute_id), None) if shown else None
        if not self.call or not dispute:
            return
        dialog = ResolveDialog(self.call.rubric.item(dispute.item_id).title, dispute, self)
        if not dialog.exec():
            return
        ruling, comment, inspector = dialog.ruling(), dialog.comment(), self.inspector
        self.runner.db(lambda: lifecycle.resolve_dispute(self.store, dispute_id, ruling, comment, inspector),
                       lambda _ruled: self._after_appeal(shown.version, self.tr("Ruling recorded.")),
                       self.show_error)

    def _after_appeal(self, version: int, message: str) -> None:
        """Reload the history (statuses and disputes changed) and stay on the version the user was reading."""
        call = self.call
        if not call or not call.saved:
            return
        evaluation_id = call.saved.id

        def show(versions: list[Evaluation]) -> None:
            if self.call is not call:
                return
            call.versions = versions
            call.saved = versions[-1]
            shown = next((v for v in versions if v.version == version), versions[-1])
            self.scorecard.set_history(versions, shown)
            if shown is versions[-1]:
                self._show_saved_state()

        self.runner.db(lambda: self.store.evaluation_versions(evaluation_id), show, self.show_error)
        self.statusBar().showMessage(message, 8000)
        if self.sync_folder:
            self.sync()

    # roles ------------------------------------------------------------------------------------------------

    def _build_role(self) -> None:
        """Until the library answers, the window assumes the least: a trainee's view and no actions."""
        self.role = roles.TRAINEE
        self.user_roles: dict[str, str] = {}
        self.role_label = QLabel()
        self.statusBar().addPermanentWidget(self.role_label)
        self.load_role()

    def load_role(self) -> None:
        """Read the inspector's role, registering them on first sight (the first user of a library is its
        supervisor, anyone after that a trainee until a supervisor says otherwise)."""
        inspector = self.inspector

        def load() -> tuple[str, dict[str, str]]:
            role = roles.ensure_user(self.store, inspector)
            return role, {user.user_id: user.role for user in roles.users(self.store)}

        self.runner.db(load, self._on_role, self.show_error)

    def _on_role(self, result: tuple[str, dict[str, str]]) -> None:
        self.role, self.user_roles = result
        self.check_calibration()
        self.role_label.setText(self.tr("{0} · {1}").format(self.inspector, role_name(self.role)))
        self.scorecard.set_permissions(roles.ROLE_PERMISSIONS[self.role])

    def _apply_role_change(self, before: str, inspector: str, role: str | None) -> None:
        """After Settings: record the role chosen (by whoever opened Settings), then load the role of whoever
        uses the workstation now; an open call is reopened so its transcript follows the new role."""
        if role is not None:
            self.runner.db(lambda: roles.set_role(self.store, inspector, role, changed_by=before),
                           failure=self.show_error)
        if role is not None or inspector != before:
            self.load_role()
        if role is not None and inspector == before and self.call:
            self.open_recording(self.call.recording["id"])

    def _allowed(self, permission: str, context: str) -> bool:
        """Gate a window on the role; a window that shows customers' words unredacted is an audited view."""
        if not roles.may(self.role, permission):
            self.show_error(str(roles.PermissionDenied(self.role, permission)))
            return False
        if roles.may(self.role, roles.VIEW_UNREDACTED):
            role, inspector = self.role, self.inspector
            self.runner.db(lambda: roles.log_unredacted_view(self.store, inspector, role, context),
                           failure=self.show_error)
        return True

    def _visible_live_segment(self, segment: Segment) -> Segment:
        """A segment arriving from transcription, redacted for a role without the permission; the first one
        shown unredacted is logged as a view of the call."""
        call = self.call
        if not roles.may(call.role, roles.VIEW_UNREDACTED):
            return redact_segments([segment]).segments[0]
        if not call.view_logged:
            call.view_logged = True
            role, inspector, context = call.role, self.inspector, view_context(call.recording["id"])
            self.runner.db(lambda: roles.log_unredacted_view(self.store, inspector, role, context),
                           failure=self.show_error)
        return segment

    # sync -------------------------------------------------------------------------------------------------

    def sync(self) -> None:
        folder = self.sync_folder
        if not folder:
            self.choose_sync_folder()
            folder = self.sync_folder
            if not folder:
                return
        inspector = self.inspector
        self.runner.io(lambda: publish(self.store, Path(folder), inspector), self._on_synced, self.show_error)

    def check_calibration(self) -> None:
        """Remind the inspector of calibration calls a supervisor assigned them on the share and they have not
        scored yet; a share that cannot be read is said in the status bar, not in a dialog at every start."""
        folder, inspector = self.sync_folder, self.inspector
        if not folder:
            return

        def load() -> list[CalibrationSession]:
            sessions, _problems = load_sessions(folder)
            return still_to_score(sessions, inspector, self.store.evaluations(inspector=inspector))

        self.runner.db(load, self._show_calibration_duty,
                       lambda message: self.statusBar().showMessage(message, 15000))

    def _show_calibration_duty(self, sessions: list[CalibrationSession]) -> None:
        calls = [session.call_id or session.file_name for session in sessions]
        self.calibration_label.setText(self.tr("Calibration: {0} call(s) to score").format(len(calls)))
        self.calibration_label.setToolTip(self.tr("Assigned to you on the shared folder: {0}").format(
            ", ".join(calls)))
        self.calibration_label.setVisible(bool(calls))

    def _on_synced(self, result: SyncResult) -> None:
        self.check_calibration()
        if result.ok:
            self.statusBar().showMessage(self._sync_summary(result), 8000)
            self.statusBar().setToolTip(result.message)  # the full account, with any note on encryption
        else:
            self.statusBar().showMessage(self.tr("Sync failed — nothing was lost locally."), 15000)
            QMessageBox.warning(self, self.tr("Sync failed"), self._sync_failure(result))

    def _sync_failure(self, result: SyncResult) -> str:
        """What went wrong in the window's language, then the details as the core gives them (paths, the
        system's own words) for whoever has to fix the share."""
        headlines = {
            PROBLEM_NOT_SET_UP: self.tr("Sync is not set up: choose the team's shared folder and your inspector "
                                        "id in Settings."),
            PROBLEM_NOT_FOUND: self.tr("The shared folder was not found: check that the share is connected."),
            PROBLEM_NO_PERMISSION: self.tr("No permission to write to the shared folder (or one of its files is "
                                           "open in another program)."),
            PROBLEM_DISK_FULL: self.tr("The disk of the shared folder is full."),
            PROBLEM_KEY: self.tr("The team encryption key on this computer cannot be used."),
            PROBLEM_AUDIT: self.tr("This library's audit log does not continue what the shared folder recorded at "
                                   "the last sync (entries removed, or another library): nothing was sent."),
        }
        headline = headlines.get(result.problem, self.tr("The shared folder could not be written."))
        safe = self.tr("Nothing was lost on this computer.")
        return f"{headline} {safe}\n\n{result.message}"

    def _sync_summary(self, result: SyncResult) -> str:
        """A successful sync in the window's language: what is on the share, and why a draft is not."""
        if result.written:
            summary = self.tr("Synced {0} evaluations to {1} ({2} new or changed).").format(
                result.exported_count, result.folder, result.changed_count)
        else:
            summary = self.tr("Shared folder already up to date: {0} evaluations.").format(result.exported_count)
        if result.drafts_kept:
            summary += " " + self.tr("{0} drafts stay on this computer until submitted.").format(result.drafts_kept)
        return summary

    # errors and shutdown ----------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        report_failure(self, message)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        if self.call and self.call.from_draft:
            self._save_draft()
        self.queue.pause()
        self.queue.wait()
        self.runner.close()
        self.player.wait()
        self.playback.close()
        super().closeEvent(event)
