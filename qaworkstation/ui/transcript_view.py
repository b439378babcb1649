"""The speaker-labelled transcript with flagged words highlighted; a click seeks, playback scrolls it."""

from __future__ import annotations

import html

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from ..core.domain import AGENT, CUSTOMER, Flag, Segment
from .format import clock
from .palette import CATEGORY_COLOURS, CATEGORY_TINTS, SPEAKER_COLOURS


class TranscriptView(QTextBrowser):
    seekRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self._segments: list[Segment] = []
        self._flags: list[Flag] = []
        self._current = -1
        self._speaker_names = {AGENT: self.tr("Agent"), CUSTOMER: self.tr("Customer")}

    def set_transcript(self, segments: list[Segment], flags: list[Flag]) -> None:
        self._segments = sorted(segments, key=lambda s: s.start)
        self._flags = flags
        self._current = -1
        self._render()

    def add_segment(self, segment: Segment) -> None:
        """Show a segment as soon as the model produces it."""
        self._segments.append(segment)
        self._segments.sort(key=lambda s: s.start)
        self._render()

    def set_position(self, seconds: float) -> None:
        index = self._segment_at(seconds)
        if index != self._current:
            self._current = index
            self._render()
            if index >= 0:
                self.scrollToAnchor(f"s{index}")

    def _segment_at(self, seconds: float) -> int:
        for index, segment in enumerate(self._segments):
            if segment.start <= seconds < segment.end + 0.3:
                return index
        return -1

    def _on_anchor(self, url: QUrl) -> None:
        self.seekRequested.emit(float(url.toString().removeprefix("seek:")))

    def _render(self) -> None:
        scroll = self.verticalScrollBar().value()
        if not self._segments:
            empty = self.tr("No transcript yet.")
            self.setHtml(f"<p style='color:#888'>{html.escape(empty)}</p>")
            return
        rows = [self._row(index, segment) for index, segment in enumerate(self._segments)]
        self.setHtml("<table width='100%' cellspacing='0' cellpadding='4'>" + "".join(rows) + "</table>")
        self.verticalScrollBar().setValue(scroll)

    def _row(self, index: int, segment: Segment) -> str:
        colour = SPEAKER_COLOURS.get(segment.speaker, "#9aa0a6")
        name = self._speaker_names.get(segment.speaker, self.tr("Speaker"))
        background = " bgcolor='#fff4cc'" if index == self._current else ""
        return (
            f"<tr{background}><td width='64' valign='top'><a name='s{index}' href='seek:{segment.start}'"
            f" style='color:#5f6368;text-decoration:none'>{clock(segment.start)}</a></td>"
            f"<td width='84' valign='top' style='color:{colour};font-weight:600;white-space:nowrap'>"
            f"{html.escape(name)}</td>"
            f"<td valign='top'>{self._highlighted(segment)}</td></tr>"
        )

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
