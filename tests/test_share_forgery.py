"""A shared folder that cannot be forged or misused: share content built on disk by hand, as someone with write
access to the share (and no team key) would leave it. Readers (``read_synced_evaluations``) and the supervisor's
merge (``aggregate``) take only journals listed in the manifest of a folder named after its inspector, only that
inspector's records, only finite numbers in range, never through a link; and say what they refused."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qaworkstation.core.domain import Evaluation
from qaworkstation.core.team.aggregate import TeamDatabase, aggregate
from qaworkstation.core.team.sync import (MANIFEST_NAME, MAX_FOLDER_BYTES, UNLISTED_FOLDER, _evaluation_record,
                                          read_synced_evaluations, sync_evaluations)
from tests.share_files import REAL, evaluation, write_listed_journal

FORGER = "李娜"


def line(ev: Evaluation, **changes: object) -> str:
    return json.dumps({**_evaluation_record(ev), **changes}, ensure_ascii=False)


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    assert sync_evaluations(folder, REAL, [evaluation(1)], key=None).ok
    return folder


@pytest.fixture
def team(tmp_path: Path) -> Iterator[TeamDatabase]:
    database = TeamDatabase(tmp_path / "supervisor" / "team.sqlite3")
    yield database
    database.close()


def merged(team: TeamDatabase) -> dict[str, tuple[int, float, str]]:
    return {ev.id: (ev.version, ev.total, ev.inspector) for ev in team.evaluations()}


def read(share: Path) -> tuple[dict[str, tuple[int, float, str]], list[str]]:
    evaluations, problems = read_synced_evaluations(share, key=None)
    return {ev.id: (ev.version, ev.total, ev.inspector) for ev in evaluations}, problems


GENUINE = {"ev-1": (1, 90.0, REAL)}


def test_a_journal_the_manifest_does_not_list_is_refused_and_set_aside_by_the_owners_next_sync(
    share: Path, team: TeamDatabase
) -> None:
    planted = share / REAL / "changes-29990101T000000000000Z.jsonl"
    planted.write_text(line(evaluation(1, version=99, total=0.0)) + "\n", encoding="utf-8")

    found, problems = read(share)
    result = aggregate(share, team, key=None)

    assert found == GENUINE and merged(team) == GENUINE
    assert len(problems) == 1 and str(planted) in problems[0] and "not listed in manifest.json" in problems[0]
    assert [(p.inspector, p.path) for p in result.problems] == [(REAL, str(planted))]

    resynced = sync_evaluations(share, REAL, [evaluation(1)], key=None)
    manifest = json.loads((share / REAL / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert resynced.ok and "Set aside 1 journals" in resynced.message and planted.name not in manifest["files"]
    assert (share / REAL / UNLISTED_FOLDER / planted.name).is_file() and not planted.exists()
    assert read(share) == (GENUINE, [])


def test_a_folder_without_a_manifest_is_refused(share: Path, team: TeamDatabase) -> None:
    folder = share / "新人"
    folder.mkdir()
    (folder / "changes-20261001T000000000000Z.jsonl").write_text(line(evaluation(2, inspector="新人")) + "\n",
                                                                 encoding="utf-8")
    found, problems = read(share)
    result = aggregate(share, team, key=None)

    assert found == GENUINE and merged(team) == GENUINE
    assert len(problems) == 1 and str(folder) in problems[0] and "no manifest.json" in problems[0]
    assert [p.path for p in result.problems] == [str(folder)]


def test_a_manifest_naming_another_inspector_than_its_folder_is_refused(share: Path, team: TeamDatabase) -> None:
    folder = share / FORGER
    write_listed_journal(share, FORGER, "20261001T000000000000Z", [line(evaluation(1, version=5, total=0.0))])
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    (folder / MANIFEST_NAME).write_text(json.dumps({**manifest, "inspector": REAL}), encoding="utf-8")

    found, problems = read(share)
    aggregate(share, team, key=None)

    assert found == GENUINE and merged(team) == GENUINE
    assert len(problems) == 1 and f"names inspector '{REAL}'" in problems[0]


def test_another_inspectors_folder_cannot_publish_an_evaluation(share: Path, team: TeamDatabase) -> None:
    """Copied as it is (the record still names its inspector), or relabelled as the forger's own."""
    aggregate(share, team, key=None)
    assert sync_evaluations(share, FORGER, [evaluation(7, inspector=FORGER)], key=None).ok
    write_listed_journal(share, FORGER, "29990101T000000000000Z", [
        line(evaluation(1, version=2, total=10.0)),
        line(evaluation(1, version=3, total=0.0, inspector=FORGER)),
    ])

    found, problems = read(share)
    result = aggregate(share, team, key=None)

    # the relabelled copy makes ev-1 contested: both readers count it for nobody, and say so against both folders
    assert merged(team) == found == {"ev-7": (1, 90.0, FORGER)}
    assert any("line 1" in p and f"only '{REAL}''s own folder may publish it" in p for p in problems)
    contested = [p for p in result.problems if "ev-1 is published from the folders of" in p.reason]
    assert sorted(p.inspector for p in contested) == sorted([REAL, FORGER])
    assert sum("ev-1 is published from the folders of" in p for p in problems) == 2


