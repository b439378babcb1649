"""The player panel in a real window on the offscreen platform, playing corpus audio to ALSA's null sink:
zoom, flag navigation with lead-in, region loop, speed keys, channel solo, shortcuts and the peak cache."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from qaworkstation.core.audio.peaks import peaks_path
from qaworkstation.core.audio.reading import content_hash
from qaworkstation.core.domain import Flag
from qaworkstation.ui.player_panel import PlayerPanel
from qaworkstation.ui.waveform import MIN_SPAN_S
from qaworkstation.ui.waveform_picture import MARKER_HEIGHT
from tests.test_playback import TIMING_SLACK, RecordingPlayback

CALL = "calls/zh_forbidden_no_closing.wav"


@pytest.fixture
def flags(corpus: Path) -> list[Flag]:
    truth = json.loads((corpus / CALL).with_suffix(".truth.json").read_text(encoding="utf-8"))
    return [Flag(e["category"], e["phrase"], e["phrase"], e["speaker"], e["start"], e["end"], None)
            for e in truth["events"] if "start" in e]


@pytest.fixture
def panel(qtbot, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
          flags: list[Flag]) -> PlayerPanel:
    monkeypatch.setenv("QAWS_CACHE_DIR", str(tmp_path / "cache"))
    window = QWidget()
    qtbot.addWidget(window)
    player = PlayerPanel(RecordingPlayback(), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    notes = QLineEdit()
    layout = QVBoxLayout(window)
    layout.addWidget(player)
    layout.addWidget(notes)
    player.install_shortcuts(window)
    window.notes = notes
    window.resize(1000, 320)
    window.show()
    qtbot.waitExposed(window)
    path = corpus / CALL
    player.open(str(path), content_hash(path))
    player.set_flags(flags)
    qtbot.waitUntil(lambda: player.playback.duration > 0, timeout=10000)
    player.waveform.setFocus()
    yield player
    player.wait()
    player.playback.close()


def key(qtbot, panel: PlayerPanel, code: Qt.Key,  # noqa: ANN001
        modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or panel.waveform, code, modifiers)


def wheel(view: QWidget, x: float, notches: int) -> None:
    position = QPointF(x, view.height() / 2)
    QApplication.sendEvent(view, QWheelEvent(position, QPointF(view.mapToGlobal(position.toPoint())), QPoint(0, 0),
                                             QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                                             Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))


def mouse(view: QWidget, kind: QEvent.Type, x: float, buttons: Qt.MouseButton,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.ShiftModifier, y: float = 60) -> None:
    point = QPointF(x, y)
    QApplication.sendEvent(view, QMouseEvent(kind, point, QPointF(view.mapToGlobal(point.toPoint())),
                                             Qt.MouseButton.LeftButton, buttons, modifiers))


def test_waveform_comes_from_the_peak_cache_and_reopens_from_it(panel: PlayerPanel, corpus: Path) -> None:
    sha = content_hash(corpus / CALL)
    assert peaks_path(sha).is_file()
    assert panel.waveform.duration == pytest.approx(panel.playback.duration)
    assert panel.waveform._speech and len(panel.waveform._speech[0]) >= 3  # agent speech found
    panel.open(str(corpus / CALL), sha)  # the same call again: nothing reloads, the position stays
    assert panel.playback.duration > 0


def test_wheel_zooms_to_50_ms_around_the_cursor_and_back(qtbot, panel: PlayerPanel) -> None:  # noqa: ANN001
    view = panel.waveform
    x = view.width() * 0.3
    under = view.time_at(x)
    wheel(view, x, 1)
    assert view.view_span == pytest.approx(view.duration * 0.8)
    assert view.time_at(x) == pytest.approx(under, abs=1e-6)
    assert panel.scrollbar.maximum() > 0
    for _ in range(40):
        wheel(view, x, 1)
    assert view.view_span == pytest.approx(MIN_SPAN_S)
    assert view.time_at(x) == pytest.approx(under, abs=0.01)
    assert not view.grab().toImage().isNull()  # drawn from the raw samples at this depth
    panel.scrollbar.setValue(panel.scrollbar.value() + panel.scrollbar.pageStep())
    assert view.view_start == pytest.approx(under - 0.3 * MIN_SPAN_S + MIN_SPAN_S, abs=0.01)
    for _ in range(60):
        wheel(view, x, -1)
    assert (view.view_start, view.view_span) == (0.0, view.duration)


def test_n_and_p_jump_between_flags_with_the_lead_in(qtbot, panel: PlayerPanel,  # noqa: ANN001
                                                     flags: list[Flag]) -> None:
    key(qtbot, panel, Qt.Key.Key_N)
    assert panel.playback.playing
    assert panel.playback.position == pytest.approx(0.0, abs=TIMING_SLACK)  # 1.0 s flag, 2 s lead-in
    key(qtbot, panel, Qt.Key.Key_N)
    assert panel.playback.position == pytest.approx(flags[1].start - 2.0, abs=TIMING_SLACK)
    key(qtbot, panel, Qt.Key.Key_N)
    assert panel.playback.position == pytest.approx(flags[2].start - 2.0, abs=TIMING_SLACK)
    key(qtbot, panel, Qt.Key.Key_P)
    assert panel.playback.position == pytest.approx(flags[1].start - 2.0, abs=TIMING_SLACK)

    panel.lead_in_box.setValue(0.5)  # the playhead is now before flag 1's shorter lead-in: N goes there
    key(qtbot, panel, Qt.Key.Key_N)
    assert panel.playback.position == pytest.approx(flags[1].start - 0.5, abs=TIMING_SLACK)
    key(qtbot, panel, Qt.Key.Key_N)
    assert panel.playback.position == pytest.approx(flags[2].start - 0.5, abs=TIMING_SLACK)
    time.sleep(0.3)
    assert panel.playback.position == pytest.approx(flags[2].start - 0.2, abs=TIMING_SLACK)


def test_clicking_a_marker_plays_its_flag(qtbot, panel: PlayerPanel, flags: list[Flag]) -> None:  # noqa: ANN001
    x = round(panel.waveform.x_at(flags[2].start))
    qtbot.mouseClick(panel.waveform, Qt.MouseButton.LeftButton, pos=QPoint(x, MARKER_HEIGHT // 2))
    assert panel.playback.playing
    assert panel.playback.position == pytest.approx(flags[2].start - 2.0, abs=TIMING_SLACK)
    qtbot.mouseClick(panel.waveform, Qt.MouseButton.LeftButton, pos=QPoint(x + 100, 80))
    assert panel.playback.position == pytest.approx(panel.waveform.time_at(x + 100), abs=TIMING_SLACK)


def test_shift_drag_selects_a_region_that_loops(qtbot, panel: PlayerPanel) -> None:  # noqa: ANN001
    view = panel.waveform
    x0, x1 = view.x_at(4.0), view.x_at(5.0)
    mouse(view, QEvent.Type.MouseButtonPress, x0, Qt.MouseButton.LeftButton)
    mouse(view, QEvent.Type.MouseMove, (x0 + x1) / 2, Qt.MouseButton.LeftButton)
    mouse(view, QEvent.Type.MouseMove, x1, Qt.MouseButton.LeftButton)
    mouse(view, QEvent.Type.MouseButtonRelease, x1, Qt.MouseButton.NoButton)

    start, end = panel.playback.loop
    assert start == pytest.approx(4.0, abs=0.05) and end == pytest.approx(5.0, abs=0.05)
    assert view.region == panel.playback.loop
    key(qtbot, panel, Qt.Key.Key_Space)
    time.sleep(1.6)
    qtbot.wait(60)
    assert start <= panel.playback.position < end
    assert panel.playback.position == pytest.approx(start + 1.6 - (end - start), abs=TIMING_SLACK)
    assert "Loop" in panel.loop_label.text()

    key(qtbot, panel, Qt.Key.Key_Escape)
    assert panel.playback.loop is None and view.region is None


def test_speed_keys_change_the_rate_of_play(qtbot, panel: PlayerPanel) -> None:  # noqa: ANN001
    key(qtbot, panel, Qt.Key.Key_BracketRight)
    key(qtbot, panel, Qt.Key.Key_BracketRight)
    assert panel.playback.speed == 1.5 and panel.speed_box.currentText() == "1.50×"
    panel.seek(10.0)
    key(qtbot, panel, Qt.Key.Key_Space)
    time.sleep(1.0)
    assert panel.playback.position == pytest.approx(11.5, abs=TIMING_SLACK * 1.5)
    for _ in range(6):
        key(qtbot, panel, Qt.Key.Key_BracketLeft)
    assert panel.playback.speed == 0.5


def test_channel_solo_silences_the_other_speaker(qtbot, panel: PlayerPanel) -> None:  # noqa: ANN001
    engine: RecordingPlayback = panel.playback
    panel.set_solo(2)
    assert engine.gains == (0.0, 1.0)
    panel.seek(3.5)  # the customer's first turn
    key(qtbot, panel, Qt.Key.Key_Space)
    time.sleep(1.0)
    key(qtbot, panel, Qt.Key.Key_Space)
    heard = engine.heard()[:6000]
    assert not heard[:, 0].any() and np.abs(heard[:, 1]).max() > 0.05

    panel.channel_box.setCurrentIndex(1)
    assert engine.gains == (1.0, 0.0)
    panel.channel_box.setCurrentIndex(0)
    assert engine.gains == (1.0, 1.0)


def test_arrow_keys_home_and_end(qtbot, panel: PlayerPanel) -> None:  # noqa: ANN001
    panel.seek(10.0)
    key(qtbot, panel, Qt.Key.Key_Right)
    assert panel.playback.position == pytest.approx(15.0)
    key(qtbot, panel, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert panel.playback.position == pytest.approx(14.0)
    key(qtbot, panel, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    key(qtbot, panel, Qt.Key.Key_Left)
    assert panel.playback.position == pytest.approx(10.0)
    key(qtbot, panel, Qt.Key.Key_End)
    assert panel.playback.position == panel.playback.duration
    key(qtbot, panel, Qt.Key.Key_Home)
    assert panel.playback.position == 0.0
    panel._on_tick()
    assert panel.time_label.text().startswith("00:00.00 / ")


def test_typing_in_a_text_field_keeps_its_keys(qtbot, panel: PlayerPanel) -> None:  # noqa: ANN001
    notes: QLineEdit = panel.window().notes
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus, timeout=2000)
    qtbot.keyClicks(notes, "n p [ ]?")
    qtbot.keyClick(notes, Qt.Key.Key_Left)
    qtbot.keyClick(notes, Qt.Key.Key_Home)

    assert notes.text() == "n p [ ]?"
    assert not panel.playback.playing and panel.playback.position == 0.0 and panel.playback.speed == 1.0
    assert not panel.help.isVisible()


def test_question_mark_shows_every_shortcut(qtbot, panel: PlayerPanel) -> None:  # noqa: ANN001
    key(qtbot, panel, Qt.Key.Key_Question)
    assert panel.help.isVisible()
    text = panel.help.card.text()
    for name in ("Space", "←", "→", "Shift+←", "Shift+→", "N", "P", "[", "]", "Home", "End", "?"):
        assert f">{name}<" in text
    qtbot.keyClick(panel.help, Qt.Key.Key_Escape)
    assert not panel.help.isVisible()


def test_play_pressed_while_loading_starts_when_the_audio_arrives(qtbot, corpus: Path,  # noqa: ANN001
                                                                  panel: PlayerPanel) -> None:
    other = corpus / "calls" / "zh_good_delivery.wav"
    panel.open(str(other), content_hash(other))
    panel.toggle_play()
    qtbot.waitUntil(lambda: panel.playback.playing, timeout=10000)
    assert panel.playback.duration == pytest.approx(43.653, abs=0.01)
    panel.toggle_play()  # the request made while loading was carried out once: Pause now pauses, for good
    assert not panel.playback.playing and panel.play_button.text() == "Play"


def test_space_at_the_end_of_a_call_plays_it_again_from_the_start(qtbot, panel: PlayerPanel) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: panel.playback.duration > 0, timeout=10000)
    panel.seek(panel.playback.duration)
    panel.toggle_play()
    assert panel.playback.playing and panel.playback.position < 1.0
    panel.toggle_play()


def test_qt_void_calls_do_not_leak_references_to_none(qtbot) -> None:  # noqa: ANN001
    """PySide6 6.12.0 under Python 3.11 drops a reference to None on every call returning void; painting a
    waveform makes thousands of such calls, so the player aborted within seconds (pinned out in pyproject)."""
    import sys

    from PySide6.QtGui import QColor, QPainter, QPixmap

    pixmap = QPixmap(20, 20)
    painter = QPainter(pixmap)
    before = sys.getrefcount(None)
    for _ in range(2000):
        painter.fillRect(0, 0, 5, 5, QColor("#123456"))
    painter.end()
    assert sys.getrefcount(None) >= before - 50


def test_skip_silence_jumps_over_the_hold(qtbot, panel: PlayerPanel, corpus: Path) -> None:  # noqa: ANN001
    """zh_hold_fillers has a 14 s silent hold from about 13 s: with skip-silence on, playback hops it."""
    call = corpus / "calls" / "zh_hold_fillers.mp3"
    panel.open(str(call), content_hash(call))
    qtbot.waitUntil(lambda: panel.playback.duration > 0, timeout=10000)
    panel.skip_box.setChecked(True)
    panel.seek(12.5)
    panel.toggle_play()
    qtbot.wait(1500)
    assert panel.playback.playing
    assert 26.5 < panel.playback.position < 28.5

    panel.skip_box.setChecked(False)
    panel.seek(14.0)
    qtbot.wait(500)
    assert panel.playback.position == pytest.approx(14.5, abs=TIMING_SLACK)


def test_loop_and_play_asked_for_while_loading_apply_when_the_audio_arrives(qtbot, corpus: Path,  # noqa: ANN001
                                                                            panel: PlayerPanel) -> None:
    """As the coaching window does: open a call, loop a moment and play it, all before the audio is decoded."""
    other = corpus / "calls" / "zh_good_delivery.wav"
    panel.open(str(other), content_hash(other))
    panel.set_loop(8.0, 9.0)
    panel.seek_and_play(8.0)
    qtbot.waitUntil(lambda: panel.playback.playing, timeout=10000)
    qtbot.wait(1400)
    assert panel.playback.loop == (8.0, 9.0) and panel.waveform.region == (8.0, 9.0)
    assert 8.0 <= panel.playback.position < 9.0


def test_transcript_highlights_the_word_being_spoken(qtbot) -> None:  # noqa: ANN001
    from qaworkstation.core.domain import Segment, Word
    from qaworkstation.ui.transcript_view import TranscriptView

    view = TranscriptView()
    qtbot.addWidget(view)
    view.set_transcript([Segment("agent", 0.0, 2.0, "您好 请问", [Word(0.0, 0.5, "您好"), Word(0.6, 1.5, " 请问")]),
                         Segment("customer", 2.5, 4.0, "hello there",
                                 [Word(2.5, 3.0, " hello"), Word(3.0, 3.8, " there")])], [])
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    spoken, lines = [], []
    for seconds in (0.2, 1.0, 3.4, 5.0):
        view.set_position(seconds)
        view.highlight_word(seconds)
        selections = view.extraSelections()
        spoken.append(selections[0].cursor.selectedText() if selections else "")
        lines.append(view.line_rect())
    assert spoken == ["您好", "请问", "there", ""]

    def line_of(text: str) -> QRectF:
        return QRectF(view.cursorRect(view.document().find(text)))

    assert lines[0] == lines[1] and lines[0].contains(line_of("请问")) and lines[0].width() == view.viewport().width()
    assert lines[2].contains(line_of("there")) and not lines[2].intersects(line_of("请问")) and lines[3] is None
    view.set_position(3.4)
    view.add_segment(Segment("agent", 4.2, 4.8, "好的", [Word(4.2, 4.8, "好的")]))  # a line written live
    assert view.line_rect() == lines[2]  # the line played stays marked


def test_a_transcript_written_live_line_by_line_is_the_one_shown_whole(qtbot) -> None:  # noqa: ANN001
    """A long call written live (three tables of lines) looks and behaves as its finished transcript: the same
    pixels, the line being played marked, the spoken word found, a click seeking; a late line goes in order."""
    from qaworkstation.core.domain import Segment, Word
    from qaworkstation.ui.transcript_view import TranscriptView

    segments = []
    for index in range(130):
        start = index * 2.0
        words = [Word(start + 0.3 * n, start + 0.3 * n + 0.25, f"第{index}句{n}") for n in range(4)]
        segments.append(Segment("agent" if index % 2 else "customer", start, start + 1.9,
                                "".join(word.text for word in words), words))
    live, whole = TranscriptView(), TranscriptView()
    for view in (live, whole):
        qtbot.addWidget(view)
        view.resize(500, 300)
        view.show()
        qtbot.waitExposed(view)
    for segment in segments:
        live.add_segment(segment)
    whole.set_transcript(segments, [])
    for view in (live, whole):
        view.document().documentLayout().documentSize()  # laid out to the end now, not bit by bit while idle
    QApplication.processEvents()  # ... and the views' scroll ranges follow
    assert live.toPlainText() == whole.toPlainText()
    for view in (live, whole):
        view.set_position(segments[120].start + 0.5)
        view.highlight_word(segments[120].start + 0.5)
    assert live.grab().toImage() == whole.grab().toImage()
    assert live.extraSelections()[0].cursor.selectedText() == "第120句1"
    line = live.line_rect()
    assert line is not None and line.contains(QRectF(live.cursorRect(live.document().find("第120句3"))))
    sought: list[float] = []
    live.seekRequested.connect(sought.append)
    point = live.cursorRect(live.document().find("第121句2")).center()
    qtbot.mouseClick(live.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert sought == [segments[121].start]
    live.add_segment(Segment("agent", 101.0, 101.5, "补上的一句", [Word(101.0, 101.5, "补上的一句")]))
    text = live.toPlainText()
    assert text.index("第50句") < text.index("补上的一句") < text.index("第51句")


def test_typing_in_the_scorecard_of_the_real_window_keeps_its_keys(qtbot, store, transcriber, rubrics,  # noqa: ANN001
                                                                    tmp_path: Path) -> None:
    from qaworkstation.ui.main_window import MainWindow

    window = MainWindow(store, transcriber, rubrics, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.scorecard.set_rubric(rubrics.for_language("zh"))  # what opening a call does: the card takes input
    comment = next(iter(window.scorecard._rows.values())).comment
    for field, text in ((window.scorecard.overall, "] ]?[ n"), (comment, "p ]?")):
        field.setFocus()
        qtbot.waitUntil(field.hasFocus, timeout=2000)
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Left)
        assert (field.toPlainText() if field is window.scorecard.overall else field.text()) == text
    assert window.playback.speed == 1.0 and not window.player.help.isVisible()

    window.player.waveform.setFocus()
    qtbot.keyClick(window.player.waveform, Qt.Key.Key_BracketRight)
    assert window.playback.speed == 1.25  # the same key reaches the player once the text field lets go
    window.close()
