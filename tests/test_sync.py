"""Sync to a team share, exercised on real files: the share's failures are simulated at the os layer."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import errno
import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

from qaworkstation.core.atomic import atomic_write_bytes, atomic_write_text
from qaworkstation.core.domain import SUBMITTED, Evaluation, ItemScore
from qaworkstation.core.team import sync as sync_module
from qaworkstation.core.team.sync import (EVALUATION_COLUMNS, EVALUATIONS_CSV, ITEM_SCORES_CSV, MANIFEST_NAME,
                                          PROBLEM_DISK_FULL, PROBLEM_NO_PERMISSION, PROBLEM_NOT_FOUND,
                                          PROBLEM_NOT_SET_UP, UNLISTED_FOLDER, inspector_folder_name,
                                          read_synced_evaluations, sync_evaluations)
from tests.share_files import write_listed_journal

Synced = tuple[Path, list[Evaluation]]


def make_evaluation(number: int, inspector: str = "张三", **changes: object) -> Evaluation:
    evaluation = Evaluation(
        id=f"eval-{inspector}-{number}",
        recording_id=f"rec-{number}",
        rubric_id="standard-zh",
        inspector=inspector,
        items={
            "greeting": ItemScore("greeting", 10.0, comment="问候规范", reviewed=True),
            "empathy": ItemScore("empathy", 7.5, reviewed=True),
            "upsell": ItemScore("upsell", None, na=True, reviewed=True),
        },
        comment="语气友好，但未致谢",
        total=17.5,
        max_total=20.0,
        passed=True,
        created_at=f"2024-05-01T09:00:0{number}Z",
        updated_at=f"2024-05-01T09:00:0{number}Z",
        agent="王小明",
        team="一组",
        call_id=f"C-{number}",
        call_time="2024-04-30T15:20:00",
        file_name=f"通话_{number:03}.wav",
        status=SUBMITTED,
    )
    return dataclasses.replace(evaluation, **changes)


def journals(folder: Path) -> list[Path]:
    return sorted(folder.glob("changes-*.jsonl"))


def read_journal(path: Path) -> list[Evaluation]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [sync_module._evaluation_from_record(json.loads(line)) for line in lines]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def folder_state(root: Path) -> dict[str, tuple[int, bytes]]:
    files = (p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes()) for p in files}


def temp_files(root: Path) -> list[Path]:
    return list(root.rglob(".*"))


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "team-share"
    folder.mkdir()
    return folder


@pytest.fixture
def synced(share: Path) -> Synced:
    """A share after one successful sync of three evaluations by 张三."""
    evaluations = [make_evaluation(n) for n in (1, 2, 3)]
    assert sync_evaluations(share, "张三", evaluations).ok
    return share, evaluations


# ------------------------------------------------------------------------------------------ happy paths


def test_first_sync_writes_snapshots_journal_and_manifest_last(share: Path) -> None:
    evaluations = [make_evaluation(n) for n in (1, 2)]

    result = sync_evaluations(share, "张三", evaluations)

    folder = share / "张三"
    assert result.ok, result.message
    assert (result.exported_count, result.changed_count) == (2, 2)
    assert result.written[-1] == folder / MANIFEST_NAME
    assert {p.name for p in folder.iterdir()} == {EVALUATIONS_CSV, ITEM_SCORES_CSV, MANIFEST_NAME} | {
        p.name for p in journals(folder)
    }
    assert len(journals(folder)) == 1
    assert read_journal(journals(folder)[0]) == evaluations


def test_csv_snapshots_have_a_bom_and_round_trip_chinese(share: Path) -> None:
    sync_evaluations(share, "张三", [make_evaluation(1, total=17.5, max_total=20.0)])
    folder = share / "张三"

    assert (folder / EVALUATIONS_CSV).read_bytes().startswith(codecs.BOM_UTF8)
    assert (folder / ITEM_SCORES_CSV).read_bytes().startswith(codecs.BOM_UTF8)
    [row] = read_csv(folder / EVALUATIONS_CSV)
    assert tuple(row) == EVALUATION_COLUMNS
    assert row["agent"] == "王小明"
    assert row["comment"] == "语气友好，但未致谢"
    assert row["file_name"] == "通话_001.wav"
    assert (row["total"], row["max_total"], row["percent"], row["passed"]) == ("17.5", "20", "87.5", "1")
    items = {r["item_id"]: r for r in read_csv(folder / ITEM_SCORES_CSV)}
    assert items["greeting"] == {
        "evaluation_id": "eval-张三-1", "item_id": "greeting", "score": "10", "na": "0", "comment": "问候规范",
        "reviewed": "1",
    }  # fmt: skip
    assert (items["upsell"]["score"], items["upsell"]["na"]) == ("", "1")


def test_manifest_records_exported_versions_and_file_hashes(synced: Synced) -> None:
    share, evaluations = synced
    folder = share / "张三"

    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))

    assert manifest["format_version"] == sync_module.FORMAT_VERSION
    assert manifest["inspector"] == "张三"
    assert manifest["synced_at"].endswith("Z")
    assert manifest["evaluations"] == {ev.id: ev.updated_at for ev in evaluations}
    data_files = [p for p in folder.iterdir() if p.name != MANIFEST_NAME]
    assert manifest["files"] == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_files}


def test_spreadsheet_formulas_in_free_text_are_neutralised_in_csv_only(share: Path) -> None:
    evaluation = make_evaluation(1, comment="=HYPERLINK(\"http://x\")", agent="-3分")

    sync_evaluations(share, "张三", [evaluation])

    [row] = read_csv(share / "张三" / EVALUATIONS_CSV)
    assert (row["comment"], row["agent"]) == ("'=HYPERLINK(\"http://x\")", "'-3分")
    assert read_journal(journals(share / "张三")[0]) == [evaluation]


def test_second_sync_with_same_data_touches_nothing(synced: Synced) -> None:
    share, evaluations = synced
    before = folder_state(share)

    result = sync_evaluations(share, "张三", list(reversed(evaluations)))

    assert result.ok
    assert "up to date" in result.message
    assert (result.written, result.exported_count, result.changed_count) == ([], 3, 0)
    assert folder_state(share) == before


def test_edited_evaluation_goes_alone_into_a_new_journal(synced: Synced) -> None:
    share, evaluations = synced
    folder = share / "张三"
    first_journal = journals(folder)[0]
    first_journal_bytes = first_journal.read_bytes()
    edited = make_evaluation(2, comment="复核后改为不合格", passed=False, updated_at="2024-05-02T10:00:00Z")

    result = sync_evaluations(share, "张三", [evaluations[0], edited, evaluations[2]])

    assert result.ok, result.message
    assert (result.exported_count, result.changed_count) == (3, 1)
    assert first_journal.read_bytes() == first_journal_bytes
    [new_journal] = [p for p in journals(folder) if p != first_journal]
    assert read_journal(new_journal) == [edited]
    rows = {row["evaluation_id"]: row for row in read_csv(folder / EVALUATIONS_CSV)}
    assert (rows[edited.id]["comment"], rows[edited.id]["passed"]) == ("复核后改为不合格", "0")
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["evaluations"][edited.id] == "2024-05-02T10:00:00Z"
    assert set(manifest["files"]) == {EVALUATIONS_CSV, ITEM_SCORES_CSV, first_journal.name, new_journal.name}


def test_a_library_missing_synced_evaluations_is_refused(synced: Synced) -> None:
    """A library never deletes an evaluation, so one without an evaluation the share lists is another library
    (an empty new one) or an older copy: syncing it would empty the inspector's spreadsheets on the share."""
    share, evaluations = synced
    folder = share / "张三"
    before = {path.name: path.read_bytes() for path in folder.iterdir()}

    for others in (evaluations[:2], []):
        result = sync_evaluations(share, "张三", others)

        assert not result.ok and result.written == []
        assert f"holds {len(evaluations) - len(others)} evaluations of this inspector that this library does " \
               "not have" in result.message
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_a_deleted_snapshot_is_restored_without_a_new_journal(synced: Synced) -> None:
    share, evaluations = synced
    folder = share / "张三"
    (folder / EVALUATIONS_CSV).unlink()

    result = sync_evaluations(share, "张三", evaluations)

    assert result.ok and result.changed_count == 0
    assert [p.name for p in result.written] == [EVALUATIONS_CSV, MANIFEST_NAME]
    assert len(read_csv(folder / EVALUATIONS_CSV)) == 3


