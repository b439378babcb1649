"""Drawing a sample of calls the handbook's way: random share, stratified by agent or team, or targeted."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel,
                               QLineEdit, QSpinBox, QVBoxLayout, QWidget)

from ..core.sampling import random_sample, stratified_sample, targeted_sample
from ..core.store import Store
from .tasks import Runner

RANDOM, BY_AGENT, BY_TEAM, TARGETED = "random", "agent", "team", "targeted"


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
                             (self.tr("Targeted: agents or a keyword"), TARGETED)):
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
        self.result = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("Mode"), self.mode)
        form.addRow(self.tr("Share"), self.percent)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(self.tr("Agents"), self.agents)
        form.addRow(self.tr("Keyword"), self.keyword)
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
        targeted = self.mode.currentData() == TARGETED
        for widget in (self.percent, self.seed):
            widget.setEnabled(not targeted)
        for widget in (self.agents, self.keyword):
            widget.setEnabled(targeted)

    def _draw(self) -> None:
        mode, percent, seed = self.mode.currentData(), self.percent.value(), self.seed.value()
        agents = [a.strip() for a in self.agents.text().split(",")]
        keyword = self.keyword.text()

        def draw() -> list[str]:
            rows = self.store.list_recordings()
            if mode == RANDOM:
                return random_sample(rows, percent, seed)
            if mode in (BY_AGENT, BY_TEAM):
                return stratified_sample(rows, percent, mode, seed)
            return targeted_sample(self.store, rows, agents, keyword)

        self.runner.db(draw, self._drawn, self.result.setText)

    def _drawn(self, ids: list[str]) -> None:
        self.chosen_ids = ids
        self.accept()
