"""The library list on real widgets over a real library file: pages read as they are painted, sorting and
filtering in SQL, the selected call kept, keyboard navigation, the review marks, and a newly analysed call
listed (and searchable) without reloading the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from qaworkstation.core.domain import Evaluation, Flag, ItemScore, Segment
from qaworkstation.core.library.query import NOT_SCORED, LibraryQuery, LibraryReader
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.ui import library_model
from qaworkstation.ui.library_model import PAGE_SIZE
from qaworkstation.ui.library_view import LibraryView
from qaworkstation.ui.main_window import MainWindow

CALLS = 450  # more than two pages
BOSS, INSPECTOR = "boss", "ins"


class CountingReader(LibraryReader):
    """The real reader, counting the pages it is asked for."""

    pages_read = 0

    def page(self, query: LibraryQuery, offset: int, limit: int) -> list[dict]:
        self.pages_read += 1
        return super().page(query, offset, limit)


def _add(store: Store, number: int, agent: str, risk: float, flags: int, call_type: str = "") -> str:
    recording_id, _ = store.add_recording({
        "sha256": f"{number:064d}", "path": f"/calls/c{number}.wav", "file_name": f"c{number:04d}.wav",
        "duration": 30.0 + number, "channels": 2, "samplerate": 8000, "agent": agent, "team": f"T{number % 3}",
        "call_time": f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}T10:00:00", "call_type": call_type})
    flag = Flag("forbidden", "p", "t", "agent", 1.0, 2.0, "x", 1.0)
    store.save_analysis(recording_id, "r", [flag] * flags, [], risk=risk)
    return recording_id


@pytest.fixture
def library(store: Store) -> tuple[Store, list[str]]:
    ids = [_add(store, number, f"A{number % 7}", risk=float(number % 10), flags=number % 4,
                call_type="complaint" if number % 5 == 0 else "enquiry") for number in range(CALLS)]
    roles.ensure_user(store, BOSS)
    roles.ensure_user(store, INSPECTOR)
    roles.set_role(store, INSPECTOR, roles.INSPECTOR, changed_by=BOSS)
    return store, ids


@pytest.fixture
def view(qtbot, library: tuple[Store, list[str]]) -> LibraryView:
    store, _ids = library
    widget = LibraryView()
    qtbot.addWidget(widget)
    widget.set_reader(CountingReader(store.reader().connection))
    widget.refresh()
    widget.resize(420, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _column(view: LibraryView, column: int, rows: int) -> list[str]:
    return [view.table.item(row, column).text() for row in range(rows)]


def _scorecard(recording_id: str) -> Evaluation:
    return Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector=INSPECTOR, total=4.0, max_total=5.0,
                      items={"greeting": ItemScore("greeting", 4.0, reviewed=True)})


def test_only_the_pages_painted_are_read(view: LibraryView) -> None:
    assert view.table.rowCount() == CALLS
    assert view.reader.pages_read == 1
    assert view.count_label.text() == f"{CALLS:,} calls"
    view.table.scrollToBottom()
    assert view.table.item(CALLS - 1, 0).text()
    assert view.reader.pages_read <= 3 < CALLS // PAGE_SIZE  # the first page and the last ones, none between


def test_riskiest_first_then_by_flag_count(view: LibraryView, library: tuple[Store, list[str]]) -> None:
    store, _ids = library
    rows = [view.model.row(row) for row in range(CALLS)]
    keys = [(row["risk"], row["flag_count"]) for row in rows]
    assert keys == sorted(keys, reverse=True)
    assert [row["id"] for row in rows] == [row["id"] for row in store.list_recordings()]


def test_a_header_click_sorts_in_sql(view: LibraryView, qtbot) -> None:
    view.table.horizontalHeader().setSortIndicator(1, Qt.AscendingOrder)
    agents = _column(view, 1, CALLS)
    assert agents == sorted(agents) and agents[0] == "A0"
    view.table.horizontalHeader().setSortIndicator(4, Qt.DescendingOrder)
    lengths = [view.model.row(row)["duration"] for row in range(CALLS)]
    assert lengths == sorted(lengths, reverse=True)


def test_filters_by_agent_call_type_and_date(view: LibraryView) -> None:
    view.agent.setCurrentIndex(view.agent.findData("A3"))
    view.refresh()
    assert view.table.rowCount() == len([n for n in range(CALLS) if n % 7 == 3])
    assert set(_column(view, 1, view.table.rowCount())) == {"A3"}
    view.call_type.setCurrentIndex(view.call_type.findData("complaint"))
    view.refresh()
    assert view.table.rowCount() == len([n for n in range(CALLS) if n % 7 == 3 and n % 5 == 0])
    view.agent.setCurrentIndex(0)
    view.call_type.setCurrentIndex(0)
    view.date_from.setDate(view.date_from.date().fromString("2025-03-01", Qt.ISODate))
    view.date_to.setDate(view.date_to.date().fromString("2025-03-31", Qt.ISODate))
    view.refresh()
    assert view.table.rowCount() == len([n for n in range(CALLS) if n % 12 == 2])


def test_review_filter_and_marks_tell_a_draft_from_a_submission(view: LibraryView,
                                                                library: tuple[Store, list[str]]) -> None:
    store, ids = library
    lifecycle.save(store, _scorecard(ids[0]), INSPECTOR)
    submitted = lifecycle.save_and_submit(store, _scorecard(ids[1]), INSPECTOR)
    lifecycle.save_and_submit(store, _scorecard(ids[2]), INSPECTOR)
    lifecycle.open_dispute(store, submitted.id, "greeting", "I did greet", BOSS)
    expected = {"draft": ({ids[0]}, "✎"), "submitted": ({ids[2]}, "✓"), "disputed": ({ids[1]}, "⚠")}
    for review, (calls, mark) in expected.items():
        view.review.setCurrentIndex(view.review.findData(review))
        view.refresh()
        assert {view.model.row(row)["id"] for row in range(view.table.rowCount())} == calls
        assert view.table.item(0, 5).text() == mark
    view.review.setCurrentIndex(view.review.findData(NOT_SCORED))
    view.refresh()
    assert view.table.rowCount() == CALLS - 3
    assert set(_column(view, 5, view.table.rowCount())) == {""}


def test_the_selected_call_stays_selected_through_sorts_filters_and_refreshes(
        view: LibraryView, library: tuple[Store, list[str]], qtbot) -> None:
    _store, ids = library
    chosen = ids[300]  # far down the list: its page is read, the ones above it are not
    with qtbot.waitSignal(view.recordingSelected) as selected:
        assert view.select(chosen)
    assert selected.args == [chosen]
    view.table.horizontalHeader().setSortIndicator(0, Qt.AscendingOrder)
    assert view.selected_id() == chosen
    assert view.model.index(view.table.currentIndex().row(), 0).data() == "c0300"
    view.agent.setCurrentIndex(view.agent.findData("A6"))  # 300 % 7 == 6: still listed
    view.refresh()
    assert view.table.selectionModel().selectedRows()[0].data() == "c0300"
    with qtbot.assertNotEmitted(view.recordingSelected):  # refreshing does not reopen the call
        view.refresh()


def test_arrow_keys_walk_the_list_and_open_each_call(view: LibraryView, qtbot) -> None:
    view.select(view.model.row(0)["id"])
    view.table.setFocus()
    for row in (1, 2):
        with qtbot.waitSignal(view.recordingSelected) as selected:
            qtbot.keyClick(view.table, Qt.Key_Down)
        assert selected.args == [view.model.row(row)["id"]]
    with qtbot.waitSignal(view.recordingSelected) as selected:
        qtbot.keyClick(view.table, Qt.Key_PageDown)
    row = view.table.currentIndex().row()
    assert row > 2 and selected.args == [view.model.row(row)["id"]]


def test_a_drawn_sample_limits_the_list(view: LibraryView, library: tuple[Store, list[str]]) -> None:
    _store, ids = library
    view.set_sample(ids[:5])
    view.refresh()
    assert view.table.rowCount() == 5 and view.sample_label.isVisible()
    view.set_sample(None)
    view.refresh()
    assert view.table.rowCount() == CALLS


def test_a_newly_analysed_call_appears_in_the_list_and_in_search_without_a_reload(
        qtbot, library: tuple[Store, list[str]], transcriber, rubrics, tmp_path: Path, warnings) -> None:
    store, _ids = library
    window = MainWindow(store, transcriber, rubrics, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    try:
        window.show()
        reader = CountingReader(store.reader().connection)
        window.library.set_reader(reader)
        window.refresh_library()
        window.library.select(window.library.model.row(0)["id"])
        pages_before = reader.pages_read
        recording_id, _ = store.add_recording({"sha256": "e" * 64, "path": "/calls/new.wav", "file_name": "new.wav",
                                               "duration": 40.0, "channels": 2, "samplerate": 8000, "agent": "NEW"})
        store.save_transcript(recording_id, "new-key", "model", {}, "zh",
                              [Segment("customer", 3.0, 5.0, "我要退款，马上", [])])
        store.save_analysis(recording_id, "r", [Flag("forbidden", "p", "t", "agent", 1.0, 2.0, "x", 9.0)], [],
                            risk=5_000_000.0)
        window.queue.analysed.emit(recording_id)  # what the queue says once it has stored a call's analysis
        assert window.library.table.rowCount() == CALLS + 1
        assert window.library.model.row(0)["id"] == recording_id  # the riskiest call, on top
        assert window.library.agent.findData("NEW") > 0
        assert reader.pages_read - pages_before <= 3  # the pages in view, not the library
        window.open_search()
        window.search_window.query.setText("退款")
        window.search_window.search_now()
        qtbot.waitUntil(lambda: window.search_window.results.rowCount() == 1, timeout=5000)
        assert "<span" in window.search_window.results.item(0, 4).text()
        window.search_window.results.setCurrentCell(0, 4)
        qtbot.keyClick(window.search_window.results, Qt.Key_Return)
        qtbot.waitUntil(lambda: window.call is not None and window.call.recording["id"] == recording_id,
                        timeout=10000)
        assert window.library.selected_id() == recording_id
    finally:
        window.close()


def test_a_long_list_paints_its_first_count_then_grows_to_the_exact_one(
        qtbot, library: tuple[Store, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_model, "FIRST_COUNT", 100)  # 450 calls stand for a library past the bound
    store, _ids = library
    view = LibraryView()
    qtbot.addWidget(view)
    view.set_reader(store.reader())
    view.refresh()
    assert view.table.rowCount() == 100 and not view.model.exact  # painted before the whole count
    assert view.count_label.text() == "100+ calls (counting…)"
    qtbot.waitUntil(lambda: view.model.exact)
    assert view.table.rowCount() == CALLS and view.count_label.text() == f"{CALLS:,} calls"
    far = view.model.row(420)["id"]  # beyond the first count: found by the counting thread
    with qtbot.waitSignal(view.recordingSelected) as selected:
        assert view.select(far)
    assert selected.args == [far] and view.table.currentIndex().row() == 420
    _add(store, CALLS, "A1", risk=0.0, flags=0)  # the least risky call: it joins the end of the list
    view.refresh()
    assert view.table.rowCount() == CALLS  # same rows, re-read in place: scroll and selection stay
    qtbot.waitUntil(lambda: view.table.rowCount() == CALLS + 1)
    assert view.table.currentIndex().row() == 420 and view.selected_id() == far
    view.agent.setCurrentIndex(view.agent.findData("A1"))  # a short list again: counted at once
    view.refresh()
    assert view.model.exact and view.table.rowCount() == 1 + len([n for n in range(CALLS) if n % 7 == 1])


def test_library_pages_scrolled_to_and_refreshed_are_read_off_the_gui_thread(
        qtbot, library: tuple[Store, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """While the queue writes, a page read on the GUI thread is a frozen frame: only a new filter's first
    screen is read there; a page scrolled to arrives from the page thread, and a refresh shows the old rows until
    their new reading arrives (never an empty screen)."""
    import threading

    store, _ids = library
    readers: list[str] = []
    real_page = LibraryReader.page

    def page_noting_thread(reader: LibraryReader, query: LibraryQuery, offset: int, limit: int) -> list[dict]:
        readers.append(threading.current_thread().name)
        return real_page(reader, query, offset, limit)

    monkeypatch.setattr(LibraryReader, "page", page_noting_thread)
    view = LibraryView()
    qtbot.addWidget(view)
    view.resize(420, 600)
    view.set_reader(store.reader())
    view.refresh()
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: bool(readers))
    qtbot.wait(50)
    assert readers == ["MainThread"]  # the first screen of the list, read as it is painted
    assert view.model.index(0, 0).data()
    view.table.scrollToBottom()
    view.table.viewport().repaint()
    last = view.model.index(CALLS - 1, 0)
    assert last.data() == ""  # painted empty for the frame its page takes to arrive
    qtbot.waitUntil(lambda: bool(last.data()))
    assert readers[0] == "MainThread" and readers[1:] and all(name != "MainThread" for name in readers[1:])
    shown_before = last.data()
    flagged = view.model.row(CALLS - 1)["id"]
    assert shown_before == view.model.row(CALLS - 1)["file_name"].removesuffix(".wav")
    store.save_analysis(flagged, "r", [Flag("forbidden", "p", "t", "agent", 1.0, 2.0, "x", 1.0)] * 9, [], risk=0.5)
    reads = len(readers)
    view.refresh()
    assert last.data() == shown_before  # still shown while its page is read again
    qtbot.waitUntil(lambda: len(readers) > reads and view.model.index(CALLS - 1, 0).data() != "")
    assert all(name != "MainThread" for name in readers[reads:])
