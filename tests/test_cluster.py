"""The analysis on a Dask LocalCluster of two worker processes, with the real model and real corpus calls.

Same flags as in this process; every call stored exactly once when a worker process is killed mid-call or the
client restarts; a file a worker cannot read fails alone, quickly, even when reading it would hang.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import dask
import pytest

from qaworkstation.core.asr.models import resolve_model
from qaworkstation.core.asr.transcribe import Transcriber, TranscribeSettings, cache_key
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import RubricLibrary, analyse_recording
from qaworkstation.core.pipeline.cluster import ClusterRunner, connect, worker_settings
from qaworkstation.core.pipeline.cluster_settings import ClusterSettings, map_path, parse_path_map
from qaworkstation.core.pipeline.execution import (FROM_CACHE, CallResult, CallSpec, analyse_call, loaded_models,
                                                   store_result)
from qaworkstation.core.pipeline.work_queue import DONE, FAILED, WorkQueue

CALLS = ("en_rude_mono.wav", "zh_forbidden_no_closing.wav")  # a mono and a stereo call: the shortest two


@pytest.fixture(scope="module")
def client():  # noqa: ANN201 - distributed.Client
    with connect(ClusterSettings(workers=2, threads_per_worker=1, dashboard_address=None)) as client:
        yield client


def _runner(store: Store, client, rubrics: RubricLibrary, **cluster) -> ClusterRunner:  # noqa: ANN001
    runner = ClusterRunner(store, client, TranscribeSettings(), rubrics, ClusterSettings(**cluster))
    runner.prepare()
    return runner


def _transcripts_per_recording(store: Store) -> dict[str, int]:
    with store.transaction() as db:
        return {row["recording_id"]: row["n"] for row in
                db.query("SELECT recording_id, COUNT(*) AS n FROM transcripts GROUP BY recording_id")}


@pytest.fixture(scope="module")
def worker_layout_transcriber() -> Transcriber:
    """A decoder laid out as a one-thread worker's, in this process (for the layout tolerance test)."""
    return Transcriber(worker_settings(TranscribeSettings(), nthreads=1))


@contextmanager
def worker_environment() -> Iterator[None]:
    """This process's environment as Dask's nanny gives its workers (one OpenMP/BLAS thread...), for the
    child processes started inside the block. The thread count changes how the audio features are summed, and
    so a word time by a 20 ms step: the reference must be decoded as the workers decode, not just with their
    decoder layout."""
    environ = {name: str(value) for name, value in dask.config.get("distributed.nanny.pre-spawn-environ").items()}
    before = {name: os.environ.get(name) for name in environ}
    os.environ.update(environ)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _as_a_worker(recordings: list[dict], rubrics: RubricLibrary) -> dict[str, CallResult]:
    """Each call analysed in a fresh child process set up exactly as a one-thread worker: its environment and
    its decoder layout."""
    settings = worker_settings(TranscribeSettings(), nthreads=1)
    with worker_environment(), ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        futures = {r["file_name"]: child.submit(analyse_call, CallSpec.from_recording(r), settings, rubrics)
                   for r in recordings}
        return {name: future.result(timeout=600) for name, future in futures.items()}


def test_two_worker_processes_flag_the_calls_as_this_process_does(client, store: Store, rubrics: RubricLibrary,
                                                                  corpus: Path) -> None:
    files = [corpus / "calls" / name for name in CALLS]
    ids = import_paths(store, files).recording_ids
    runner = _runner(store, client, rubrics)
    runner.queue.enqueue(ids)
    results: dict[str, CallResult] = {}
    final = runner.run(on_call=lambda name, result, status: results.setdefault(name, result))
    assert (final.done, final.failed) == (len(CALLS), 0)
    assert set(client.run(loaded_models).values()) == {1}  # one model per worker process, not per call
    assert all(not result.where.endswith(f":{os.getpid()}") for result in results.values())  # run on workers

    for name, expected in _as_a_worker([store.recording(i) for i in ids], rubrics).items():
        got = results[name]
        assert (got.language, got.rubric_id) == (expected.language, expected.rubric_id)
        assert got.flags == expected.flags and got.checks == expected.checks
        assert [s.text for s in got.segments] == [s.text for s in expected.segments]
    assert all(store.recording(i)["status"] == "analysed" for i in ids)


# Word times come in 20 ms steps and CTranslate2's int8 sums may round differently with another thread layout,
# so the same call decoded two ways may move a word by a step or two; never more than a tenth of a second.
LAYOUT_TOLERANCE_S = 0.1


