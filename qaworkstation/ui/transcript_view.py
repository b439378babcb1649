"""The speaker-labelled transcript with flagged words highlighted; a click on a line seeks to it (a drag still
selects text to copy), playback scrolls it."""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QTextCursor, QTextDocument, QTextTable
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from ..core.domain import AGENT, CUSTOMER, Flag, Segment
from .format import clock
from .palette import CATEGORY_COLOURS, CATEGORY_TINTS, SPEAKER_COLOURS

SPOKEN_WORD = "#ffd54f"
CURRENT_LINE = "#fff4cc"
# Lines per table: Qt lays a whole table out again when a row is added, so a live line on a ten-minute call cost
# 18 ms in one table of 300 rows, and the cost grows with the call; in tables of 50 it stays under 4 ms.
ROWS_PER_TABLE = 50


class TranscriptView(QTextBrowser):
    seekRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self._segments: list[Segment] = []
        self._flags: list[Flag] = []
        self._current = -1
        self._spoken: tuple[int, int] | None = None  # (segment, word) under the playhead
        self._word_spans: dict[int, list[tuple[int, int]]] = {}  # segment -> document span of each word
        self._speaker_names = {AGENT: self.tr("Agent"), CUSTOMER: self.tr("Customer")}

    def set_transcript(self, segments: list[Segment], flags: list[Flag]) -> None:
        self._segments = sorted(segments, key=lambda s: s.start)
        self._flags = flags
        self._current = -1
        self._render()

    def add_segment(self, segment: Segment) -> None:
        """Show a segment as soon as the model produces it: a line after the others becomes a new row of the
        table; laying the whole transcript out again took 70 ms a line on a ten-minute call."""
        after_the_rest = not self._segments or segment.start >= self._segments[-1].start
        self._segments.append(segment)
        tables = self._tables()
        if not after_the_rest or not tables or sum(table.rows() for table in tables) != len(self._segments) - 1:
            self._segments.sort(key=lambda s: s.start)
            self._render()
            return
        scroll = self.verticalScrollBar().value()
        edit = QTextCursor(self.document())
        edit.beginEditBlock()  # the table is laid out once, when the row is complete
        table = tables[-1]
        if table.rows() < ROWS_PER_TABLE:
            table.appendRows(1)
        else:
            edit.movePosition(QTextCursor.MoveOperation.End)
            table = edit.insertTable(1, table.columns(), table.format())
        for column, cell in enumerate(self._cells(len(self._segments) - 1, segment)):
            table.cellAt(table.rows() - 1, column).firstCursorPosition().insertHtml(cell)
        edit.endEditBlock()
        self.verticalScrollBar().setValue(scroll)

    def set_position(self, seconds: float) -> None:
        """Mark the line being played: its row is tinted under the text when painted. Writing the mark into
        the text laid out a ten-minute transcript again on every line (55 ms; a table cell's format, 13 ms),
        several times that while the queue decodes."""
        index = self._segment_at(seconds)
        if index != self._current:
            self._current = index
            self.viewport().update()
            if index >= 0:
                self.scrollToAnchor(f"s{index}")

    def _tables(self) -> list[QTextTable]:
        """The transcript's tables, :data:`ROWS_PER_TABLE` lines each; none while there is no transcript."""
        return [frame for frame in self.document().rootFrame().childFrames() if isinstance(frame, QTextTable)]

    def line_rect(self) -> QRectF | None:
        """Where the row of the line being played is on the viewport, or None."""
        tables = self._tables()
        chunk, row = divmod(self._current, ROWS_PER_TABLE)
        if self._current < 0 or chunk >= len(tables) or row >= tables[chunk].rows():
            return None
        table = tables[chunk]
        layout = self.document().documentLayout()
        cells = [layout.blockBoundingRect(self.document().findBlock(table.cellAt(row, column)
                                                                    .firstPosition()))
                 for column in range(table.columns())]
        padding = table.format().cellPadding()
        top = min(cell.top() for cell in cells) - padding - self.verticalScrollBar().value()
        bottom = max(cell.bottom() for cell in cells) + padding - self.verticalScrollBar().value()
        return QRectF(0, top, self.viewport().width(), bottom - top)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        line = self.line_rect()
        if line is not None:
            painter = QPainter(self.viewport())
            painter.fillRect(line, QColor(CURRENT_LINE))
            painter.end()
        super().paintEvent(event)

    def _segment_at(self, seconds: float) -> int:
        for index, segment in enumerate(self._segments):
            if segment.start <= seconds < segment.end + 0.3:
                return index
        return -1

    def highlight_word(self, seconds: float) -> None:
        """Mark the word being spoken, so the eye follows the voice; an extra selection, not a re-render."""
        index = self._segment_at(seconds)
        words = self._segments[index].words if index >= 0 else []
        spoken = next((i for i, word in enumerate(words) if word.start <= seconds < word.end), None)
        key = None if spoken is None else (index, spoken)
        if key == self._spoken:
            return
        self._spoken = key
        selections = []
        span = self._word_span(*key) if key else None
        if span is not None:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(self.document())
            selection.cursor.setPosition(span[0])
            selection.cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
            selection.format.setBackground(QColor(SPOKEN_WORD))
            selections.append(selection)
        self.setExtraSelections(selections)

    def _word_span(self, index: int, word: int) -> tuple[int, int] | None:
        if index not in self._word_spans:
            self._word_spans[index] = self._locate_words(index)
        spans = self._word_spans[index]
        return spans[word] if word < len(spans) else None

    def _locate_words(self, index: int) -> list[tuple[int, int]]:
        """Document positions of a segment's words, found in order after its row's anchor."""
        position = self._anchor_position(f"s{index}")
        spans: list[tuple[int, int]] = []
        if position < 0:
            return spans
        for word in self._segments[index].words:
            found = self.document().find(word.text.strip(), position, QTextDocument.FindFlag.FindCaseSensitively)
            if found.isNull() or not word.text.strip():
                spans.append((position, position))
                continue
            spans.append((found.selectionStart(), found.selectionEnd()))
            position = found.selectionEnd()
        return spans

    def _anchor_position(self, name: str) -> int:
        block = self.document().begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                if name in fragment.charFormat().anchorNames():
                    return fragment.position()
                fragments += 1
            block = block.next()
        return -1

    def _on_anchor(self, url: QUrl) -> None:
        self.seekRequested.emit(float(url.toString().removeprefix("seek:")))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """A plain click anywhere on a line seeks to the line; the time stamp is a link that does the same."""
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        if self.anchorAt(event.position().toPoint()):
            return  # the time stamp's own link already sought
        index = self._segment_under(self.cursorForPosition(event.position().toPoint()).position())
        if index >= 0:
            self.seekRequested.emit(self._segments[index].start)

    def _segment_under(self, position: int) -> int:
        """The line whose row holds document ``position``: the last row anchor at or before it, in one pass
        over the document however long the call."""
        found = -1
        block = self.document().begin()
        while block.isValid() and block.position() <= position:
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                rows = [name for name in fragment.charFormat().anchorNames() if name.startswith("s")]
                if rows and fragment.position() <= position:
                    found = int(rows[0][1:])
                fragments += 1
            block = block.next()
        return found

    def _render(self) -> None:
        scroll = self.verticalScrollBar().value()
        self._spoken = None
        self._word_spans.clear()
        if not self._segments:
            empty = self.tr("No transcript yet.")
            self.setHtml(f"<p style='color:#888'>{html.escape(empty)}</p>")
            return
        rows = [self._row(index, segment) for index, segment in enumerate(self._segments)]
        self.setHtml("".join("<table width='100%' cellspacing='0' cellpadding='4'>"
                             + "".join(rows[first:first + ROWS_PER_TABLE]) + "</table>"
                             for first in range(0, len(rows), ROWS_PER_TABLE)))
        self.verticalScrollBar().setValue(scroll)

    def _row(self, index: int, segment: Segment) -> str:
        stamp, speaker, text = self._cells(index, segment)
        return (f"<tr><td width='64' valign='top'>{stamp}</td><td width='84' valign='top'>{speaker}</td>"
                f"<td valign='top'>{text}</td></tr>")

    def _cells(self, index: int, segment: Segment) -> tuple[str, str, str]:
        """The contents of a line's three cells (time stamp, speaker, words), the same in a whole table and in a
        row added live."""
        colour = SPEAKER_COLOURS.get(segment.speaker, "#9aa0a6")
        name = self._speaker_names.get(segment.speaker, self.tr("Speaker"))
        return (f"<a name='s{index}' href='seek:{segment.start}' style='color:#1a73e8;text-decoration:none'>"
                f"{clock(segment.start)}</a>",
                f"<span style='color:{colour};font-weight:600;white-space:nowrap'>{html.escape(name)}</span>",
                self._highlighted(segment))

    def _highlighted(self, segment: Segment) -> str:
        """Mark the words a flag covers, using word timestamps so the mark sits on what was said."""
        flags = [f for f in self._flags if f.speaker == segment.speaker and f.start < segment.end
                 and f.end > segment.start]
        if not segment.words or not flags:
            return html.escape(segment.text)
        parts = []
        for word in segment.words:
            hit = next((f for f in flags if word.start < f.end - 0.01 and word.end > f.start + 0.01), None)
            text = html.escape(word.text)
            if hit:
                colour = CATEGORY_COLOURS.get(hit.category, "#d93025")
                tint = CATEGORY_TINTS.get(hit.category, "#fce8e6")
                text = (f"<span style='background-color:{tint};color:{colour};font-weight:600'"
                        f" title='{html.escape(hit.category)}'>{text}</span>")
            parts.append(text)
        return "".join(parts)
