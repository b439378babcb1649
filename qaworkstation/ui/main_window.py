"""The inspector's window: library on the left, player and transcript in the middle, scorecard on the right.

The window holds view state only. Every database call goes through the runner's single database thread and
every long job (decoding, transcription, sync) through a worker, so the window never freezes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QPushButton,
                               QSplitter, QToolBar, QVBoxLayout, QWidget)

from ..core.analysis import RubricLibrary
from ..core.domain import Check, Evaluation, Flag, ItemScore, Rubric, Segment
from ..core.importer import ImportReport, import_paths
from ..core.playback import Playback
from ..core.rules import find_flags
from ..core.scorecard import build_evaluation, draft_payload, items_from_draft, suggested_scores, suggestions
from ..core.store import Store
from ..core.sync import SyncResult, sync_evaluations
from ..core.transcribe import Transcriber
from ..core.work_queue import OPENED_PRIORITY, QueueStatus, WorkQueue
from .library_view import LibraryView
from .scorecard_view import ScorecardView
from .format import clock
from .player_panel import PlayerPanel
from .queue_controller import QueueController
from .sampling_dialog import SamplingDialog
from .settings_dialog import SettingsDialog, transcribe_settings
from .tasks import Runner
from .transcript_view import TranscriptView

DRAFT_DELAY_MS = 1500


@dataclass
class OpenCall:
    """Everything the window shows about the call being scored."""

    recording: dict[str, Any]
    rubric: Rubric
    segments: list[Segment] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    items: dict[str, ItemScore] = field(default_factory=dict)
    comment: str = ""
    saved: Evaluation | None = None
    from_draft: bool = False


class MainWindow(QMainWindow):
    def __init__(self, store: Store, transcriber: Transcriber, rubrics: RubricLibrary,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.store = store
        self.transcriber = transcriber
        self.rubrics = rubrics
        self.settings = settings or QSettings("QA Workstation", "qaws")
        self.runner = Runner()
        self.playback = Playback()
        self.call: OpenCall | None = None
        self.queue = QueueController(store.path, transcriber, rubrics, self)
        self.queue.statusChanged.connect(self._on_queue_status)
        self.queue.segmentReady.connect(self._on_segment)
        self.queue.analysed.connect(self._on_analysed)
        self.queue.failed.connect(self._on_analysis_failed)
        self.queue.runningChanged.connect(self._on_queue_running)
        self.setWindowTitle(self.tr("QA Workstation"))
        self.resize(1480, 900)
        self._build()
        self._build_shortcuts()
        self.draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS, timeout=self._save_draft)
        self.statusBar().addPermanentWidget(self.audio_status)
        self.audio_status.setText(self.playback.status if self.playback.available
                                  else self.tr("No audio output — playback runs silently"))
        self.refresh_library()

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
        self.transcript = TranscriptView()
        self.transcript.seekRequested.connect(self.seek_and_play)
        self.player.positionChanged.connect(self.transcript.set_position)
        self.player.positionChanged.connect(self.transcript.highlight_word)
        self.player.statusMessage.connect(lambda message: self.statusBar().showMessage(message, 15000))
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(6, 6, 6, 6)
        centre_layout.addWidget(self.call_label)
        centre_layout.addWidget(self.player)
        centre_layout.addWidget(self.transcript, 1)
        self.scorecard = ScorecardView()
        self.scorecard.changed.connect(self._on_scorecard_changed)
        self.scorecard.jumpRequested.connect(self.seek_and_play)
        self.scorecard.saveRequested.connect(self.save_evaluation)
        splitter = QSplitter(Qt.Horizontal)
        for widget in (self.library, centre, self.scorecard):
            splitter.addWidget(widget)
        splitter.setSizes([400, 600, 480])
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        self._build_toolbar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 1000)
        self.queue_label = QLabel()
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.clicked.connect(self.toggle_queue)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_analysis)
        for widget in (self.progress, self.queue_label, self.pause_button, self.cancel_button):
            self.statusBar().addWidget(widget)
            widget.hide()
        self.audio_status = QLabel()

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Main"))
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        for text, slot in ((self.tr("Import files…"), self.import_files),
                           (self.tr("Import folder…"), self.import_folder),
                           (self.tr("Analyse all"), self.analyse_all),
                           (self.tr("Sample…"), self.choose_sample),
                           (self.tr("Sync to shared folder"), self.sync),
                           (self.tr("Coaching…"), self.open_coaching),
                           (self.tr("Team…"), self.open_team),
                           (self.tr("Settings…"), self.open_settings)):
            action = QAction(text, self)
            action.triggered.connect(slot)
            toolbar.addAction(action)

    def _build_shortcuts(self) -> None:
        self.player.install_shortcuts(self)
        QShortcut(QKeySequence(QKeySequence.Save), self, activated=self.save_evaluation)

    # settings ---------------------------------------------------------------------------------------------

    @property
    def inspector(self) -> str:
        from ..cli import default_inspector

        return str(self.settings.value("inspector", default_inspector()))

    @property
    def sync_folder(self) -> str:
        return str(self.settings.value("sync_folder", ""))

    def choose_sync_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Team shared folder"), self.sync_folder)
        if folder:
            self.settings.setValue("sync_folder", folder)

    def open_settings(self) -> None:
        before = (self.inspector, transcribe_settings(self.settings))
        if not SettingsDialog(self.settings, self.inspector, self).exec():
            return
        inspector, chosen = self.inspector, transcribe_settings(self.settings)
        if chosen != before[1]:
            if self.queue.running:
                self.statusBar().showMessage(self.tr("New transcription settings apply after the queue stops."),
                                             10000)
            else:
                self.transcriber = Transcriber(chosen)
                self.queue.transcriber = self.transcriber
        if inspector != before[0] and self.call:
            self.open_recording(self.call.recording["id"])

    # library ----------------------------------------------------------------------------------------------

    def refresh_library(self) -> None:
        filters = self.library.filters()
        keep = self.library.selected_id()

        def load() -> tuple[list[dict[str, Any]], list[str], list[str]]:
            every = self.store.list_recordings()
            rubric_rows = self.store.list_recordings(**filters, rubric_id=self._library_rubric_id())
            return (rubric_rows, sorted({r["agent"] for r in every if r["agent"]}),
                    sorted({r["team"] for r in every if r["team"]}))

        def show(result: tuple[list[dict[str, Any]], list[str], list[str]]) -> None:
            rows, agents, teams = result
            self.library.set_choices(agents, teams)
            self.library.set_rows(rows, keep)

        self.runner.db(load, show, self.show_error)

    def _library_rubric_id(self) -> str:
        return self.call.rubric.id if self.call else self.rubrics.for_language("zh").id

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
        self.statusBar().showMessage(self.tr("Importing…"))
        self.runner.db(lambda: import_paths(self.store, paths), self._on_imported, self.show_error)

    def _on_imported(self, report: ImportReport) -> None:
        message = self.tr("Imported {0}, already in library {1}, failed {2}").format(
            len(report.imported), len(report.duplicates), len(report.errors))
        self.statusBar().showMessage(message, 10000)
        if report.errors:
            details = "\n".join(reason for _path, reason in report.errors)
            QMessageBox.warning(self, self.tr("Some files could not be imported"), f"{message}\n\n{details}")
        self.refresh_library()
        self.enqueue(report.recording_ids)

    # opening a call ---------------------------------------------------------------------------------------

    def open_recording(self, recording_id: str) -> None:
        inspector = self.inspector
        self.runner.db(lambda: WorkQueue(self.store).prioritise(recording_id))
        self.runner.db(lambda: self._load_call(recording_id, inspector), self._show_call, self.show_error)

    def _load_call(self, recording_id: str, inspector: str) -> OpenCall:
        recording = self.store.recording(recording_id)
        rubric = self.rubrics.for_language(recording["language"] or "zh")
        call = OpenCall(recording, rubric)
        transcript = self.store.latest_transcript(recording_id)
        if transcript:
            call.segments = transcript[0]
            call.flags, call.checks = find_flags(call.segments, rubric, recording["duration"])
        call.saved = self.store.evaluation(recording_id, rubric.id, inspector)
        draft = self.store.draft(recording_id, rubric.id, inspector)
        if draft:
            call.items, call.comment = items_from_draft(draft)
            call.from_draft = True
        elif call.saved:
            call.items, call.comment = call.saved.items, call.saved.comment
        else:
            call.items = suggested_scores(rubric, call.flags, call.checks)
        return call

    def _show_call(self, call: OpenCall) -> None:
        self.call = call
        recording = call.recording
        self.call_label.setText(" · ".join(x for x in (recording["agent"], recording["team"],
                                                       recording["call_time"].replace("T", " "),
                                                       recording["file_name"]) if x))
        self.player.open(recording["path"], recording["sha256"])
        self.player.set_segments(call.segments)
        self.player.set_flags(call.flags)
        self.transcript.set_transcript(call.segments, call.flags)
        self.scorecard.set_rubric(call.rubric)
        self.scorecard.set_scores(call.items, call.comment, suggestions(call.rubric, call.flags, call.checks))
        self._show_saved_state()
        if not call.segments and recording["status"] != "error":
            self.enqueue([recording["id"]], OPENED_PRIORITY)

    def _show_saved_state(self) -> None:
        if not self.call:
            return
        if self.call.from_draft:
            self.scorecard.set_state(self.tr("Unsaved changes restored from the draft."))
        elif self.call.saved:
            self.scorecard.set_state(self.tr("Saved {0} by {1}.").format(self.call.saved.updated_at[:19],
                                                                           self.call.saved.inspector))
        else:
            self.scorecard.set_state(self.tr("Not scored yet — suggestions from the rules are pre-filled."))

    # analysis ---------------------------------------------------------------------------------------------

    def enqueue(self, recording_ids: list[str], priority: int = 0) -> None:
        """Queue calls for analysis and make sure the queue is running."""
        if recording_ids:
            self.runner.db(lambda: WorkQueue(self.store).enqueue(recording_ids, priority),
                           lambda _added: self.queue.start(), self.show_error)

    def analyse_all(self) -> None:
        self.runner.db(lambda: [r["id"] for r in self.store.list_recordings() if r["status"] != "analysed"],
                       self.enqueue, self.show_error)

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
            self.runner.db(lambda: WorkQueue(self.store).counts(), self._on_queue_counts)

    def _on_queue_counts(self, counts: dict[str, int]) -> None:
        waiting = counts.get("queued", 0)
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

    def _on_segment(self, recording_id: str, segment: Segment) -> None:
        if self.call and self.call.recording["id"] == recording_id:
            self.transcript.add_segment(segment)

    def _on_analysed(self, recording_id: str) -> None:
        self.refresh_library()
        if self.call and self.call.recording["id"] == recording_id:
            self.open_recording(recording_id)

    def _on_analysis_failed(self, file_name: str, message: str) -> None:
        self.statusBar().showMessage(self.tr("Could not analyse {0}: {1}").format(file_name, message), 15000)

    def open_coaching(self) -> None:
        from .coaching_window import CoachingWindow

        self.coaching = CoachingWindow(self.store, self.rubrics, self.inspector, self.settings, self)
        self.coaching.show()

    def open_team(self) -> None:
        from .team_window import TeamWindow

        self.team = TeamWindow(self.rubrics, self.settings, parent=self)
        self.team.show()

    def choose_sample(self) -> None:
        dialog = SamplingDialog(self.store, self.runner, self)
        if dialog.exec():
            self.library.set_sample(dialog.chosen_ids)

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
            self.scorecard.set_state(self.tr("Editing — draft kept automatically."))
            self.draft_timer.start()

    def _save_draft(self) -> None:
        if not self.call:
            return
        call, payload, inspector = self.call, draft_payload(self.scorecard.scores(), self.scorecard.comment()), \
            self.inspector
        self.runner.db(lambda: self.store.save_draft(call.recording["id"], call.rubric.id, inspector, payload),
                       failure=self.show_error)

    def save_evaluation(self) -> None:
        if not self.call:
            return
        self.draft_timer.stop()
        call = self.call
        evaluation = build_evaluation(call.rubric, call.recording, self.inspector, self.scorecard.scores(),
                                      self.scorecard.comment(), call.saved.id if call.saved else "")
        self.runner.db(lambda: self.store.save_evaluation(evaluation), self._on_saved, self.show_error)

    def _on_saved(self, evaluation: Evaluation) -> None:
        if self.call and self.call.recording["id"] == evaluation.recording_id:
            self.call.saved = evaluation
            self.call.from_draft = False
            self._show_saved_state()
        self.statusBar().showMessage(self.tr("Evaluation saved: {0} / {1}").format(
            round(evaluation.total, 1), evaluation.max_total), 5000)
        self.refresh_library()
        if self.sync_folder:
            self.sync()

    # sync -------------------------------------------------------------------------------------------------

    def sync(self) -> None:
        folder = self.sync_folder
        if not folder:
            self.choose_sync_folder()
            folder = self.sync_folder
            if not folder:
                return
        inspector = self.inspector
        self.runner.db(lambda: sync_evaluations(Path(folder), inspector, self.store.evaluations(inspector=inspector)),
                       self._on_synced, self.show_error)

    def _on_synced(self, result: SyncResult) -> None:
        if result.ok:
            self.statusBar().showMessage(result.message, 8000)
        else:
            self.statusBar().showMessage(self.tr("Sync failed — nothing was lost locally."), 15000)
            QMessageBox.warning(self, self.tr("Sync failed"), result.message)

    # errors and shutdown ----------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        QMessageBox.warning(self, self.tr("QA Workstation"), message)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        if self.call and self.call.from_draft:
            self._save_draft()
        self.queue.pause()
        self.queue.wait()
        self.runner.close()
        self.player.wait()
        self.playback.close()
        super().closeEvent(event)