def test_the_decoder_layout_moves_flags_by_a_few_word_steps_at_most(store: Store, transcriber: Transcriber,
                                                                    worker_layout_transcriber: Transcriber,
                                                                    rubrics: RubricLibrary, corpus: Path,
                                                                    tmp_path: Path) -> None:
    files = [corpus / "calls" / name for name in CALLS]
    side_by_side = [analyse_recording(store, transcriber, rubrics, i)
                    for i in import_paths(store, files).recording_ids]
    other = Store(tmp_path / "one-decoder.sqlite3")
    one_decoder = [analyse_recording(other, worker_layout_transcriber, rubrics, i)
                   for i in import_paths(other, files).recording_ids]
    other.close()
    for a, b in zip(side_by_side, one_decoder):
        assert a.checks == b.checks
        assert [(f.category, f.phrase, f.speaker, f.item) for f in a.flags] == \
            [(f.category, f.phrase, f.speaker, f.item) for f in b.flags]
        for flag_a, flag_b in zip(a.flags, b.flags):
            assert abs(flag_a.start - flag_b.start) <= LAYOUT_TOLERANCE_S
            assert abs(flag_a.end - flag_b.end) <= LAYOUT_TOLERANCE_S


def _kill_a_busy_worker(client, killed: list[int], done: threading.Event,  # noqa: ANN001
                        busy_for_s: float = 1.0) -> None:
    """SIGKILL the process of a worker that has been running a call for a while."""
    busy_since: dict[str, float] = {}
    while not done.wait(0.2):
        now = time.monotonic()
        for address, keys in client.processing().items():
            if not keys:
                busy_since.pop(address, None)
            elif now - busy_since.setdefault(address, now) >= busy_for_s:
                pid = client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return


def test_a_worker_killed_mid_call_still_ends_with_every_call_stored_once(client, store: Store,
                                                                         rubrics: RubricLibrary,
                                                                         calls_copy: Path) -> None:
    ids = import_paths(store, [calls_copy / name for name in CALLS]).recording_ids
    runner = _runner(store, client, rubrics)
    runner.queue.enqueue(ids)
    killed: list[int] = []
    done = threading.Event()
    killer = threading.Thread(target=_kill_a_busy_worker, args=(client, killed, done), daemon=True)
    killer.start()
    results: list[CallResult] = []
    try:
        runner.run(on_call=lambda name, result, status: results.append(result))
    finally:
        done.set()
        killer.join()
    assert killed, "no worker was busy long enough to be killed"
    assert all(result.ok for result in results) and len(results) == len(CALLS)
    assert all(str(killed[0]) != result.where.rsplit(":", 1)[1] for result in results)
    jobs = runner.queue.jobs()
    assert {job["state"] for job in jobs} == {DONE}
    assert {job["attempts"] for job in jobs} == {1}  # the re-run was Dask's, not a second claim
    assert _transcripts_per_recording(store) == {recording_id: 1 for recording_id in ids}


def test_an_unreadable_file_on_a_worker_fails_that_call_only(client, store: Store, rubrics: RubricLibrary,
                                                             calls_copy: Path) -> None:
    good, missing, hung = (calls_copy / name for name in ("en_rude_mono.wav", "zh_forbidden_no_closing.wav",
                                                          "zh_good_delivery.wav"))
    ids = import_paths(store, [good, missing, hung]).recording_ids
    missing.unlink()
    hung.unlink()
    os.mkfifo(hung)  # opening a FIFO with no writer blocks, as a dead network mount does
    try:
        runner = _runner(store, client, rubrics, read_timeout_s=2.0)
        runner.queue.enqueue(ids)
        errors: dict[str, str] = {}
        started = time.monotonic()
        final = runner.run(on_error=errors.__setitem__)
    finally:
        _release_fifo(hung)
    assert (final.done, final.failed) == (1, 2)
    assert store.recording(ids[0])["status"] == "analysed"
    assert "cannot read the file" in errors[missing.name] and str(missing) in errors[missing.name]
    assert "not readable within 2 s" in errors[hung.name]
    assert time.monotonic() - started < 120
    states = {job["recording_id"]: job["state"] for job in runner.queue.jobs()}
    assert states == {ids[0]: DONE, ids[1]: FAILED, ids[2]: FAILED}


