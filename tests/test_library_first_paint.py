"""Start-up: ``qaws`` paints the library list from the file alone — sqlite-utils (and the numpy it brings), the
rules and the model load after the first paint — and the window that follows opens the library in full."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from qaworkstation.core.library.store import Store

_PROBE = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QTableView

HEAVY = ("sqlite_utils", "numpy", "faster_whisper", "pypinyin", "matplotlib", "qaworkstation.core.rules.flags")
seen = {}

class Watch(QObject):
    def eventFilter(self, watched, event):
        table = watched.parent()
        if event.type() == QEvent.Paint and isinstance(table, QTableView) and table.model() is not None \\
                and table.model().rowCount() > 0 and not seen:
            seen.update(rows=table.model().rowCount(), loaded=[name for name in HEAVY if name in sys.modules])
        window = getattr(QApplication.instance(), "main_window", None)
        if seen and window is not None and "window_rows" not in seen:
            seen["window_rows"] = window.library.table.rowCount()
            seen["window_loaded"] = [name for name in HEAVY if name in sys.modules]
            QTimer.singleShot(0, lambda: (print(json.dumps(seen), flush=True), window.close(),
                                          QApplication.instance().exit(0)))
        return False

app = QApplication(sys.argv)
watch = Watch()
app.installEventFilter(watch)
from qaworkstation.cli import main
main([])
"""


def test_the_library_is_painted_before_the_heavy_modules_load(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    store = Store(db)
    for number in range(5):
        store.add_recording({"sha256": f"{number:064d}", "path": f"/calls/c{number}.wav", "file_name": f"c{number}.wav",
                             "duration": 30.0, "channels": 2, "samplerate": 8000, "agent": "A1"})
    store.close()
    env = {**os.environ, "QAWS_DB": str(db), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "QAWS_CACHE_DIR": str(tmp_path / "cache"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stderr[-3000:]
    seen = json.loads(lines[-1])
    assert seen["rows"] == 5 and seen["loaded"] == []
    assert seen["window_rows"] == 5  # the window that replaced it reads the same library, opened in full
    assert "sqlite_utils" in seen["window_loaded"]
