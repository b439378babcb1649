"""The list of calls with filters; the riskiest calls come first so the worst are heard first.

A table view over :class:`~qaworkstation.ui.library_model.LibraryModel`: filters and header clicks become a
new library query, answered by an indexed count and the first page, so a year of calls filters and sorts as
fast as a day's. The selected call stays selected through refreshes, filters and sorts while it is listed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QStyle, QStyleOptionViewItem, QTableView, QVBoxLayout, QWidget)

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


class RowPainter:
    """Paints the rows of the list straight from the cells their page worked out (:class:`Shown`), in one Python
    call per paint: Qt's own table paint asks the model and a delegate about every cell (two Python calls for
    the index, one for the delegate, seven role questions with Qt's delegate). A screen of the list (33 rows)
    paints in 2.0–3.2 ms instead of 4.5 with a delegate and 8 with Qt's own: while the queue decodes on both
    cores every paint takes two to four times longer, and this is what keeps it within the frame budget.

    Elided texts and their widths are kept, since the same values (agents, lengths, counts) recur down the list.
    """

    _ELIDED_KEPT = 20_000

    def __init__(self, model: LibraryModel) -> None:
        self._model = model
        self._elided: dict[tuple[str, int], tuple[str, int]] = {}
        self._metrics: QFontMetrics | None = None

    def paint(self, table: QTableView, rect: QRect) -> None:
        """Paint the part ``rect`` of ``table``'s viewport: backgrounds, texts, then the grid."""
        metrics = table.fontMetrics()
        if self._metrics is None or metrics != self._metrics:
            self._metrics, self._elided = metrics, {}
        header = table.horizontalHeader()
        columns = [(column, header.sectionViewportPosition(column), header.sectionSize(column) - 1)
                   for column in range(self._model.columnCount()) if not header.isSectionHidden(column)]
        rows = self._rows(table, rect)
        palette = table.palette()
        painter = QPainter(table.viewport())
        painter.fillRect(rect, palette.base())
        selected = table.selectionModel().selectedRows() if table.selectionModel() else []
        selected_row = selected[0].row() if selected else -1
        colours = _RowColours(palette.highlight(), palette.highlightedText().color(), palette.text().color(),
                              palette.alternateBase() if table.alternatingRowColors() else None)
        for number, top, height in rows:
            self._paint_row(painter, number, top, height, rect.right() + 1, columns,
                            number == selected_row, colours)
        painter.setPen(_grid_colour(table))
        bottom = min(rect.bottom(), rows[-1][1] + rows[-1][2]) if rows else rect.top() - 1
        for _column, left, width in columns:  # through the rows only, as Qt's own table draws it
            painter.drawLine(left + width, rect.top(), left + width, bottom)
        for _number, top, height in rows:
            painter.drawLine(rect.left(), top + height, rect.right(), top + height)
        painter.end()

    @staticmethod
    def _rows(table: QTableView, rect: QRect) -> list[tuple[int, int, int]]:
        """(row, top, height without the grid line) of every row that ``rect`` touches."""
        count = table.model().rowCount()
        first = table.rowAt(rect.top())
        if first < 0:
            return []
        last = table.rowAt(rect.bottom())
        last = count - 1 if last < 0 else last
        return [(number, table.rowViewportPosition(number), table.rowHeight(number) - 1)
                for number in range(first, last + 1)]

    def _paint_row(self, painter: QPainter, number: int, top: int, height: int, right: int,
                   columns: list[tuple[int, int, int]], selected: bool, colours: _RowColours) -> None:
        shown = self._model.shown(number)
        if selected:
            painter.fillRect(0, top, right, height, colours.highlight)
        elif number % 2 and colours.alternate is not None:
            painter.fillRect(0, top, right, height, colours.alternate)
        baseline = top + (height - self._metrics.height() + 1) // 2 + self._metrics.ascent()
        for column, left, width in columns:
            if selected:
                pen = colours.highlighted_text
            else:
                if column == FLAGS_COLUMN and shown.background is not None:
                    painter.fillRect(left, top, width, height, shown.background)
                review_mark = column == REVIEW_COLUMN and shown.foreground is not None
                pen = shown.foreground.color() if review_mark else colours.text
            text = shown.texts[column]
            if text:
                inner = width - 2 * CELL_PADDING
                fitted, advance = self._fit(text, inner)
                x = left + CELL_PADDING + ((inner - advance) // 2 if ALIGNMENTS[column] & Qt.AlignHCenter else 0)
                painter.setPen(pen)
                painter.drawText(x, baseline, fitted)

    def _fit(self, text: str, width: int) -> tuple[str, int]:
        """The text as it fits ``width`` (elided at the right) and its width in pixels."""
        key = (text, width)
        fitted = self._elided.get(key)
        if fitted is None:
            if len(self._elided) > self._ELIDED_KEPT:
                self._elided.clear()
            elided = self._metrics.elidedText(text, Qt.ElideRight, width)
            fitted = self._elided[key] = (elided, self._metrics.horizontalAdvance(elided))
        return fitted


def _grid_colour(table: QTableView) -> QColor:
    """The grid's colour as the style gives it to Qt's own table paint (it derives it from the palette)."""
    option = QStyleOptionViewItem()
    option.initFrom(table)
    return QColor.fromRgba(table.style().styleHint(QStyle.SH_Table_GridLineColor, option, table) & 0xFFFFFFFF)


class _RowColours(NamedTuple):
    highlight: QBrush
    highlighted_text: QColor
    text: QColor
    alternate: QBrush | None


class LibraryTable(QTableView):
    """The table, answering "how many rows" and "what does this cell say" as plainly as a table widget."""

    def __init__(self, model: LibraryModel) -> None:
        super().__init__()
        self.setModel(model)
        self._painter = RowPainter(model)

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
        self._painter.paint(self, event.rect())
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
        table = LibraryTable(self.model)
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

