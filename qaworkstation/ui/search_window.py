"""Transcript search: every moment a word or phrase was said, listed best first; a moment opens its call there.

Typing searches after a short pause; the query runs on the window's database thread (see
:mod:`qaworkstation.core.library.search`), and an answer to a query the user has already changed is dropped.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from ..core.domain import AGENT, CUSTOMER
from ..core.library.search import Moment, SearchFilters, searchable
from ..core.library.store import Store
from .format import clock
from .tasks import Runner

TYPING_PAUSE_MS = 250
LINE_COLUMN = 4
MOMENT_ROLE = Qt.UserRole
HIT_STYLE = "background-color: #fde293; font-weight: 600;"


def marked_line(moment: Moment) -> str:
    """The line as HTML with each hit marked, everything else escaped."""
    parts, last = [], 0
    for start, end in moment.hits:
        parts += [html.escape(moment.text[last:start]),
                  f'<span style="{HIT_STYLE}">{html.escape(moment.text[start:end])}</span>']
        last = end
    return "".join(parts) + html.escape(moment.text[last:])


class _HtmlDelegate(QStyledItemDelegate):
    """Paints a cell's HTML (the line with its hits marked) where a plain cell would show tags."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setHtml(index.data(Qt.DisplayRole) or "")
        document.setTextWidth(-1)
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        document = self._document(option, index)
        option.text = ""
        option.widget.style().drawControl(QStyle.CE_ItemViewItem, option, painter, option.widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.State_Selected:
            context.palette.setColor(QPalette.Text, option.palette.color(QPalette.HighlightedText))
        area = option.widget.style().subElementRect(QStyle.SE_ItemViewItemText, option, option.widget)
        painter.save()
        painter.translate(area.topLeft())
        painter.setClipRect(QRectF(0, 0, area.width(), area.height()))
        painter.translate(0, (area.height() - document.size().height()) / 2)
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        self.initStyleOption(option, index)
        size = self._document(option, index).size()
        return QSize(int(size.width()), int(size.height()))


class SearchWindow(QWidget):
    """Search box, filters and the moments found; Enter or a double click on a moment opens the call there."""

    momentActivated = Signal(str, float)

    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None,
                 choices: dict[str, list[str]] | None = None) -> None:
        super().__init__(parent, Qt.Window)
        self.store, self.runner = store, runner
        self._asked = 0  # the latest search sent; older answers are dropped
        self.setWindowTitle(self.tr("Search transcripts"))
        self.resize(980, 620)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Word or phrase said in a call, e.g. 退款 or refund"))
        self.query.setClearButtonEnabled(True)
        self.query.textChanged.connect(self._schedule)
        self.query.returnPressed.connect(self.search_now)
        self.agent, self.team, self.call_type = self._combo(), self._combo(), self._combo()
        self.speaker = self._combo([(AGENT, self.tr("agent")), (CUSTOMER, self.tr("customer"))])
        self.set_choices(choices or {})
        self.results = self._results()
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #5f6368;")
        self.timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS, timeout=self.search_now)
        filters = QHBoxLayout()
        for label, combo in ((self.tr("Agent"), self.agent), (self.tr("Team"), self.team),
                             (self.tr("Call type"), self.call_type), (self.tr("Speaker"), self.speaker)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addLayout(filters)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.summary)

    def _combo(self, values: list[tuple[str, str]] = ()) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("All"), "")
        for value, label in values:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self._schedule)
        return combo

    def _results(self) -> QTableWidget:
        table = QTableWidget(0, 5)
        table.setHorizontalHeaderLabels([self.tr("Call"), self.tr("Agent"), self.tr("Speaker"), self.tr("At"),
                                         self.tr("What was said")])
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setSelectionMode(QAbstractItemView.SingleSelection)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.setItemDelegateForColumn(LINE_COLUMN, _HtmlDelegate(table))
        header = table.horizontalHeader()
        for column, width in enumerate((170, 90, 80, 64)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(LINE_COLUMN, QHeaderView.Stretch)
        table.itemActivated.connect(self._activate)
        return table

    def set_choices(self, choices: dict[str, list[str]]) -> None:
        for combo, key in ((self.agent, "agent"), (self.team, "team"), (self.call_type, "call_type")):
            for value in choices.get(key, []):
                combo.addItem(value, value)

    def filters(self) -> SearchFilters:
        return SearchFilters(agent=self.agent.currentData(), team=self.team.currentData(),
                             call_type=self.call_type.currentData(), speaker=self.speaker.currentData())

    def _schedule(self) -> None:
        self.timer.start()

    def search_now(self) -> None:
        """Search for the text as typed; an empty box clears the list."""
        self.timer.stop()
        text, filters = self.query.text().strip(), self.filters()
        self._asked += 1
        asked = self._asked
        if not searchable(text):
            self._show([], asked, "")
            if text:
                self.summary.setText(self.tr("Type a word or phrase: letters or digits, not only punctuation."))
            return
        self.summary.setText(self.tr("Searching…"))
        self.runner.db(lambda: self.store.search_transcripts(text, filters),
                       lambda moments: self._show(moments, asked, text),
                       lambda message: self._failed(message, asked))

    def _show(self, moments: list[Moment], asked: int, text: str) -> None:
        if asked != self._asked:
            return
        self.results.setRowCount(len(moments))
        speakers = {AGENT: self.tr("agent"), CUSTOMER: self.tr("customer")}
        for row, moment in enumerate(moments):
            cells = (moment.call, moment.agent, speakers.get(moment.speaker, self.tr("unknown")),
                     clock(moment.start), marked_line(moment))
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(MOMENT_ROLE, moment)
                self.results.setItem(row, column, item)
            self.results.item(row, 0).setToolTip(f"{moment.team} {moment.call_time}".strip())
            self.results.item(row, LINE_COLUMN).setToolTip(moment.text)
        if not text:
            self.summary.setText("")
        elif moments:
            self.summary.setText(self.tr("“{1}”: {0} found, best first. Enter or double-click opens the call "
                                         "there.").format(len(moments), text))
        else:
            self.summary.setText(self.tr("Nothing found for “{0}”.").format(text))

    def _failed(self, message: str, asked: int) -> None:
        if asked == self._asked:
            self.results.setRowCount(0)
            self.summary.setText(message)

    def _activate(self, item: QTableWidgetItem) -> None:
        moment: Moment = item.data(MOMENT_ROLE)
        self.momentActivated.emit(moment.recording_id, moment.start)

