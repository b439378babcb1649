"""Screenshots of the real windows for the README, taken under Xvfb (run through ``make screenshots``).

Each scene opens a copy of the demo library (so the demo itself is never changed), brings a window into the
state an inspector, coach or supervisor would see, and saves a PNG with QWidget.grab():

* ``main`` — a Mandarin call with its flags, transcript and the scorecard mid-review (verdicts given);
* ``player`` — a stereo call zoomed in around a flag, with a loop region and slowed playback;
* ``coaching`` — an agent's flagged moments, one being replayed with a note;
* ``team`` — the supervisor's monthly quality report from a generated month of synced scores.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLocale, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from qaworkstation.core.asr.transcribe import Transcriber
from qaworkstation.core.domain import CONFIRMED, REJECTED
from qaworkstation.core.i18n import use_language
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import RubricLibrary
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.scoring.decisions import record_decision
from qaworkstation.core.scoring.scorecard import accept_remaining, build_evaluation, suggested_scores
from qaworkstation.core.team.demo_data import DEMO_MONTH, generate_months
from qaworkstation.core.team.reports import Period
from qaworkstation.core.team.sync import sync_evaluations
from qaworkstation.ui.app import install_translator
from qaworkstation.ui.main_window import MainWindow

SCENES = ("main", "player", "mono", "coaching", "team", "settings")


def wait(app: QApplication, condition: Callable[[], bool], timeout_ms: int = 30000) -> None:
    """Run the event loop until ``condition`` holds, so the window is painted in its final state."""
    remaining = timeout_ms
    while not condition() and remaining > 0:
        app.processEvents(QEventLoop.AllEvents, 50)
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        remaining -= 50
    if not condition():
        raise TimeoutError("the window did not reach the expected state")


def settle(app: QApplication, ms: int) -> None:
    """Let animations, timers and queued repaints run for ``ms``."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class Scene:
    def __init__(self, app: QApplication, db: Path, work: Path) -> None:
        self.app = app
        self.store = Store(db)
        self.rubrics = RubricLibrary()
        self.work = work
        self.workstation = QSettings(str(work / "settings.ini"), QSettings.IniFormat)
        self.workstation.setValue("inspector", "质检员01")
        roles.ensure_user(self.store, "质检员01")  # the library's first user, as after the first start of the app

    def main_window(self, call: str) -> MainWindow:
        window = MainWindow(self.store, Transcriber(), self.rubrics, self.workstation)
        window.show()
        wait(self.app, lambda: window.library.table.rowCount() > 0)
        recording = next(r for r in self.store.list_recordings() if r["file_name"].startswith(call))
        window.library.select(recording["id"])
        wait(self.app, lambda: window.call is not None and bool(window.call.segments)
             and window.playback.duration > 0)
        return window

    def main(self) -> QWidget:
        """A call mid-review: one suggestion confirmed, one rejected with a reason, a few items scored."""
        recording = next(r for r in self.store.list_recordings() if r["file_name"].startswith("zh_insult"))
        rubric = self.rubrics.for_language("zh")
        flags = {flag.category: flag for flag in self.store.flags(recording["id"], rubric.id)}
        record_decision(self.store, recording["id"], rubric.id, "质检员01", flags["forbidden"], CONFIRMED)
        record_decision(self.store, recording["id"], rubric.id, "质检员01", flags["overtalk"], REJECTED,
                        "客户停顿后才接话，不算抢话")
        window = self.main_window("zh_insult_escalation")
        window.scorecard._rows["product_knowledge"].score.setValue(4.5)
        window.scorecard._rows["business_answers"].review.setChecked(True)
        window.seek(11.8)
        settle(self.app, 500)
        return window

    def mono(self) -> QWidget:
        """A mono recording attributed by voice: one waveform, agent and customer turns in their colours."""
        window = self.main_window("en_rude_mono")
        window.seek(4.0)
        settle(self.app, 500)
        return window

    def player(self) -> QWidget:
        window = self.main_window("zh_forbidden_no_closing")
        player = window.player
        player.next_flag()
        player.next_flag()
        flag = player._last_flag
        player.set_speed(0.75)
        settle(self.app, 900)
        player.playback.pause()
        window.waveform.set_view(flag.start - 3.0, 7.0)
        player.set_loop(flag.start, flag.end)
        player.seek(flag.start + 0.6)
        settle(self.app, 300)
        return window

    def coaching(self) -> QWidget:
        from qaworkstation.ui.coaching_window import CoachingWindow

        for row in self.store.list_recordings():
            rubric = self.rubrics.for_language(row["language"] or "zh")
            flags = self.store.flags(row["id"], rubric.id)
            items, accepted = accept_remaining(rubric, suggested_scores(rubric, flags,
                                                                        self.store.checks(row["id"], rubric.id)))
            lifecycle.save_and_submit(self.store, build_evaluation(rubric, row, "质检员01", items, flags=flags,
                                                                   accepted_remaining=accepted), "质检员01")
        window = CoachingWindow(self.store, self.rubrics, "coach-li", self.workstation)
        window.resize(1480, 900)
        window.show()
        wait(self.app, lambda: window.agent.count() > 0)
        window.agent.setCurrentText("A1003")
        wait(self.app, lambda: window.list.count() > 0 and window.session.agent == "A1003")
        row = next(i for i, m in enumerate(window.moments) if m.category == "forbidden")
        window.list.setCurrentRow(row)
        wait(self.app, lambda: window.playback.duration > 0)
        window.note.setPlainText("客户在抱怨时不要反问，先致歉再确认上门时间。")
        window.plan.setPlainText("1. 复听本通电话，写出三句可替换的话术\n2. 本周内模拟演练投诉场景两次")
        settle(self.app, 600)
        return window

    def team(self) -> QWidget:
        from qaworkstation.ui.team_window import TeamWindow

        share = self.work / "share"
        share.mkdir()
        period = Period.month(DEMO_MONTH)
        by_inspector = defaultdict(list)
        for evaluation in generate_months([period.previous().start.strftime("%Y-%m"), DEMO_MONTH]):
            by_inspector[evaluation.inspector].append(evaluation)
        for inspector, evaluations in by_inspector.items():
            sync_evaluations(share, inspector, evaluations)
        self.workstation.setValue("sync_folder", str(share))
        window = TeamWindow(self.rubrics, self.workstation, self.work / "team.sqlite3")
        window.resize(1480, 900)
        window.show()
        window.refresh()
        wait(self.app, lambda: window.team_db.evaluation_count() > 0)
        window.period.setCurrentText(DEMO_MONTH)
        window.build_report()
        wait(self.app, lambda: window.report is not None, 60000)
        settle(self.app, 500)
        return window


    def settings(self) -> QWidget:
        from qaworkstation.core.settings import AUDIO_SHARED, RUN_SCHEDULER
        from qaworkstation.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.workstation, "质检员01")
        dialog.run_on.setCurrentIndex(dialog.run_on.findData(RUN_SCHEDULER))
        dialog.scheduler.setText("tcp://10.20.0.5:8786")
        dialog.audio.setCurrentIndex(dialog.audio.findData(AUDIO_SHARED))
        dialog.path_map.setText("/srv/calls=/mnt/calls")
        dialog.show()
        settle(self.app, 300)
        return dialog


