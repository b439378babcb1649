"""The library list as a Qt model over the library file: it holds a count and the pages it has painted.

A year of calls is 100,000 rows; building an item per cell took seconds and hundreds of megabytes. This model
asks :class:`~qaworkstation.core.library.query.LibraryReader` for the number of matching calls and reads a page
of rows only when the view paints one, so filtering, sorting and scrolling each cost an indexed query.

Counting is bounded too: a filter change counts the first :data:`FIRST_COUNT` matches (a few milliseconds), so
the first page paints at once, and when there are more a thread of the model counts them all on a connection of
its own (up to a quarter of a second for two unindexed filters on 100,000 calls) and the list grows to the
exact figure; a selected call further down is found the same way.

Scrolling and refreshing never read on the GUI thread: a page the view paints for the first time is read by the
model's page thread (with the next one, so scrolling on finds it held) and its rows are painted when it
arrives; after a refresh the rows shown stay until their new reading arrives. While the analysis queue writes
to the file, a page read on the GUI thread took 27-47 ms — two frames. Only a new filter or sort reads its
first page at once, so the list never shows an empty screen for a change the inspector made.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ..core.library.query import (REVIEW_DISPUTED, REVIEW_DRAFT, REVIEW_SUBMITTED, ROW_COLUMNS, LibraryQuery,
                                  LibraryReader)
from .format import clock

PAGE_SIZE = 64  # about two screens: the first paint reads no more than it shows
FIRST_COUNT = 2_000  # matches counted before the first paint; more are counted off the GUI thread
FIRST_COUNT_WORK = 30  # thousand SQLite steps the first count may take (~5 ms); more is left to the thread
PAGES_KEPT = 150  # about 10,000 rows of a few hundred bytes: scrolling back never re-reads what was just seen
PAGES_REREAD = 3  # pages last painted that a refresh reads again (a screen and its neighbour); the rest go
CRITICAL_RISK = 1_000_000  # see core.risk: any critical hit scores at least this
SEVERE_RISK = 10_000
ID_ROLE = Qt.UserRole

# Column -> the library order its header sorts by.
COLUMN_SORTS = ("call", "agent", "time", "risk", "length", "review")
FLAGS_COLUMN = COLUMN_SORTS.index("risk")
REVIEW_COLUMN = COLUMN_SORTS.index("review")
_DISPLAY, _ID, _TOOLTIP = int(Qt.DisplayRole), int(ID_ROLE), int(Qt.ToolTipRole)
_BACKGROUND, _FOREGROUND, _ALIGNMENT = int(Qt.BackgroundRole), int(Qt.ForegroundRole), int(Qt.TextAlignmentRole)
_ROLES_SHOWN = frozenset((_DISPLAY, _ID, _TOOLTIP, _BACKGROUND, _FOREGROUND, _ALIGNMENT))
# Counts, lengths and marks centred, names and times as text: what each column's cells align to.
ALIGNMENTS = tuple(Qt.AlignCenter if column >= FLAGS_COLUMN else Qt.AlignLeft | Qt.AlignVCenter
                   for column in range(len(COLUMN_SORTS)))
REVIEW_MARKS = {REVIEW_SUBMITTED: ("✓", "#188038"), REVIEW_DRAFT: ("✎", "#5f6368"), REVIEW_DISPUTED: ("⚠", "#c5221f")}


class Shown(NamedTuple):
    """A library row with what its cells show, worked out once when its page is read: the view asks for seven
    roles of every cell on every paint, and working them out per ask cost more than Qt's own painting."""

    row: dict[str, Any]
    texts: tuple[str, ...]
    background: QBrush | None  # of the flags cell
    foreground: QBrush | None  # of the review mark


