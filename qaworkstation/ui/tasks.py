"""Running core calls off the GUI thread and getting results back as signals.

One :class:`Executor` per library owns every database call on a single thread, and slow file and share work
on a small pool beside it; transcription has its own thread (:mod:`queue_controller`) and the player its own
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

from ..core.library.store import LifecycleError
from ..core.scoring.roles import PermissionDenied, RoleError

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


class Executor:
    """The application's background threads for one library: a single database thread (SQLite likes one
    writer, and jobs then run in the order they were sent) and a small pool for slow I/O — folder imports with a
    child-process probe per file, share syncs, report and pack exports — so opening a call never waits behind
    them. Windows on the same library share one executor; each has its own :class:`Runner` over it."""

    def __init__(self) -> None:
        self.db_pool = QThreadPool()
        self.db_pool.setMaxThreadCount(1)
        self.io_pool = QThreadPool()
        self.io_pool.setMaxThreadCount(2)

    def wait(self, msecs: int = 30000) -> None:
        """Let queued jobs finish (used on close and in tests)."""
        self.db_pool.waitForDone(msecs)
        self.io_pool.waitForDone(msecs)


class Runner:
    """Where a window sends background work: ``db`` for database jobs, one at a time and in order, ``io`` for
    slow file and share work beside them.

    A failure goes to ``report`` (the window's way of telling the person) unless the caller handles it: no job
    can fail silently into stderr. A runner made over another window's ``executor`` shares its threads and
    leaves them running when its own window closes.
    """

    def __init__(self, report: Callable[[str], None], executor: Executor | None = None) -> None:
        self.executor = executor or Executor()
        self._owns_executor = executor is None
        self._alive: set[Job] = set()  # a job's signal object must outlive its queued signals
        self.closed = False
        self.report = report

    @property
    def db_pool(self) -> QThreadPool:
        return self.executor.db_pool

    def db(self, call: Callable[[], Any], success: Callable[[Any], None] | None = None,
           failure: Callable[[str], None] | None = None) -> Job:
        """Run ``call`` on the database thread; ``success`` gets its result, ``failure`` (by default the
        window's report) its error message."""
        return self._start(self.executor.db_pool, lambda _ctx: call(), success, failure or self.report)

    def io(self, call: Callable[[], Any], success: Callable[[Any], None] | None = None,
           failure: Callable[[str], None] | None = None) -> Job:
        """Run slow file or share work beside the database thread (the store serialises its own writes)."""
        return self._start(self.executor.io_pool, lambda _ctx: call(), success, failure or self.report)

    def long(self, call: Callable[[JobContext], Any], success: Callable[[Any], None],
             on_item: Callable[[Any], None]) -> Job:
        """Slow work that reports progress (``context.emit``) and stops when asked (``context.cancelled``,
        set by :meth:`Job.cancel`), on the I/O pool; its failure goes to the window's report."""
        job = self._start(self.executor.io_pool, call, success, self.report)
        job.signals.item.connect(on_item)
        return job

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
        self.executor.wait(msecs)

    def close(self) -> None:
        """Refuse new jobs: the window is closing. The owner of the threads also lets running jobs finish,
        since the store goes with it."""
        self.closed = True
        if self._owns_executor:
            self.wait()


def report_failure(window: QWidget, message: str) -> None:
    """Tell the person a background job failed: in the status bar where the window has one, and in a warning
    that names the application, so nobody wonders why nothing happened."""
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 15000)
    QMessageBox.warning(window, QCoreApplication.translate("Failure", "QA Workstation"), message)
