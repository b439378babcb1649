"""The sampling dialog draws by a coverage plan (quota) from the library's calls within its date window."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from PySide6.QtCore import QDate

from qaworkstation.core.library.store import Store
from qaworkstation.core.team.demo_data import DEMO_MONTH, default_rubrics, generate_month, save_to_store
from qaworkstation.core.team.sampling import CoveragePlan, quota_sample


def test_coverage_plan_quota_drawn_from_the_dialog(qtbot, store: Store) -> None:  # noqa: ANN001
    from qaworkstation.ui.sampling_dialog import PLAN, SamplingDialog
    from qaworkstation.ui.tasks import Runner

    for evaluation in generate_month(DEMO_MONTH, default_rubrics())[:60]:
        save_to_store(store, evaluation)
    dialog = SamplingDialog(store, Runner(lambda message: None))
    qtbot.addWidget(dialog)
    assert not dialog.agent_share.isEnabled()
    dialog.mode.setCurrentIndex(dialog.mode.findData(PLAN))
    assert dialog.agent_share.isEnabled() and dialog.date_from.isEnabled() and not dialog.agents.isEnabled()
    dialog.percent.setValue(30)
    dialog.agent_share.setValue(50)
    dialog.date_from.setDate(QDate(2026, 10, 1))
    dialog.date_to.setDate(QDate(2026, 10, 3))

    dialog._draw()
    qtbot.waitUntil(lambda: bool(dialog.chosen_ids), timeout=5000)

    expected = quota_sample(store.list_recordings(), CoveragePlan(call_share=30, agent_share=50), "2026-10-01",
                            "2026-10-03")
    assert dialog.chosen_ids == expected
    days = {store.recording(i)["call_time"][:10] for i in dialog.chosen_ids}
    assert days <= {"2026-10-01", "2026-10-02", "2026-10-03"}


def test_coverage_draw_kept_and_reopened_from_the_dialog(qtbot, store: Store) -> None:  # noqa: ANN001
    """A plan's draw is kept: a dialog opened later (after a restart) offers it with its progress and opens the
    same calls, where drawing anew would not."""
    from qaworkstation.core.scoring import lifecycle, roles
    from qaworkstation.ui.sampling_dialog import KEPT, PLAN, SamplingDialog
    from qaworkstation.ui.tasks import Runner

    roles.ensure_user(store, "张敏")
    saved = [save_to_store(store, replace(evaluation, inspector="张敏"))
             for evaluation in generate_month(DEMO_MONTH, default_rubrics())[:60]]
    first = SamplingDialog(store, Runner(lambda message: None))
    qtbot.addWidget(first)
    first.mode.setCurrentIndex(first.mode.findData(PLAN))
    first.percent.setValue(30)
    first.inspector_daily.setValue(2)
    first.date_from.setDate(QDate(2026, 10, 1))
    first.date_to.setDate(QDate(2026, 10, 3))
    first._draw()
    qtbot.waitUntil(lambda: bool(first.chosen_ids), timeout=5000)
    drawn = first.chosen_ids
    submitted = next(ev for ev in saved if ev.recording_id == drawn[0])
    lifecycle.submit(store, submitted.id, submitted.inspector)

    later = SamplingDialog(store, Runner(lambda message: None))
    qtbot.addWidget(later)
    later.mode.setCurrentIndex(later.mode.findData(KEPT))
    qtbot.waitUntil(lambda: later.kept.count() == 1, timeout=5000)
    busiest = max(Counter(store.recording(i)["call_time"][:10] for i in drawn).values())
    assert later.result.text().splitlines()[0] == f"Drawn {len(drawn)} · scored 1 · remaining {len(drawn) - 1}"
    assert (f"The busiest day draws {busiest} calls, more than the inspectors' 2 a day." in later.result.text()) == (
        busiest > 2)
    assert not later.percent.isEnabled() and later.kept.isEnabled()
    later._draw()
    assert later.chosen_ids == drawn


def test_coverage_draw_progress_shown_in_the_library_and_recounted_as_calls_are_scored(
        qtbot, store: Store, transcriber, rubrics, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtCore import QSettings

    from qaworkstation.core.scoring import lifecycle, roles
    from qaworkstation.ui.main_window import MainWindow
    from qaworkstation.ui.sampling_dialog import PLAN, SamplingDialog

    roles.ensure_user(store, "张敏")
    saved = [save_to_store(store, replace(evaluation, inspector="张敏"))
             for evaluation in generate_month(DEMO_MONTH, default_rubrics())[:60]]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    settings.setValue("inspector", "张敏")
    window = MainWindow(store, transcriber, rubrics, settings)
    qtbot.addWidget(window)

    def draw_by_plan(dialog: SamplingDialog) -> bool:
        dialog.mode.setCurrentIndex(dialog.mode.findData(PLAN))
        dialog.percent.setValue(30)
        dialog.date_from.setDate(QDate(2026, 10, 1))
        dialog.date_to.setDate(QDate(2026, 10, 3))
        dialog._draw()
        qtbot.waitUntil(lambda: bool(dialog.chosen_ids), timeout=5000)
        return True

    monkeypatch.setattr(SamplingDialog, "exec", draw_by_plan)
    window.choose_sample()
    label = window.library.sample_label
    qtbot.waitUntil(lambda: "remaining" in label.text(), timeout=5000)
    drawn = window._draw_dialog.chosen_draw.recording_ids
    assert f"Drawn {len(drawn)} · scored 0 · remaining {len(drawn)}" in label.text()
    assert window.library.table.rowCount() == len(drawn)

    scored = next(ev for ev in saved if ev.recording_id == drawn[0])
    lifecycle.submit(store, scored.id, scored.inspector)
    window.refresh_library()
    qtbot.waitUntil(lambda: f"scored 1 · remaining {len(drawn) - 1}" in label.text(), timeout=5000)
    window.library.set_sample(None)
    assert label.isHidden()
