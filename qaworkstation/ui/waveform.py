"""The call's waveform: one lane per speaker, rule hits as markers, a playhead, click to seek, wheel to zoom.

Inspectors navigate a call by its shape — who is talking, where the silences are, where a flag fired — so
this view has to stay fluid on hour-long recordings while the playhead moves many times a second. Hence:

* it is drawn from a :class:`~qaworkstation.core.audio.peaks.Peaks` pyramid (computed once per recording, off the
  GUI thread) at the coarsest level that still gives every pixel column its own entries, and from raw
  samples only when zoomed in far enough that they are few;
* everything but the playhead is a picture (:mod:`waveform_picture`) drawn again only when the data, the
  visible window or the size change — on a worker thread when data lands or the view is resized, so the frame
  it lands in stays short; moving the playhead repaints two thin strips.

Plain click or drag seeks; Shift+drag selects a region (for looping); a click on a flag's marker emits
:attr:`WaveformView.flagClicked`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRect, QRectF, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import (QFont, QHelpEvent, QImage, QMouseEvent, QPainter, QPaintEvent, QPolygonF, QResizeEvent,
                           QWheelEvent)
from PySide6.QtWidgets import QToolTip, QWidget

from qaworkstation.core.audio.peaks import Peaks, peaks_from_samples
from qaworkstation.core.domain import AGENT, CUSTOMER, Flag, Segment
from qaworkstation.ui.format import category_name
from qaworkstation.ui.tasks import Job
from qaworkstation.ui.waveform_picture import (MARKER_HEIGHT, PLAYHEAD, RULER_HEIGHT, WavePicture, format_time,
                                              told_apart)

MIN_SPAN_S = 0.05  # deepest zoom: 50 ms across the widget
ZOOM_PER_NOTCH = 0.8
PAN_PER_NOTCH = 0.1  # fraction of the visible span
SEEK_JUMP_S = 1.0  # a position change larger than this is a seek, which always brings the playhead into view

SURE_ENOUGH = 0.8  # a flag heard with less confidence says so in its tooltip


class WaveformView(QWidget):
    """Draws one recording; emits :attr:`seekRequested` on click. It never reads files or the library."""

    seekRequested = Signal(float)
    viewChanged = Signal(float, float)  # visible start and span, seconds: for a scrollbar beside the view
    regionSelected = Signal(float, float)  # Shift+drag: start and end seconds
    flagClicked = Signal(object)  # the Flag whose marker was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(140)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._peaks = peaks_from_samples(np.zeros((0, 1), np.int16), 1)
        self._samples = np.zeros((0, 1), dtype=np.float32)
        self._speech: list[np.ndarray] = []
        self._gain = 1.0
        self._flags: list[Flag] = []
        self._segments: list[Segment] = []
        self._turns: dict[str, np.ndarray] = {}  # speaker -> (start, end) rows
        self._position = 0.0
        self._view_start = 0.0
        self._view_span = 0.0
        self._region: tuple[float, float] | None = None
        self._drag_from: float | None = None
        self._static: QImage | None = None
        self._drawn = 0  # counts changes to the picture, so a stale one drawn aside is dropped
        self._drawing = QThreadPool(self)
        self._drawing.setMaxThreadCount(1)
        self._aside: Job | None = None  # the picture being drawn on the worker thread
        self._aside_soon = QTimer(self, singleShot=True, interval=0, timeout=self._start_drawing_aside)

    # --- data ---------------------------------------------------------------------------------------------

    def set_peaks(self, peaks: Peaks, speech: Sequence[np.ndarray] | None = None) -> None:
        """Show a new recording whole from its summary. Both lanes share one gain so a shouting speaker still
        looks louder. ``speech`` holds each channel's detected speech as (start, end) rows."""
        self._peaks = peaks
        self._samples = np.zeros((0, peaks.channels), dtype=np.float32)
        self._speech = list(speech) if speech is not None else []
        peak = peaks.peak()
        self._gain = 0.95 / peak if peak > 1e-4 else 1.0
        self._position = 0.0
        self._region = None
        self._view_start, self._view_span = 0.0, self.duration
        self._redraw_aside()
        self.viewChanged.emit(self._view_start, self._view_span)

    def set_samples(self, samples: np.ndarray) -> None:
        """The decoded samples of the recording shown, for zooms deeper than the finest summary level."""
        samples = np.asarray(samples, dtype=np.float32)
        self._samples = samples[:, None] if samples.ndim == 1 else samples[:, :2]
        self._redraw_aside()

    def set_audio(self, samples: np.ndarray, rate: int) -> None:
        """Show a short recording already in memory: summarise it here, then draw it like any other."""
        peaks = peaks_from_samples(samples, rate)
        self.set_peaks(peaks, [peaks.speech(channel) for channel in range(peaks.channels)])
        self.set_samples(samples)

    def set_flags(self, flags: Sequence[Flag]) -> None:
        self._flags = sorted(flags, key=lambda flag: flag.start)
        self._redraw_aside()

    def set_segments(self, segments: Sequence[Segment]) -> None:
        self._segments = list(segments)
        speakers = sorted({segment.speaker for segment in self._segments})
        self._turns = {who: np.array([(s.start, s.end) for s in self._segments if s.speaker == who])
                       for who in speakers}
        self._redraw_aside()

    def clear(self) -> None:
        """No recording selected: an empty view that says so."""
        self._flags, self._segments, self._turns = [], [], {}
        self.set_peaks(peaks_from_samples(np.zeros((0, 1), np.int16), 1))
        self._invalidate()
        # Drawn at once (a background and a line of text): the previous call must not stay on screen under the
        # next one's name, and with a picture on screen the next call's summary is drawn aside.
        self._static = self._picture().render()

    @property
    def duration(self) -> float:
        return self._peaks.duration

    @property
    def region(self) -> tuple[float, float] | None:
        return self._region

    def set_region(self, region: tuple[float, float] | None) -> None:
        """Shade ``region`` (start, end seconds) as the loop, or nothing."""
        self._region = region
        self._invalidate()

    # --- playhead ---------------------------------------------------------------------------------------

    @property
    def position(self) -> float:
        return self._position

    def set_position(self, seconds: float) -> None:
        """Move the playhead, paging the view when playback leaves it or a seek lands outside it."""
        seconds = min(max(float(seconds), 0.0), self.duration)
        previous = self._position
        if seconds == previous:
            return
        self._position = seconds
        if self._follow(previous, seconds):
            return
        self.update(self._playhead_strip(previous))
        self.update(self._playhead_strip(seconds))

    def _follow(self, previous: float, current: float) -> bool:
        if self._in_view(current):
            return False
        if not self._in_view(previous) and abs(current - previous) <= SEEK_JUMP_S:
            return False  # the inspector scrolled away during playback: leave the view where they put it
        self.set_view(current - 0.05 * self._view_span, self._view_span)
        self.update()
        return True

    def _in_view(self, seconds: float) -> bool:
        return self._view_start <= seconds <= self._view_start + self._view_span

    def _playhead_strip(self, seconds: float) -> QRect:
        x = round(self.x_at(seconds))
        return QRect(x - 3, 0, 7, self.height())

    # --- visible window ---------------------------------------------------------------------------------

    @property
    def view_start(self) -> float:
        return self._view_start

    @property
    def view_span(self) -> float:
        return self._view_span

    def set_view(self, start: float, span: float) -> None:
        """Show ``span`` seconds from ``start``, kept inside the call and no deeper than 50 ms."""
        span = min(max(span, min(MIN_SPAN_S, self.duration)), self.duration)
        start = min(max(start, 0.0), self.duration - span)
        if (start, span) == (self._view_start, self._view_span):
            return
        self._view_start, self._view_span = start, span
        self._invalidate()
        self.viewChanged.emit(start, span)

    def zoom(self, factor: float, around: float) -> None:
        """Scale the visible span by ``factor`` keeping the instant ``around`` at the same x."""
        if not self._view_span:
            return
        fraction = (around - self._view_start) / self._view_span
        span = min(max(self._view_span * factor, min(MIN_SPAN_S, self.duration)), self.duration)
        self.set_view(around - fraction * span, span)

    def time_at(self, x: float) -> float:
        seconds = self._view_start + x / max(self.width(), 1) * self._view_span
        return min(max(seconds, 0.0), self.duration)

    def x_at(self, seconds: float) -> float:
        if not self._view_span:
            return 0.0
        return (seconds - self._view_start) / self._view_span * self.width()

    def flag_at(self, x: float) -> Flag | None:
        """The flag whose marker or span is under ``x`` (a few pixels of slack), nearest start first."""
        hits = [flag for flag in self._flags
                if self.x_at(flag.start) - 4 <= x <= max(self.x_at(flag.end), self.x_at(flag.start)) + 4]
        return min(hits, key=lambda flag: abs(self.x_at(flag.start) - x), default=None)

    # --- input ---------------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.duration:
            return
        x = event.position().x()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._drag_from = self.time_at(x)
            return
        flag = self.flag_at(x) if event.position().y() < MARKER_HEIGHT else None
        if flag is not None:
            self.flagClicked.emit(flag)
        else:
            self.seekRequested.emit(self.time_at(x))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not event.buttons() & Qt.MouseButton.LeftButton or not self.duration:
            return
        here = self.time_at(event.position().x())
        if self._drag_from is None:
            self.seekRequested.emit(here)
        else:
            self.set_region((min(self._drag_from, here), max(self._drag_from, here)))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is None or event.button() != Qt.MouseButton.LeftButton:
            return
        here = self.time_at(event.position().x())
        start, end = sorted((self._drag_from, here))
        self._drag_from = None
        if end - start >= MIN_SPAN_S / 5:
            self.set_region((start, end))
            self.regionSelected.emit(start, end)
        else:
            self.set_region(None)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        sideways = delta.x() or (delta.y() if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 0)
        if sideways:
            self.set_view(self._view_start - sideways / 120 * PAN_PER_NOTCH * self._view_span, self._view_span)
        elif delta.y():
            self.zoom(ZOOM_PER_NOTCH ** (delta.y() / 120), self.time_at(event.position().x()))
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            flag = self.flag_at(event.pos().x())
            if flag is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self._flag_tooltip(flag), self)
            return True
        return super().event(event)

    def _flag_tooltip(self, flag: Flag) -> str:
        speaker = {AGENT: self.tr("Agent"), CUSTOMER: self.tr("Customer")}.get(flag.speaker, self.tr("Unknown"))
        sureness = ""
        if flag.confidence < SURE_ENOUGH:
            note = self.tr("Heard with {0}% confidence: listen before judging").format(round(100 * flag.confidence))
            sureness = f"<br><i>{html.escape(note)}</i>"
        return (f"<b>{html.escape(category_name(flag.category))}</b> · {format_time(flag.start, 0.1)}"
                f" · {html.escape(speaker)}<br>{html.escape(flag.text)}{sureness}")

    # --- painting ----------------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(720, 220)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._redraw_aside()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._static is None:
            self._static = self._picture().render()  # nothing to show yet: drawn here and now
        painter = QPainter(self)
        if self._static.size() == self._device_size():
            painter.drawImage(event.rect(), self._static, self._source_rect(event.rect()))
        else:  # resized: the last picture stretched over the view until the worker has drawn this size
            painter.drawImage(QRectF(self.rect()), self._static)
        if self.duration:
            self._paint_playhead(painter)
        painter.end()

    def _device_size(self) -> QSize:
        ratio = self.devicePixelRatioF()
        return QSize(max(round(self.width() * ratio), 1), max(round(self.height() * ratio), 1))

    def _source_rect(self, rect: QRect) -> QRect:
        ratio = self._static.devicePixelRatio()
        return QRect(round(rect.x() * ratio), round(rect.y() * ratio), round(rect.width() * ratio),
                     round(rect.height() * ratio))

    def _invalidate(self) -> None:
        """What the inspector did (zoom, scroll, a loop) or a view cleared: drawn at the next paint."""
        self._drawn += 1
        self._aside_soon.stop()
        self._static = None
        self.update()

    def _redraw_aside(self) -> None:
        """New data for the call on screen (its summary, analysis or samples): the picture shown stays until a worker
        thread has drawn the new one, so the frame in which the data lands does no drawing. Anything the
        inspector changes meanwhile makes the worker's picture stale, and it is dropped."""
        if self._static is None or not self.isVisible():
            self._invalidate()
            return
        self._drawn += 1
        self._aside_soon.start()  # flags and segments landing together are drawn once

    def _start_drawing_aside(self) -> None:
        drawn, picture = self._drawn, self._picture()
        self._aside = Job(lambda _context: (drawn, picture.render()))
        self._aside.setAutoDelete(False)
        self._aside.signals.succeeded.connect(self._drawn_aside)  # a method: not called once the view is gone
        self._drawing.start(self._aside)

    def _drawn_aside(self, drawn_image: tuple[int, QImage]) -> None:
        drawn, image = drawn_image
        if drawn == self._drawn and image.size() == self._device_size():
            self._static = image
            self.update()

    def wait_for_drawing(self, msecs: int = 5000) -> None:
        """Let a picture being drawn aside finish and be shown (tests, screenshots, closing)."""
        if self._aside_soon.isActive():
            self._aside_soon.stop()
            self._start_drawing_aside()
        self._drawing.waitForDone(msecs)
        QCoreApplication.sendPostedEvents()

    def _picture(self) -> WavePicture:
        """A snapshot of everything the still layer shows, with its words translated here on the GUI thread."""
        if self._peaks.channels == 1:
            names = [self.tr("Mono · agent and customer told apart by voice") if told_apart(self._turns)
                     else self.tr("Mono")]
        else:
            names = [self.tr("Agent"), self.tr("Customer")]
        return WavePicture(self._peaks, self._samples, self._speech, self._gain, self._flags, self._turns,
                           self._view_start, self._view_span, self._region, self.width(), self.height(),
                           self.devicePixelRatioF(), QFont(self.font()), names, self.tr("No recording loaded"))

    def _paint_playhead(self, painter: QPainter) -> None:
        x = self.x_at(self._position)
        if not -2 <= x <= self.width() + 2:
            return
        bottom = self.height() - RULER_HEIGHT
        painter.fillRect(QRectF(round(x) - 1, 0, 2, bottom), PLAYHEAD)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PLAYHEAD)
        painter.drawPolygon(QPolygonF([QPointF(round(x) - 4, 0), QPointF(round(x) + 4, 0),
                                       QPointF(round(x), 6)]))
