"""Drawing a sample of calls the handbook's way: random share, stratified by agent or team, targeted, or by a
coverage plan (each team's daily share of calls and weekly share of agents, within a date window)."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel,
                               QLineEdit, QSpinBox, QVBoxLayout, QWidget)

from ..core.library.store import Store
from ..core.team.sampling import CoveragePlan, quota_sample, random_sample, stratified_sample, targeted_sample
from .tasks import Runner

RANDOM, BY_AGENT, BY_TEAM, TARGETED, PLAN = "random", "agent", "team", "targeted", "plan"


class SamplingDialog(QDialog):
    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.chosen_ids: list[str] = []
        self.setWindowTitle(self.tr("Sample calls"))
        self.mode = QComboBox()
        for label, value in ((self.tr("Random share"), RANDOM), (self.tr("Same share from every agent"), BY_AGENT),
                             (self.tr("Same share from every team"), BY_TEAM),
                             (self.tr("Targeted: agents or a keyword"), TARGETED),
                             (self.tr("Coverage plan: daily share per team, weekly share of agents"), PLAN)):
            self.mode.addItem(label, value)
        self.percent = QDoubleSpinBox()
        self.percent.setRange(0.1, 100)
        self.percent.setValue(5)
        self.percent.setSuffix(" %")
        self.seed = QSpinBox()
        self.seed.setRange(0, 999999)
        self.agents = QLineEdit()
        self.agents.setPlaceholderText(self.tr("agent ids, comma separated (e.g. new agents)"))
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText(self.tr("a product or word heard in the call"))
        self.agent_share = QDoubleSpinBox()
        self.agent_share.setRange(0, 100)
        self.agent_share.setValue(CoveragePlan().agent_share)
        self.agent_share.setSuffix(" %")
        self.date_from = QDateEdit(QDate.currentDate().addDays(-7))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.result = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("Mode"), self.mode)
        form.addRow(self.tr("Share"), self.percent)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(self.tr("Agents"), self.agents)
        form.addRow(self.tr("Keyword"), self.keyword)
        form.addRow(self.tr("Agents covered per week"), self.agent_share)
        form.addRow(self.tr("Calls from"), self.date_from)
        form.addRow(self.tr("Calls to"), self.date_to)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._draw)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(buttons)
        self.mode.currentIndexChanged.connect(self._on_mode)
        self._on_mode()

    def _on_mode(self) -> None:
        """Only the fields the chosen mode uses can be filled: a share for the random and stratified draws,
        agents and a keyword for the targeted one, so nothing typed is silently ignored."""
        targeted, plan = self.mode.currentData() == TARGETED, self.mode.currentData() == PLAN
        for widget in (self.percent, self.seed):
            widget.setEnabled(not targeted)
        for widget in (self.agents, self.keyword):
            widget.setEnabled(targeted)
        for widget in (self.agent_share, self.date_from, self.date_to):
            widget.setEnabled(plan)

    def _draw(self) -> None:
        mode, percent, seed = self.mode.currentData(), self.percent.value(), self.seed.value()
        agents = [a.strip() for a in self.agents.text().split(",")]
        keyword = self.keyword.text()
        plan = CoveragePlan(call_share=percent, agent_share=self.agent_share.value())
        window = (self.date_from.date().toString(Qt.ISODate), self.date_to.date().toString(Qt.ISODate))

        def draw() -> list[str]:
            rows = self.store.list_recordings()
            if mode == PLAN:
                return quota_sample(rows, plan, *window, seed)
            if mode == RANDOM:
                return random_sample(rows, percent, seed)
            if mode in (BY_AGENT, BY_TEAM):
                return stratified_sample(rows, percent, mode, seed)
            return targeted_sample(self.store, rows, agents, keyword)

        self.runner.db(draw, self._drawn, self.result.setText)

    def _drawn(self, ids: list[str]) -> None:
        self.chosen_ids = ids
        self.accept()
