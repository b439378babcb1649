"""The rule workbench: an edited phrase list finds its hits across the library, with inspectors' rejections."""

from __future__ import annotations

from pathlib import Path

from qaworkstation.core.analysis import analyse_recording
from qaworkstation.core.decisions import REJECTED, record_decision
from qaworkstation.core.importer import import_paths
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
