"""The window's background queue: importing a folder analyses every call, the opened call jumps ahead."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QSplitter

from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.opened_call import open_call
from qaworkstation.core.pipeline.analysis import analyse_recording
from qaworkstation.core.pipeline.cluster_settings import ClusterSettings
from qaworkstation.core.pipeline.work_queue import OPENED_PRIORITY, WorkQueue
from qaworkstation.core.settings import AUDIO_SHARED, RUN_HERE, RUN_LOCAL_WORKERS, RUN_SCHEDULER, cluster_settings
from qaworkstation.ui.main_window import MainWindow
from qaworkstation.ui.settings_dialog import SettingsDialog


@pytest.fixture
def window(qtbot, store, transcriber, rubrics, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: None)
    main = MainWindow(store, transcriber, rubrics, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(main)
    yield main
    main.close()


def test_importing_a_folder_analyses_every_call_in_the_background(qtbot, window: MainWindow, store,
                                                                  calls_copy: Path) -> None:
    day = calls_copy.parent / "day"
    day.mkdir()
    for name in ("zh_forbidden_no_closing.wav", "en_rude_mono.wav"):
        (calls_copy / name).rename(day / name)
    seen = []
    window.queue.statusChanged.connect(seen.append)
    window.import_paths([str(day)])
    qtbot.waitUntil(lambda: len(store.list_recordings()) == 2, timeout=20000)
    qtbot.waitUntil(lambda: all(r["status"] == "analysed" for r in store.list_recordings()), timeout=240000)
    qtbot.waitUntil(lambda: not window.queue.running, timeout=20000)
    # the queue thread's last status is a queued signal: it may reach the window after the thread has stopped
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].done == 2, timeout=10000)
    assert seen[-1].total == 2
    assert any(0 < s.fraction < 1 for s in seen)
    qtbot.waitUntil(lambda: window.library.table.rowCount() == 2, timeout=10000)
    risky = window.library.table.item(0, 0).text()
    assert "forbidden" in risky or "rude" in risky


def test_opening_a_waiting_call_puts_it_first(qtbot, window: MainWindow, store, calls_copy: Path) -> None:
    ids = import_paths(store, [calls_copy]).recording_ids
    WorkQueue(store).enqueue(ids)
    window.queue.pause()
    window.open_recording(ids[3])
    qtbot.waitUntil(lambda: window.call is not None, timeout=10000)
    window.queue.pause()
    window.queue.wait()
    jobs = {j["recording_id"]: j for j in WorkQueue(store).jobs()}
    assert jobs[ids[3]]["priority"] == OPENED_PRIORITY
    assert all(jobs[i]["priority"] == 0 for i in ids if i != ids[3])


def test_settings_store_a_dask_cluster_and_refuse_fields_that_cannot_work(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    dialog = SettingsDialog(settings, "qa01")
    qtbot.addWidget(dialog)
    dialog.run_on.setCurrentIndex(dialog.run_on.findData(RUN_SCHEDULER))
    assert dialog.scheduler.isVisibleTo(dialog) and not dialog.cluster_workers.isVisibleTo(dialog)
    dialog.scheduler.setText("10.0.0.5:8786")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and "tcp://HOST:PORT" in dialog.problem.text()
    dialog.scheduler.setText("tcp://10.0.0.5:8786")
    dialog.audio.setCurrentIndex(dialog.audio.findData(AUDIO_SHARED))
    assert dialog.path_map.isVisibleTo(dialog)
    dialog.accept()
    assert "LOCAL=REMOTE" in dialog.problem.text()
    dialog.path_map.setText(f"{tmp_path}=/mnt/calls")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert cluster_settings(settings) == ClusterSettings(scheduler="tcp://10.0.0.5:8786",
                                                         path_map=((str(tmp_path), "/mnt/calls"),))
    settings.setValue("run_on", RUN_HERE)
    assert cluster_settings(settings) is None


@pytest.fixture
def cluster_window(qtbot, store, transcriber, rubrics, tmp_path: Path,  # noqa: ANN001
                   monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: None)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    for key, value in {"run_on": RUN_LOCAL_WORKERS, "cluster_workers": 2, "cluster_threads": 1}.items():
        settings.setValue(key, value)
    main = MainWindow(store, transcriber, rubrics, settings)
    qtbot.addWidget(main)
    yield main
    main.close()


def test_window_runs_the_queue_on_local_dask_workers_with_the_dashboard_shown(
        qtbot, cluster_window: MainWindow, store, calls_copy: Path) -> None:  # noqa: ANN001
    """Chosen in Settings: worker processes analyse the calls, each result is stored as it comes back (with
    the dashboard link shown meanwhile), a pause hands unfinished calls back to the queue, and resuming
    finishes them, each exactly once."""
    window, links, seen = cluster_window, [], []
    window.queue.dashboardChanged.connect(links.append)
    window.queue.statusChanged.connect(seen.append)
    ids = import_paths(store, [calls_copy]).recording_ids
    window.enqueue(ids)
    qtbot.waitUntil(lambda: any(s.done for s in seen), timeout=240000)
    assert not window.dashboard.isHidden() and "dashboard" in window.dashboard.text().lower()
    window.toggle_queue()
    qtbot.waitUntil(lambda: not window.queue.running, timeout=60000)
    assert links[0].startswith("http") and links[-1] == "" and window.dashboard.isHidden()
    paused = WorkQueue(store).counts()
    assert paused.get("queued", 0) > 0 and not paused.get("running")
    window.toggle_queue()
    qtbot.waitUntil(lambda: WorkQueue(store).counts().get("done") == len(ids), timeout=300000)
    qtbot.waitUntil(lambda: not window.queue.running, timeout=60000)
    assert [s.done for s in seen if s.current_file] == sorted(s.done for s in seen if s.current_file)
    rows = {r["file_name"]: r for r in store.list_recordings()}
    assert all(r["status"] == "analysed" for r in rows.values())
    per_call = store.db.execute("SELECT recording_id, COUNT(*) FROM transcripts GROUP BY recording_id").fetchall()
    assert sorted(rid for rid, count in per_call if count == 1) == sorted(ids)
    flagged = store.db.execute("SELECT DISTINCT f.category FROM flags f JOIN recordings r ON r.id = f.recording_id "
                               "WHERE r.file_name = 'zh_forbidden_no_closing.wav'").fetchall()
    assert ("forbidden",) in flagged


def test_an_unreachable_scheduler_stops_the_queue_with_a_message_and_keeps_the_calls(
        qtbot, window: MainWindow, store, calls_copy: Path) -> None:  # noqa: ANN001
    window.queue.cluster = ClusterSettings(scheduler="tcp://127.0.0.1:9", send_audio=True, connect_timeout_s=2)
    ids = import_paths(store, [calls_copy / "en_rude_mono.wav"]).recording_ids
    window.enqueue(ids)
    qtbot.waitUntil(lambda: window.queue.running, timeout=10000)
    qtbot.waitUntil(lambda: not window.queue.running, timeout=60000)
    # the thread's signals reach the window after it has finished: wait for the message, not just the stop
    qtbot.waitUntil(lambda: "cannot reach" in window.statusBar().currentMessage(), timeout=10000)
    message = window.statusBar().currentMessage()
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in message and "queued" in message
    assert WorkQueue(store).counts() == {"queued": 1}
    assert store.recording(ids[0])["status"] != "error"


def test_analysis_settings_changed_during_a_run_apply_when_the_queue_stops(qtbot, window: MainWindow, store,
                                                                           calls_copy: Path) -> None:  # noqa: ANN001
    window.enqueue(import_paths(store, [calls_copy / "zh_hold_fillers.mp3"]).recording_ids)
    qtbot.waitUntil(lambda: window.queue.running, timeout=10000)
    window.settings.setValue("run_on", RUN_LOCAL_WORKERS)
    window._apply_analysis_settings()
    assert window.queue.cluster is None  # the run keeps what it started with
    window.toggle_queue()
    qtbot.waitUntil(lambda: not window.queue.running, timeout=60000)
    qtbot.waitUntil(lambda: window.queue.cluster is not None, timeout=5000)
    assert window.queue.cluster == cluster_settings(window.settings) and window.queue.cluster.workers >= 1


def test_calls_left_queued_by_the_last_session_are_analysed_when_the_window_opens(
        qtbot, store, transcriber, rubrics, calls_copy: Path, tmp_path: Path,  # noqa: ANN001
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: None)
    ids = import_paths(store, [calls_copy / "en_rude_mono.wav"]).recording_ids
    WorkQueue(store).enqueue(ids)
    WorkQueue(store).claim_next()  # and the app died while it was being analysed
    main = MainWindow(store, transcriber, rubrics, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(main)
    qtbot.waitUntil(lambda: store.recording(ids[0])["status"] == "analysed", timeout=120000)
    qtbot.waitUntil(lambda: not main.queue.running, timeout=20000)
    assert WorkQueue(store).counts() == {"done": 1}
    main.close()


def test_the_open_calls_analysis_shows_its_card_without_moving_the_dividers_or_losing_what_was_typed(
        qtbot, window: MainWindow, store, transcriber, rubrics, calls_copy: Path) -> None:
    """The queue finishes the call the inspector is looking at: the transcript and then the card (another
    language's form for an English call) take its analysis; the window's panels keep their widths, and an item
    comment typed a moment before the analysis landed is still there."""
    ids = {store.recording(i)["file_name"]: i for i in import_paths(store, [calls_copy]).recording_ids}
    window.resize(1480, 900)
    window.show()
    for name, typed_item in (("zh_forbidden_no_closing.wav", "greeting"), ("en_rude_mono.wav", None)):
        recording_id = ids[name]
        window.open_recording(recording_id)
        qtbot.waitUntil(lambda: window.call is not None and window.call.recording["id"] == recording_id,
                        timeout=10000)
        window.queue.pause()  # the queue's own run is not waited for: the analysis is stored here
        window.queue.wait()
        assert window.scorecard.rubric.language == "zh" and not window.call.segments  # language not known yet
        if typed_item:
            row = window.scorecard._rows[typed_item]
            row.comment.setText("开头语不完整")
            row.comment.textEdited.emit("开头语不完整")
            assert window.draft_timer.isActive()  # typed, not yet kept as a draft
        splitter = window.findChild(QSplitter)
        sizes = splitter.sizes()
        analyse_recording(store, transcriber, rubrics, recording_id)
        window.queue.analysed.emit(recording_id)
        language = "en" if name.startswith("en") else "zh"
        qtbot.waitUntil(lambda: bool(window.call.segments) and window.scorecard.rubric.language == language
                        and window.scorecard.updatesEnabled(), timeout=10000)
        assert window.transcript.toPlainText().strip()
        assert any(row.found for row in window.scorecard._rows.values())  # the rules' suggestions are on the card
        assert splitter.sizes() == sizes
        if typed_item:
            assert window.scorecard._rows[typed_item].comment.text() == "开头语不完整"


def test_a_call_opened_while_the_last_ones_card_waits_to_be_shown_keeps_its_own_card(
        qtbot, window: MainWindow, store, transcriber, rubrics, calls_copy: Path) -> None:
    ids = import_paths(store, [calls_copy]).recording_ids
    first, other = ids[0], ids[1]
    window.open_recording(first)
    qtbot.waitUntil(lambda: window.call is not None and window.call.recording["id"] == first, timeout=10000)
    window.queue.pause()
    window.queue.wait()
    analyse_recording(store, transcriber, rubrics, first)
    landed = open_call(store, rubrics, first, window.inspector)
    qtbot.waitUntil(lambda: window.scorecard.form_ready(landed.rubric), timeout=10000)  # built ahead
    window._show_analysis(landed)  # the first call's transcript is shown, its card waits for the next turn
    assert window.card_timer.isActive()
    window._fill_card_unpainted()  # ... is filled unpainted: the card as it was stays on screen
    assert not window.scorecard.updatesEnabled()
    window.open_recording(other)
    qtbot.waitUntil(lambda: window.call.recording["id"] == other, timeout=10000)
    assert window.scorecard.updatesEnabled() and not window.card_paint_timer.isActive()
    assert window.scorecard.rubric.id == window.call.rubric.id


def _open_waiting_call(qtbot, window: MainWindow, store, calls_copy: Path, name: str) -> str:
    """Open ``name`` before its analysis, with the queue held, and return its id."""
    ids = {store.recording(i)["file_name"]: i for i in import_paths(store, [calls_copy]).recording_ids}
    window.open_recording(ids[name])
    qtbot.waitUntil(lambda: window.call is not None and window.call.recording["id"] == ids[name], timeout=10000)
    window.queue.pause()
    window.queue.wait()
    return ids[name]


def test_an_analysis_landing_before_its_form_is_built_waits_for_it_instead_of_building_it_at_once(
        qtbot, window: MainWindow, store, transcriber, rubrics, calls_copy: Path) -> None:
    """In the window's first moments the forms are still being built ahead, a few items a turn; the open call's
    analysis lands on the English form: it is shown once that form is complete, not built in one go."""
    recording_id = _open_waiting_call(qtbot, window, store, calls_copy, "en_rude_mono.wav")
    analyse_recording(store, transcriber, rubrics, recording_id)
    landed = open_call(store, rubrics, recording_id, window.inspector)
    del window.scorecard._forms[landed.rubric.id]  # as before it was built ahead
    window._show_analysis(landed)
    form = window.scorecard._forms[landed.rubric.id]
    assert not form.complete and not window.call.segments and not window.card_timer.isActive()
    qtbot.waitUntil(lambda: bool(window.call.segments) and window.scorecard.rubric.id == landed.rubric.id
                    and window.scorecard.updatesEnabled(), timeout=10000)
    assert window.scorecard._form is form and form.complete
    assert window.transcript.toPlainText().strip()


def test_a_comment_typed_while_the_analysed_call_is_read_is_kept(
        qtbot, window: MainWindow, store, transcriber, rubrics, calls_copy: Path) -> None:
    """The inspector types while the landed analysis is being read: the call read before the typing is not
    shown over it; the comment is written and the call read again."""
    recording_id = _open_waiting_call(qtbot, window, store, calls_copy, "zh_forbidden_no_closing.wav")
    analyse_recording(store, transcriber, rubrics, recording_id)
    landed = open_call(store, rubrics, recording_id, window.inspector)
    row = window.scorecard._rows["greeting"]
    row.comment.setText("开头语不完整")
    row.comment.textEdited.emit("开头语不完整")
    window._show_analysis(landed)
    qtbot.waitUntil(lambda: bool(window.call.segments) and window.scorecard.updatesEnabled()
                    and not window.card_timer.isActive() and not window.card_paint_timer.isActive(), timeout=10000)
    assert window.scorecard._rows["greeting"].comment.text() == "开头语不完整"
    assert window.call.items["greeting"].comment == "开头语不完整"