def copy_library(source: Path, target: Path) -> None:
    """SQLite's backup API copies a consistent snapshot even with a WAL beside the file."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def main() -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the real windows")
    parser.add_argument("--db", type=Path, required=True, help="the demo library")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--locale", default="zh_CN")
    parser.add_argument("--size", default="", help="WIDTHxHEIGHT to check another screen (e.g. 1280x720)")
    parser.add_argument("scenes", nargs="*", help=f"any of {', '.join(SCENES)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.scenes) - set(SCENES)
    if unknown:
        parser.error(f"unknown scene(s): {', '.join(sorted(unknown))}")
    app = QApplication(sys.argv)
    QLocale.setDefault(QLocale(args.locale))  # what the system locale would be: reports follow it too
    use_language(args.locale)  # and the core's messages
    install_translator(app, QLocale(args.locale))
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.scenes or SCENES:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            copy_library(args.db, work / "library.sqlite3")
            scene = Scene(app, work / "library.sqlite3", work)
            window = getattr(scene, name)()
            if args.size:
                window.resize(*(int(side) for side in args.size.split("x")))
                settle(app, 300)
            target = args.out / f"screenshot-{name}.png"
            window.grab().save(str(target))
            print(target)
            window.close()
            scene.store.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    sys.exit(main())
