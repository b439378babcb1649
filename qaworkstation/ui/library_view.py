"""The list of calls with filters; the riskiest calls come first so the worst are heard first.

A table view over :class:`~qaworkstation.ui.library_model.LibraryModel`: filters and header clicks become a
new library query, answered by an indexed count and the first page, so a year of calls filters and sorts as
fast as a day's. The selected call stays selected through refreshes, filters and sorts while it is listed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QVBoxLayout,
                               QWidget)

from ..core.library.query import (NOT_SCORED, REVIEW_DISPUTED, REVIEW_DRAFT, REVIEW_SUBMITTED, LibraryQuery,
                                  LibraryReader)
from .library_model import ALIGNMENTS, FLAGS_COLUMN, REVIEW_COLUMN, LibraryModel

CELL_PADDING = 4  # px each side of a cell's text, as the style's own delegate leaves

_ANY = ""


class Cell(NamedTuple):
    """What one cell shows, for a reader of the table (tests, screenshots) rather than a painter."""

    value: str

    def text(self) -> str:
        return self.value


class RowPainter(QStyledItemDelegate):
    """Paints a list cell straight from the row its page holds: one call per cell instead of Qt's seven role
    questions, and plain elided text instead of the style's text layout. What a paint shares (colours, the
    selected row, the font's measures) is taken once per paint by :meth:`begin`, and elided texts are kept, since
    the same values (agents, lengths, counts) recur down the list. A screen of the list painted in about 4 ms
    instead of 10-12 (Qt's own model and delegate: 8 ms): while the queue decodes on both cores every paint
    takes three to four times longer, and this is what keeps it near the frame budget."""

    _ELIDED_KEPT = 20_000

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._selected_row = -1
        self._highlight = self._highlighted_text = self._text_colour = None
        self._elided: dict[tuple[str, int], str] = {}
        self._metrics: QFontMetrics | None = None

    def begin(self, table: QTableView) -> None:
        """Before a paint of ``table``: its palette, font and selected row."""
        palette = table.palette()
        self._highlight, self._highlighted_text = palette.highlight(), palette.highlightedText().color()
        self._text_colour = palette.text().color()
        selected = table.selectionModel().selectedRows() if table.selectionModel() else []
        self._selected_row = selected[0].row() if selected else -1
        metrics = table.fontMetrics()
        if self._metrics is None or metrics != self._metrics:
            self._metrics, self._elided = metrics, {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: D102
        number, column = index.row(), index.column()
        shown = self._model.shown(number)
        rect = option.rect
        if number == self._selected_row:
            painter.fillRect(rect, self._highlight)
            pen = self._highlighted_text
        else:
            if column == FLAGS_COLUMN and shown.background is not None:
                painter.fillRect(rect, shown.background)
            review_mark = column == REVIEW_COLUMN and shown.foreground is not None
            pen = shown.foreground.color() if review_mark else self._text_colour
        text = shown.texts[column]
        if text:
            inner = rect.adjusted(CELL_PADDING, 0, -CELL_PADDING, 0)
            painter.setPen(pen)
            painter.drawText(inner, ALIGNMENTS[column], self._fit(text, inner.width()))

    def _fit(self, text: str, width: int) -> str:
        key = (text, width)
        elided = self._elided.get(key)
        if elided is None:
            if len(self._elided) > self._ELIDED_KEPT:
                self._elided.clear()
            elided = self._elided[key] = self._metrics.elidedText(text, Qt.ElideRight, width)
        return elided


class LibraryTable(QTableView):
    """The table, answering "how many rows" and "what does this cell say" as plainly as a table widget."""

    def rowCount(self) -> int:  # noqa: N802 - the name QTableWidget uses
        return self.model().rowCount()

    def item(self, row: int, column: int) -> Cell:
        """The cell's text, its page read now if the list has not painted it yet."""
        model = self.model()
        model.row(row)
        return Cell(model.index(row, column).data() or "")

    def horizontalHeaderItem(self, column: int) -> Cell:  # noqa: N802 - the name QTableWidget uses
        return Cell(self.model().headerData(column, Qt.Horizontal))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        delegate = self.itemDelegate()
        if isinstance(delegate, RowPainter):
            delegate.begin(self)
        super().paintEvent(event)
        self.model().painted()


class LibraryView(QWidget):
    recordingSelected = Signal(str)
    filtersChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LibraryModel(self)
        self._selected = ""
        self._sample: tuple[str, ...] | None = None
        self.agent, self.team, self.call_type = self._combo(), self._combo(), self._combo()
        self.status = self._combo([("new", self.tr("new")), ("analysed", self.tr("analysed")),
                                   ("error", self.tr("error"))])
        self.review = self._combo([(NOT_SCORED, self.tr("not scored")), (REVIEW_DRAFT, self.tr("draft")),
                                   (REVIEW_SUBMITTED, self.tr("submitted")), (REVIEW_DISPUTED, self.tr("disputed"))])
        self.date_from, self.date_to = self._date(), self._date()
        self.table = self._table()
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #5f6368;")
        self.sample_label = QLabel()
        self.sample_label.setWordWrap(True)  # a draw's name and progress must not widen the list
        self.sample_label.setStyleSheet("color: #1a73e8; font-weight: 600;")
        self.clear_sample = QPushButton(self.tr("Show all calls"))
        self.clear_sample.clicked.connect(lambda: self.set_sample(None))
        sample_row = QHBoxLayout()
        sample_row.addWidget(self.sample_label, 1)
        sample_row.addWidget(self.clear_sample)
        self.sample_label.hide()
        self.clear_sample.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self._filter_grid())
        layout.addLayout(sample_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    # construction -----------------------------------------------------------------------------------------

    def _filter_grid(self) -> QGridLayout:
        """Two filters a row, so seven of them fit a laptop screen above the list."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        filters = ((self.tr("Agent"), self.agent), (self.tr("Team"), self.team),
                   (self.tr("Call type"), self.call_type), (self.tr("Review"), self.review),
                   (self.tr("Status"), self.status), (None, None),
                   (self.tr("From"), self.date_from), (self.tr("To"), self.date_to))
        for index, (label, widget) in enumerate(filters):
            if widget is None:
                continue
            row, column = divmod(index, 2)
            grid.addWidget(QLabel(label), row, column * 2)
            grid.addWidget(widget, row, column * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return grid

    def _table(self) -> LibraryTable:
        table = LibraryTable()
        table.setModel(self.model)
        table.setItemDelegate(RowPainter(self.model, table))
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setSelectionMode(QAbstractItemView.SingleSelection)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setTextElideMode(Qt.ElideRight)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(False)
        # Each column as wide as what it shows (from the font, not from reading every row); the time gives way
        # first in a narrow panel, so the call's name stays readable. Any column can be dragged wider.
        metrics = table.fontMetrics()
        for column, sample in enumerate(("C0000000", "A0000", "00-00 00:00", "000", "00:00", "✓")):
            header.resizeSection(column, max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(
                self.model.headerData(column, Qt.Horizontal))) + 14)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        header.setSortIndicator(FLAGS_COLUMN, Qt.DescendingOrder)
        table.setSortingEnabled(True)
        table.selectionModel().currentRowChanged.connect(self._on_current)
        self.model.modelReset.connect(self._after_reset)
        self.model.counted.connect(self._show_count)
        return table

    def _combo(self, values: list[tuple[str, str]] = ()) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("All"), _ANY)
        for value, label in values:
            combo.addItem(label, value)
        combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.currentIndexChanged.connect(self.filtersChanged)
        return combo

    def _date(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setSpecialValueText(self.tr("any"))
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setDate(edit.minimumDate())
        edit.dateChanged.connect(self.filtersChanged)
        return edit

    # the query --------------------------------------------------------------------------------------------

    @property
    def reader(self) -> LibraryReader | None:
        return self.model.reader

    def set_reader(self, reader: LibraryReader) -> None:
        """Where the list reads from; the window gives it the library's own read connection once."""
        self.model.set_reader(reader)

    def filters(self) -> LibraryQuery:
        """The library query the filters, the drawn sample and the header's sort ask for."""
        def day(edit: QDateEdit, offset: int = 0) -> str:
            return "" if edit.date() == edit.minimumDate() else edit.date().addDays(offset).toString(Qt.ISODate)

        return replace(self.model.query, agent=self.agent.currentData(), team=self.team.currentData(),
                       call_type=self.call_type.currentData(), status=self.status.currentData(),
                       review=self.review.currentData(), date_from=day(self.date_from),
                       date_to=day(self.date_to, 1), sample=self._sample)

    def refresh(self) -> None:
        """Re-read the list for the filters as they stand (and the filter choices), keeping the selected call:
        a filter change reads a new first page, anything else re-reads the pages in view."""
        if self.reader is None:
            return
        choices = self.reader.choices()
        self.set_choices(choices["agent"], choices["team"], choices["call_type"])
        query = self.filters()
        if query != self.model.query:
            self.model.set_query(query)
        else:
            self.model.refresh()
        self._show_count()

    def set_choices(self, agents: list[str], teams: list[str], call_types: list[str] = ()) -> None:
        for combo, values in ((self.agent, agents), (self.team, teams), (self.call_type, call_types)):
            if [combo.itemData(index) for index in range(1, combo.count())] == list(values):
                continue
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def set_sample(self, recording_ids: list[str] | None) -> None:
        """Show only a drawn sample (None shows everything again)."""
        self._sample = tuple(recording_ids) if recording_ids is not None else None
        self.sample_label.setText(self.tr("Sample of {0} calls").format(len(recording_ids))
                                  if recording_ids is not None else "")
        self.sample_label.setVisible(recording_ids is not None)
        self.clear_sample.setVisible(recording_ids is not None)
        self.filtersChanged.emit()

    @property
    def showing_sample(self) -> bool:
        return self._sample is not None

    def set_sample_note(self, note: str) -> None:
        """What is known about the sample shown (a coverage draw's progress), after its size."""
        if self._sample is not None:
            self.sample_label.setText(f"{self.tr('Sample of {0} calls').format(len(self._sample))} · {note}")

    def _show_count(self) -> None:
        count = f"{self.model.rowCount():,}"
        self.count_label.setText(self.tr("{0} calls").format(count) if self.model.exact
                                 else self.tr("{0}+ calls (counting…)").format(count))

    # selection --------------------------------------------------------------------------------------------

    def select(self, recording_id: str) -> bool:
        """Select the call if the list shows it (reading only its position and its page; a call far down a long
        list is selected when the model's counting thread has found its row); False if the filters leave it out."""
        return self.model.locate(recording_id, self._select_row)

    def _select_row(self, row: int) -> None:
        if row >= self.model.rowCount():
            return  # the list changed while its row was being found: the next refresh selects it again
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self.table.scrollTo(index)

    def selected_id(self) -> str:
        return self._selected

    def _after_reset(self) -> None:
        """A new query or count dropped the view's selection: put the selected call back where it now is."""
        if self._selected and not self.select(self._selected):
            self._selected = ""
        self._show_count()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        recording_id = self.model.row(current.row())["id"] if current.isValid() else ""  # also on a page not painted
        if recording_id and recording_id != self._selected:
            self._selected = recording_id
            self.recordingSelected.emit(recording_id)