def _release_fifo(path: Path) -> None:
    """Open the writing end once so the worker's blocked reader sees end of file and its thread ends."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # no reader left waiting


def test_a_restarted_client_sends_only_calls_without_a_result(client, store: Store, rubrics: RubricLibrary,
                                                              corpus: Path) -> None:
    ids = import_paths(store, [corpus / "calls" / "en_rude_mono.wav",
                               corpus / "calls" / "zh_forbidden_no_closing.wav"]).recording_ids
    queue = WorkQueue(store)
    queue.enqueue(ids)
    queue.claim_next(), queue.claim_next()  # the crashed client had both out on the cluster...
    stored = store.recording(ids[0])  # ...and had stored the first one's result before it died
    key = cache_key(stored["sha256"], TranscribeSettings(), resolve_model().id)
    store.save_transcript(stored["id"], key, resolve_model().id, {}, "en", [])
    results: dict[str, CallResult] = {}
    _runner(store, client, rubrics, send_audio=True).run(on_call=lambda name, result, status: results.setdefault(
        result.recording_id, result))
    assert results[ids[0]].where == FROM_CACHE and results[ids[1]].where != FROM_CACHE
    assert results[ids[1]].ok and results[ids[1]].language == "zh"  # decoded from the bytes the client sent
    assert {job["state"] for job in queue.jobs()} == {DONE}
    assert _transcripts_per_recording(store) == {ids[0]: 1, ids[1]: 1}


def test_a_result_delivered_twice_is_stored_once(store: Store, corpus: Path) -> None:
    recording_id = import_paths(store, [corpus / "calls" / "en_rude_mono.wav"]).recording_ids[0]
    result = CallResult(recording_id, "k" * 64, "offline-base", {}, "en")
    assert store_result(store, result) is True
    assert store_result(store, result) is False
    assert _transcripts_per_recording(store) == {recording_id: 1}


def test_the_seam_runs_in_a_child_process_and_reports_a_missing_file(store: Store, rubrics: RubricLibrary,
                                                                      corpus: Path, tmp_path: Path) -> None:
    recording = store.recording(import_paths(store, [corpus / "calls" / "en_rude_mono.wav"]).recording_ids[0])
    spec = CallSpec.from_recording({**recording, "path": str(tmp_path / "moved.wav")})
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        result = child.submit(analyse_call, spec, TranscribeSettings(), rubrics).result(timeout=300)
    assert not result.ok and "moved.wav" in result.error and "cannot read the file" in result.error
    assert not result.where.endswith(f":{os.getpid()}")  # it ran in the child


def test_path_map_rewrites_the_longest_matching_prefix(tmp_path: Path) -> None:
    local = str(tmp_path / "calls")
    pairs = (parse_path_map(f"{local}=/mnt/share/calls"), parse_path_map(f"{local}/vip=/mnt/vip"))
    assert map_path(f"{local}/2024/a.wav", pairs) == "/mnt/share/calls/2024/a.wav"
    assert map_path(f"{local}/vip/b.wav", pairs) == "/mnt/vip/b.wav"
    assert map_path(f"{local}-old/c.wav", pairs) == f"{local}-old/c.wav"
    with pytest.raises(ValueError, match="LOCAL=REMOTE"):
        parse_path_map("/only/local")


def _qaws(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qaworkstation.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "QAWS_DB": str(db)}, timeout=600)


def test_cli_analyses_on_a_local_dask_cluster(tmp_path: Path, corpus: Path) -> None:
    done = _qaws("analyze", "--workers", "2", "--json", str(corpus / "calls" / "en_rude_mono.wav"),
                 db=tmp_path / "library.sqlite3")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["language"] == "en" and any(f["category"] == "forbidden" for f in result["flags"])
    assert "Dask dashboard http" in done.stderr and "[1/1] en_rude_mono.wav done on" in done.stderr


def test_cli_cluster_mistakes_are_one_line(tmp_path: Path, corpus: Path) -> None:
    call = str(corpus / "calls" / "en_rude_mono.wav")
    db = tmp_path / "library.sqlite3"
    no_choice = _qaws("analyze", "--scheduler", "tcp://127.0.0.1:9", call, db=db)
    unreachable = _qaws("analyze", "--scheduler", "tcp://127.0.0.1:9", "--send-audio", "--connect-timeout", "1",
                        call, db=db)
    both = _qaws("analyze", "--workers", "2", "--scheduler", "tcp://127.0.0.1:9", call, db=db)
    for done in (no_choice, unreachable, both):
        assert done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
    assert "--send-audio" in no_choice.stderr and "cannot reach the Dask scheduler" in unreachable.stderr
