"""The share carries versions, statuses and disputes; readers keep the latest version, and journals written
before versions existed (or read by an app that predates them) still work."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from qaworkstation.core import lifecycle, roles
from qaworkstation.core import sync as sync_module
from qaworkstation.core.domain import DISPUTED, SUBMITTED, Dispute, Evaluation, ItemScore
from qaworkstation.core.store import Store
from qaworkstation.core.sync import EVALUATIONS_CSV, read_synced_evaluations, sync_evaluations

INSPECTOR = "张三"


def make_evaluation(version: int = 1, updated_at: str = "2024-05-01T09:00:00Z", **changes: object) -> Evaluation:
    evaluation = Evaluation(id="eval-1", recording_id="rec-1", rubric_id="standard-zh", inspector=INSPECTOR,
                            items={"greeting": ItemScore("greeting", 10.0 - version)}, total=10.0 - version,
                            max_total=10.0, created_at="2024-05-01T09:00:00Z", updated_at=updated_at,
                            version=version, status=SUBMITTED)
    return dataclasses.replace(evaluation, **changes)


def a_dispute(version: int = 1, **changes: object) -> Dispute:
    dispute = Dispute("d-1", "eval-1", version, "greeting", "我有问候", "质检员01", "2024-05-02T10:00:00Z")
    return dataclasses.replace(dispute, **changes)


@pytest.fixture
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    return root


def write_journal(share: Path, name: str, records: list[dict]) -> None:
    folder = share / "someone"
    folder.mkdir(exist_ok=True)
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    (folder / f"changes-{name}.jsonl").write_text(lines, encoding="utf-8")


def test_journal_records_carry_version_status_and_disputes(share: Path) -> None:
    disputed = make_evaluation(status=DISPUTED, disputes=[a_dispute()])
    sync_evaluations(share, INSPECTOR, [disputed])

    [journal] = (share / INSPECTOR).glob("changes-*.jsonl")
    record = json.loads(journal.read_text(encoding="utf-8"))
    assert (record["version"], record["status"]) == (1, DISPUTED)
    assert record["disputes"] == [dataclasses.asdict(a_dispute())]
    assert read_synced_evaluations(share) == ([disputed], [])


def test_reader_keeps_the_highest_version_whatever_the_journal_order(share: Path) -> None:
    v2 = make_evaluation(version=2, updated_at="2024-05-03T00:00:00Z", disputes=[a_dispute(ruling="upheld")])
    v1_resent = make_evaluation(version=1, updated_at="2024-06-01T00:00:00Z")  # a clock that ran fast, a backup
    write_journal(share, "20240503T000000000000Z", [dataclasses.asdict(v2) | {"items": [{"item_id": "greeting",
                                                                                         "score": 8.0}]}])
    write_journal(share, "20240601T000000000000Z", [sync_module._evaluation_record(v1_resent)])

    evaluations, problems = read_synced_evaluations(share)

    assert problems == []
    assert [(ev.id, ev.version, ev.items["greeting"].score) for ev in evaluations] == [("eval-1", 2, 8.0)]
    assert evaluations[0].disputes[0].ruling == "upheld"


def test_records_from_before_versions_read_as_submitted_version_1(share: Path) -> None:
    record = sync_module._evaluation_record(make_evaluation())
    for key in ("version", "status", "disputes"):
        del record[key]
    write_journal(share, "20240101T000000000000Z", [record])

    [evaluation], problems = read_synced_evaluations(share)

    assert problems == []
    assert (evaluation.version, evaluation.status, evaluation.disputes) == (1, SUBMITTED, [])


def test_an_older_reader_still_reads_the_new_records(share: Path) -> None:
    """An app from before versions keeps only the keys it knows, exactly as ``_evaluation_from_record`` did."""
    record = sync_module._evaluation_record(make_evaluation(version=3, disputes=[a_dispute(version=2)]))
    old_fields = {f.name for f in dataclasses.fields(Evaluation)} - {"version", "status", "disputes"}
    known = {key: value for key, value in record.items() if key in old_fields}
    items = {item["item_id"]: ItemScore(**item) for item in known.pop("items")}
    old_view = Evaluation(items=items, **known)
    assert (old_view.id, old_view.total, old_view.items) == ("eval-1", 7.0, make_evaluation(version=3).items)


BAD_RECORDS = {
    "text version": {"version": "2"},
    "boolean version": {"version": True},
    "version zero": {"version": 0},
    "numeric status": {"status": 3},
    "dispute not an object": {"disputes": ["upheld"]},
    "dispute without reason": {"disputes": [{k: v for k, v in dataclasses.asdict(a_dispute()).items()
                                             if k != "reason"}]},
    "dispute with text version": {"disputes": [dataclasses.asdict(a_dispute()) | {"version": "1"}]},
    "dispute with numeric ruling": {"disputes": [dataclasses.asdict(a_dispute()) | {"ruling": 1}]},
}


def test_malformed_versions_and_disputes_are_problems_not_crashes(share: Path) -> None:
    good = sync_module._evaluation_record(make_evaluation())
    records = [good | {"id": f"bad-{n}"} | broken for n, broken in enumerate(BAD_RECORDS.values())]
    write_journal(share, "20240101T000000000000Z", [good, *records])

    evaluations, problems = read_synced_evaluations(share)

    assert [ev.id for ev in evaluations] == ["eval-1"]
    assert len(problems) == len(BAD_RECORDS), problems
    assert [f"line {n + 2}" in problem for n, problem in enumerate(problems)] == [True] * len(BAD_RECORDS)
    print(f"{len(BAD_RECORDS)} malformed records reported")


def test_csv_snapshot_shows_version_and_status(share: Path) -> None:
    sync_evaluations(share, INSPECTOR, [make_evaluation(version=2, status=DISPUTED)])
    header, row = (share / INSPECTOR / EVALUATIONS_CSV).read_text(encoding="utf-8-sig").splitlines()
    assert header.endswith(",version,status") and row.endswith(",2,disputed")


def test_library_to_share_and_back_keeps_history_and_appeals(store: Store, share: Path) -> None:
    roles.ensure_user(store, INSPECTOR)  # the library's first user: a supervisor
    recording_id, _ = store.add_recording({"sha256": "a" * 64, "path": "/x/a.wav", "file_name": "a.wav",
                                           "duration": 30.0, "channels": 2, "samplerate": 8000})
    draft = Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector=INSPECTOR,
                       items={"greeting": ItemScore("greeting", 2.0)}, total=2.0, max_total=5.0)
    v1 = lifecycle.save_and_submit(store, draft, INSPECTOR)
    dispute = lifecycle.open_dispute(store, v1.id, "greeting", "我有问候", INSPECTOR)
    assert sync_evaluations(share, INSPECTOR, store.evaluations(inspector=INSPECTOR)).ok
    [shared], _ = read_synced_evaluations(share)
    assert (shared.version, shared.status, [d.id for d in shared.disputes]) == (1, DISPUTED, [dispute.id])

    lifecycle.resolve_dispute(store, dispute.id, "upheld", "录音 0:02 有问候", INSPECTOR)
    corrected = dataclasses.replace(draft, items={"greeting": ItemScore("greeting", 5.0)}, total=5.0)
    lifecycle.save_and_submit(store, corrected, INSPECTOR)
    result = sync_evaluations(share, INSPECTOR, store.evaluations(inspector=INSPECTOR))
    assert result.ok and result.changed_count == 1

    [shared], problems = read_synced_evaluations(share)
    assert problems == []
    assert (shared.version, shared.status, shared.total) == (2, SUBMITTED, 5.0)
    assert [(d.version, d.ruling) for d in shared.disputes] == [(1, "upheld")]
