"""The background analysis queue as the window sees it: start, pause, cancel, progress, streamed segments.

The queue runs on its own thread with its own connection to the library (SQLite's WAL lets the window read
meanwhile) and the one loaded model, so opening calls and saving scores never wait for transcription. With
cluster settings, the same thread is the client of Dask workers (processes started here, or an existing
scheduler) and the library's single writer for the results they send back.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from ..core.asr.transcribe import Transcriber
from ..core.library.store import Store
from ..core.pipeline.analysis import AnalysisResult, RubricLibrary
from ..core.pipeline.cluster_settings import ClusterSettings
from ..core.pipeline.work_queue import QueueRunner, QueueStatus, WorkQueue


class _QueueThread(QThread):
    def __init__(self, controller: "QueueController") -> None:
        super().__init__()
        self.controller = controller

    def run(self) -> None:
        controller = self.controller
        store = Store(controller.db_path)
        try:
            final = self._on_cluster(store) if controller.cluster else self._here(store)
            if final is not None:
                controller.statusChanged.emit(final)
        except Exception as exc:  # the thread must report, never die silently
            controller.failed.emit("", str(exc))
        finally:
            controller.dashboardChanged.emit("")
            store.close()

    def _here(self, store: Store) -> QueueStatus:
        controller = self.controller
        runner = QueueRunner(store, controller.transcriber, controller.rubrics)
        return runner.run(on_status=controller.statusChanged.emit, on_result=controller._emit_result,
                          on_error=controller.failed.emit, stop=controller._stop.is_set,
                          on_segment=controller.segmentReady.emit)

    def _on_cluster(self, store: Store) -> QueueStatus | None:
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
