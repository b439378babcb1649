"""Starting the window: Qt application, translations from the system locale, a visible error hook, and the
library painted before the rest of the window has loaded."""

from __future__ import annotations

import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, Qt, QTimer, QTranslator, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QMessageBox, QWidget

from ..core.i18n import use_language
from ..core.library.drivers import default_db_path
from ..core.library.query import LibraryReader, quick_reader
from ..core.privacy.keys import DATABASE_KEY, KeyUnavailable, load_key
from .library_view import LibraryView

if TYPE_CHECKING:
    from ..core.library.store import Store

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


class FirstPaint(QWidget):
    """The library, painted within half a second of start-up while the rest of the window loads.

    The inspector's window needs the rules, the transcriber, the sync and their libraries (about a second and a
    half of imports); the library list needs none of them. This stands in the window's place with the same
    list until the window is built, and hands over the filters and the call chosen meanwhile.
    """

    painted = Signal()  # once, after the first paint: the window's imports start then, not before

    def __init__(self, reader: LibraryReader) -> None:
        super().__init__()
        self._painted = False
        self.setWindowTitle(self.tr("QA Workstation"))
        self.resize(1480, 900)
        self.library = LibraryView()
        self.library.setFixedWidth(400)
        self.library.filtersChanged.connect(self.library.refresh)
        self.library.set_reader(reader)
        self.library.refresh()
        waiting = QLabel(self.tr("Opening the window…"))
        waiting.setAlignment(Qt.AlignCenter)
        waiting.setStyleSheet("color: #5f6368;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.library)
        layout.addWidget(waiting, 1)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.painted.emit)  # after this pass, which paints the list too

    def hand_over(self, library: LibraryView) -> None:
        """Give the window's library the filters, order and selected call of this one."""
        for name in ("agent", "team", "call_type", "status", "review"):
            combo = getattr(library, name)
            combo.setCurrentIndex(max(0, combo.findData(getattr(self.library, name).currentData())))
        library.date_from.setDate(self.library.date_from.date())
        library.date_to.setDate(self.library.date_to.date())
        header = self.library.table.horizontalHeader()
        library.table.horizontalHeader().setSortIndicator(header.sortIndicatorSection(), header.sortIndicatorOrder())
        library.refresh()
        if self.library.selected_id():
            library.select(self.library.selected_id())


class _WindowModules(QObject):
    """Imports the window's modules, and opens the library in full (sqlite-utils, migrations) unless that was
    needed before the first paint, on a thread of their own, so the first paint stays responsive."""

    loaded = Signal(object)  # the open Store
    failed = Signal(str)  # why the library cannot be opened

    def __init__(self, path: Path, store: Store | None) -> None:
        super().__init__()
        self.path, self.store = path, store

    def start(self) -> None:
        threading.Thread(target=self._load, name="window imports", daemon=True).start()

    def _load(self) -> None:
        from ..core.library.store import Store, StoreError
        from . import main_window  # noqa: F401 - imported for its side effect: the modules are loaded

        try:
            store = self.store or Store(self.path)
        except StoreError as exc:
            self.failed.emit(str(exc))
            return
        self.loaded.emit(store)


def run_app(db_path: Path | None = None, rubric: str | None = None, model: str | None = None) -> int:
    """Open the window on the library; ``rubric`` and ``model`` None mean the shipped defaults.

    The library is painted first (:class:`FirstPaint`); the window replaces it once its modules are loaded.
    """
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("QA Workstation")
    app.setOrganizationName("QA Workstation")
    install_translator(app)
    use_language(QLocale.system().name())  # the core's refusals and messages in the window's language
    sys.excepthook = _excepthook
    path = Path(db_path or default_db_path())
    store = None
    try:
        reader = quick_reader(path, load_key(DATABASE_KEY))
    except KeyUnavailable:
        reader = None  # opening the library in full below says what is wrong with the key
    if reader is None:  # encrypted, new or from before the list's columns: open (and migrate) it first
        from ..core.library.store import Store, StoreError

        try:
            store = Store(path)
        except StoreError as exc:
            QMessageBox.critical(None, "QA Workstation", str(exc))
            return 1
        reader = store.reader()
    first = FirstPaint(reader)
    modules = _WindowModules(path, store)
    modules.loaded.connect(lambda opened: _open_window(app, opened, first, rubric, model))
    modules.failed.connect(lambda message: (QMessageBox.critical(first, "QA Workstation", message), app.exit(1)))
    first.painted.connect(modules.start)
    first.show()
    return app.exec()


def _open_window(app: QApplication, store: Store, first: FirstPaint, rubric: str | None, model: str | None) -> None:
    from ..core.asr.models import DEFAULT_MODEL, ModelUnavailable
    from ..core.asr.transcribe import Transcriber, TranscribeSettings
    from ..core.pipeline.analysis import RubricLibrary
    from ..core.scoring.rubric import RubricError
    from .main_window import MainWindow

    try:
        window = MainWindow(store, Transcriber(TranscribeSettings(model=model or DEFAULT_MODEL)),
                            RubricLibrary(rubric) if rubric else RubricLibrary())
    except (RubricError, ModelUnavailable) as exc:
        QMessageBox.critical(None, "QA Workstation", str(exc))
        app.exit(1)
        return
    first.hand_over(window.library)
    window.setGeometry(first.geometry())
    window.show()
    first.close()
    app.main_window = window  # the application keeps its one window alive
