"""The call's waveform: one lane per speaker, rule hits as markers, a playhead, click to seek, wheel to zoom.

Inspectors navigate a call by its shape — who is talking, where the silences are, where a flag fired — so
this view has to stay fluid on hour-long recordings while the playhead moves many times a second. Hence:

* it is drawn from a :class:`~qaworkstation.core.audio.peaks.Peaks` pyramid (computed once per recording, off the
  GUI thread) at the coarsest level that still gives every pixel column its own entries, and from raw
  samples only when zoomed in far enough that they are few;
* everything but the playhead is rendered into a cached pixmap that is rebuilt only when the data, the
  visible window or the size change; moving the playhead repaints two thin strips.

Plain click or drag seeks; Shift+drag selects a region (for looping); a click on a flag's marker emits
:attr:`WaveformView.flagClicked`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (QColor, QFont, QHelpEvent, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap,
                           QPolygonF, QResizeEvent, QWheelEvent)
from PySide6.QtWidgets import QToolTip, QWidget

from qaworkstation.core.audio.peaks import FULL_SCALE, Peaks, peaks_from_samples
from qaworkstation.core.domain import AGENT, CUSTOMER, UNKNOWN, Flag, Segment
from qaworkstation.ui.palette import CATEGORY_COLOURS, SPEAKER_COLOURS
from qaworkstation.ui.format import category_name

MIN_SPAN_S = 0.05  # deepest zoom: 50 ms across the widget
ZOOM_PER_NOTCH = 0.8
PAN_PER_NOTCH = 0.1  # fraction of the visible span
SEEK_JUMP_S = 1.0  # a position change larger than this is a seek, which always brings the playhead into view

MARKER_HEIGHT = 14
RULER_HEIGHT = 20
LANE_GAP = 4
MIN_TICK_SPACING_PX = 80
TICK_STEPS_S = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600)

BACKGROUND = QColor("#1e1f22")
LANE_BACKGROUND = QColor("#232428")
RULER_BACKGROUND = QColor("#1a1b1e")
GRID = QColor("#2f3136")
TEXT = QColor("#b5bac1")
PLAYHEAD = QColor("#f2f3f5")
REGION = QColor(255, 255, 255, 64)
REGION_EDGE = QColor("#f2f3f5")
SPEECH_BAR = 3  # px: the strip along each lane's foot that marks detected speech
TURN_ALPHA = 34 / 255  # how strongly a transcript turn tints its lane
# The shared palette is tuned for light views; on this dark background the waves need lifting to read.
WAVE_COLOURS = {speaker: QColor(SPEAKER_COLOURS[speaker]).lighter(150) for speaker in (AGENT, CUSTOMER)}
MONO_COLOUR = QColor(SPEAKER_COLOURS[UNKNOWN]).lighter(170)
FLAG_COLOURS = {category: QColor(colour) for category, colour in CATEGORY_COLOURS.items()}
OTHER_FLAG_COLOUR = QColor("#9aa0a6")
FLAG_SPAN_ALPHA = 48
FLAG_TINTS = {category: QColor(colour.red(), colour.green(), colour.blue(), FLAG_SPAN_ALPHA)
              for category, colour in FLAG_COLOURS.items()}
OTHER_FLAG_TINT = QColor(0x9a, 0xa0, 0xa6, FLAG_SPAN_ALPHA)


def _argb(colour: QColor) -> int:
    return colour.rgba() | 0xFF000000


def _blend(under: QColor, over: QColor, alpha: float) -> int:
    """``over`` laid on ``under`` at ``alpha``, as an opaque ARGB pixel."""
    mix = QColor.fromRgbF(*(a * (1 - alpha) + b * alpha for a, b in zip(under.getRgbF()[:3], over.getRgbF()[:3])))
    return _argb(mix)


TURN_BANDS = {who: _blend(LANE_BACKGROUND, WAVE_COLOURS.get(who, MONO_COLOUR), TURN_ALPHA)
              for who in (AGENT, CUSTOMER, UNKNOWN)}


def column_peaks(peaks: Peaks, samples: np.ndarray, start_s: float, span_s: float,
                 width: int) -> tuple[np.ndarray, np.ndarray]:
    """Min and max per pixel column as fractions of full scale, shape (columns, channels).

    Reads the coarsest pyramid level whose entries are no wider than a column, so the cost follows the
    widget's width, not the recording's length; raw ``samples`` (float, frames × channels) serve deeper
    zooms when present, else the finest level does. Columns past the end of the call are absent.
    """
    per_column = span_s * peaks.rate / width
    level = peaks.level_for(per_column)
    if level is None and len(samples):
        low = high = samples.T
        unit, scale = 1, 1.0
    else:
        level = level or 0
        low, high = peaks.lows[level], peaks.highs[level]
        unit, scale = Peaks.bucket(level), 1.0 / FULL_SCALE
    edges = np.floor((start_s * peaks.rate + np.arange(width + 1) * per_column) / unit).astype(np.intp)
    entries = low.shape[1]
    edges = np.minimum(edges, entries)
    firsts = edges[:-1][edges[:-1] < entries]
    if not len(firsts):
        return np.zeros((0, low.shape[0]), np.float32), np.zeros((0, low.shape[0]), np.float32)
    stop = max(int(edges[len(firsts)]), int(firsts[-1]) + 1)
    window = slice(int(firsts[0]), stop)
    offsets = firsts - firsts[0]
    lows = np.minimum.reduceat(low[:, window], offsets, axis=1).T * np.float32(scale)
    highs = np.maximum.reduceat(high[:, window], offsets, axis=1).T * np.float32(scale)
    return lows.astype(np.float32), highs.astype(np.float32)


def tick_step(span_s: float, width: int) -> float:
    """The smallest round interval whose ruler labels do not crowd each other."""
    for step in TICK_STEPS_S:
        if step / span_s * width >= MIN_TICK_SPACING_PX:
            return float(step)
    return float(TICK_STEPS_S[-1])


def format_time(seconds: float, step: float = 1.0) -> str:
    """mm:ss, with as many decimals as the tick step needs; minutes keep counting past 59."""
    decimals = 0 if step >= 1 else 1 if step >= 0.1 else 2
    unit = 10 ** decimals
    minutes, rest = divmod(round(max(seconds, 0.0) * unit), 60 * unit)
    if not decimals:
        return f"{minutes:02d}:{rest:02d}"
    return f"{minutes:02d}:{rest / unit:0{3 + decimals}.{decimals}f}"


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
        self._static: QPixmap | None = None

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
        self._invalidate()
        self.viewChanged.emit(self._view_start, self._view_span)

    def set_samples(self, samples: np.ndarray) -> None:
        """The decoded samples of the recording shown, for zooms deeper than the finest summary level."""
        samples = np.asarray(samples, dtype=np.float32)
        self._samples = samples[:, None] if samples.ndim == 1 else samples[:, :2]
        self._invalidate()

    def set_audio(self, samples: np.ndarray, rate: int) -> None:
        """Show a short recording already in memory: summarise it here, then draw it like any other."""
        peaks = peaks_from_samples(samples, rate)
        self.set_peaks(peaks, [peaks.speech(channel) for channel in range(peaks.channels)])
        self.set_samples(samples)

    def set_flags(self, flags: Sequence[Flag]) -> None:
        self._flags = sorted(flags, key=lambda flag: flag.start)
        self._invalidate()

    def set_segments(self, segments: Sequence[Segment]) -> None:
        self._segments = list(segments)
        speakers = sorted({segment.speaker for segment in self._segments})
        self._turns = {who: np.array([(s.start, s.end) for s in self._segments if s.speaker == who])
                       for who in speakers}
        self._invalidate()

    def clear(self) -> None:
        """No recording selected: an empty view that says so."""
        self.set_flags([])
        self.set_segments([])
        self.set_peaks(peaks_from_samples(np.zeros((0, 1), np.int16), 1))

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
        self._invalidate()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._static is None:
            self._static = self._render_static()
        painter = QPainter(self)
        painter.drawPixmap(event.rect(), self._static, self._source_rect(event.rect()))
        if self.duration:
            self._paint_playhead(painter)
        painter.end()

    def _source_rect(self, rect: QRect) -> QRect:
        ratio = self._static.devicePixelRatio()
        return QRect(round(rect.x() * ratio), round(rect.y() * ratio), round(rect.width() * ratio),
                     round(rect.height() * ratio))

    def _invalidate(self) -> None:
        self._static = None
        self.update()

    def _render_static(self) -> QPixmap:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(BACKGROUND)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.duration:
            self._paint_call(painter)
        else:
            painter.setPen(TEXT)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.tr("No recording loaded"))
        painter.end()
        return pixmap

    def _paint_call(self, painter: QPainter) -> None:
        lanes = self._lane_rects()
        step = tick_step(self._view_span, self.width())
        self._paint_lanes(painter, lanes, step)
        self._paint_region(painter, lanes)
        self._paint_flags(painter, lanes)
        self._paint_lane_labels(painter, lanes)
        self._paint_ruler(painter, step)

    def _lane_rects(self) -> list[QRectF]:
        top = MARKER_HEIGHT
        count = self._peaks.channels
        height = (self.height() - MARKER_HEIGHT - RULER_HEIGHT - LANE_GAP * (count - 1)) // count
        return [QRectF(0, top + index * (height + LANE_GAP), self.width(), height) for index in range(count)]

    def _lane_speaker(self, channel: int) -> str | None:
        if self._peaks.channels == 1:
            return None
        return (AGENT, CUSTOMER)[channel]

    # --- lanes, rasterised ----------------------------------------------------------------------------------
    # A lane is a few hundred thousand pixels of plain colour runs per column: filling them with numpy and
    # blitting one image is ~100× cheaper than thousands of antialiased QPainter calls, whose per-call cost
    # (and Python overhead) would otherwise grow with the number of segments and columns.

    def _paint_lanes(self, painter: QPainter, lanes: list[QRectF], step: float) -> None:
        """Background, speaker-turn bands, grid, waveform and speech bars of every lane as one image each."""
        ratio = painter.device().devicePixelRatioF()
        columns = max(round(self.width() * ratio), 1)
        joined = self._view_span * self._peaks.rate < columns and len(self._samples) > 0
        if not joined:
            low, high = column_peaks(self._peaks, self._samples, self._view_start, self._view_span, columns)
        ticks = self._tick_columns(step, columns)
        for channel, lane in enumerate(lanes):
            speaker = self._lane_speaker(channel)
            colour = WAVE_COLOURS.get(speaker, MONO_COLOUR)
            rows = max(round(lane.height() * ratio), 1)
            pixels = np.full((rows, columns), _argb(LANE_BACKGROUND), np.uint32)
            self._fill_turns(pixels, speaker)
            pixels[:, ticks] = _argb(GRID)
            pixels[rows // 2, :] = _argb(GRID)
            if not joined:
                self._fill_wave(pixels, low[:, channel], high[:, channel], colour, ratio)
            if speaker is None and self._voices():
                self._colour_voices(pixels, low[:, channel] if not joined else None,
                                    high[:, channel] if not joined else None, ratio)
            elif channel < len(self._speech):
                bar = max(round(SPEECH_BAR * ratio), 1)
                pixels[rows - bar:, self._covered(self._speech[channel], columns)] = _argb(colour)
            image = QImage(pixels.data, columns, rows, columns * 4, QImage.Format.Format_RGB32)
            image.setDevicePixelRatio(ratio)
            painter.drawImage(lane.topLeft(), image)
            if joined:
                painter.setPen(QPen(colour, 1))
                painter.drawPolyline(self._sample_line(lane, channel))

    def _voices(self) -> list[str]:
        """The speakers a mono recording was split into by voice (none when nobody could be told apart)."""
        return [who for who in (AGENT, CUSTOMER) if len(self._turns.get(who, ())) > 0]

    def _colour_voices(self, pixels: np.ndarray, low: np.ndarray | None, high: np.ndarray | None,
                       ratio: float) -> None:
        """A mono lane split by voice: the waveform in each speaker's colour during their turns, and two speech
        bars — the agent's above the customer's — so who spoke when reads as on a stereo call."""
        rows, columns = pixels.shape
        bar = max(round(SPEECH_BAR * ratio), 1)
        for row, who in enumerate((AGENT, CUSTOMER)):
            spans = self._turns.get(who)
            if spans is None or not len(spans):
                continue
            turns = self._covered(spans, columns)
            if low is not None:
                self._fill_wave(pixels, low, high, WAVE_COLOURS[who], ratio, turns)
            top = rows - (2 - row) * bar
            pixels[top:top + bar, turns] = _argb(WAVE_COLOURS[who])

    def _fill_turns(self, pixels: np.ndarray, speaker: str | None) -> None:
        """Faint bands where each speaker talks (from the transcript), so turn-taking reads at a glance."""
        for who, spans in self._turns.items():
            if speaker is not None and who != speaker and who in WAVE_COLOURS:
                continue
            band = TURN_BANDS.get(who, TURN_BANDS[UNKNOWN])
            pixels[:, self._covered(spans, pixels.shape[1])] = band

    def _fill_wave(self, pixels: np.ndarray, low: np.ndarray, high: np.ndarray, colour: QColor,
                   ratio: float, only: np.ndarray | None = None) -> None:
        """Each column filled from its maximum down to its minimum, the way Audacity draws a summary; ``only``
        limits it to some columns."""
        rows, columns = pixels.shape
        half = rows / 2 - 2 * ratio
        top = np.floor(rows / 2 - np.clip(high * self._gain, -1.0, 1.0) * half)
        bottom = np.ceil(rows / 2 - np.clip(low * self._gain, -1.0, 1.0) * half)
        drawn = np.arange(rows)[:, None]
        mask = (drawn >= top[None, :]) & (drawn <= bottom[None, :])
        if only is not None:
            mask &= only[None, :len(low)]
        pixels[:, :len(low)][mask] = _argb(colour)

    def _covered(self, spans: np.ndarray, columns: int) -> np.ndarray:
        """Which of ``columns`` pixel columns the (start, end) second spans touch, as a boolean mask."""
        scale = columns / self._view_span
        first = np.clip(np.floor((spans[:, 0] - self._view_start) * scale), 0, columns).astype(np.intp)
        last = np.clip(np.ceil((spans[:, 1] - self._view_start) * scale), 0, columns).astype(np.intp)
        keep = last > first
        edges = np.zeros(columns + 1, np.int32)
        np.add.at(edges, first[keep], 1)
        np.add.at(edges, last[keep], -1)
        return np.cumsum(edges[:-1]) > 0

    def _tick_columns(self, step: float, columns: int) -> np.ndarray:
        xs = np.round((self._ticks(step) - self._view_start) / self._view_span * columns).astype(np.intp)
        return xs[(xs >= 0) & (xs < columns)]

    def _paint_region(self, painter: QPainter, lanes: list[QRectF]) -> None:
        if self._region is None:
            return
        x0, x1 = (self.x_at(edge) for edge in self._region)
        top, bottom = lanes[0].top(), lanes[-1].bottom()
        painter.fillRect(QRectF(x0, top, max(x1 - x0, 1.0), bottom - top), REGION)
        painter.setPen(QPen(REGION_EDGE, 1, Qt.PenStyle.DashLine))
        for x in (x0, x1):
            painter.drawLine(QPointF(x, top), QPointF(x, bottom))

    def _ticks(self, step: float) -> np.ndarray:
        first = np.ceil(self._view_start / step) * step
        return np.arange(first, self._view_start + self._view_span + step / 2, step)

    def _y(self, lane: QRectF, values: np.ndarray) -> np.ndarray:
        half = lane.height() / 2 - 2
        return lane.center().y() - np.clip(values * self._gain, -1.0, 1.0) * half

    def _sample_line(self, lane: QRectF, channel: int) -> QPolygonF:
        """Zoomed in past one sample per pixel: the samples themselves, joined."""
        rate = self._peaks.rate
        first = max(int(self._view_start * rate), 0)
        last = min(int((self._view_start + self._view_span) * rate) + 2, len(self._samples))
        xs = self.x_at(np.arange(first, last) / rate)
        ys = self._y(lane, self._samples[first:last, channel])
        return QPolygonF([QPointF(x, y) for x, y in zip(xs, ys)])

    def _paint_flags(self, painter: QPainter, lanes: list[QRectF]) -> None:
        """A tinted span and a line per flag across the lanes, and a marker to click above them.

        Spans and lines are whole-pixel rectangles drawn without antialiasing: blending a fractional,
        antialiased rectangle costs several times more, and a zoomed-in flag can span the whole widget.
        """
        bottom = round(lanes[-1].bottom())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        visible = []
        for flag in self._flags:
            x0, x1 = self.x_at(flag.start), self.x_at(flag.end)
            if x1 < -6 or x0 > self.width() + 6:
                continue
            left, right = max(round(x0), -1), min(round(x1), self.width() + 1)
            painter.fillRect(QRect(left, MARKER_HEIGHT, max(right - left, 1), bottom - MARKER_HEIGHT),
                             FLAG_TINTS.get(flag.category, OTHER_FLAG_TINT))
            visible.append((round(x0), FLAG_COLOURS.get(flag.category, OTHER_FLAG_COLOUR)))
        for x, colour in visible:
            painter.fillRect(QRect(x - 1, MARKER_HEIGHT, 2, bottom - MARKER_HEIGHT), colour)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for x, colour in visible:
            painter.setBrush(colour)
            painter.drawPolygon(QPolygonF([QPointF(x - 5, 1), QPointF(x + 5, 1), QPointF(x, MARKER_HEIGHT - 1)]))
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_lane_labels(self, painter: QPainter, lanes: list[QRectF]) -> None:
        if len(lanes) == 1:
            names = [self.tr("Mono · agent and customer told apart by voice") if self._voices() else self.tr("Mono")]
        else:
            names = [self.tr("Agent"), self.tr("Customer")]
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        for channel, (lane, name) in enumerate(zip(lanes, names)):
            box = painter.fontMetrics().boundingRect(name).adjusted(-5, -2, 5, 2)
            box.moveTopLeft(QPoint(6, round(lane.top()) + 4))
            painter.fillRect(box, QColor(20, 21, 24, 190))
            painter.setPen(WAVE_COLOURS.get(self._lane_speaker(channel), MONO_COLOUR).lighter(125))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, name)

    def _paint_ruler(self, painter: QPainter, step: float) -> None:
        top = self.height() - RULER_HEIGHT
        painter.fillRect(QRectF(0, top, self.width(), RULER_HEIGHT), RULER_BACKGROUND)
        painter.setPen(QPen(GRID, 1))
        painter.drawLine(QPointF(0, top + 0.5), QPointF(self.width(), top + 0.5))
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 1.5, 7))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        for seconds in self._ticks(step):
            x = round(self.x_at(seconds)) + 0.5
            painter.setPen(QPen(TEXT, 1))
            painter.drawLine(QPointF(x, top), QPointF(x, top + 5))
            label = format_time(seconds, step)
            if x + 3 + metrics.horizontalAdvance(label) <= self.width():
                painter.drawText(QPointF(x + 3, top + 5 + metrics.ascent()), label)

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
