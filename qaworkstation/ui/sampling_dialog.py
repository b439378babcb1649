"""Drawing a sample of calls the handbook's way: random share, stratified by agent or team, targeted, or by a
coverage plan (each team's daily share of calls and weekly share of agents, within a date window).

A draw under a plan is kept in the library, so the next day it can be opened again from the kept draws with its
progress (drawn, scored, remaining) instead of drawing anew, which would choose other calls."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel,
                               QLineEdit, QSpinBox, QVBoxLayout, QWidget)

from ..core.library.store import Store
from ..core.team.sampling import (CoveragePlan, PlanProgress, SavedSample, draw_plan, random_sample, sample_progress,
                                  saved_samples, stratified_sample, targeted_sample)
from .tasks import Runner

RANDOM, BY_AGENT, BY_TEAM, TARGETED, PLAN, KEPT = "random", "agent", "team", "targeted", "plan", "kept"


class SamplingDialog(QDialog):
    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.chosen_ids: list[str] = []
        self.chosen_draw: SavedSample | None = None  # the kept coverage draw chosen, whose progress the library shows
        self.setWindowTitle(self.tr("Sample calls"))
        self.mode = QComboBox()
        for label, value in ((self.tr("Random share"), RANDOM), (self.tr("Same share from every agent"), BY_AGENT),
                             (self.tr("Same share from every team"), BY_TEAM),
                             (self.tr("Targeted: agents or a keyword"), TARGETED),
                             (self.tr("Coverage plan: daily share per team, weekly share of agents"), PLAN),
                             (self.tr("A kept coverage draw"), KEPT)):
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
        self.inspector_daily = QSpinBox()
        self.inspector_daily.setRange(0, 1000)
        self.inspector_daily.setSpecialValueText(self.tr("not set"))
        self.inspector_daily.setToolTip(self.tr("Calls one inspector hears in a day; the draw says when a day's "
                                                "quota is more"))
        self.kept = QComboBox()
        self.kept.currentIndexChanged.connect(self._show_progress)
        self.kept_samples: list[tuple[SavedSample, PlanProgress]] = []
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
        form.addRow(self.tr("Calls per inspector a day"), self.inspector_daily)
        form.addRow(self.tr("Calls from"), self.date_from)
        form.addRow(self.tr("Calls to"), self.date_to)
        form.addRow(self.tr("Kept draw"), self.kept)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._draw)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(buttons)
        self.mode.currentIndexChanged.connect(self._on_mode)
        self._on_mode()
        self.runner.db(lambda: [(kept, sample_progress(store, kept)) for kept in saved_samples(store)],
                       self._show_kept)

    def _show_kept(self, kept: list[tuple[SavedSample, PlanProgress]]) -> None:
        self.kept_samples = kept
        self.kept.clear()
        for sample, _progress in kept:
            self.kept.addItem(f"{sample.name} · {sample.date_from} – {sample.date_to}", sample.id)
        self._show_progress()

    def _show_progress(self) -> None:
        """The chosen kept draw's progress, so the inspector sees what is left before opening it."""
        row = self.kept.currentIndex()
        if self.mode.currentData() != KEPT or not 0 <= row < len(self.kept_samples):
            self.result.setText(self.tr("No coverage draw kept yet.") if self.mode.currentData() == KEPT else "")
            return
        self.result.setText(self._progress_text(self.kept_samples[row][1]))

    def _progress_text(self, progress: PlanProgress) -> str:
        text = self.tr("Drawn {0} · scored {1} · remaining {2}").format(progress.drawn, progress.scored,
                                                                          progress.remaining)
        if progress.over_capacity:
            text += "\n" + self.tr("The busiest day draws {0} calls, more than the inspectors' {1} a day.").format(
                progress.busiest_day, progress.daily_capacity)
        return text

    def _on_mode(self) -> None:
        """Only the fields the chosen mode uses can be filled: a share for the random and stratified draws,
        agents and a keyword for the targeted one, so nothing typed is silently ignored."""
        mode = self.mode.currentData()
        targeted, plan, kept = mode == TARGETED, mode == PLAN, mode == KEPT
        for widget in (self.percent, self.seed):
            widget.setEnabled(not targeted and not kept)
        for widget in (self.agents, self.keyword):
            widget.setEnabled(targeted)
        for widget in (self.agent_share, self.inspector_daily, self.date_from, self.date_to):
            widget.setEnabled(plan)
        self.kept.setEnabled(kept)
        self._show_progress()

    def _draw(self) -> None:
        mode, percent, seed = self.mode.currentData(), self.percent.value(), self.seed.value()
        agents = [a.strip() for a in self.agents.text().split(",")]
        keyword = self.keyword.text()
        plan = CoveragePlan(call_share=percent, agent_share=self.agent_share.value(),
                            inspector_daily=self.inspector_daily.value())
        window = (self.date_from.date().toString(Qt.ISODate), self.date_to.date().toString(Qt.ISODate))
        if mode == KEPT:
            row = self.kept.currentIndex()
            if 0 <= row < len(self.kept_samples):
                self._drawn_under_plan(self.kept_samples[row][0])
            return
        if mode == PLAN:
            self.runner.db(lambda: draw_plan(self.store, plan, *window, seed), self._drawn_under_plan,
                           self.result.setText)
            return

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

    def _drawn_under_plan(self, sample: SavedSample) -> None:
        self.chosen_draw = sample
        self._drawn(sample.recording_ids)

    def progress_text(self, progress: PlanProgress) -> str:
        """What the library shows beside a kept draw's calls: the draw's name and how far it has got."""
        return f"{self.chosen_draw.name if self.chosen_draw else ''} · {self._progress_text(progress)}"
