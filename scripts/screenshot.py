"""Screenshots of the real window for the README, taken under Xvfb (run through ``make screenshots``).

Opens the demo library, selects a Mandarin call, plays a little so the playhead and the current transcript line
show, and saves PNGs with QWidget.grab().
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLocale, QTimer
from PySide6.QtWidgets import QApplication

from qaworkstation.core.analysis import RubricLibrary
from qaworkstation.core.store import Store
from qaworkstation.core.transcribe import Transcriber
from qaworkstation.ui.app import install_translator
from qaworkstation.ui.main_window import MainWindow


def _wait(app: QApplication, condition, timeout_ms: int = 20000) -> None:
    remaining = timeout_ms
    while not condition() and remaining > 0:
        app.processEvents(QEventLoop.AllEvents, 50)
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        remaining -= 50
    if not condition():
        raise TimeoutError("the window did not reach the expected state")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--call", default="zh_insult_escalation")
    parser.add_argument("--locale", default="zh_CN")
    args = parser.parse_args()
    app = QApplication(sys.argv)
    install_translator(app, QLocale(args.locale))
    store = Store(args.db)
    window = MainWindow(store, Transcriber(), RubricLibrary())
    window.show()
    _wait(app, lambda: window.library.table.rowCount() > 0)
    recording = next(r for r in store.list_recordings() if r["file_name"].startswith(args.call))
    window.library.select(recording["id"])
    _wait(app, lambda: window.call is not None and bool(window.call.segments))
    window.seek(11.8)
    _wait(app, lambda: True, 500)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "screenshot-main.png"
    window.grab().save(str(target))
    print(target)
    window.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    sys.exit(main())