def test_a_deleted_journal_makes_the_next_sync_export_everything(synced: Synced) -> None:
    share, evaluations = synced
    journals(share / "张三")[0].unlink()
    assert read_synced_evaluations(share)[1] != []

    result = sync_evaluations(share, "张三", evaluations)

    assert result.ok and result.changed_count == 3 and "missing" in result.message
    assert read_synced_evaluations(share) == (evaluations, [])


def test_two_inspectors_share_a_folder_and_each_evaluation_is_counted_once(share: Path) -> None:
    zhang = [make_evaluation(n, inspector="张三") for n in (1, 2, 3)]
    li = [make_evaluation(n, inspector="李四") for n in (1, 2)]

    for _ in range(2):
        assert sync_evaluations(share, "张三", zhang).ok
        assert sync_evaluations(share, "李四", li).ok
    edited = dataclasses.replace(li[0], total=12.0, passed=False, updated_at="2024-06-01T00:00:00Z")
    assert sync_evaluations(share, "李四", [edited, li[1]]).ok
    assert sync_evaluations(share, "李四", [edited, li[1]]).written == []

    evaluations, problems = read_synced_evaluations(share)

    assert problems == []
    assert len(evaluations) == 5
    assert sorted(ev.id for ev in evaluations) == sorted(ev.id for ev in zhang + li)
    assert next(ev for ev in evaluations if ev.id == edited.id) == edited
    assert {p.name for p in share.iterdir()} == {"张三", "李四"}


