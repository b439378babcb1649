"""Starting the window: Qt application, translations from the system locale, and a visible error hook."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"


def install_translator(app: QApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Load the UI translation for the locale (Simplified Chinese, or none: the source strings are English),
    and Qt's own for the same locale so that standard buttons (OK, Cancel) and dialogs speak the same
    language. Returns what was installed, for a caller that switches language back."""
    locale = locale or QLocale.system()
    installed = []
    for name, folder in (("qaws", str(TRANSLATIONS_DIR)), ("qtbase", QLibraryInfo.path(QLibraryInfo.TranslationsPath))):
        translator = QTranslator(app)
        if not translator.load(locale, name, "_", folder):
            break  # no UI translation: leave Qt's strings in English too, so the window does not mix languages
        app.installTranslator(translator)
        installed.append(translator)
    return installed


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """PySide6 prints exceptions raised in slots and carries on; show them so nothing fails unseen."""
    traceback.print_exception(kind, value, tb)
    if QApplication.instance():
        QMessageBox.critical(None, "QA Workstation", f"{kind.__name__}: {value}")


def run_app(db_path: Path | None = None, rubric: str | None = None, model: str | None = None) -> int:
    """Open the window on the library; ``rubric`` and ``model`` None mean the shipped defaults."""
    from ..core.analysis import RubricLibrary
    from ..core.i18n import use_language
    from ..core.models import DEFAULT_MODEL, ModelUnavailable
    from ..core.rubric import RubricError
    from ..core.store import Store, StoreError, default_db_path
    from ..core.transcribe import TranscribeSettings, Transcriber
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("QA Workstation")
    app.setOrganizationName("QA Workstation")
    install_translator(app)
    use_language(QLocale.system().name())  # the core's refusals and messages in the window's language
    sys.excepthook = _excepthook
    try:
        store = Store(db_path or default_db_path())
        window = MainWindow(store, Transcriber(TranscribeSettings(model=model or DEFAULT_MODEL)),
                            RubricLibrary(rubric) if rubric else RubricLibrary())
    except (StoreError, RubricError, ModelUnavailable) as exc:
        QMessageBox.critical(None, "QA Workstation", str(exc))
        return 1
    window.show()
    return app.exec()
