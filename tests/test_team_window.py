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
from qaworkstation.core.team.report_charts import report_figures
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


def test_team_report_with_call_list_repeat_calls_and_coaching_recheck(qtbot, rubrics, calls_copy: Path,
                                                                      tmp_path: Path) -> None:
    """The call list brings every call handled with its caller (coverage rate, repeat calls / first-call
    resolution); the workstation's library brings its coaching sessions (re-check in the agent's trend)."""
    from qaworkstation.core.team.coaching import CoachingSession, Moment, save_session

    (calls_copy / "metadata.csv").write_text("file,agent,team,call_id,call_time\nzh_good_delivery.wav,A1001,物流组,"
                                             "CAL-1,2026-11-02 09:12\n", encoding="utf-8")
    (tmp_path / "share").mkdir()
    _inspector_scores(tmp_path, calls_copy, rubrics, "qa-wang", 3.0)
    call_list = tmp_path / "calls.csv"
    call_list.write_text("file,agent,team,call_id,call_time,caller\n"
                         "zh_good_delivery.wav,A1001,物流组,CAL-1,2026-11-02 09:12,13800000001\n"
                         "b.wav,A1001,物流组,C2,2026-11-04 10:00,13800000001\n"
                         "c.wav,A1002,物流组,C3,2026-11-05 10:00,13800000002\n", encoding="utf-8-sig")
    library = Store(tmp_path / "coach.sqlite3")
    save_session(library, CoachingSession("A1001", "coach", [Moment("r", "a.wav", "2026-10-20T10:00:00", 0, 0,
                                                                    "deducted", "greeting", "开头语", "C", 1, "")],
                                          created_at="2026-11-01T09:00:00Z"))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    settings.setValue("sync_folder", str(tmp_path / "share"))
    window = TeamWindow(rubrics, settings, tmp_path / "team.sqlite3", store=library)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.team_db.evaluation_count() == 1, timeout=10000)
    qtbot.waitUntil(lambda: window.period.currentText() == "2026-11", timeout=10000)

    window.call_list.setText(str(tmp_path / "missing.csv"))
    window.build_report()
    qtbot.waitUntil(lambda: "missing.csv" in window.status.text(), timeout=30000)
    assert window.report is None

    window.call_list.setText(str(call_list))
    window.build_report()
    qtbot.waitUntil(lambda: window.report is not None, timeout=30000)
    report = window.report
    assert [(r.scope, r.name, r.calls, r.repeated) for r in report.repeat_calls] == [
        ("all", "", 3, 1), ("team", "物流组", 3, 1), ("agent", "A1001", 2, 1), ("agent", "A1002", 1, 0)]
    assert (report.coverage[0].calls, report.coverage[0].covered) == (3, 1)
    [recheck] = report.rechecks
    [greeting] = recheck.items
    assert (recheck.agent, recheck.day, greeting.calls_before, greeting.calls_after) == ("A1001", "2026-11-01", 0, 1)
    names = [f.name for f in report_figures(report)]
    assert "repeat_calls" in names and "coaching_recheck" in names
    window.close()
    library.close()