def test_read_back_keeps_the_latest_version_whatever_the_journal_order(share: Path) -> None:
    newer = make_evaluation(1, comment="新", updated_at="2024-09-01T00:00:00Z")
    older = make_evaluation(1, comment="旧", updated_at="2024-01-01T00:00:00Z")
    sync_evaluations(share, "张三", [newer])
    sync_evaluations(share, "张三", [older])  # e.g. restored from an old backup

    evaluations, problems = read_synced_evaluations(share)

    assert (evaluations, problems) == ([newer], [])


# ------------------------------------------------------------------------------------------ bad shares


def test_missing_shared_folder_is_reported_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "not-mounted"

    result = sync_evaluations(missing, "张三", [make_evaluation(1)])

    assert not result.ok and result.problem == PROBLEM_NOT_FOUND
    assert str(missing) in result.message
    assert "mounted" in result.message
    assert not missing.exists()


def test_shared_folder_that_is_a_file_is_reported(tmp_path: Path) -> None:
    a_file = tmp_path / "share.txt"
    a_file.write_text("not a folder")

    result = sync_evaluations(a_file, "张三", [make_evaluation(1)])

    assert not result.ok
    assert str(a_file) in result.message and "not a folder" in result.message
    assert a_file.read_text() == "not a folder"


@pytest.mark.parametrize(("folder", "inspector"), [("", "张三"), ("SHARE", "  ")])
def test_missing_settings_are_reported(share: Path, folder: str, inspector: str) -> None:
    result = sync_evaluations(folder.replace("SHARE", str(share)), inspector, [make_evaluation(1)])

    assert not result.ok and "Settings" in result.message and result.problem == PROBLEM_NOT_SET_UP
    assert list(share.iterdir()) == []


def test_read_only_share_with_real_permissions(share: Path) -> None:
    if sys.platform == "win32" or os.geteuid() == 0:
        pytest.skip("chmod does not stop writes on Windows or as root; see the simulated test")
    share.chmod(0o500)
    try:
        result = sync_evaluations(share, "张三", [make_evaluation(1)])
    finally:
        share.chmod(0o700)

    assert not result.ok
    assert str(share / "张三") in result.message and "write permission" in result.message
    assert list(share.iterdir()) == []


def test_read_only_share_simulated(synced: Synced, monkeypatch: pytest.MonkeyPatch) -> None:
    share, evaluations = synced
    before = folder_state(share)
    real_open = os.open

    def refuse_creation(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse_creation)
    edited = dataclasses.replace(evaluations[0], comment="改", updated_at="2024-07-01T00:00:00Z")

    result = sync_evaluations(share, "张三", [edited, *evaluations[1:]])

    assert not result.ok and result.problem == PROBLEM_NO_PERMISSION
    assert str(share / "张三") in result.message
    assert "write permission" in result.message and "still saved on this computer" in result.message
    assert edited.comment == "改"
    assert folder_state(share) == before
    assert temp_files(share) == []


