"""The share carries versions, statuses and disputes; readers keep the latest version, and journals written
before versions existed (or read by an app that predates them) still work. Drafts never reach the share: it
keeps showing the last released version until a correction is submitted."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest

from qaworkstation.core.domain import DISPUTED, DRAFT, SUBMITTED, Dispute, Evaluation, ItemScore
from qaworkstation.core.library.store import Store
from qaworkstation.core.privacy import keys
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.team import sync as sync_module
from qaworkstation.core.team.sync import EVALUATIONS_CSV, MANIFEST_NAME, read_synced_evaluations, sync_evaluations
from tests.share_files import write_listed_journal

INSPECTOR = "张三"


def make_evaluation(version: int = 1, updated_at: str = "2024-05-01T09:00:00Z", **changes: object) -> Evaluation:
    evaluation = Evaluation(id="eval-1", recording_id="rec-1", rubric_id="standard-zh", inspector=INSPECTOR,
                            items={"greeting": ItemScore("greeting", 10.0 - version, reviewed=True)},
                            total=10.0 - version, max_total=10.0, created_at="2024-05-01T09:00:00Z", updated_at=updated_at,
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
    write_listed_journal(share, INSPECTOR, name, [json.dumps(record, ensure_ascii=False) for record in records])


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
    columns, values = header.split(","), row.split(",")
    assert (values[columns.index("version")], values[columns.index("status")]) == ("2", "disputed")


def test_library_to_share_and_back_keeps_history_and_appeals(store: Store, share: Path) -> None:
    roles.ensure_user(store, INSPECTOR)  # the library's first user: a supervisor
    recording_id, _ = store.add_recording({"sha256": "a" * 64, "path": "/x/a.wav", "file_name": "a.wav",
                                           "duration": 30.0, "channels": 2, "samplerate": 8000})
    draft = Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector=INSPECTOR,
                       items={"greeting": ItemScore("greeting", 2.0, reviewed=True)}, total=2.0, max_total=5.0)
    v1 = lifecycle.save_and_submit(store, draft, INSPECTOR)
    dispute = lifecycle.open_dispute(store, v1.id, "greeting", "我有问候", INSPECTOR)
    assert sync_evaluations(share, INSPECTOR, store.evaluations(inspector=INSPECTOR)).ok
    [shared], _ = read_synced_evaluations(share)
    assert (shared.version, shared.status, [d.id for d in shared.disputes]) == (1, DISPUTED, [dispute.id])

    lifecycle.resolve_dispute(store, dispute.id, "upheld", "录音 0:02 有问候", INSPECTOR)
    corrected = dataclasses.replace(draft, items={"greeting": ItemScore("greeting", 5.0, reviewed=True)}, total=5.0)
    lifecycle.save_and_submit(store, corrected, INSPECTOR)
    result = sync_evaluations(share, INSPECTOR, store.evaluations(inspector=INSPECTOR))
    assert result.ok and result.changed_count == 1

    [shared], problems = read_synced_evaluations(share)
    assert problems == []
    assert (shared.version, shared.status, shared.total) == (2, SUBMITTED, 5.0)
    assert [(d.version, d.ruling) for d in shared.disputes] == [(1, "upheld")]


# ------------------------------------------------------------------------------------------ drafts stay local


def library_scorecard(store: Store, greeting: float, recording_id: str = "") -> Evaluation:
    """A scorecard of one call in a real library whose first user, the inspector, may score and submit."""
    roles.ensure_user(store, INSPECTOR)
    if not recording_id:
        recording_id, _ = store.add_recording({"sha256": "b" * 64, "path": "/x/b.wav", "file_name": "b.wav",
                                               "duration": 30.0, "channels": 2, "samplerate": 8000})
    return Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector=INSPECTOR,
                      items={"greeting": ItemScore("greeting", greeting, reviewed=True)}, total=greeting, max_total=5.0)


def sync_library(store: Store, share: Path, key: bytes | None = None) -> sync_module.SyncResult:
    """What the window does after every save and submit."""
    result = sync_evaluations(share, INSPECTOR, store.evaluations(inspector=INSPECTOR), key=key)
    assert result.ok, result.message
    return result


def csv_rows(share: Path) -> list[dict[str, str]]:
    with (share / INSPECTOR / EVALUATIONS_CSV).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_saved_draft_stays_off_the_share_until_submitted(store: Store, share: Path) -> None:
    draft = lifecycle.save(store, library_scorecard(store, 2.0), INSPECTOR)
    assert draft.status == DRAFT

    result = sync_library(store, share)

    assert (result.exported_count, result.changed_count) == (0, 0)
    assert "1 drafts stay on this computer until submitted" in result.message
    assert list((share / INSPECTOR).glob("changes-*")) == [] and csv_rows(share) == []
    assert json.loads((share / INSPECTOR / MANIFEST_NAME).read_text(encoding="utf-8"))["evaluations"] == {}
    assert read_synced_evaluations(share) == ([], [])

    lifecycle.submit(store, draft.id, INSPECTOR)
    result = sync_library(store, share)

    assert (result.exported_count, result.changed_count) == (1, 1) and "drafts" not in result.message
    [shared], _ = read_synced_evaluations(share)
    assert (shared.id, shared.status, shared.total) == (draft.id, SUBMITTED, 2.0)


def test_a_correction_kept_as_draft_leaves_the_submitted_version_on_the_share(store: Store, share: Path) -> None:
    v1 = lifecycle.save_and_submit(store, library_scorecard(store, 2.0), INSPECTOR)
    sync_library(store, share)
    before = {p.name: p.read_bytes() for p in (share / INSPECTOR).iterdir()}

    v2 = lifecycle.save(store, library_scorecard(store, 5.0, v1.recording_id), INSPECTOR)
    assert (v2.version, v2.status) == (2, DRAFT)
    result = sync_library(store, share)

    assert result.written == [] and (result.exported_count, result.changed_count) == (1, 0)
    assert {p.name: p.read_bytes() for p in (share / INSPECTOR).iterdir()} == before
    [shared], _ = read_synced_evaluations(share)
    assert (shared.version, shared.status, shared.total) == (1, SUBMITTED, 2.0)

    # someone deletes the spreadsheet: it comes back with the release, read back from the journal
    (share / INSPECTOR / EVALUATIONS_CSV).unlink()
    assert [p.name for p in sync_library(store, share).written] == [EVALUATIONS_CSV, MANIFEST_NAME]
    assert [(r["evaluation_id"], r["total"], r["version"], r["status"]) for r in csv_rows(share)] == [
        (v1.id, "2", "1", SUBMITTED)]

    lifecycle.submit(store, v2.id, INSPECTOR)
    result = sync_library(store, share)

    assert result.changed_count == 1
    [shared], _ = read_synced_evaluations(share)
    assert (shared.version, shared.status, shared.total) == (2, SUBMITTED, 5.0)
    assert [(r["version"], r["status"]) for r in csv_rows(share)] == [("2", SUBMITTED)]


def test_switching_encryption_on_during_a_draft_correction_republishes_the_release(
    store: Store, share: Path
) -> None:
    v1 = lifecycle.save_and_submit(store, library_scorecard(store, 2.0), INSPECTOR)
    sync_library(store, share)
    lifecycle.save(store, library_scorecard(store, 5.0, v1.recording_id), INSPECTOR)
    key = keys.new_key()

    result = sync_library(store, share, key)

    assert result.changed_count == 1 and not list((share / INSPECTOR).glob("changes-*.jsonl"))
    [shared], problems = read_synced_evaluations(share, key=key)
    assert problems == [] and (shared.version, shared.status, shared.total) == (1, SUBMITTED, 2.0)


def test_given_several_versions_the_latest_released_one_is_published(share: Path) -> None:
    released, draft = make_evaluation(version=1), make_evaluation(version=2, status=DRAFT)

    result = sync_evaluations(share, INSPECTOR, [draft, released])

    assert (result.exported_count, result.changed_count) == (1, 1)
    assert read_synced_evaluations(share) == ([released], [])


def test_draft_records_from_older_apps_are_skipped_by_readers_and_writers(share: Path) -> None:
    """Apps from before this rule synced drafts: a reader keeps the release behind one, and a sync of the
    draft still finds that release in the journals to keep it in the spreadsheet."""
    released = make_evaluation(version=1)
    assert sync_evaluations(share, INSPECTOR, [released]).ok
    draft = make_evaluation(version=2, status=DRAFT, updated_at="2024-05-04T00:00:00Z")
    never_released = make_evaluation(id="eval-2", status=DRAFT)
    records = [sync_module._evaluation_record(ev) for ev in (draft, never_released)]
    write_journal(share, "29991231T000000000000Z", records)

    assert read_synced_evaluations(share) == ([released], [])

    (share / INSPECTOR / EVALUATIONS_CSV).unlink()
    result = sync_evaluations(share, INSPECTOR, [draft, never_released])

    assert result.ok and result.exported_count == 1 and "2 drafts stay" in result.message
    assert [(r["evaluation_id"], r["version"], r["status"]) for r in csv_rows(share)] == [("eval-1", "1", SUBMITTED)]
