"""The waveform widget drawn offscreen from real corpus audio: seeking, zooming, flags, playhead."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QHelpEvent, QImage, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QToolTip  # noqa: E402

from qaworkstation.core.audio.peaks import FULL_SCALE, Peaks, peaks_from_samples  # noqa: E402
from qaworkstation.core.audio.reading import read_samples  # noqa: E402
from qaworkstation.core.domain import Flag, Segment  # noqa: E402
from qaworkstation.ui.waveform import MIN_SPAN_S, WaveformView
from qaworkstation.ui.waveform_picture import MARKER_HEIGHT, column_peaks, format_time, tick_step

CALL = "calls/zh_good_delivery.wav"
WIDTH, HEIGHT = 800, 180
FORBIDDEN = Flag("forbidden", "不知道", "这个我不知道", "agent", 10.0, 11.5, "A3", 5.0)


@pytest.fixture(scope="module")
def call_audio(corpus: Path) -> tuple[np.ndarray, int]:
    return read_samples(corpus / CALL)


@pytest.fixture
def view(qtbot, call_audio: tuple[np.ndarray, int]) -> WaveformView:  # noqa: ANN001 - pytest-qt fixture
    widget = WaveformView()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.set_audio(*call_audio)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def wheel(view: WaveformView, x: float, angle_x: int = 0, angle_y: int = 0,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    position = QPointF(x, HEIGHT / 2)
    event = QWheelEvent(position, QPointF(view.mapToGlobal(position.toPoint())), QPoint(0, 0),
                        QPoint(angle_x, angle_y), Qt.MouseButton.NoButton, modifiers,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)


def image(view: WaveformView) -> QImage:
    return view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def red_rows(picture: QImage, x: int) -> int:
    """How many pixels in column ``x`` are the forbidden-flag red."""
    count = 0
    for y in range(picture.height()):
        colour = picture.pixelColor(x, y)
        count += colour.red() > 200 and colour.green() < 100 and colour.blue() < 110
    return count


def playhead_columns(picture: QImage, y: int) -> list[int]:
    return [x for x in range(picture.width())
            if min(picture.pixelColor(x, y).getRgb()[:3]) > 225]


def test_click_at_a_quarter_seeks_to_a_quarter(qtbot, view: WaveformView) -> None:  # noqa: ANN001
    with qtbot.waitSignal(view.seekRequested, timeout=1000) as signal:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(WIDTH // 4, HEIGHT // 2))

    assert signal.args[0] == pytest.approx(view.duration / 4, abs=view.duration / WIDTH)


def test_wheel_zoom_keeps_the_time_under_the_cursor(qtbot, view: WaveformView) -> None:  # noqa: ANN001
    x = WIDTH * 0.6
    under_cursor = view.time_at(x)

    with qtbot.waitSignal(view.viewChanged, timeout=1000):
        wheel(view, x, angle_y=120)

    assert view.view_span == pytest.approx(view.duration * 0.8)
    assert view.time_at(x) == pytest.approx(under_cursor, abs=1e-9)
    for _ in range(60):
        wheel(view, x, angle_y=120)
    assert view.view_span == pytest.approx(MIN_SPAN_S)
    for _ in range(60):
        wheel(view, x, angle_y=-120)
    assert (view.view_start, view.view_span) == (0.0, view.duration)


def test_horizontal_wheel_scrolls_the_zoomed_view(view: WaveformView) -> None:
    view.set_view(10.0, 4.0)
    wheel(view, 100, angle_x=-120)
    assert view.view_start == pytest.approx(10.4)
    wheel(view, 100, angle_y=120, modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert view.view_start == pytest.approx(10.0)
    assert view.view_span == 4.0


def test_flags_draw_in_their_category_colour_at_their_time(view: WaveformView) -> None:
    assert red_rows(image(view), round(view.x_at(FORBIDDEN.start))) == 0

    view.set_flags([FORBIDDEN])
    x = round(view.x_at(FORBIDDEN.start))
    assert red_rows(image(view), x) == 0  # the frame the flags land in draws nothing: a worker draws them
    view.wait_for_drawing()
    picture = image(view)

    assert red_rows(picture, x) > HEIGHT // 2  # the marker line runs through both lanes
    assert red_rows(picture, x + 40) == 0


def test_flag_tooltip_names_category_and_text(view: WaveformView) -> None:
    view.set_flags([FORBIDDEN, Flag("filler", "嗯", "嗯", "agent", 25.0, 25.3, None)])
    x = round(view.x_at(FORBIDDEN.start)) + 2
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(x, MARKER_HEIGHT // 2), view.mapToGlobal(QPoint(x, 5)))
    QApplication.sendEvent(view, event)

    assert view.flag_at(x) is FORBIDDEN
    assert view.flag_at(view.x_at(40.0)) is None
    assert "Forbidden phrase" in QToolTip.text() and FORBIDDEN.text in QToolTip.text()
    assert "confidence" not in QToolTip.text()  # heard surely: nothing to add


def test_flag_tooltip_says_when_the_recogniser_was_unsure(view: WaveformView) -> None:
    unsure = replace(FORBIDDEN, confidence=0.42)
    view.set_flags([unsure])
    x = round(view.x_at(unsure.start)) + 2
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, QPoint(x, MARKER_HEIGHT // 2),
                                            view.mapToGlobal(QPoint(x, 5))))
    assert "42% confidence" in QToolTip.text()


def test_set_position_moves_only_the_playhead(view: WaveformView) -> None:
    row = MARKER_HEIGHT + 30
    view.set_position(view.duration / 2)
    before = image(view)
    static = view._static

    view.set_position(view.duration * 0.75)
    after = image(view)

    assert playhead_columns(before, row) == pytest.approx([WIDTH // 2 - 1, WIDTH // 2], abs=1)
    assert playhead_columns(after, row) == pytest.approx([WIDTH * 3 // 4 - 1, WIDTH * 3 // 4], abs=1)
    assert view._static is static  # the waveform layer was not redrawn for a playhead move


def test_playhead_leaving_the_view_pages_it(view: WaveformView) -> None:
    view.set_view(10.0, 2.0)
    view.set_position(11.9)
    view.set_position(12.1)
    assert view.view_start <= 12.1 <= view.view_start + view.view_span

    view.set_view(30.0, 2.0)  # the inspector scrolls away during playback
    view.set_position(12.2)
    assert view.view_start == 30.0
    view.set_position(40.0)  # a seek lands outside the view
    assert view.view_start <= 40.0 <= view.view_start + view.view_span


def test_mono_draws_one_lane_and_segments_render(qtbot, call_audio: tuple[np.ndarray, int]) -> None:  # noqa: ANN001
    samples, rate = call_audio
    widget = WaveformView()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.set_audio(samples[:, 0], rate)
    widget.set_segments([Segment("agent", 1.0, 8.35, "您好")])

    assert widget._picture()._lane_rects()[0].height() > HEIGHT - 40
    assert not image(widget).isNull()
    widget.clear()
    assert widget.duration == 0.0
    assert not image(widget).isNull()


def test_column_peaks_match_brute_force(call_audio: tuple[np.ndarray, int]) -> None:
    samples, rate = call_audio
    peaks = peaks_from_samples(samples, rate)
    quantised = np.clip(np.round(samples * FULL_SCALE), -FULL_SCALE, FULL_SCALE - 1) / FULL_SCALE
    for start, span, width in ((0.0, len(samples) / rate, 800), (12.0, 2.0, 800), (40.0, 3.653, 300),
                               (1.0, 0.05, 800)):
        low, high = column_peaks(peaks, samples, start, span, width)
        per_column = span * rate / width
        level = peaks.level_for(per_column)
        unit = 1 if level is None else Peaks.bucket(level)
        source = samples if level is None else quantised
        for column in (0, width // 3, len(low) - 1):
            first = int(np.floor((start * rate + column * per_column) / unit)) * unit
            stop = max(int(np.floor((start * rate + (column + 1) * per_column) / unit)) * unit, first + unit)
            window = source[first:stop]
            np.testing.assert_allclose(low[column], window.min(axis=0), atol=1e-6)
            np.testing.assert_allclose(high[column], window.max(axis=0), atol=1e-6)


def test_ruler_labels() -> None:
    assert format_time(75.0) == "01:15"
    assert format_time(59.96, 0.1) == "01:00.0"
    assert format_time(12.346, 0.01) == "00:12.35"
    assert tick_step(43.65, 800) == 5.0
    assert tick_step(0.05, 800) == 0.01


def test_mono_call_attributed_by_voice_draws_each_turn_in_its_speakers_colour(
        qtbot, call_audio: tuple[np.ndarray, int]) -> None:  # noqa: ANN001
    from qaworkstation.ui.waveform_picture import WAVE_COLOURS  # noqa: PLC0415 - only this test reads the palette

    samples, rate = call_audio
    widget = WaveformView()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.set_audio(samples.sum(axis=1), rate)  # the stereo call mixed down, as a mono recorder would
    widget.set_segments([Segment("agent", 1.0, 8.35, "您好"), Segment("customer", 8.95, 12.37, "你好")])
    widget.show()
    qtbot.waitExposed(widget)
    picture = image(widget)

    def colours_in(start: float, end: float) -> set[str]:
        xs = range(int(widget.x_at(start)) + 2, int(widget.x_at(end)) - 2)
        return {picture.pixelColor(x, y).name() for x in xs for y in range(MARKER_HEIGHT, HEIGHT - 20)}

    agent, customer = WAVE_COLOURS["agent"].name(), WAVE_COLOURS["customer"].name()
    assert agent in colours_in(1.0, 8.35) and customer not in colours_in(1.0, 8.35)
    assert customer in colours_in(8.95, 12.37) and agent not in colours_in(8.95, 12.37)
    widget.set_segments([Segment("unknown", 1.0, 12.37, "您好你好")])  # nobody told apart: one colour
    widget.wait_for_drawing()
    picture = image(widget)
    assert not {agent, customer} & colours_in(1.0, 12.37)
