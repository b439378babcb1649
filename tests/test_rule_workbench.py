"""The rule workbench: an edited phrase list finds its hits across the library, with inspectors' verdicts and the
rule's precision from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.pipeline.analysis import analyse_recording
from qaworkstation.core.scoring.decisions import CONFIRMED, REJECTED, record_decision
from qaworkstation.ui.main_window import MainWindow
from qaworkstation.ui.rule_workbench import RuleWorkbench


def test_editing_a_rule_shows_its_hits_and_past_rejections(qtbot, store, transcriber, rubrics,
                                                           calls_copy: Path) -> None:
    ids = import_paths(store, [calls_copy / "zh_forbidden_no_closing.wav", calls_copy / "zh_good_delivery.wav"]
                       ).recording_ids
    results = [analyse_recording(store, transcriber, rubrics, i) for i in ids]
    forbidden = next(f for f in results[0].flags if f.category == "forbidden")
    record_decision(store, ids[0], results[0].rubric_id, "质检员01", forbidden, REJECTED)

    bench = RuleWorkbench(store, rubrics)
    qtbot.addWidget(bench)
    bench.rubric.setCurrentIndex(bench.rubric.findData(results[0].rubric_id))
    rule_index = next(i for i in range(bench.rule.count())
                      if bench._phrase_rules()[bench.rule.itemData(i)].category == "forbidden")
    bench.rule.setCurrentIndex(rule_index)
    qtbot.waitUntil(lambda: bool(bench.hits) and all(h.flag.category == "forbidden" for h in bench.hits), timeout=20000)
    assert {hit.recording_id for hit in bench.hits} == {ids[0]}  # the polite call has no forbidden phrase
    assert any(hit.rejected and "质检员01" in hit.rejected_by for hit in bench.hits)

    bench.phrases.setPlainText("请问")
    qtbot.waitUntil(lambda: bool(bench.hits) and all(h.flag.phrase == "请问" for h in bench.hits), timeout=20000)
    assert ids[1] in {hit.recording_id for hit in bench.hits}
    bench.close()


def test_the_workbench_shows_each_hit_verdict_and_the_rule_precision(qtbot, store, transcriber, rubrics,  # noqa: ANN001
                                                                      calls_copy: Path) -> None:
    """One forbidden hit confirmed, one rejected with a reason, the third left: 3 hits, 1 confirmed, 1 rejected,
    1 not judged, precision 50%. Dropping the rejected phrase from the rule leaves no rejection behind."""
    recording_id = import_paths(store, [calls_copy / "zh_forbidden_no_closing.wav"]).recording_ids[0]
    result = analyse_recording(store, transcriber, rubrics, recording_id)
    hits = sorted((f for f in result.flags if f.category == "forbidden"), key=lambda f: f.start)
    assert len(hits) >= 3
    record_decision(store, recording_id, result.rubric_id, "质检员01", hits[0], CONFIRMED)
    record_decision(store, recording_id, result.rubric_id, "质检员02", hits[1], REJECTED, "客户说的")

    bench = RuleWorkbench(store, rubrics)
    qtbot.addWidget(bench)
    bench.rubric.setCurrentIndex(bench.rubric.findData(result.rubric_id))
    bench.rule.setCurrentIndex(next(i for i in range(bench.rule.count())
                                    if bench._phrase_rules()[bench.rule.itemData(i)].category == "forbidden"))
    qtbot.waitUntil(lambda: bench.precision is not None and bench.precision.rule.category == "forbidden",
                    timeout=20000)

    row = [bench.precision_table.item(0, column).text() for column in range(bench.precision_table.columnCount())]
    assert row == [str(len(hits)), "1", "1", str(len(hits) - 2), "50%"]
    rejected_row = next(r for r in range(bench.table.rowCount()) if bench.hits[r].flag.start == hits[1].start)
    assert [bench.table.item(rejected_row, c).text() for c in (6, 7, 8)] == ["rejected", "质检员02", "客户说的"]
    assert 0.0 < float(bench.table.item(rejected_row, 5).text()) <= float(bench.table.item(rejected_row, 4).text())

    bench.phrases.setPlainText("\n".join(p for p in bench.edited_rule().phrases if p != hits[1].phrase))
    qtbot.waitUntil(lambda: bench.precision is not None and bench.precision.hits == len(hits) - 1, timeout=20000)
    assert (bench.precision.rejected, bench.precision.precision) == (0, 1.0)
    bench.close()


def test_a_hit_opens_its_call_and_plays_the_moment_from_the_lead_in(qtbot, store, transcriber, rubrics,  # noqa: ANN001
                                                                    calls_copy: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The seek must survive the opening of the call, which happens after the hit is chosen (off the GUI
    thread) and used to reset the player to the start."""
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: None)
    ids = import_paths(store, [calls_copy / "zh_good_delivery.wav", calls_copy / "zh_forbidden_no_closing.wav"]
                       ).recording_ids
    results = [analyse_recording(store, transcriber, rubrics, i) for i in ids]
    late = max((f for f in results[1].flags if f.category == "forbidden"), key=lambda f: f.start)
    assert late.start > 5.0  # a moment well inside the call, so the start of the call cannot pass for it
    window = MainWindow(store, transcriber, rubrics, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.open_recording(ids[0])
    qtbot.waitUntil(lambda: window.call is not None and window.call.recording["id"] == ids[0], timeout=10000)
    window._open_hit(ids[1], late.start)
    qtbot.waitUntil(lambda: window.call.recording["id"] == ids[1] and window.playback.playing, timeout=20000)
    lead_in = window.player.lead_in_box.value()
    assert late.start - lead_in - 0.05 <= window.playback.position <= late.start + 1.0
    window.close()
