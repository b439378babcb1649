"""The player: transport bar, waveform with flags and loop region, keyboard control, background loading.

Inspectors listen all day, mostly with their hands on the keyboard and their eyes on the flags, so every
action here has a key (listed by the `?` overlay), a flag is one key away with a lead-in so the moment is
heard in context, and opening a call never waits for decoding: the waveform comes from the peak cache
first, the audio follows from a worker thread and a play pressed meanwhile starts as soon as it arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollBar, QTextEdit, QVBoxLayout,
                               QWidget)

from ..core import settings as declared
from ..core.audio.peaks import Peaks, cached_peaks, silent_gaps
from ..core.audio.playback import Playback, output_devices
from ..core.audio.reading import read_samples
from ..core.domain import Flag, Segment
from ..core.scoring.hearing import HearingLog
from .format import clock
from .shortcuts_help import ShortcutsHelp
from .tasks import Job, JobContext
from .waveform import WaveformView

SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
SEEK_STEP_S = 5.0
FINE_STEP_S = 1.0
PREVIOUS_MARGIN_S = 1.0  # after a flag's end this long, N and P count from the playhead again
END_MARGIN_S = 0.05  # a playhead this close to the end has finished the call
TICK_MS = 30
SCROLL_UNITS = 1000  # scrollbar steps per visible span
GAINS = ((1.0, 1.0), (1.0, 0.0), (0.0, 1.0))  # both, agent only, customer only


class PlayerPanel(QWidget):
    """Transport, waveform and shortcuts over one :class:`Playback`; holds view state only."""

    positionChanged = Signal(float)  # seconds heard, every tick
    statusMessage = Signal(str)
    flagReached = Signal(object)  # the Flag jumped to (N, P, a marker click): the suggestion C and X act on

    def __init__(self, playback: Playback, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playback = playback
        self.settings = settings
        self.flags: list[Flag] = []
        self._last_flag: Flag | None = None
        self.hearing = HearingLog()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._jobs: set[Job] = set()
        self._token = 0
        self._loaded_sha = ""
        self._loading = False
        self._play_when_loaded = False
        self._pending_seek: float | None = None
        self._pending_loop: tuple[float, float] | None = None
        self._gaps = np.zeros((0, 2))  # silent stretches that skip-silence jumps over
        self.help: ShortcutsHelp | None = None
        self._guard: TypingGuard | None = None
        self._build()
        self._restore_device()
        self.tick = QTimer(self, interval=TICK_MS, timeout=self._on_tick)
        self.tick.start()

    # construction -------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.waveform = WaveformView()
        self.waveform.seekRequested.connect(self.seek)
        self.waveform.flagClicked.connect(self.jump_to_flag)
        self.waveform.regionSelected.connect(self.set_loop)
        self.waveform.viewChanged.connect(self._sync_scrollbar)
        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal)
        self.scrollbar.valueChanged.connect(self._on_scrolled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._build_bar())
        layout.addWidget(self.waveform)
        layout.addWidget(self.scrollbar)

    def _build_bar(self) -> QVBoxLayout:
        """Transport and view controls on the first row; loop state, skip-silence and output on the second."""
        self._make_controls()
        bar = QHBoxLayout()
        for widget in (self.play_button, self.time_label, self.speed_box, self.channel_box,
                       QLabel(self.tr("Lead-in")), self.lead_in_box):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.help_button)
        second = QHBoxLayout()
        second.addWidget(self.loop_label, 1)  # the room the controls leave, on one line when it fits
        second.addWidget(self.skip_box)
        second.addWidget(QLabel(self.tr("Output")))
        second.addWidget(self.device_box)
        rows = QVBoxLayout()
        rows.setSpacing(2)
        rows.addLayout(bar)
        rows.addLayout(second)
        return rows

    def _make_controls(self) -> None:
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_button.clicked.connect(self.toggle_play)
        self.time_label = QLabel("00:00.00 / 00:00")
        self.time_label.setStyleSheet("font-family: monospace; font-size: 14px;")
        self.speed_box = QComboBox()
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed:.2f}×", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.currentIndexChanged.connect(lambda index: self.set_speed(SPEEDS[index]))
        self.channel_box = QComboBox()
        self.channel_box.addItems([self.tr("Both speakers"), self.tr("Agent only"), self.tr("Customer only")])
        self.channel_box.currentIndexChanged.connect(lambda index: self.playback.set_channel_gains(*GAINS[index]))
        self.lead_in_box = QDoubleSpinBox(suffix=" s", decimals=1, minimum=0.0, maximum=10.0, singleStep=0.5)
        self.lead_in_box.setValue(declared.read(self.settings, declared.LEAD_IN_S))
        self.lead_in_box.setToolTip(self.tr("Lead-in: how much before a flag N, P or a marker click starts"))
        self.lead_in_box.valueChanged.connect(lambda value: declared.write(self.settings, declared.LEAD_IN_S, value))
        self.device_box = QComboBox()
        self.device_box.setMaximumWidth(220)
        self.device_box.setToolTip(self.tr("Audio output device"))
        self.skip_box = QCheckBox(self.tr("Skip silence"))
        self.skip_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.skip_box.setToolTip(self.tr("Jump over pauses longer than 1.5 s where neither side speaks"))
        self.loop_label = QLabel()
        self.loop_label.setStyleSheet("color: #5f6368;")
        self.loop_label.setWordWrap(True)  # a hint gives way on a small screen: two lines, not a wider window
        self.help_button = QPushButton("?")
        self.help_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.help_button.setFixedWidth(28)
        self.help_button.setToolTip(self.tr("Keyboard shortcuts (?)"))

    def _restore_device(self) -> None:
        """List output devices and reselect the one chosen last time, found by name (indexes change)."""
        self.device_box.addItem(self.tr("System default"), None)
        for index, name in output_devices():
            self.device_box.addItem(name, index)
        saved = declared.read(self.settings, declared.OUTPUT_DEVICE)
        found = self.device_box.findText(saved) if saved else -1
        if found > 0:
            self.device_box.setCurrentIndex(found)
            self.playback.set_device(self.device_box.itemData(found))
        self.device_box.currentIndexChanged.connect(self._on_device_chosen)

    def _on_device_chosen(self, index: int) -> None:
        self.playback.set_device(self.device_box.itemData(index))
        declared.write(self.settings, declared.OUTPUT_DEVICE, self.device_box.currentText() if index > 0 else "")
        self.statusMessage.emit(self.playback.status)

    def shortcut_table(self) -> list[tuple[str, str, Callable[[], None]]]:
        """Every key the player answers to: (key, what it does, action). The help overlay lists the same."""
        return [
            ("Space", self.tr("Play / pause"), self.toggle_play),
            ("Left", self.tr("Back 5 s"), lambda: self.skip(-SEEK_STEP_S)),
            ("Right", self.tr("Forward 5 s"), lambda: self.skip(SEEK_STEP_S)),
            ("Shift+Left", self.tr("Back 1 s"), lambda: self.skip(-FINE_STEP_S)),
            ("Shift+Right", self.tr("Forward 1 s"), lambda: self.skip(FINE_STEP_S)),
            ("N", self.tr("Next flag (plays from the lead-in)"), self.next_flag),
            ("P", self.tr("Previous flag"), self.previous_flag),
            ("[", self.tr("Slower"), self.slower),
            ("]", self.tr("Faster"), self.faster),
            ("Home", self.tr("Start of the call"), lambda: self.seek(0.0)),
            ("End", self.tr("End of the call"), lambda: self.seek(self.playback.duration)),
            ("Esc", self.tr("Clear the loop region"), self.clear_loop),
            ("?", self.tr("Show or hide this list"), self.toggle_help),
        ]

    def install_shortcuts(self, window: QWidget,
                          more: Sequence[tuple[str, str, Callable[[], None]]] = ()) -> None:
        """Bind the player's keys, and the window's own ``more``, on ``window``; the help overlay lists both.
        Typing in a text field keeps its keys (see TypingGuard)."""
        table = [*self.shortcut_table(), *more]
        self.help = ShortcutsHelp(window, [(_key_label(key), text) for key, text, _action in table])
        self.help_button.clicked.connect(self.help.toggle)
        for key, _text, action in table:
            QShortcut(QKeySequence(key), window, activated=action)
        self._guard = TypingGuard(window)

    def toggle_help(self) -> None:
        if self.help is not None:
            self.help.toggle()

    # loading ------------------------------------------------------------------------------------------------

    def open(self, path: str, sha256: str, duration: float = 0.0) -> None:
        """Show a recording: peaks first (cached or computed), then its audio, both off the GUI thread. The same
        call opened again keeps its playback and what was heard of it."""
        if sha256 == self._loaded_sha and (self._loading or self.playback.duration):
            return
        self.hearing = HearingLog(duration)
        for stale in self._jobs:
            stale.cancel()
        self._token += 1
        token = self._token
        self._loaded_sha = sha256
        self._loading = True
        self._play_when_loaded = False
        self._pending_seek = None
        self._pending_loop = None
        self.playback.pause()
        self.playback.load(np.zeros((0, 2), np.float32), 8000)
        self.waveform.clear()  # the previous call must not stay on screen under the new one's name
        job = Job(lambda context: self._load(path, sha256, context))
        job.setAutoDelete(False)
        self._jobs.add(job)
        job.signals.item.connect(lambda item: self._on_peaks(token, item))
        job.signals.succeeded.connect(lambda result: self._on_audio(token, job, result))
        job.signals.failed.connect(lambda message: self._on_failed(token, job, message))
        self._pool.start(job)

    @staticmethod
    def _load(path: str, sha256: str, context: JobContext) -> tuple[np.ndarray, int]:
        peaks = cached_peaks(path, sha256, cancelled=context.cancelled)
        speech = [peaks.speech(channel) for channel in range(peaks.channels)]
        context.emit((peaks, speech, silent_gaps(speech, peaks.duration)))
        return read_samples(path)

    def _on_peaks(self, token: int, item: tuple[Peaks, list[np.ndarray], np.ndarray]) -> None:
        if token == self._token:
            peaks, speech, self._gaps = item
            self.waveform.set_peaks(peaks, speech)
            if self._pending_loop is not None:
                self.waveform.set_region((min(self._pending_loop), max(self._pending_loop)))

    def _on_audio(self, token: int, job: Job, result: tuple[np.ndarray, int]) -> None:
        self._jobs.discard(job)
        if token != self._token:
            return
        self._loading = False
        samples, rate = result
        self.playback.load(samples, rate)
        self.waveform.set_samples(samples)
        if self._pending_loop is not None:
            self.playback.set_loop(*self._pending_loop)
        if self._pending_seek is not None:
            self.playback.seek(self._pending_seek)
            self.hearing.jumped()
        if self._play_when_loaded:
            self.playback.play()
        # Asked for once, done once: left set, the button would read "Pause" for good after the call ended.
        self._pending_seek, self._play_when_loaded = None, False
        self._on_tick()

    def _on_failed(self, token: int, job: Job, message: str) -> None:
        self._jobs.discard(job)
        if token == self._token:
            self._loading = False
            self._loaded_sha = ""
            self.statusMessage.emit(message)

    def set_flags(self, flags: list[Flag]) -> None:
        self.flags = sorted(flags, key=lambda flag: flag.start)
        self.waveform.set_flags(self.flags)

    def set_segments(self, segments: list[Segment]) -> None:
        self.waveform.set_segments(segments)

    def wait(self, msecs: int = 30000) -> None:
        """Let a load in progress finish (on close and in tests)."""
        self._pool.waitForDone(msecs)

    # transport -----------------------------------------------------------------------------------------------

    def toggle_play(self) -> None:
        """Play or pause; at the end of the call, play starts again from the beginning."""
        if self._loading:
            self._play_when_loaded = not self._play_when_loaded
        else:
            if not self.playback.playing and self.playback.position >= self.playback.duration - END_MARGIN_S:
                self.playback.seek(0.0)
                self.hearing.jumped()
            self.playback.toggle()
        self._on_tick()

    def seek(self, seconds: float) -> None:
        if self._loading:
            self._pending_seek = seconds
        self.playback.seek(seconds)
        self.hearing.jumped()
        self._on_tick()

    def seek_and_play(self, seconds: float) -> None:
        self.seek(seconds)
        if self._loading:
            self._play_when_loaded = True
        elif not self.playback.playing:
            self.playback.play()

    def skip(self, seconds: float) -> None:
        self.seek(self.playback.position + seconds)

    def jump_to_flag(self, flag: Flag) -> None:
        self._last_flag = flag
        self.play_moment(flag.start)
        self.flagReached.emit(flag)

    def play_moment(self, seconds: float) -> None:
        """Play from the lead-in before ``seconds``, so the moment is heard with what led up to it."""
        self.seek_and_play(max(seconds - self.lead_in_box.value(), 0.0))

    def next_flag(self) -> None:
        current = self._flag_in_play()
        if current is not None:
            upcoming = self.flags[self.flags.index(current) + 1:]
        else:
            position = self.playback.position
            upcoming = [flag for flag in self.flags if flag.start > position + 0.01]
        if upcoming:
            self.jump_to_flag(upcoming[0])

    def previous_flag(self) -> None:
        current = self._flag_in_play()
        if current is not None:
            earlier = self.flags[:self.flags.index(current)]
        else:
            position = self.playback.position
            earlier = [flag for flag in self.flags if flag.start < position - 0.01]
        if earlier:
            self.jump_to_flag(earlier[-1])

    def _flag_in_play(self) -> Flag | None:
        """The flag last jumped to while the playhead is still in its lead-in or on it: N and P count from it."""
        flag = self._last_flag
        if flag is None or flag not in self.flags:
            return None
        start = max(flag.start - self.lead_in_box.value(), 0.0) - 0.01
        return flag if start <= self.playback.position <= flag.end + PREVIOUS_MARGIN_S else None

    def set_speed(self, speed: float) -> None:
        speed = self.playback.set_speed(speed)
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - speed))
        if self.speed_box.currentIndex() != index:
            self.speed_box.setCurrentIndex(index)

    def slower(self) -> None:
        self.speed_box.setCurrentIndex(max(self.speed_box.currentIndex() - 1, 0))

    def faster(self) -> None:
        self.speed_box.setCurrentIndex(min(self.speed_box.currentIndex() + 1, len(SPEEDS) - 1))

    def set_solo(self, index: int) -> None:
        """0 both speakers, 1 agent only, 2 customer only."""
        self.channel_box.setCurrentIndex(index)

    def set_loop(self, start: float, end: float) -> None:
        """Repeat ``start``–``end``; called while the audio is still loading, it applies once it arrives."""
        self.waveform.set_region((min(start, end), max(start, end)))
        if self._loading:
            self._pending_loop = (start, end)
        else:
            self.playback.set_loop(start, end)

    def clear_loop(self) -> None:
        self._pending_loop = None
        self.waveform.set_region(None)
        self.playback.clear_loop()

    def _on_tick(self) -> None:
        position = self._skip_silence(self.playback.position)
        self.play_button.setText(self.tr("Pause") if self.playback.playing or self._play_when_loaded
                                 else self.tr("Play"))
        duration = self.playback.duration or self.waveform.duration
        self.time_label.setText(f"{clock(position, hundredths=True)} / {clock(duration)}")
        loop = self.playback.loop
        self.loop_label.setText(self.tr("Loop {0}–{1} (Esc clears)").format(
            clock(loop[0], hundredths=True), clock(loop[1], hundredths=True)) if loop
            else self.tr("Shift+drag on the waveform to loop a region · ? for keys"))
        self.waveform.set_position(position)
        self.hearing.advance(position, self.playback.playing)
        self.positionChanged.emit(position)

    def _skip_silence(self, position: float) -> float:
        """With skip-silence on, a playhead that entered a long pause jumps to its end; returns the position.

        Done on the tick rather than in the audio callback: at worst a tick's worth of the pause is heard,
        and the engine's clock stays a plain function of time.
        """
        if not self.skip_box.isChecked() or not self.playback.playing or not len(self._gaps):
            return position
        index = int(np.searchsorted(self._gaps[:, 0], position, side="right")) - 1
        if index < 0 or position >= self._gaps[index, 1]:
            return position
        self.playback.seek(self._gaps[index, 1])
        self.hearing.jumped()
        return self.playback.position

    # scrollbar ---------------------------------------------------------------------------------------------

    def _sync_scrollbar(self, start: float, span: float) -> None:
        duration = self.waveform.duration
        self.scrollbar.blockSignals(True)
        if not span or span >= duration:
            self.scrollbar.setRange(0, 0)
        else:
            units = SCROLL_UNITS / span
            self.scrollbar.setRange(0, round((duration - span) * units))
            self.scrollbar.setPageStep(SCROLL_UNITS)
            self.scrollbar.setSingleStep(SCROLL_UNITS // 10)
            self.scrollbar.setValue(round(start * units))
        self.scrollbar.blockSignals(False)

    def _on_scrolled(self, value: int) -> None:
        span = self.waveform.view_span
        if span:
            self.waveform.set_view(value * span / SCROLL_UNITS, span)


def _key_label(key: str) -> str:
    """How a key reads on the help card: the platform's own names, arrows as arrows."""
    text = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
    return text.replace("Left", "←").replace("Right", "→")


class TypingGuard(QObject):
    """Gives text fields first claim on plain keys, so typing a comment never plays, seeks or jumps.

    Qt offers a key to the focused widget (ShortcutOverride) before firing window shortcuts; accepting that
    offer for every unmodified key while an editable text field of ``window`` has focus keeps the player's
    letters, space and arrows out of the scorecard's comments and scores. The filter sits only on the field
    that has focus, so no other event pays for it.
    """

    EDITABLE = (QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        QApplication.instance().focusChanged.connect(self._on_focus)

    def _on_focus(self, old: QWidget | None, new: QWidget | None) -> None:
        if old is not None:
            old.removeEventFilter(self)
        if new is not None and self._typing(new):
            new.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and \
                not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            event.accept()
        return False

    def _typing(self, widget: Any) -> bool:
        if not isinstance(widget, self.EDITABLE) or not self._window.isAncestorOf(widget):
            return False
        if isinstance(widget, (QPlainTextEdit, QTextEdit)):
            return not widget.isReadOnly()
        return True
