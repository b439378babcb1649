"""The supervisor's window: three inspectors' synced scores merged, a calibration session, the report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from qaworkstation.core.domain import ItemScore
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.scoring.scorecard import build_evaluation
from qaworkstation.core.team.sync import sync_evaluations
from qaworkstation.ui.team_window import TeamWindow


def _inspector_scores(tmp_path: Path, calls_copy: Path, rubrics, inspector: str, greeting: float) -> None:
    """One inspector's own library: the calibration call scored, submitted (a draft stays off the share) and
    synced to the share."""
    store = Store(tmp_path / f"{inspector}.sqlite3")
    recording_id = import_paths(store, [calls_copy / "zh_good_delivery.wav"]).recording_ids[0]
    recording = store.recording(recording_id)
    rubric = rubrics.for_language("zh")
    items = {"greeting": ItemScore("greeting", greeting, False, "", reviewed=True)}
    roles.ensure_user(store, inspector)  # the library's first user: allowed to score and submit
    lifecycle.save_and_submit(store, build_evaluation(rubric, recording, inspector, items), inspector)
    result = sync_evaluations(tmp_path / "share", inspector, store.evaluations(inspector=inspector))
    assert result.ok, result.message
    store.close()


def test_calibration_session_from_three_inspectors(qtbot, rubrics, calls_copy: Path, tmp_path: Path) -> None:
    (calls_copy / "metadata.csv").write_text("file,agent,team,call_id,call_time\nzh_good_delivery.wav,A1001,物流组,"
                                             "CAL-1,2026-11-02 09:12\n", encoding="utf-8")
    (tmp_path / "share").mkdir()
    for inspector, greeting in (("qa-wang", 3.0), ("qa-li", 3.0), ("qa-zhao", 1.0)):
        _inspector_scores(tmp_path, calls_copy, rubrics, inspector, greeting)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    settings.setValue("sync_folder", str(tmp_path / "share"))
    window = TeamWindow(rubrics, settings, tmp_path / "team.sqlite3")
    qtbot.addWidget(window)  # it merges the share as it opens: nobody has to press Merge to see the team
    qtbot.waitUntil(lambda: window.team_db.evaluation_count() == 3, timeout=10000)
    qtbot.waitUntil(lambda: "3" in window.status.text(), timeout=10000)

    qtbot.waitUntil(lambda: window.call_id.count() == 1 and window.inspectors.count() == 3, timeout=10000)
    assert window.call_id.currentData() == ("CAL-1", window.rubric.currentData())  # the call's own rubric
    assert window.period.currentText() == "2026-11"  # the month with scores, not an empty current month
    for row in range(window.inspectors.count()):
        window.inspectors.item(row).setCheckState(Qt.CheckState.Checked)
    window.create_session()
    qtbot.waitUntil(lambda: window.session_list.count() == 1, timeout=10000)
    qtbot.waitUntil(lambda: window.inspector_table.rowCount() == 3, timeout=10000)
    rows = {window.inspector_table.item(r, 0).text(): window.inspector_table.item(r, 2).text()
            for r in range(3)}
    assert rows["qa-zhao"] != "+0" and rows["qa-wang"] == "+0"
    greeting_row = next(r for r in range(window.item_table.rowCount())
                        if "开头语" in window.item_table.item(r, 0).text())
    spread_column = window.item_table.columnCount() - 2
    assert window.item_table.item(greeting_row, spread_column).text() == "2"

    window.build_report()
    qtbot.waitUntil(lambda: window.report is not None, timeout=30000)
    assert window.charts_layout.count() >= 6
    window.export_pdf(str(tmp_path / "report.pdf"))
    qtbot.waitUntil((tmp_path / "report.pdf").exists, timeout=30000)
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    window.close()
