"""Reading a share costs bounded memory and time, whatever is on it: a plain journal is read line by line, an
encrypted one (authenticated whole) only up to its cap, and past a folder's or a run's budget of journals the rest
is refused and said, never cut silently. The budgets are lowered here, so the files stay small; the real figures
are :data:`~qaworkstation.core.team.sync.MAX_FOLDER_BYTES` and its neighbours."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from qaworkstation.core.domain import SUBMITTED, Evaluation, ItemScore
from qaworkstation.core.privacy.keys import new_key
from qaworkstation.core.team import sync
from qaworkstation.core.team.aggregate import TeamDatabase, aggregate
from qaworkstation.core.team.sync import (
    MANIFEST_NAME,
    _evaluation_record,
    journal_paths,
    read_synced_evaluations,
    sync_evaluations,
)
from tests.share_files import list_in_manifest, write_listed_journal

KIB = 2**10
REAL, OTHER = "张敏", "李娜"
HINT = "a year of one inspector's evaluations is a few MB, so ask whose files these are"


def evaluation(number: int, inspector: str = REAL) -> Evaluation:
    return Evaluation(id=f"ev-{inspector}-{number}", recording_id=f"rec-{number}", rubric_id="zh-monitoring",
                      inspector=inspector, items={"greeting": ItemScore("greeting", 3.0, reviewed=True)}, total=90.0,
                      max_total=100.0, passed=True, created_at="2026-10-02T01:00:00Z",
                      updated_at="2026-10-02T01:00:00Z", call_time="2026-10-01T09:00:00", status=SUBMITTED)


def lines(inspector: str, first: int, count: int) -> list[str]:
    return [json.dumps(_evaluation_record(evaluation(n, inspector)), ensure_ascii=False)
            for n in range(first, first + count)]


@pytest.fixture
def team(tmp_path: Path) -> Iterator[TeamDatabase]:
    database = TeamDatabase(tmp_path / "supervisor" / "team.sqlite3", key=None)
    yield database
    database.close()


@pytest.fixture
def share(tmp_path: Path) -> Path:
    """Three journals of 100 records (about 60 KiB each) in one inspector's folder."""
    folder = tmp_path / "share"
    folder.mkdir()
    for part in range(3):
        write_listed_journal(folder, REAL, f"2026100{part + 1}T000000000000Z", lines(REAL, part * 100, 100))
    return folder


def journal_size(share: Path, inspector: str = REAL) -> int:
    return max(path.stat().st_size for path in journal_paths(share / inspector))


def test_past_a_folders_budget_the_rest_of_the_folder_is_refused_and_said(share: Path, team: TeamDatabase,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync, "MAX_FOLDER_BYTES", 2 * journal_size(share) + KIB)
    third = sorted(journal_paths(share / REAL))[2]

    found, problems = read_synced_evaluations(share, key=None)

    assert sorted(ev.id for ev in found) == sorted(f"ev-{REAL}-{n}" for n in range(200))
    assert problems == [(f"{share / REAL}: more than {sync._size(sync.MAX_FOLDER_BYTES)} of journals; the rest "
                         f"was not read (1 journals from {third.name} on): {HINT}")]


def test_a_merge_past_its_budget_reads_on_at_the_next_merge(share: Path, team: TeamDatabase,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync, "MAX_FOLDER_BYTES", journal_size(share) + KIB)

    runs = [aggregate(share, team, key=None) for _ in range(4)]

    assert [run.added for run in runs] == [100, 100, 100, 0]
    assert [len(run.problems) for run in runs] == [1, 1, 0, 0]
    assert runs[0].problems[0].path == str(share / REAL)
    assert "the rest was not read (2 journals from" in runs[0].problems[0].reason
    assert runs[0].problems[0].reason.endswith("the next merge reads on from there")
    assert team.evaluation_count() == 300


def test_past_a_runs_budget_the_rest_of_the_share_is_refused_and_said(share: Path, team: TeamDatabase,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    write_listed_journal(share, OTHER, "20261001T000000000000Z", lines(OTHER, 0, 100))
    monkeypatch.setattr(sync, "MAX_RUN_BYTES", 3 * journal_size(share) + KIB)  # 张敏's folder is read first

    found, problems = read_synced_evaluations(share, key=None)

    assert len(found) == 300 and {ev.inspector for ev in found} == {REAL}
    assert problems == [(f"{share}: more than {sync._size(sync.MAX_RUN_BYTES)} of journals in all; the rest was "
                         f"not read (1 journals in the folders {OTHER}): {HINT}")]
    assert [aggregate(share, team, key=None).added for _ in range(2)] == [300, 100]


def test_a_plain_journal_is_read_line_by_line_never_held_whole(tmp_path: Path) -> None:
    """Four MiB of lines that are no record: the old reader held the file twice over (bytes and their lines)."""
    share = tmp_path / "share"
    share.mkdir()
    journal = write_listed_journal(share, REAL, "20261001T000000000000Z", lines(REAL, 0, 1))
    with journal.open("ab") as handle:
        handle.write((b" " * 1023 + b"\n") * 4096)  # blank lines: no record, nothing refused
    list_in_manifest(share / REAL, REAL)

    tracemalloc.start()
    found, problems = read_synced_evaluations(share, key=None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert [ev.id for ev in found] == [f"ev-{REAL}-0"] and problems == []
    assert peak < 2**20


def test_a_line_longer_than_any_record_is_refused_without_being_held(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync, "MAX_LINE_BYTES", 64 * KIB)
    share = tmp_path / "share"
    share.mkdir()
    journal = write_listed_journal(share, REAL, "20261001T000000000000Z",
                                   [*lines(REAL, 0, 1), "x" * (2 * 2**20), *lines(REAL, 1, 1)])

    tracemalloc.start()
    found, problems = read_synced_evaluations(share, key=None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert sorted(ev.id for ev in found) == [f"ev-{REAL}-0", f"ev-{REAL}-1"]
    assert problems == [f"{journal}: line 2: longer than the 64 KiB a record may take, so not read"]
    assert peak < 2**20


def test_an_encrypted_journal_over_its_cap_is_not_read_and_a_sync_writes_parts_under_it(
        tmp_path: Path, team: TeamDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_key()
    share = tmp_path / "share"
    share.mkdir()
    evaluations = [evaluation(n) for n in range(300)]
    longest = max(len(json.dumps(_evaluation_record(ev), ensure_ascii=False).encode()) + 1 for ev in evaluations)
    monkeypatch.setattr(sync, "MAX_JOURNAL_BYTES", 2 * 100 * longest)  # parts of 100 records

    assert sync_evaluations(share, REAL, evaluations, key=key).ok
    parts = journal_paths(share / REAL)
    assert len(parts) == 3 and all(path.stat().st_size <= sync.MAX_JOURNAL_BYTES for path in parts)
    assert len(read_synced_evaluations(share, key=key)[0]) == 300

    monkeypatch.setattr(sync, "MAX_JOURNAL_BYTES", parts[0].stat().st_size - 1)
    started = time.monotonic()
    found, problems = read_synced_evaluations(share, key=key)
    result = aggregate(share, team, key=key)

    assert time.monotonic() - started < 5
    cap = sync._size(sync.MAX_JOURNAL_BYTES)
    assert len(found) == 100 and len(problems) == 2  # the last part is a little smaller
    assert all(f"larger than the {cap} an encrypted journal may hold, so not read" in p for p in problems)
    assert result.added == 100 and [p.path for p in result.problems] == [str(path) for path in parts[:2]]
    assert (share / REAL / MANIFEST_NAME).is_file()
