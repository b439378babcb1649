"""The analysis in this process against the same work on a Dask LocalCluster with as many threads, in one run.

* in-process — the shipped default settings, as ``qaws analyze`` runs them: one process, one model, the agent
  and customer legs of each call decoded side by side (two decoders of one thread each on two cores);
* cluster — ``qaws analyze --workers N``: a LocalCluster of N single-threaded worker processes (N = cores by
  default), each with its own model and one single-threaded decoder, calls handed out longest first.

Each side loads its model and analyses one call before timing (warm-up; the cluster's start and its model
loading are timed and reported apart). A timed pass analyses every call into a fresh library, so nothing comes
from the cache: decode, transcribe, rules and storing, the same work on both sides. Passes alternate
(in-process, cluster, cluster, in-process, ...) so a change in a shared machine's load hits both alike, and
the CPU seconds each side spent (this process plus the workers) are printed as a check that the work was
the same.

The last line is ``ratio=R calls=N startup_s=S``: the cluster's wall time / the in-process wall time, each
side's best pass (the one least disturbed by other work on the machine; the ratio of the means is printed
too), and S the seconds from starting the cluster to every worker holding its model.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from distributed import Client

from qaworkstation.core.asr.transcribe import Transcriber, TranscribeSettings
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import RubricLibrary
from qaworkstation.core.pipeline.cluster import ClusterRunner, analyse_on_worker, connect
from qaworkstation.core.pipeline.cluster_settings import ClusterSettings
from qaworkstation.core.pipeline.execution import READ_TIMEOUT_S, CallSpec
from qaworkstation.core.pipeline.work_queue import QueueRunner, WorkQueue

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "calls"
DAY_S = 86400.0


def fresh_library(folder: Path, scratch: Path) -> Store:
    """A new library holding the corpus calls, all queued: every pass starts with nothing cached."""
    store = Store(Path(tempfile.mkdtemp(dir=scratch)) / "library.sqlite3")
    WorkQueue(store).enqueue(import_paths(store, [folder]).recording_ids)
    return store


def in_process_pass(transcriber: Transcriber, rubrics: RubricLibrary, folder: Path, scratch: Path) -> float:
    store = fresh_library(folder, scratch)
    started = time.perf_counter()
    status = QueueRunner(store, transcriber, rubrics).run()
    elapsed = time.perf_counter() - started
    assert status.failed == 0 and status.queued == 0, status
    store.close()
    return elapsed


def cluster_pass(runner_for: Callable[[Store], ClusterRunner], folder: Path, scratch: Path) -> float:
    store = fresh_library(folder, scratch)
    started = time.perf_counter()
    status = runner_for(store).run()
    elapsed = time.perf_counter() - started
    assert status.failed == 0 and status.queued == 0, status
    store.close()
    return elapsed


def warm_up_workers(client: Client, settings: TranscribeSettings, rubrics: RubricLibrary, spec: CallSpec) -> float:
    """One call on every worker, so first-call costs (VAD model, allocator growth) stay out of the timing."""
    started = time.perf_counter()
    futures = [client.submit(analyse_on_worker, spec, settings, rubrics, READ_TIMEOUT_S, workers=[address],
                             allow_other_workers=False, pure=False) for address in client.nthreads()]
    assert all(result.ok for result in client.gather(futures))
    return time.perf_counter() - started


def cpu_seconds() -> float:
    """This process's CPU time, all threads; run on each worker too, so both sides' work can be compared."""
    times = psutil.Process().cpu_times()
    return times.user + times.system


def resident_memory_mb() -> float:
    """Run on each worker: its resident memory, for the sizing notes."""
    return psutil.Process().memory_info().rss / 2**20


@dataclass
class Side:
    """One side's timed passes: wall seconds and the CPU seconds they cost (client and workers together)."""

    walls: list[float] = field(default_factory=list)
    cpu: float = 0.0

    def run(self, work: Callable[[], float], client: Client | None = None) -> float:
        cpu_before = self._cpu(client)
        elapsed = work()
        self.cpu += self._cpu(client) - cpu_before
        self.walls.append(elapsed)
        return elapsed

    @staticmethod
    def _cpu(client: Client | None) -> float:
        return cpu_seconds() + (sum(client.run(cpu_seconds).values()) if client else 0.0)