class LibraryModel(QAbstractTableModel):
    """Rows of the library for one :class:`LibraryQuery`, read a page at a time."""

    counted = Signal()  # the exact number of matching calls is known (``exact`` is True)
    _answered = Signal(int, object, object)  # generation, what to do with the answer, the answer
    _page_read = Signal(int, int, object)  # generation, page number, its rows (Shown)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader: LibraryReader | None = None
        self.query = LibraryQuery()
        self.exact = True
        self._count = 0
        self._generation = 0  # bumped by every new query or refresh: a late answer to an older one is dropped
        self._counter: ThreadPoolExecutor | None = None
        self._counting_reader: LibraryReader | None = None
        self._answered.connect(self._on_answer)
        self._pages: OrderedDict[int, list[Shown]] = OrderedDict()
        self._pager: ThreadPoolExecutor | None = None
        self._paging_reader: LibraryReader | None = None
        self._asked: set[int] = set()  # pages asked of the page thread and not arrived yet
        self._read_at_once = True  # until the view has painted a new query once
        self._page_read.connect(self._on_page_read)
        self._headers = (self.tr("Call"), self.tr("Agent"), self.tr("Time"), self.tr("Flags"), self.tr("Length"),
                         self.tr("Scored"))

    # what the view asks -----------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(COLUMN_SORTS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Horizontal:
            return None
        if role == Qt.DisplayRole:
            return "✓" if section == REVIEW_COLUMN else self._headers[section]
        return self._headers[section] if role == Qt.ToolTipRole else None

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole) -> Any:
        """The view asks for several roles of every cell on every paint: roles are compared as plain ints,
        since comparing with Qt's enum objects costs more than the rest of the call."""
        if role not in _ROLES_SHOWN:
            return None
        number = index.row()
        if number >= self._count or number < 0:
            return None
        shown = self.shown(number)
        if role == _DISPLAY:
            return shown.texts[index.column()]
        if role == _ID:
            return shown.row["id"]
        if role == _BACKGROUND:
            return shown.background if index.column() == FLAGS_COLUMN else None
        if role == _FOREGROUND:
            return shown.foreground if index.column() == REVIEW_COLUMN else None
        if role == _TOOLTIP:
            return self._tooltip(shown.row, index.column()) if shown.row["id"] else None
        return int(ALIGNMENTS[index.column()])

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        self.set_query(self.query.sorted_by(COLUMN_SORTS[column], order == Qt.DescendingOrder))

    # what the library view asks ---------------------------------------------------------------------------

    def set_reader(self, reader: LibraryReader) -> None:
        self.reader = reader
        self._counting_reader = self._paging_reader = None  # the next count or page opens one on the new library
        self.set_query(self.query)

    def set_query(self, query: LibraryQuery) -> None:
        """Show the calls of ``query``: a bounded count, no page read until one is painted (unless it stands in
        for a count too slow to wait for), and the rest of the count to follow."""
        self.beginResetModel()
        self.query = query
        self._pages.clear()
        self._new_generation()
        bounded = self._bounded_count()
        if bounded is None:
            self._count = len(self._read_page(0))
            self.exact = self._count < PAGE_SIZE
        else:
            self._count, self.exact = bounded, bounded < FIRST_COUNT
        self._read_at_once = True  # the inspector's own change: its first screen paints whole, never empty
        self.endResetModel()
        if not self.exact:
            self._count_all()

    def refresh(self) -> None:
        """The library changed (a call analysed, scored, imported): re-read the count and the pages in view.
        A short list whose count changed is read anew; otherwise the pages last painted are read again off the
        GUI thread and shown meanwhile as they were, so the view keeps its scroll and selection, and a long
        list's rows follow its recount at the end."""
        bounded = self._bounded_count()
        if bounded is not None and bounded != self._count and min(bounded, self._count) < FIRST_COUNT:
            self.set_query(self.query)
            return
        self._new_generation()
        in_view = list(self._pages)[-PAGES_REREAD:]
        if self._paging_reader_ready():
            self._pages = OrderedDict((number, self._pages[number]) for number in in_view)
            for number in in_view:
                self._ask_page(number)
        else:
            self._pages.clear()
            if self._count:
                self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(COLUMN_SORTS) - 1))
        if bounded is None or bounded >= FIRST_COUNT:
            self._count_all()

    def _new_generation(self) -> None:
        """Answers asked for before this point are for a list that no longer is: they are dropped."""
        self._generation += 1
        self._asked.clear()

    def _bounded_count(self) -> int | None:
        """The matches up to :data:`FIRST_COUNT`, or None when even that needs more than :data:`FIRST_COUNT_WORK`
        (few matches spread over a large index range)."""
        if self.reader is None:
            return 0
        return self.reader.count_within(self.query, FIRST_COUNT, FIRST_COUNT_WORK)

    def _count_all(self) -> None:
        self._in_background(lambda reader, query=self.query: reader.count(query), self._grow_to)

    def _grow_to(self, count: int) -> None:
        """The exact count arrived: rows are added (or removed) at the end, so scroll and selection stay."""
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        elif count < self._count:
            self.beginRemoveRows(QModelIndex(), count, self._count - 1)
            self._count = count
            self.endRemoveRows()
        self.exact = True
        self.counted.emit()

    def locate(self, recording_id: str, found: Callable[[int], None]) -> bool:
        """Call ``found`` with the row of ``recording_id`` — at once when it is near the top, later (from the
        counting thread) when it is further down; False when the filters leave it out."""
        if self.reader is None:
            return False
        row = self.reader.position(self.query, recording_id, at_most=FIRST_COUNT)
        if row is None:
            return False
        if row < FIRST_COUNT:
            found(row)
        else:
            self._in_background(lambda reader, query=self.query: reader.position(query, recording_id), found)
        return True

    def _in_background(self, work: Callable[[LibraryReader], Any], then: Callable[[Any], None]) -> None:
        """``work`` on the counting thread's own reader, ``then`` its answer here unless the list has changed
        since. A reader that cannot be reopened answers here and now."""
        generation = self._generation
        if self._counting_reader is None:
            self._counting_reader = self.reader.another()  # used only on the counting thread from now on
        if self._counting_reader is None:
            then(work(self.reader))
            return
        if self._counter is None:
            self._counter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="library count")
        self._counter.submit(self._answer, generation, work, then)

    def _answer(self, generation: int, work: Callable[[LibraryReader], Any], then: Callable[[Any], None]) -> None:
        """On the counting thread: work asked for a list that has changed since is skipped, not done (filters
        clicked through quickly queue several); a count is a convenience, so a failure (the library closed
        meanwhile) is logged and the list keeps its first count."""
        if generation != self._generation:
            return
        try:
            self._answered.emit(generation, then, work(self._counting_reader))
        except Exception:  # noqa: BLE001 - see above: logged, never lost silently
            logging.getLogger(__name__).exception("counting the library list failed")

    def _on_answer(self, generation: int, then: Callable[[Any], None], answer: Any) -> None:
        if generation == self._generation and answer is not None:
            then(answer)

    def row(self, number: int) -> dict[str, Any]:
        """The library row at ``number``, read now if its page is not held (for code that needs the row itself,
        such as the call a keypress selected; painting never waits for a page)."""
        page_number = number // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            page = self._read_page(page_number)
        return page[number % PAGE_SIZE].row if number % PAGE_SIZE < len(page) else _GONE.row

    def shown(self, number: int) -> Shown:
        """What row ``number`` shows: its page if held, else an empty row while the page thread reads it."""
        page_number = number // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            if self._read_at_once or not self._paging_reader_ready():
                page = self._read_page(page_number)
            else:
                self._ask_page(page_number)
                self._ask_page(page_number + 1)  # scrolling on finds the next one held
                return _LOADING
        else:
            self._pages.move_to_end(page_number)
        return page[number % PAGE_SIZE] if number % PAGE_SIZE < len(page) else _GONE

    def painted(self) -> None:
        """The view has painted the list since the last query change: from now on pages come from the thread."""
        self._read_at_once = False

    def _read_page(self, page_number: int) -> list[Shown]:
        """Read a page here and now (a new query's first page, or no second connection to read it on)."""
        page = self._shown_rows(self.reader.page(self.query, page_number * PAGE_SIZE, PAGE_SIZE))
        self._keep(page_number, page)
        return page

    def _keep(self, page_number: int, page: list[Shown]) -> None:
        self._pages[page_number] = page
        self._pages.move_to_end(page_number)
        if len(self._pages) > PAGES_KEPT:
            self._pages.popitem(last=False)

    def _paging_reader_ready(self) -> bool:
        if self._paging_reader is None and self.reader is not None:
            self._paging_reader = self.reader.another() or False  # False: this reader cannot be reopened
        return bool(self._paging_reader)

    def _ask_page(self, page_number: int) -> None:
        if page_number in self._asked or page_number * PAGE_SIZE >= self._count:
            return
        self._asked.add(page_number)
        if self._pager is None:
            self._pager = ThreadPoolExecutor(max_workers=1, thread_name_prefix="library pages")
        self._pager.submit(self._read_page_aside, self._generation, self.query, page_number)

    def _read_page_aside(self, generation: int, query: LibraryQuery, page_number: int) -> None:
        """On the page thread. A failure (the library closed meanwhile) leaves the page to be asked again."""
        if generation != self._generation:
            return
        try:
            page = self._shown_rows(self._paging_reader.page(query, page_number * PAGE_SIZE, PAGE_SIZE))
        except Exception:  # noqa: BLE001 - logged; the row stays empty until the next refresh asks again
            logging.getLogger(__name__).exception("reading a page of the library list failed")
            page = None
        self._page_read.emit(generation, page_number, page)

    def _on_page_read(self, generation: int, page_number: int, page: list[Shown] | None) -> None:
        if generation != self._generation:
            return
        self._asked.discard(page_number)
        if page is None:
            return
        self._keep(page_number, page)
        first, last = page_number * PAGE_SIZE, min((page_number + 1) * PAGE_SIZE, self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMN_SORTS) - 1))

    def _shown_rows(self, rows: list[dict[str, Any]]) -> list[Shown]:
        return [self._shown_row(row) for row in rows]

    def _shown_row(self, row: dict[str, Any]) -> Shown:
        return Shown(row, tuple(self._text(row, column) for column in range(len(COLUMN_SORTS))),
                     _risk_background(row["risk"]), _REVIEW_BRUSHES.get(row["review"]))

    # cells ------------------------------------------------------------------------------------------------

    def _text(self, row: dict[str, Any], column: int) -> str:
        if column == 0:
            return row["call_id"] or row["file_name"].rsplit(".", 1)[0]
        if column == 1:
            return row["agent"]
        if column == 2:
            return row["call_time"][5:16].replace("T", " ")
        if column == FLAGS_COLUMN:
            return self._flags_text(row)
        if column == 4:
            return clock(row["duration"]) if row["id"] else ""
        return REVIEW_MARKS.get(row["review"], ("", ""))[0]

    def _flags_text(self, row: dict[str, Any]) -> str:
        if row["status"] == "error":
            return self.tr("error")
        return str(row["flag_count"]) if row["status"] == "analysed" else ""

    def _tooltip(self, row: dict[str, Any], column: int) -> str:
        if column == REVIEW_COLUMN:
            return {REVIEW_SUBMITTED: self.tr("Submitted"), REVIEW_DRAFT: self.tr("Draft — not submitted yet"),
                    REVIEW_DISPUTED: self.tr("Disputed")}.get(row["review"], self.tr("Not scored"))
        details = [row["file_name"], row["path"], f"{row['team']} {row['call_time']}".strip(), row["call_type"],
                   row["error"]]
        return "\n".join(detail for detail in details if detail)


# A row that left the list between the count and the page read (a concurrent change): shown empty until the
# refresh that change triggers. A row whose page is being read looks the same for the frame it takes.
_EMPTY_ROW: dict[str, Any] = {**dict.fromkeys(ROW_COLUMNS, ""), "duration": 0.0, "risk": 0.0, "flag_count": 0,
                              "evaluation_count": 0}
_GONE = _LOADING = Shown(_EMPTY_ROW, ("",) * len(COLUMN_SORTS), None, None)
_CRITICAL_BRUSH, _SEVERE_BRUSH = QBrush(QColor("#f6d5e8")), QBrush(QColor("#fce8e6"))
_REVIEW_BRUSHES = {review: QBrush(QColor(colour)) for review, (_mark, colour) in REVIEW_MARKS.items()}


def _risk_background(risk: float) -> QBrush | None:
    """Critical calls pink, severe ones red-tinted, so the worst stand out whatever the order."""
    if risk >= CRITICAL_RISK:
        return _CRITICAL_BRUSH
    if risk >= SEVERE_RISK:
        return _SEVERE_BRUSH
    return None
