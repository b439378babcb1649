"""The list of calls with filters; the most flagged calls come first so the worst are heard first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from .format import clock

_ANY = ""
CRITICAL_RISK = 1_000_000  # see core.risk: any critical hit scores at least this
SEVERE_RISK = 10_000


class _RiskItem(QTableWidgetItem):
    """Shows the number of flags but sorts by the call's risk, so the worst calls stay on top."""

    def __init__(self, flag_count: int | None, risk: float) -> None:
        super().__init__("" if flag_count is None else str(flag_count))
        self.risk = risk
        if risk >= CRITICAL_RISK:
            self.setBackground(QColor("#f6d5e8"))
        elif risk >= SEVERE_RISK:
            self.setBackground(QColor("#fce8e6"))

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.risk < getattr(other, "risk", 0.0)


class LibraryView(QWidget):
    recordingSelected = Signal(str)
    filtersChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.agent = self._combo()
        self.team = self._combo()
        self.status = self._combo()
        for value, label in (("new", self.tr("new")), ("analysed", self.tr("analysed")),
                             ("error", self.tr("error"))):
            self.status.addItem(label, value)
        self.date_from = self._date()
        self.date_to = self._date()
        form = QFormLayout()
        form.addRow(self.tr("Agent"), self.agent)
        form.addRow(self.tr("Team"), self.team)
        form.addRow(self.tr("Status"), self.status)
        form.addRow(self.tr("From"), self.date_from)
        form.addRow(self.tr("To"), self.date_to)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Call"), self.tr("Agent"), self.tr("Time"), self.tr("Flags"),
                                              self.tr("Length"), self.tr("Scored")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.setTextElideMode(Qt.ElideMiddle)
        self.table.setAlternatingRowColors(True)
        for column in range(1, 6):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self._sample: set[str] | None = None
        self.sample_label = QLabel()
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
        layout.addLayout(form)
        layout.addLayout(sample_row)
        layout.addWidget(self.table, 1)

    def _combo(self) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("All"), _ANY)
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

    def filters(self) -> dict[str, str]:
        """The filter values in the form :meth:`Store.list_recordings` takes."""
        def day(edit: QDateEdit, offset: int = 0) -> str:
            return "" if edit.date() == edit.minimumDate() else edit.date().addDays(offset).toString(Qt.ISODate)

        return {"agent": self.agent.currentData(), "team": self.team.currentData(),
                "status": self.status.currentData(), "date_from": day(self.date_from),
                "date_to": day(self.date_to, 1)}

    def set_choices(self, agents: list[str], teams: list[str]) -> None:
        for combo, values in ((self.agent, agents), (self.team, teams)):
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
        self._sample = set(recording_ids) if recording_ids is not None else None
        self.sample_label.setText(self.tr("Sample of {0} calls").format(len(recording_ids))
                                  if recording_ids is not None else "")
        self.sample_label.setVisible(recording_ids is not None)
        self.clear_sample.setVisible(recording_ids is not None)
        self.filtersChanged.emit()

    def set_rows(self, rows: list[dict[str, Any]], keep: str = "") -> None:
        if self._sample is not None:
            rows = [row for row in rows if row["id"] in self._sample]
        self.table.blockSignals(True)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            name = QTableWidgetItem(row["call_id"] or row["file_name"].rsplit(".", 1)[0])
            name.setData(Qt.UserRole, row["id"])
            name.setToolTip(f"{row['file_name']}\n{row['path']}\n{row['team']} {row['call_time']}\n"
                            f"{row['error']}".strip())
            flags = _RiskItem(row["flag_count"] if row["status"] == "analysed" else None, row["risk"])
            if row["status"] == "error":
                flags.setText(self.tr("error"))
            scored = QTableWidgetItem("✓" if row["evaluation_count"] else "")
            when = QTableWidgetItem(row["call_time"][5:16].replace("T", " "))
            for column, item in enumerate((name, QTableWidgetItem(row["agent"]), when, flags,
                                           QTableWidgetItem(clock(row["duration"])), scored)):
                self.table.setItem(index, column, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(3, Qt.DescendingOrder)
        self.table.blockSignals(False)
        if keep:
            self.select(keep)

    def select(self, recording_id: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.UserRole) == recording_id:
                self.table.selectRow(row)
                return

    def selected_id(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(Qt.UserRole) if rows else ""

    def _on_selection(self) -> None:
        recording_id = self.selected_id()
        if recording_id:
            self.recordingSelected.emit(recording_id)