def timed_passes(rounds: int, in_process: Callable[[], float], on_cluster: Callable[[], float],
                 client: Client) -> dict[str, Side]:
    """Alternate the sides (in-process, cluster, cluster, in-process, ...) so load drift hits both alike."""
    sides = {"in-process": Side(), "cluster": Side()}
    for round_index in range(rounds):
        order = ("in-process", "cluster") if round_index % 2 == 0 else ("cluster", "in-process")
        for name in order:
            if name == "in-process":
                elapsed = sides[name].run(in_process)
            else:
                elapsed = sides[name].run(on_cluster, client)
            print(f"  pass {round_index + 1} {name}: {elapsed:.2f} s", flush=True)
    return sides


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes of one thread each (default: one per core)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="pairs of timed passes; sides alternate (in-process, cluster, cluster, in-process, ...)")
    args = parser.parse_args()
    settings, rubrics = TranscribeSettings(), RubricLibrary()
    with tempfile.TemporaryDirectory(prefix="qaws-scale-") as tmp:
        scratch = Path(tmp)
        probe = fresh_library(args.folder, scratch)
        recordings = [probe.recording(job["recording_id"]) for job in WorkQueue(probe).jobs()]
        audio_s = sum(r["duration"] for r in recordings)
        shortest = CallSpec.from_recording(min(recordings, key=lambda r: r["duration"] * r["channels"]))
        print(f"{os.cpu_count()} cores; {len(recordings)} calls, {audio_s:.1f} s of audio; in-process: "
              f"shipped defaults ({settings.workers} decoders x {settings.threads_per_worker} thread); cluster: "
              f"{args.workers} worker processes x 1 thread", flush=True)

        transcriber = Transcriber(settings)
        started = time.perf_counter()
        transcriber.model
        load_s = time.perf_counter() - started
        warm_s = in_process_pass(transcriber, rubrics, shortest_folder(scratch, shortest), scratch)
        print(f"in-process: model load {load_s:.2f} s, warm-up call {warm_s:.2f} s", flush=True)

        started = time.perf_counter()
        cluster = ClusterSettings(workers=args.workers, threads_per_worker=1, dashboard_address=None)
        with connect(cluster) as client:
            start_s = time.perf_counter() - started
            model_s = ClusterRunner(probe, client, settings, rubrics, cluster).prepare()
            warm_s = warm_up_workers(client, settings, rubrics, shortest)
            print(f"cluster: start {start_s:.2f} s, model load on every worker {model_s:.2f} s, "
                  f"warm-up call on every worker {warm_s:.2f} s", flush=True)
            sides = timed_passes(
                args.rounds, lambda: in_process_pass(transcriber, rubrics, args.folder, scratch),
                lambda: cluster_pass(lambda store: ClusterRunner(store, client, settings, rubrics, cluster),
                                     args.folder, scratch),
                client)
            resident_mb = max(client.run(resident_memory_mb).values())
        probe.close()

    report(sides, len(recordings), audio_s, args.workers)
    print(f"worker process memory after the passes: {resident_mb:.0f} MB resident", flush=True)
    ratio = min(sides["cluster"].walls) / min(sides["in-process"].walls)
    print(f"ratio={ratio:.3f} calls={len(recordings)} startup_s={start_s + model_s:.2f}")


def shortest_folder(scratch: Path, spec: CallSpec) -> Path:
    """A folder holding only the warm-up call, so the in-process warm-up runs the same queue path."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    (folder / spec.source.name).symlink_to(spec.source.path)
    return folder


def report(sides: dict[str, Side], calls: int, audio_s: float, workers: int) -> None:
    """Each side's best and mean pass, the CPU both spent, and what one worker process does in a day.

    The ratio uses each side's best pass: on a shared machine the least disturbed pass is the closest to the
    cost of the work itself; the ratio of the means is printed beside it.
    """
    for name, side in sides.items():
        best, mean = min(side.walls), sum(side.walls) / len(side.walls)
        print(f"{name}: best {best:.2f} s, mean {mean:.2f} s per pass, real-time factor {best / audio_s:.4f}, "
              f"{calls / best * 3600:.0f} calls/hour; CPU {side.cpu / len(side.walls):.2f} s per pass", flush=True)
    means = {name: sum(side.walls) / len(side.walls) for name, side in sides.items()}
    print(f"ratio of the means {means['cluster'] / means['in-process']:.3f}", flush=True)
    best = min(sides["cluster"].walls)
    calls_per_day = calls / best * DAY_S / workers
    call_hours_per_day = audio_s / best * DAY_S / 3600 / workers
    print(f"per worker process (1 core): {calls_per_day:.0f} calls/day, {call_hours_per_day:.1f} call-hours/day "
          f"(mean call {audio_s / calls:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
