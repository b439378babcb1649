"""Running core calls off the GUI thread and getting results back as signals.

The window's single-thread pool owns every database call (SQLite likes one writer, and jobs then run in the
order they were sent); transcription has its own thread (:mod:`queue_controller`) and the player its own
pool. A job's exception never vanishes inside Qt: it arrives at the ``failure`` callback as a message, and
without one at the window's report (:func:`report_failure`), so the person always hears of it.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from ..core.roles import PermissionDenied, RoleError
from ..core.store import LifecycleError

# The core refusing what the person asked (their role, an evaluation's state) is an answer, not a fault: it is
# shown to them in their language, and a traceback on stderr would only hide the real faults among them.
REFUSALS = (PermissionDenied, RoleError, LifecycleError)
_log = logging.getLogger(__name__)


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(str)
    item = Signal(object)


class Job(QRunnable):
    """A callable run in a pool. It receives a :class:`JobContext` for streamed items and cancel."""

    def __init__(self, work: Callable[["JobContext"], Any]) -> None:
        super().__init__()
        self.signals = _Signals()
        self.context = JobContext(self.signals)
        self._work = work

    def run(self) -> None:
        try:
            result = self._work(self.context)
        except REFUSALS as exc:
            _log.info("Refused: %s", exc)
            self.signals.failed.emit(f"{exc}" or type(exc).__name__)
        except Exception as exc:  # every failure must reach the user, not Qt's stderr
            traceback.print_exc()
            self.signals.failed.emit(f"{exc}" or type(exc).__name__)
        else:
            self.signals.succeeded.emit(result)

    def cancel(self) -> None:
        self.context.cancel_event.set()


class JobContext:
    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self.cancel_event = threading.Event()

    def emit(self, item: object) -> None:
        self._signals.item.emit(item)

    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


class Runner:
    """Where a window sends database work: jobs run one at a time, in order.

    A failure goes to ``report`` (the window's way of telling the person) unless the caller handles it: no job
    can fail silently into stderr.
    """

    def __init__(self, report: Callable[[str], None]) -> None:
        self.db_pool = QThreadPool()
        self.db_pool.setMaxThreadCount(1)
        self._alive: set[Job] = set()  # a job's signal object must outlive its queued signals
        self.closed = False
        self.report = report

    def db(self, call: Callable[[], Any], success: Callable[[Any], None] | None = None,
           failure: Callable[[str], None] | None = None) -> Job:
        """Run ``call`` on the database thread; ``success`` gets its result, ``failure`` (by default the
        window's report) its error message."""
        return self._start(self.db_pool, lambda _ctx: call(), success, failure or self.report)

    def _start(self, pool: QThreadPool, call: Callable[[JobContext], Any], success: Callable[[Any], None] | None,
               failure: Callable[[str], None]) -> Job:
        job = Job(call)
        job.setAutoDelete(False)
        self._alive.add(job)
        job.signals.succeeded.connect(lambda _result: self._alive.discard(job))
        job.signals.failed.connect(lambda _message: self._alive.discard(job))
        if success:
            job.signals.succeeded.connect(success)
        job.signals.failed.connect(failure)
        if not self.closed:
            pool.start(job)
        return job

    def wait(self, msecs: int = 30000) -> None:
        """Let queued jobs finish (used on close and in tests)."""
        self.db_pool.waitForDone(msecs)

    def close(self) -> None:
        """Finish what is running and refuse new jobs: the window is closing and its store goes with it."""
        self.closed = True
        self.wait()


def report_failure(window: QWidget, message: str) -> None:
    """Tell the person a background job failed: in the status bar where the window has one, and in a warning
    that names the application, so nobody wonders why nothing happened."""
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 15000)
    QMessageBox.warning(window, QCoreApplication.translate("Failure", "QA Workstation"), message)
