"""The background analysis queue as the window sees it: start, pause, cancel, progress, streamed segments.

Here the queue runs in a child process (:mod:`~qaworkstation.core.pipeline.queue_process`) with its own
connection to the library (SQLite's WAL lets the window read meanwhile) and the one loaded model, so opening
calls, saving scores and painting frames never wait for transcription; a thread of the window relays the
child's events as signals. With cluster settings, that thread is instead the client of Dask workers (processes
started here, or an existing scheduler) and the library's single writer for the results they send back.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from ..core.asr.transcribe import Transcriber
from ..core.library.store import Store
from ..core.pipeline.analysis import AnalysisResult, RubricLibrary
from ..core.pipeline.cluster_settings import ClusterSettings
from ..core.pipeline.queue_process import ANALYSED, DONE, FAILED, SEGMENT, STATUS, QueueJob, QueueProcess
from ..core.pipeline.work_queue import QueueStatus, WorkQueue


class _QueueThread(QThread):
    def __init__(self, controller: "QueueController") -> None:
        super().__init__()
        self.controller = controller

    def run(self) -> None:
        controller = self.controller
        try:
            final = self._on_cluster() if controller.cluster else self._here()
            if final is not None:
                controller.statusChanged.emit(final)
        except Exception as exc:  # the thread must report, never die silently
            controller.failed.emit("", str(exc))
        finally:
            controller.dashboardChanged.emit("")

    def _here(self) -> QueueStatus | None:
        """The child process does the work; this thread only turns its events into signals."""
        controller = self.controller
        process = QueueProcess(QueueJob(controller.db_path, controller.transcriber.settings,
                                        controller.rubrics.choice, controller.rubrics.folder))
        process.start()
        signals = {STATUS: controller.statusChanged, ANALYSED: controller.analysed,
                   SEGMENT: controller.segmentReady, FAILED: controller.failed}
        for kind, *arguments in process.events(stop=controller._stop.is_set):
            if kind == DONE:
                return arguments[0]
            signals[kind].emit(*arguments)
        return None

    def _on_cluster(self) -> QueueStatus | None:
        store = Store(self.controller.db_path)
        try:
            return self._cluster_run(store)
        finally:
            store.close()

    def _cluster_run(self, store: Store) -> QueueStatus | None:
        """Start or reach the cluster (seconds: worker processes load the model), then stream results back."""
        from ..core.pipeline.cluster import ClusterRunner, connect  # Dask loads only for a queue that uses it

        controller, cluster = self.controller, self.controller.cluster
        if not WorkQueue(store).waiting():
            return None  # nothing to do: no cluster to start
        controller.clusterStarting.emit(cluster.scheduler or str(cluster.workers))
        with connect(cluster) as client:
            controller.dashboardChanged.emit(client.dashboard_link or "")
            runner = ClusterRunner(store, client, controller.transcriber.settings, controller.rubrics, cluster)
            runner.prepare(stop=controller._stop.is_set)
            return runner.run(on_status=controller.statusChanged.emit, on_result=controller._emit_result,
                              on_error=controller.failed.emit, stop=controller._stop.is_set)


class QueueController(QObject):
    statusChanged = Signal(object)  # QueueStatus
    analysed = Signal(str)  # recording id
    segmentReady = Signal(str, object)  # recording id, Segment
    failed = Signal(str, str)  # file name, message
    runningChanged = Signal(bool)
    clusterStarting = Signal(str)  # the scheduler's address, or the number of local worker processes
    dashboardChanged = Signal(str)  # the Dask dashboard's address while a cluster runs the queue, then ""

    def __init__(self, db_path: Path, transcriber: Transcriber, rubrics: RubricLibrary,
                 parent: QObject | None = None, cluster: ClusterSettings | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.transcriber = transcriber
        self.rubrics = rubrics
        self.cluster = cluster  # None: analyse in this process
        self._stop = threading.Event()
        self._thread: _QueueThread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = _QueueThread(self)
        self._thread.finished.connect(lambda: self.runningChanged.emit(False))
        self._thread.start()
        self.runningChanged.emit(True)

    def pause(self) -> None:
        """Stop after the current segment; the call in progress goes back to the queue."""
        self._stop.set()

    def cancel(self, store: Store) -> None:
        self._stop.set()
        WorkQueue(store).cancel_all()

    def wait(self, msecs: int = 30000) -> bool:
        return self._thread.wait(msecs) if self._thread else True

    def _emit_result(self, result: AnalysisResult) -> None:
        self.analysed.emit(result.recording["id"])