def test_file_locked_by_another_program_is_reported(
    synced: Synced, monkeypatch: pytest.MonkeyPatch
) -> None:
    share, evaluations = synced
    before = folder_state(share)

    def locked(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", locked)

    result = sync_evaluations(share, "张三", [*evaluations, make_evaluation(4)])

    assert not result.ok and "Excel" in result.message
    assert folder_state(share) == before
    assert temp_files(share) == []


def test_disk_full_midway_keeps_previous_files(
    synced: Synced, monkeypatch: pytest.MonkeyPatch
) -> None:
    share, evaluations = synced
    before = folder_state(share)
    real_write = os.write

    def fill_up(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", fill_up)

    result = sync_evaluations(share, "张三", [*evaluations, make_evaluation(4)])

    assert not result.ok and result.problem == PROBLEM_DISK_FULL
    assert str(share / "张三") in result.message and "disk is full" in result.message
    assert folder_state(share) == before
    assert temp_files(share) == []


def test_failure_after_the_journal_is_retried_on_the_next_sync(
    synced: Synced, monkeypatch: pytest.MonkeyPatch
) -> None:
    share, evaluations = synced
    folder = share / "张三"
    real_write = atomic_write_bytes

    def fail_on_snapshots(path: Path, data: bytes) -> None:
        if path.name == EVALUATIONS_CSV:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(sync_module, "atomic_write_bytes", fail_on_snapshots)
    added = make_evaluation(4)
    failed = sync_evaluations(share, "张三", [*evaluations, added])
    monkeypatch.undo()

    retried = sync_evaluations(share, "张三", [*evaluations, added])

    assert not failed.ok and [p.parent for p in failed.written] == [folder]
    assert retried.ok and retried.changed_count == 1 and "Set aside 1 journals" in retried.message
    assert (folder / UNLISTED_FOLDER / failed.written[0].name).is_file() and len(journals(folder)) == 2
    found, problems = read_synced_evaluations(share)
    assert (len(found), problems) == (4, [])


def test_corrupt_manifest_exports_everything_again(synced: Synced) -> None:
    share, evaluations = synced
    folder = share / "张三"
    (folder / MANIFEST_NAME).write_text("{ this is not json", encoding="utf-8")

    result = sync_evaluations(share, "张三", evaluations)

    assert result.ok
    assert MANIFEST_NAME in result.message and "exported again" in result.message
    assert result.changed_count == 3
    assert read_journal(journals(folder)[-1]) == evaluations
    assert sync_evaluations(share, "张三", evaluations).written == []
    assert read_synced_evaluations(share) == (evaluations, [])


def test_a_folder_owned_by_another_inspector_is_not_overwritten(synced: Synced) -> None:
    share, evaluations = synced
    manifest_path = share / "张三" / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps({**manifest, "inspector": "张三 (another)"}), encoding="utf-8")
    before = folder_state(share)

    result = sync_evaluations(share, "张三", [make_evaluation(9)])

    assert not result.ok and "张三 (another)" in result.message
    assert folder_state(share) == before


def test_unexpected_errors_are_reported_not_raised(share: Path) -> None:
    broken = make_evaluation(1, items={"greeting": object()})

    result = sync_evaluations(share, "张三", [broken])

    assert not result.ok and "unexpected error" in result.message


# ------------------------------------------------------------------------------------------ inspector names


UNSAFE_NAMES = ["../escape", "..", ".", "a/b", "a\\b", "../../etc", 'x:y*?|<>"', "CON", "lpt1.txt", " 李四 "]
UNSAFE_NAMES += ["王五.", "\x00nul"]


@pytest.mark.parametrize("inspector", UNSAFE_NAMES)
def test_unsafe_inspector_names_stay_inside_the_share(share: Path, inspector: str) -> None:
    result = sync_evaluations(share, inspector, [make_evaluation(1, inspector=inspector)])

    assert result.ok, result.message
    [folder] = list(share.iterdir())
    assert folder.parent.resolve() == share.resolve()
    assert not folder.name.startswith(".")
    assert not set(folder.name) & set('<>:"/\\|?*')
    assert folder.name.split(".")[0].upper() not in {"CON", "LPT1"}
    assert not folder.name.endswith((".", " "))
    assert read_synced_evaluations(share)[0][0].inspector == inspector


def test_chinese_inspector_names_are_kept_readable() -> None:
    assert inspector_folder_name("张三") == "张三"
    assert inspector_folder_name("质检员 王五") == "质检员 王五"
    assert inspector_folder_name("王/五").startswith("王_五-")


def test_names_that_sanitise_alike_get_separate_folders(share: Path) -> None:
    for inspector in ("a/b", "a_b", "a\\b"):
        assert sync_evaluations(share, inspector, [make_evaluation(1, inspector=inspector)]).ok

    assert len(list(share.iterdir())) == 3
    assert len(read_synced_evaluations(share)[0]) == 3


# ------------------------------------------------------------------------------------------ reading


def test_reading_reports_damaged_journals_and_keeps_the_rest(share: Path) -> None:
    sync_evaluations(share, "张三", [make_evaluation(1), make_evaluation(2)])
    sync_evaluations(share, "李四", [make_evaluation(1, inspector="李四")])
    damaged = journals(share / "张三")[0]
    good_line = damaged.read_bytes().splitlines()[0]
    damaged.write_bytes(good_line + b'\n{"id": "half a rec')

    evaluations, problems = read_synced_evaluations(share)

    assert sorted(ev.id for ev in evaluations) == ["eval-张三-1", "eval-李四-1"]
    assert len(problems) == 2
    assert any(str(damaged) in p and "differ from manifest.json" in p for p in problems)
    assert any(str(damaged) in p and "line 2" in p for p in problems)


def test_reading_rejects_records_that_would_break_sorting(share: Path) -> None:
    bad = {**sync_module._evaluation_record(make_evaluation(2)), "created_at": 20240501}
    lines = [json.dumps(sync_module._evaluation_record(make_evaluation(1))), json.dumps(bad), "[1, 2]"]
    write_listed_journal(share, "张三", "20240101T000000000000Z", lines)

    evaluations, problems = read_synced_evaluations(share)

    assert evaluations == [make_evaluation(1)]
    assert ["line 2" in problems[0] and "created_at" in problems[0], "line 3" in problems[1]] == [True, True]


def test_reading_a_missing_share_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    evaluations, problems = read_synced_evaluations(tmp_path / "gone")

    assert evaluations == []
    assert len(problems) == 1 and "mounted" in problems[0]


def test_reading_ignores_journals_written_by_newer_apps_fields(share: Path) -> None:
    record = sync_module._evaluation_record(make_evaluation(1))
    record["future_field"] = 42
    write_listed_journal(share, "张三", "20990101T000000000000Z", [json.dumps(record)])

    assert read_synced_evaluations(share) == ([make_evaluation(1)], [])


# ------------------------------------------------------------------------------------------ atomic writes


def test_atomic_write_replaces_the_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "data.csv"
    target.write_text("old")

    atomic_write_text(target, "名字,分数\r\n", encoding="utf-8-sig")

    assert target.read_bytes() == codecs.BOM_UTF8 + "名字,分数\r\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["data.csv"]


def test_atomic_write_keeps_the_old_file_when_the_write_fails_midway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "manifest.json"
    target.write_bytes(b"old and whole")
    real_write = os.write
    written: list[int] = []

    def fail_after_one_chunk(fd: int, data: bytes) -> int:
        if written:
            raise OSError(errno.EIO, "Input/output error")
        written.append(real_write(fd, bytes(data[:4])))
        return written[-1]

    monkeypatch.setattr(os, "write", fail_after_one_chunk)

    with pytest.raises(OSError, match="Input/output"):
        atomic_write_bytes(target, b"new content that never fully arrives")

    assert written == [4]
    assert target.read_bytes() == b"old and whole"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_atomic_write_keeps_the_old_file_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "evaluations.csv"
    target.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)

    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new")

    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["evaluations.csv"]
