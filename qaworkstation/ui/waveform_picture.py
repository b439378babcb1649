"""The still part of the waveform — lanes, turns, speech bars, flags, loop region, ruler — drawn into an image.

Drawing it takes a few milliseconds alone but three to four times that while the analysis queue decodes on both
cores, so when new data arrives for a call already on screen (its analysis landing, its decoded samples) the
view draws the picture on a worker thread and swaps it in when done. A :class:`WavePicture` is therefore a
snapshot: everything it draws is copied into it on the GUI thread, and :meth:`WavePicture.render` touches no
widget, only a QImage, which Qt allows painting on any thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF

from qaworkstation.core.audio.peaks import FULL_SCALE, Peaks
from qaworkstation.core.domain import AGENT, CUSTOMER, UNKNOWN, Flag
from qaworkstation.ui.palette import CATEGORY_COLOURS, SPEAKER_COLOURS

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


def told_apart(turns: dict[str, np.ndarray]) -> list[str]:
    """The speakers a mono recording was split into by voice (none when nobody could be told apart)."""
    return [who for who in (AGENT, CUSTOMER) if len(turns.get(who, ())) > 0]


@dataclass(frozen=True, eq=False)
class WavePicture:
    """What the still layer shows, at one size: render it on any thread."""

    peaks: Peaks
    samples: np.ndarray
    speech: list[np.ndarray]
    gain: float
    flags: list[Flag]
    turns: dict[str, np.ndarray]
    view_start: float
    view_span: float
    region: tuple[float, float] | None
    width: int
    height: int
    ratio: float
    font: QFont
    lane_names: list[str] = field(default_factory=list)  # translated on the GUI thread
    empty_text: str = ""  # shown when no recording is loaded

    @property
    def duration(self) -> float:
        return self.peaks.duration

    def x_at(self, seconds: float) -> float:
        if not self.view_span:
            return 0.0
        return (seconds - self.view_start) / self.view_span * self.width

    def render(self) -> QImage:
        """The picture as an image of the widget's size in device pixels."""
        image = QImage(max(round(self.width * self.ratio), 1), max(round(self.height * self.ratio), 1),
                       QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(self.ratio)
        image.fill(BACKGROUND)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.duration:
            self._paint_call(painter)
        else:
            painter.setFont(self.font)
            painter.setPen(TEXT)
            painter.drawText(QRectF(0, 0, self.width, self.height), Qt.AlignmentFlag.AlignCenter, self.empty_text)
        painter.end()
        return image

    def _paint_call(self, painter: QPainter) -> None:
        lanes = self._lane_rects()
        step = tick_step(self.view_span, self.width)
        self._paint_lanes(painter, lanes, step)
        self._paint_region(painter, lanes)
        self._paint_flags(painter, lanes)
        self._paint_lane_labels(painter, lanes)
        self._paint_ruler(painter, step)

    def _lane_rects(self) -> list[QRectF]:
        top = MARKER_HEIGHT
        count = self.peaks.channels
        height = (self.height - MARKER_HEIGHT - RULER_HEIGHT - LANE_GAP * (count - 1)) // count
        return [QRectF(0, top + index * (height + LANE_GAP), self.width, height) for index in range(count)]

    def _lane_speaker(self, channel: int) -> str | None:
        if self.peaks.channels == 1:
            return None
        return (AGENT, CUSTOMER)[channel]

    # --- lanes, rasterised ----------------------------------------------------------------------------------
    # A lane is a few hundred thousand pixels of plain colour runs per column: filling them with numpy and
    # blitting one image is ~100× cheaper than thousands of antialiased QPainter calls, whose per-call cost
    # (and Python overhead) would otherwise grow with the number of segments and columns.

    def _paint_lanes(self, painter: QPainter, lanes: list[QRectF], step: float) -> None:
        """Background, speaker-turn bands, grid, waveform and speech bars of every lane as one image each."""
        ratio = painter.device().devicePixelRatioF()
        columns = max(round(self.width * ratio), 1)
        joined = self.view_span * self.peaks.rate < columns and len(self.samples) > 0
        if not joined:
            low, high = column_peaks(self.peaks, self.samples, self.view_start, self.view_span, columns)
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
            if speaker is None and told_apart(self.turns):
                self._colour_voices(pixels, low[:, channel] if not joined else None,
                                    high[:, channel] if not joined else None, ratio)
            elif channel < len(self.speech):
                bar = max(round(SPEECH_BAR * ratio), 1)
                pixels[rows - bar:, self._covered(self.speech[channel], columns)] = _argb(colour)
            image = QImage(pixels.data, columns, rows, columns * 4, QImage.Format.Format_RGB32)
            image.setDevicePixelRatio(ratio)
            painter.drawImage(lane.topLeft(), image)
            if joined:
                painter.setPen(QPen(colour, 1))
                painter.drawPolyline(self._sample_line(lane, channel))

    def _colour_voices(self, pixels: np.ndarray, low: np.ndarray | None, high: np.ndarray | None,
                       ratio: float) -> None:
        """A mono lane split by voice: the waveform in each speaker's colour during their turns, and two speech
        bars — the agent's above the customer's — so who spoke when reads as on a stereo call."""
        rows, columns = pixels.shape
        bar = max(round(SPEECH_BAR * ratio), 1)
        for row, who in enumerate((AGENT, CUSTOMER)):
            spans = self.turns.get(who)
            if spans is None or not len(spans):
                continue
            turns = self._covered(spans, columns)
            if low is not None:
                self._fill_wave(pixels, low, high, WAVE_COLOURS[who], ratio, turns)
            top = rows - (2 - row) * bar
            pixels[top:top + bar, turns] = _argb(WAVE_COLOURS[who])

    def _fill_turns(self, pixels: np.ndarray, speaker: str | None) -> None:
        """Faint bands where each speaker talks (from the transcript), so turn-taking reads at a glance."""
        for who, spans in self.turns.items():
            if speaker is not None and who != speaker and who in WAVE_COLOURS:
                continue
            band = TURN_BANDS.get(who, TURN_BANDS[UNKNOWN])
            pixels[:, self._covered(spans, pixels.shape[1])] = band

    def _fill_wave(self, pixels: np.ndarray, low: np.ndarray, high: np.ndarray, colour: QColor,
                   ratio: float, only: np.ndarray | None = None) -> None:
        """Each column filled from its maximum down to its minimum, the way Audacity draws a summary; ``only``
        limits it to some columns."""
        rows = pixels.shape[0]
        half = rows / 2 - 2 * ratio
        top = np.floor(rows / 2 - np.clip(high * self.gain, -1.0, 1.0) * half)
        bottom = np.ceil(rows / 2 - np.clip(low * self.gain, -1.0, 1.0) * half)
        drawn = np.arange(rows)[:, None]
        mask = (drawn >= top[None, :]) & (drawn <= bottom[None, :])
        if only is not None:
            mask &= only[None, :len(low)]
        pixels[:, :len(low)][mask] = _argb(colour)

    def _covered(self, spans: np.ndarray, columns: int) -> np.ndarray:
        """Which of ``columns`` pixel columns the (start, end) second spans touch, as a boolean mask."""
        scale = columns / self.view_span
        first = np.clip(np.floor((spans[:, 0] - self.view_start) * scale), 0, columns).astype(np.intp)
        last = np.clip(np.ceil((spans[:, 1] - self.view_start) * scale), 0, columns).astype(np.intp)
        keep = last > first
        edges = np.zeros(columns + 1, np.int32)
        np.add.at(edges, first[keep], 1)
        np.add.at(edges, last[keep], -1)
        return np.cumsum(edges[:-1]) > 0

    def _tick_columns(self, step: float, columns: int) -> np.ndarray:
        xs = np.round((self._ticks(step) - self.view_start) / self.view_span * columns).astype(np.intp)
        return xs[(xs >= 0) & (xs < columns)]

    def _paint_region(self, painter: QPainter, lanes: list[QRectF]) -> None:
        if self.region is None:
            return
        x0, x1 = (self.x_at(edge) for edge in self.region)
        top, bottom = lanes[0].top(), lanes[-1].bottom()
        painter.fillRect(QRectF(x0, top, max(x1 - x0, 1.0), bottom - top), REGION)
        painter.setPen(QPen(REGION_EDGE, 1, Qt.PenStyle.DashLine))
        for x in (x0, x1):
            painter.drawLine(QPointF(x, top), QPointF(x, bottom))

    def _ticks(self, step: float) -> np.ndarray:
        first = np.ceil(self.view_start / step) * step
        return np.arange(first, self.view_start + self.view_span + step / 2, step)

    def _y(self, lane: QRectF, values: np.ndarray) -> np.ndarray:
        half = lane.height() / 2 - 2
        return lane.center().y() - np.clip(values * self.gain, -1.0, 1.0) * half

    def _sample_line(self, lane: QRectF, channel: int) -> QPolygonF:
        """Zoomed in past one sample per pixel: the samples themselves, joined."""
        rate = self.peaks.rate
        first = max(int(self.view_start * rate), 0)
        last = min(int((self.view_start + self.view_span) * rate) + 2, len(self.samples))
        xs = self.x_at(np.arange(first, last) / rate)
        ys = self._y(lane, self.samples[first:last, channel])
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
        for flag in self.flags:
            x0, x1 = self.x_at(flag.start), self.x_at(flag.end)
            if x1 < -6 or x0 > self.width + 6:
                continue
            left, right = max(round(x0), -1), min(round(x1), self.width + 1)
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
        names = self.lane_names
        font = QFont(self.font)
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
        top = self.height - RULER_HEIGHT
        painter.fillRect(QRectF(0, top, self.width, RULER_HEIGHT), RULER_BACKGROUND)
        painter.setPen(QPen(GRID, 1))
        painter.drawLine(QPointF(0, top + 0.5), QPointF(self.width, top + 0.5))
        font = QFont(self.font)
        font.setPointSizeF(max(font.pointSizeF() - 1.5, 7))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        for seconds in self._ticks(step):
            x = round(self.x_at(seconds)) + 0.5
            painter.setPen(QPen(TEXT, 1))
            painter.drawLine(QPointF(x, top), QPointF(x, top + 5))
            label = format_time(seconds, step)
            if x + 3 + metrics.horizontalAdvance(label) <= self.width:
                painter.drawText(QPointF(x + 3, top + 5 + metrics.ascent()), label)