@pytest.mark.parametrize("forged", [
    pytest.param('"total": NaN', id="NaN total"),
    pytest.param('"version": 1180591620717411303424', id="version 2**70"),
    pytest.param('"items": [{"item_id": "greeting", "score": Infinity}]', id="Infinity item score"),
    pytest.param('"total": 1e999', id="overflowing total"),
    pytest.param('"hearing": {"heard_s": -Infinity}', id="-Infinity heard"),
    pytest.param('"flags": [{"category": "c", "phrase": "p", "text": "", "speaker": "agent", "start": NaN, '
                 '"end": 1, "item": null}]', id="NaN flag start"),
    pytest.param('"passed": "yes"', id="text for passed"),
])
def test_numbers_must_be_finite_and_in_range(share: Path, team: TeamDatabase, forged: str) -> None:
    record = line(evaluation(2))
    forged_line = record[:-1] + ", " + forged + "}"
    write_listed_journal(share, REAL, "29990101T000000000000Z", [forged_line, line(evaluation(3))])

    found, problems = read(share)
    result = aggregate(share, team, key=None)

    assert sorted(found) == sorted(merged(team)) == ["ev-1", "ev-3"]
    assert len(problems) == 1 and "line 1: not a valid evaluation" in problems[0]
    assert [p.reason.startswith("line 1: not a valid evaluation") for p in result.problems] == [True]


def test_a_folder_of_ten_thousand_brackets_is_one_refused_line(share: Path, team: TeamDatabase) -> None:
    write_listed_journal(share, REAL, "29990101T000000000000Z", ["[" * 100_000, line(evaluation(3))])

    assert sorted(read(share)[0]) == ["ev-1", "ev-3"]
    assert aggregate(share, team, key=None).journals_read == 2 and sorted(merged(team)) == ["ev-1", "ev-3"]


def test_an_inspector_folder_linked_out_of_the_share_is_neither_written_nor_read(
    tmp_path: Path, share: Path, team: TeamDatabase
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (share / FORGER).symlink_to(elsewhere, target_is_directory=True)

    result = sync_evaluations(share, FORGER, [evaluation(5, inspector=FORGER)], key=None)

    assert not result.ok and "link" in result.message and list(elsewhere.iterdir()) == []
    write_listed_journal(elsewhere.parent, "elsewhere", "20261001T000000000000Z",
                         [line(evaluation(6, inspector="elsewhere"))])
    found, problems = read(share)
    outcome = aggregate(share, team, key=None)
    assert found == GENUINE and merged(team) == GENUINE
    assert len(problems) == 1 and "a link to" in problems[0] and [p.path for p in outcome.problems] == [
        str(share / FORGER)]


def test_a_journal_named_link_to_a_huge_file_is_not_read(tmp_path: Path, share: Path, team: TeamDatabase) -> None:
    huge = tmp_path / "huge.bin"
    with huge.open("wb") as handle:
        handle.truncate(2**30)  # sparse: 1 GiB that a reader following the link would read whole
    link = share / REAL / "changes-29990101T000000000000Z.jsonl"
    link.symlink_to(huge)
    _list_without_reading(share / REAL, link.name)

    found, problems = read(share)
    result = aggregate(share, team, key=None)

    assert found == GENUINE and merged(team) == GENUINE
    assert len(problems) == 1 and str(link) in problems[0] and "a link to" in problems[0]
    assert [p.path for p in result.problems] == [str(link)]


def test_a_listed_journal_larger_than_a_folders_budget_is_not_read(share: Path, team: TeamDatabase) -> None:
    journal = share / REAL / "changes-29990101T000000000000Z.jsonl"
    with journal.open("wb") as handle:
        handle.truncate(MAX_FOLDER_BYTES + 1)  # sparse: read, it would be seconds of time and more of memory
    _list_without_reading(share / REAL, journal.name)

    started = time.monotonic()
    found, problems = read(share)
    result = aggregate(share, team, key=None)

    assert time.monotonic() - started < 5
    assert found == GENUINE and merged(team) == GENUINE
    assert problems == [(f"{share / REAL}: more than {MAX_FOLDER_BYTES // 2**20} MiB of journals; the rest was not "
                         f"read (1 journals from {journal.name} on): a year of one inspector's evaluations is a few "
                         "MB, so ask whose files these are")]
    assert [(p.inspector, p.path) for p in result.problems] == [(REAL, str(share / REAL))]
    assert result.problems[0].reason.endswith("the next merge reads on from there")


def _list_without_reading(folder: Path, name: str) -> None:
    """List ``name`` in the manifest with a made-up hash: hashing it would read what the test says is not read."""
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"][name] = "0" * 64
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_manifest_that_is_a_link_is_unreadable(tmp_path: Path, share: Path) -> None:
    manifest = share / REAL / MANIFEST_NAME
    copy = tmp_path / "copied-manifest.json"
    copy.write_bytes(manifest.read_bytes())
    manifest.unlink()
    os.symlink(copy, manifest)

    found, problems = read(share)

    assert found == {} and len(problems) == 1 and "a link to" in problems[0]
