"""The supervisor's view: the team's synced scores merged, the quality report with charts, calibration.

Everything is read from the shared folder into a team database on this computer; nothing here writes to an
inspector's files. Reading the share and drawing charts run off the GUI thread.

Two sources beside the share enrich the report: the recording system's call list (every call handled, with the
caller's number), for the coverage rate and repeat calls; and the coaching sessions of this workstation's
library, re-checked in the agents' trends.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtCore import QDate, QLocale, QSettings, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QMainWindow, QPushButton, QScrollArea,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from ..core import settings as declared
from ..core.pipeline.analysis import RubricLibrary
from ..core.team.aggregate import AggregateResult, TeamDatabase, aggregate, default_team_db_path
from ..core.library.store import Store
from ..core.team.calibration import (CalibrationResult, CalibrationSession, calibrate, load_sessions, new_session,
                                     save_session)
from ..core.team.report_charts import ReportFigure, export_pdf, export_pngs, report_figures
from ..core.team.coaching import all_sessions
from ..core.team.reports import (Period, QualityReport, export_csvs, export_xlsx, read_call_list, report_tables,
                                 team_quality_report)
from .tasks import Runner, report_failure


class TeamWindow(QMainWindow):
    def __init__(self, rubrics: RubricLibrary, settings: QSettings, team_db_path: Path | None = None,
                 parent: QWidget | None = None, store: Store | None = None) -> None:
        super().__init__(parent)
        self.rubrics = rubrics
        self.store = store  # this workstation's library, for its coaching sessions; None: no re-check
        self.settings = settings
        self.team_db = TeamDatabase(team_db_path or default_team_db_path())
        self.runner = Runner(lambda message: report_failure(self, message))
        self.report: QualityReport | None = None
        self.sessions: list[CalibrationSession] = []
        self.setWindowTitle(self.tr("Team quality"))
        self.resize(1200, 860)
        self.share = QLineEdit(declared.read(settings, declared.SYNC_FOLDER))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.refresh_button = QPushButton(self.tr("Merge from shared folder"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel()
        self.problems = QListWidget()
        self.problems.setMaximumHeight(80)
        self.problems.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Shared folder")))
        top.addWidget(self.share, 1)
        top.addWidget(browse)
        top.addWidget(self.refresh_button)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._report_tab(), self.tr("Quality report"))
        self.tabs.addTab(self._calibration_tab(), self.tr("Calibration"))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.problems)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(body)
        self._open()

    def _open(self) -> None:
        """Show what the team database already holds, then merge what the share has new: the window never
        opens blank as if the team's scores were lost."""
        self.runner.db(self._choices, self._show_choices)
        if Path(self.share.text().strip() or "/nonexistent").is_dir():
            self.refresh()
        else:
            self.runner.db(self.team_db.evaluation_count, lambda count: self.status.setText(
                self.tr("{0} evaluations in the team database. Choose the team's shared folder and merge to add "
                        "the latest.").format(count)))

    def _choices(self) -> tuple[list[str], list[str], list[tuple[str, str, str]]]:
        """Runs on the database thread: the periods, inspectors and scored calls to choose from."""
        return self.team_db.months(), self.team_db.inspectors(), self.team_db.scored_calls()

    def _show_choices(self, choices: tuple[list[str], list[str], list[tuple[str, str, str]]]) -> None:
        months, inspectors, calls = choices
        typed = self.period.currentText()
        self.period.clear()
        self.period.addItems(months)
        self.period.setCurrentText(typed if typed and typed not in ("", self._this_month) else
                                   (months[0] if months else self._this_month))
        checked = set(self.chosen_inspectors())
        self.inspectors.clear()
        for name in inspectors:
            entry = QListWidgetItem(name)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
            self.inspectors.addItem(entry)
        expert = self.expert.currentData()
        self.expert.clear()
        self.expert.addItem(self.tr("none: the participants' consensus"), "")
        for name in inspectors:
            self.expert.addItem(name, name)
        self.expert.setCurrentIndex(max(0, self.expert.findData(expert)))
        call = self.call_id.currentData()
        self.call_id.clear()
        for call_id, file_name, rubric_id in calls:
            self.call_id.addItem(f"{call_id} · {file_name}", (call_id, rubric_id))
        index = next((i for i in range(self.call_id.count()) if self.call_id.itemData(i) == call), 0)
        self.call_id.setCurrentIndex(index)
        self._follow_call()

    def chosen_inspectors(self) -> list[str]:
        return [self.inspectors.item(row).text() for row in range(self.inspectors.count())
                if self.inspectors.item(row).checkState() == Qt.CheckState.Checked]

    def _follow_call(self) -> None:
        """A call already scored fixes the rubric: choosing it chooses its rubric."""
        data = self.call_id.currentData()
        if data:
            self.rubric.setCurrentIndex(max(0, self.rubric.findData(data[1])))

    # merging ----------------------------------------------------------------------------------------------

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Team shared folder"), self.share.text())
        if folder:
            self.share.setText(folder)

    def refresh(self) -> None:
        share = self.share.text().strip()
        self.status.setText(self.tr("Merging…"))
        self.runner.db(lambda: (aggregate(share, self.team_db), load_sessions(share)), self._merged,
                       self.status.setText)

    def _merged(self, loaded: tuple[AggregateResult, tuple[list[CalibrationSession], list[str]]]) -> None:
        result, (sessions, session_problems) = loaded
        problems = [str(p) for p in result.problems] + session_problems
        self.status.setText(self.tr("{0} evaluations in the team database; {1} new, {2} updated.").format(
            self.team_db.evaluation_count(), result.added, result.updated))
        self.problems.clear()
        self.problems.addItems(problems)
        self.problems.setVisible(bool(problems))
        self._show_sessions(sessions)
        self.runner.db(self._choices, self._show_choices)

    # report -----------------------------------------------------------------------------------------------

    def _report_tab(self) -> QWidget:
        self._this_month = QDate.currentDate().toString("yyyy-MM")
        self.period = QComboBox()
        self.period.setEditable(True)
        self.period.setMinimumContentsLength(10)
        self.period.setCurrentText(self._this_month)
        self.period.setToolTip(self.tr("The months with scores are listed; type 2026-W45 for a week or 2026-11-03 "
                                       "for a day"))
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        chinese = QLocale().language() == QLocale.Language.Chinese  # the report speaks the window's language
        self.language.setCurrentIndex(self.language.findData("zh" if chinese else "en"))
        self.call_list = QLineEdit()
        self.call_list.setPlaceholderText(self.tr("Call list (optional)"))
        self.call_list.setToolTip(self.tr("The recording system's list of every call handled (CSV: file, agent, "
                                          "team, call_id, call_time, caller), for the coverage rate and repeat "
                                          "calls"))
        choose_list = QPushButton(self.tr("Call list…"))
        choose_list.clicked.connect(self._choose_call_list)
        build = QPushButton(self.tr("Build report"))
        build.clicked.connect(self.build_report)
        self.export_buttons = []
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Period")))
        row.addWidget(self.period)
        row.addWidget(self.language)
        row.addWidget(self.call_list, 1)
        row.addWidget(choose_list)
        row.addWidget(build)
        row.addStretch(1)
        for text, slot in ((self.tr("PDF…"), self.export_pdf), (self.tr("PNG…"), self.export_png),
                           (self.tr("CSV…"), self.export_csv), (self.tr("Excel…"), self.export_xlsx)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            button.setEnabled(False)
            self.export_buttons.append(button)
            row.addWidget(button)
        self.charts = QWidget()
        self.charts_layout = QVBoxLayout(self.charts)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.charts)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(scroll, 1)
        return tab

    def build_report(self) -> None:
        try:
            period = Period.parse(self.period.currentText())
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        language = self.language.currentData()
        rubrics = self.rubrics.all()
        call_list = self.call_list.text().strip()

        def build() -> tuple[QualityReport, list[ReportFigure]]:
            report = team_quality_report(self.team_db, period, rubrics, language=language,
                                         handled=read_call_list(call_list) if call_list else None,
                                         coaching=all_sessions(self.store) if self.store else ())
            return report, report_figures(report)

        self.status.setText(self.tr("Building the report…"))
        self.runner.db(build, self._show_report, self.status.setText)

    def _choose_call_list(self) -> None:
        path = QFileDialog.getOpenFileName(self, self.tr("Call list"), self.call_list.text(), "CSV (*.csv)")[0]
        if path:
            self.call_list.setText(path)

    def _show_report(self, built: tuple[QualityReport, list[ReportFigure]]) -> None:
        self.report, figures = built
        while self.charts_layout.count():
            self.charts_layout.takeAt(0).widget().deleteLater()
        for chart in figures:
            canvas = FigureCanvasQTAgg(chart.figure)
            canvas.setMinimumHeight(int(chart.figure.get_figheight() * 90))
            self.charts_layout.addWidget(canvas)
        for button in self.export_buttons:
            button.setEnabled(True)
        self.status.setText(self.report.title)

    def _export(self, write, path: str) -> None:  # noqa: ANN001 - one of the report export functions
        report = self.report
        self.runner.io(lambda: write(report, path),
                       lambda _written: self.status.setText(self.tr("Exported to {0}").format(path)),
                       self.status.setText)

    def export_pdf(self, path: str = "") -> None:
        path = path or QFileDialog.getSaveFileName(self, self.tr("Export PDF"), "quality-report.pdf", "PDF (*.pdf)")[0]
        if path and self.report:
            self._export(export_pdf, path)

    def export_png(self, folder: str = "") -> None:
        folder = folder or QFileDialog.getExistingDirectory(self, self.tr("Folder for the charts"))
        if folder and self.report:
            self._export(export_pngs, folder)

    def export_csv(self, folder: str = "") -> None:
        folder = folder or QFileDialog.getExistingDirectory(self, self.tr("Folder for the tables"))
        if folder and self.report:
            self._export(lambda report, target: export_csvs(report_tables(report), target), folder)

    def export_xlsx(self, path: str = "") -> None:
        path = path or QFileDialog.getSaveFileName(self, self.tr("Export Excel"), "quality-report.xlsx",
                                                   "Excel (*.xlsx)")[0]
        if path and self.report:
            self._export(lambda report, target: export_xlsx(report_tables(report), target), path)

    # calibration ------------------------------------------------------------------------------------------

    def _calibration_tab(self) -> QWidget:
        self.session_list = QListWidget()
        self.session_list.currentRowChanged.connect(self.show_session)
        self.call_id = QComboBox()
        self.call_id.setToolTip(self.tr("A call already scored by someone on the team"))
        self.call_id.currentIndexChanged.connect(self._follow_call)
        self.inspectors = QListWidget()
        self.inspectors.setToolTip(self.tr("Tick the inspectors who score the call"))
        self.inspectors.setMaximumHeight(120)
        self.expert = QComboBox()
        self.expert.setToolTip(self.tr("Whose scorecard is the reference; without one, the participants' "
                                       "consensus is"))
        self.rubric = QComboBox()
        for rubric in self.rubrics.all():
            self.rubric.addItem(rubric.name, rubric.id)
        create = QPushButton(self.tr("Create session"))
        create.clicked.connect(self.create_session)
        form = QFormLayout()
        form.addRow(self.tr("Call id"), self.call_id)
        form.addRow(self.tr("Rubric"), self.rubric)
        form.addRow(self.tr("Inspectors"), self.inspectors)
        form.addRow(self.tr("Expert"), self.expert)
        form.addRow(create)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.session_list, 1)
        left_layout.addLayout(form)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.item_table = self._table()
        self.inspector_table = self._table()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.inspector_table, 1)
        right_layout.addWidget(self.item_table, 2)
        tab = QWidget()
        layout = QHBoxLayout(tab)
        layout.addWidget(left, 1)
        layout.addWidget(right, 3)
        return tab

    @staticmethod
    def _table() -> QTableWidget:
        table = QTableWidget()
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        return table

    def create_session(self) -> None:
        """Save the session to the share; a call already scored fixes the rubric, whatever the combo says."""
        share, chosen = self.share.text().strip(), self.call_id.currentData()
        if not chosen or not self.chosen_inspectors():
            self.status.setText(self.tr("Choose a scored call and tick at least one inspector."))
            return
        call_id, inspectors, expert = chosen[0], self.chosen_inspectors(), self.expert.currentData()
        chosen_rubric = self.rubric.currentData()

        def create() -> list[CalibrationSession]:
            scored = [e.rubric_id for e in self.team_db.evaluations() if e.call_id == call_id]
            session = new_session(scored[0] if scored else chosen_rubric, call_id, inspectors, expert)
            save_session(share, session)
            return load_sessions(share)[0]

        self.runner.db(create, self._show_sessions, self.status.setText)

    def _show_sessions(self, sessions: list[CalibrationSession]) -> None:
        self.sessions = sessions
        self.session_list.clear()
        for session in sessions:
            self.session_list.addItem(f"{session.call_id or session.file_name} · {', '.join(session.participants)}")
        if sessions:
            self.session_list.setCurrentRow(0)

    def show_session(self, row: int) -> None:
        if not 0 <= row < len(self.sessions):
            return
        session = self.sessions[row]
        rubric = self.rubrics.by_id(session.rubric_id)
        self.runner.db(lambda: calibrate(session, self.team_db.evaluations(), rubric), self._show_calibration,
                       self.status.setText)

    def _show_calibration(self, result: CalibrationResult) -> None:
        agreement = result.pass_agreement
        self.summary.setText(self.tr("Reference ({0}): {1:g} points, {2}. Pass/fail agreement: {3}. "
                                     "Not scored yet: {4}").format(
            result.reference_label, round(result.reference_total, 1),
            self.tr("pass") if result.reference_passed else self.tr("fail"),
            "—" if agreement is None else f"{agreement:.0%}", ", ".join(result.missing) or "—"))
        self._fill(self.inspector_table, [self.tr("Inspector"), self.tr("Total"), self.tr("Deviation"),
                                          self.tr("Items off"), self.tr("Same verdict")],
                   [[d.inspector, f"{d.total:g}", f"{d.total_deviation:+g}", ", ".join(d.items_off) or "—",
                     "✓" if d.agrees_on_pass else "✗"] for d in result.inspectors])
        names = [d.inspector for d in result.inspectors]
        self._fill(self.item_table, [self.tr("Item"), *names, self.tr("Reference"), self.tr("Spread"),
                                     self.tr("Within tolerance")],
                   [[f"{i.severity} {i.title}", *[_points(i.scores.get(n)) for n in names], _points(i.reference),
                     _points(i.spread), "—" if i.within_share is None else f"{i.within_share:.0%}"]
                    for i in result.items])

    @staticmethod
    def _fill(table: QTableWidget, header: list[str], rows: list[list[str]]) -> None:
        table.setColumnCount(len(header))
        table.setHorizontalHeaderLabels(header)
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(value))

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        self.runner.close()
        self.team_db.close()
        super().closeEvent(event)


def _points(value: float | None) -> str:
    return "N/A" if value is None else f"{value:g}"
