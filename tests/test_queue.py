"""The persistent queue: order, priority, cancel, crash recovery (a real SIGKILL), risk and sampling."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qaworkstation.core.domain import Check, Flag
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.migrations import MIGRATIONS
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.work_queue import CANCELLED, DONE, QueueRunner, WorkQueue
from qaworkstation.core.rules.risk import describe_risk, risk_score
from qaworkstation.core.team.sampling import random_sample, stratified_sample, targeted_sample


def _ids(store: Store, folder: Path) -> list[str]:
    return import_paths(store, [folder]).recording_ids


def test_jobs_come_out_in_order_and_an_opened_call_jumps_the_queue(store: Store, calls_copy: Path) -> None:
    ids = _ids(store, calls_copy)
    queue = WorkQueue(store)
    assert queue.enqueue(ids) == 6
    assert queue.enqueue(ids) == 0
    queue.prioritise(ids[4])
    assert queue.claim_next()["recording_id"] == ids[4]
    assert queue.claim_next()["recording_id"] == ids[0]


def test_recover_requeues_what_a_crash_left_running(store: Store, calls_copy: Path) -> None:
    ids = _ids(store, calls_copy)
    queue = WorkQueue(store)
    queue.enqueue(ids[:2])
    job = queue.claim_next()
    assert queue.recover() == 1
    again = queue.claim_next()
    assert again["id"] == job["id"] and again["attempts"] == 1  # attempts counted at claim: now 2 in the table
    assert {j["attempts"] for j in queue.jobs() if j["id"] == job["id"]} == {2}


def test_cancel_leaves_remaining_jobs_cancelled_and_they_can_be_requeued(store: Store, calls_copy: Path) -> None:
    ids = _ids(store, calls_copy)
    queue = WorkQueue(store)
    queue.enqueue(ids)
    assert queue.cancel_all() == 6
    assert queue.claim_next() is None
    assert {j["state"] for j in queue.jobs()} == {CANCELLED}
    assert queue.enqueue(ids[:1]) == 1 and queue.claim_next()["recording_id"] == ids[0]


def test_a_call_in_progress_when_cancelled_is_not_revived_by_its_runner_stopping(store: Store,
                                                                                 calls_copy: Path) -> None:
    ids = _ids(store, calls_copy)
    queue = WorkQueue(store)
    queue.enqueue(ids[:3])
    running = [queue.claim_next(), queue.claim_next()]
    assert queue.cancel_all() == 3  # the two in progress and the one waiting
    for job in running:
        queue.give_back(job["id"])  # what a runner does with the call it stops
    assert {j["state"] for j in queue.jobs()} == {CANCELLED}
    queue.enqueue(ids[3:4])
    paused = queue.claim_next()
    queue.give_back(paused["id"])
    assert queue.claim_next()["id"] == paused["id"]  # not cancelled: back in the queue


def test_runner_analyses_the_queue_and_stopping_keeps_the_job(store: Store, transcriber, rubrics,
                                                              calls_copy: Path) -> None:
    ids = import_paths(store, [calls_copy / "zh_forbidden_no_closing.wav", calls_copy / "en_rude_mono.wav"]
                       ).recording_ids
    runner = QueueRunner(store, transcriber, rubrics)
    runner.queue.enqueue(ids)
    statuses = []
    final = runner.run(on_status=statuses.append, stop=lambda: len(statuses) > 0)
    assert final.done == 0 and final.queued == 2  # stopped inside the first call: it goes back to the queue
    final = runner.run(on_status=statuses.append)
    assert (final.done, final.queued, final.total) == (2, 0, 2)
    assert any(s.eta_s is not None for s in statuses)
    assert all(store.recording(i)["status"] == "analysed" for i in ids)


def test_broken_file_fails_its_job_only(store: Store, transcriber, rubrics, calls_copy: Path) -> None:
    ids = import_paths(store, [calls_copy / "en_rude_mono.wav", calls_copy / "zh_forbidden_no_closing.wav"]
                       ).recording_ids
    (calls_copy / "en_rude_mono.wav").write_bytes(b"gone")
    runner = QueueRunner(store, transcriber, rubrics)
    runner.queue.enqueue(ids)
    errors = []
    final = runner.run(on_error=lambda name, message: errors.append(name))
    assert (final.done, final.failed) == (1, 1) and errors == ["en_rude_mono.wav"]
    assert store.recording(ids[0])["status"] == "error"


def _db_rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute(sql).fetchall()


def test_sigkill_mid_queue_then_restart_transcribes_every_call_exactly_once(tmp_path: Path, calls_copy: Path
                                                                             ) -> None:
    db = tmp_path / "library.sqlite3"
    env = {**os.environ, "QAWS_DB": str(db)}
    command = [sys.executable, "-m", "qaworkstation.cli", "analyze", str(calls_copy)]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    done_before: list[tuple] = []
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if db.exists():
            try:
                done_before = _db_rows(db, "SELECT id, finished_at FROM jobs WHERE state = 'done'")
                running = _db_rows(db, "SELECT id FROM jobs WHERE state = 'running'")
            except sqlite3.OperationalError:
                continue
            if done_before and running:
                break
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert done_before, "the queue never got going before the kill"
    assert _db_rows(db, "PRAGMA integrity_check") == [("ok",)]

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    jobs = _db_rows(db, "SELECT id, state, attempts, finished_at FROM jobs")
    assert len(jobs) == 6 and {state for _, state, _, _ in jobs} == {DONE}
    finished_first = dict(done_before)
    for job_id, _state, attempts, finished_at in jobs:
        if job_id in finished_first:
            assert attempts == 1 and finished_at == finished_first[job_id]  # not done again
    assert sum(attempts for _, _, attempts, _ in jobs) <= 7  # only the killed call was started twice
    per_recording = _db_rows(db, "SELECT recording_id, COUNT(*) FROM transcripts GROUP BY recording_id")
    assert len(per_recording) == 6 and all(count == 1 for _, count in per_recording)


def _rubric(rubrics):
    return rubrics.for_language("zh")


def test_risk_puts_critical_first_then_severity_then_count(rubrics) -> None:
    rubric = _rubric(rubrics)
    critical = next(i for i in rubric.items if i.critical)
    a_item = next(i for i in rubric.items if i.severity == "A" and not i.critical)
    c_item = next(i for i in rubric.items if i.severity == "C")

    def flags(item, n):
        return [Flag("forbidden", "x", "x", "agent", k, k + 1, item.id, 1.0) for k in range(n)]

    one_critical = risk_score(rubric, flags(critical, 1), [])
    two_a = risk_score(rubric, flags(a_item, 2), [])
    one_a = risk_score(rubric, flags(a_item, 1), [])
    many_c = risk_score(rubric, flags(c_item, 20), [])
    missing = risk_score(rubric, [], [Check("closing", False, c_item.id, 1.0)])
    assert one_critical > two_a > one_a > many_c > missing > risk_score(rubric, [], []) == 0
    mixed = risk_score(rubric, flags(critical, 1) + flags(a_item, 2) + flags(c_item, 20), [])
    assert (describe_risk(mixed), describe_risk(0.0)) == ("1 critical, 2 A, 20 C", "no problems")


def test_risk_orders_calls_with_the_same_problems_by_how_sure_their_flags_are(rubrics) -> None:
    """Confidence breaks ties only: a critical hit heard unsurely still outranks any sure non-critical call,
    and a sure A hit ranks above the same A hit guessed on a bad line."""
    rubric = _rubric(rubrics)
    critical = next(i for i in rubric.items if i.critical)
    a_item = next(i for i in rubric.items if i.severity == "A" and not i.critical)

    def hit(item, confidence: float) -> Flag:
        return Flag("forbidden", "x", "x", "agent", 1.0, 2.0, item.id, 1.0, 0.8, confidence)

    sure_a, unsure_a = risk_score(rubric, [hit(a_item, 0.95)], []), risk_score(rubric, [hit(a_item, 0.3)], [])
    unsure_critical = risk_score(rubric, [hit(critical, 0.2)], [])
    assert unsure_critical > risk_score(rubric, [hit(a_item, 1.0)] * 20, []) > sure_a > unsure_a
    assert risk_score(rubric, [hit(a_item, 0.3)] * 2, []) > sure_a  # the count before the confidence
    assert describe_risk(sure_a) == "1 A" and describe_risk(unsure_a) == "1 A, heard unsurely (confidence 30%)"
    angry = [Flag("customer_anger", "+10 dB", "", "customer", 3.0, 4.0, "empathy", 0.0)] * 99
    assert risk_score(rubric, [hit(a_item, 0.3), *angry], []) < sure_a  # anger orders after the confidence


ROWS = [{"id": f"r{i}", "agent": f"A{i % 4}", "team": "T1" if i % 4 < 2 else "T2"} for i in range(40)]


def test_random_sample_is_the_share_asked_and_reproducible() -> None:
    first = random_sample(ROWS, 10, seed=7)
    assert len(first) == 4 and first == random_sample(ROWS, 10, seed=7)
    assert first != random_sample(ROWS, 10, seed=8)
    assert random_sample([], 10) == [] and len(random_sample(ROWS[:3], 1)) == 1


def test_stratified_sample_takes_every_agent() -> None:
    chosen = stratified_sample(ROWS, 10, by="agent", seed=1)
    agents = {row["agent"] for row in ROWS if row["id"] in chosen}
    assert agents == {"A0", "A1", "A2", "A3"} and len(chosen) == 4
    by_team = stratified_sample(ROWS, 25, by="team")
    assert {row["team"] for row in ROWS if row["id"] in by_team} == {"T1", "T2"}
    with pytest.raises(ValueError):
        stratified_sample(ROWS, 10, by="colour")


def test_targeted_sample_finds_new_agents_and_keywords_across_scripts(store: Store, transcriber, rubrics,
                                                                     calls_copy: Path) -> None:
    (calls_copy / "metadata.csv").write_text("file,agent\nen_rude_mono.wav,N001\nzh_hold_fillers.mp3,A1004\n",
                                             encoding="utf-8")
    ids = import_paths(store, [calls_copy / "zh_hold_fillers.mp3", calls_copy / "en_rude_mono.wav"]).recording_ids
    runner = QueueRunner(store, transcriber, rubrics)
    runner.queue.enqueue(ids)
    runner.run()
    rows = store.list_recordings()
    assert targeted_sample(store, rows, keyword="優惠") == [ids[0]]  # traditional keyword, simplified transcript
    assert targeted_sample(store, rows, keyword="internet") == [ids[1]]
    assert targeted_sample(store, rows, agents=["N001"]) == [ids[1]]
    assert sorted(targeted_sample(store, rows, agents=["N001"], keyword="优惠")) == sorted(ids)


def test_customer_anger_orders_calls_after_every_rule_hit(rubrics) -> None:
    rubric = _rubric(rubrics)
    c_item = next(i for i in rubric.items if i.severity == "C")
    angry = [Flag("customer_anger", "+10 dB", "“我要投诉”", "customer", k, k + 1, "empathy", 0.0) for k in range(3)]
    one_c = [Flag("forbidden", "x", "x", "agent", 0, 1, c_item.id, 1.0)]
    calm, heated = risk_score(rubric, [], []), risk_score(rubric, angry, [])
    assert risk_score(rubric, one_c, []) > heated > calm == 0
    assert risk_score(rubric, one_c + angry, []) > risk_score(rubric, one_c, [])
    assert describe_risk(risk_score(rubric, one_c + angry, [])) == "1 C, 3 angry caller moments"
    assert describe_risk(risk_score(rubric, angry * 40, [])) == "99 angry caller moments"  # capped below a C hit


def test_step_12_keeps_the_order_of_risks_from_before_flag_confidence(tmp_path: Path) -> None:
    """Risks stored before flags had a confidence keep their order among each other: counted problems take the
    top confidence step (their flags count as sure), angry moments move down a decimal, and old flags read as
    sure."""
    path = tmp_path / "step11.sqlite3"
    before = {step: run for step, run in MIGRATIONS.items() if step < 12}
    eleven = type("Step11Store", (Store,), {"migrations": before})
    older = eleven(path)
    risks = {"critical and anger": 1_000_000.03, "one A": 10_000.0, "one C and anger": 1.05, "anger only": 0.07,
             "calm": 0.0}
    ids = {}
    for number, (name, risk) in enumerate(risks.items()):
        ids[name], _ = older.add_recording({"sha256": f"{number:064d}", "path": f"/{name}.wav",
                                            "file_name": f"{name}.wav", "duration": 9.0, "channels": 2,
                                            "samplerate": 8000})
        with older.transaction() as db:
            db["recordings"].update(ids[name], {"risk": risk})
    with older.transaction() as db:
        db["flags"].insert({"recording_id": ids["one A"], "rubric_id": "r", "category": "forbidden", "phrase": "p",
                            "text": "t", "speaker": "agent", "start": 0.0, "end": 1.0, "item": "i",
                            "deduction": 1.0, "similarity": 1.0})
    older.close()
    upgraded = Store(path)
    try:
        new = {name: upgraded.recording(recording_id)["risk"] for name, recording_id in ids.items()}
        assert sorted(new, key=new.get, reverse=True) == list(risks)
        assert [describe_risk(new[name]) for name in risks] == [
            "1 critical, 3 angry caller moments", "1 A", "1 C, 5 angry caller moments", "7 angry caller moments",
            "no problems"]
        assert upgraded.flags(ids["one A"], "r")[0].confidence == 1.0
    finally:
        upgraded.close()
