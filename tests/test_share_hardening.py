"""Share reading hardened against what an insider with write access (even one holding the team key) can publish:
an evaluation id taken from a colleague, an inspector name that looks like a colleague's, scores no scorecard can
give. Shares are built on disk through the app's own sync or by hand; the supervisor's merge (``aggregate``) and
``read_synced_evaluations`` must agree on every case."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qaworkstation.core.domain import ItemScore
from qaworkstation.core.privacy.keys import new_key
from qaworkstation.core.team.aggregate import TeamDatabase, aggregate
from qaworkstation.core.team.sync import _evaluation_record, folded_name, read_synced_evaluations, sync_evaluations
from tests.share_files import REAL, evaluation, write_listed_journal



@pytest.fixture
def team(tmp_path: Path) -> Iterator[TeamDatabase]:
    database = TeamDatabase(tmp_path / "supervisor" / "team.sqlite3")
    yield database
    database.close()


def merged(team: TeamDatabase) -> dict[str, tuple[float, str]]:
    return {ev.id: (ev.total, ev.inspector) for ev in team.evaluations()}


def read(share: Path, key: bytes | None) -> dict[str, tuple[float, str]]:
    return {ev.id: (ev.total, ev.inspector) for ev in read_synced_evaluations(share, key=key)[0]}


@pytest.mark.parametrize("forger", ["Aaron", "Zed"], ids=["forger's folder merged first", "merged last"])
def test_a_colleague_with_the_team_key_cannot_take_over_or_keep_a_score(tmp_path: Path, team: TeamDatabase,
                                                                         forger: str) -> None:
    """The forger syncs, through the app itself and with the team key, a record carrying the real inspector's
    evaluation id: whichever folder is merged first, the id counts for nobody, in the team database as in
    ``read_synced_evaluations``, and both folders are named, on every merge until the share is cleaned up."""
    share, key = tmp_path / "share", new_key()
    share.mkdir()
    assert sync_evaluations(share, REAL, [evaluation(1), evaluation(2, total=40.0, passed=False)], key=key).ok
    assert sync_evaluations(share, forger, [evaluation(1, inspector=forger, total=0.0, passed=False)], key=key).ok

    first = aggregate(share, team, key=key)

    assert merged(team) == read(share, key) == {"ev-2": (40.0, REAL)}
    named = sorted(p.inspector for p in first.problems if "ev-1 is published from the folders of" in p.reason)
    assert named == sorted([REAL, forger])
    again = aggregate(share, team, key=key)  # nothing new to read: still said
    assert again.journals_read == 0 and len([p for p in again.problems if "ev-1" in p.reason]) == 2

    shutil.rmtree(share / forger)
    cleaned = aggregate(share, team, key=key)

    assert merged(team) == read(share, key) == {"ev-1": (90.0, REAL), "ev-2": (40.0, REAL)}
    assert cleaned.problems == []


def test_a_team_database_from_before_claims_reads_the_share_again(tmp_path: Path) -> None:
    """A team database merged before claims were recorded holds the forger's row as if it were the evaluation's;
    the upgrade reads every journal again, so the contested id then counts for nobody there too."""
    share, path = tmp_path / "share", tmp_path / "team.sqlite3"
    share.mkdir()
    assert sync_evaluations(share, "Aaron", [evaluation(1, inspector="Aaron", total=0.0, passed=False)], key=None).ok
    old = TeamDatabase(path)
    aggregate(share, old, key=None)
    with old.transaction() as db:  # back to schema 3: no claims
        db.execute("DROP TABLE claims")
        db.execute("DELETE FROM schema_migrations WHERE version = 4")
        db.execute("PRAGMA user_version = 3")
    old.close()
    assert sync_evaluations(share, REAL, [evaluation(1)], key=None).ok
    upgraded = TeamDatabase(path)
    try:
        aggregate(share, upgraded, key=None)
        assert merged(upgraded) == read(share, None) == {}
    finally:
        upgraded.close()


@pytest.mark.parametrize("look_alike, plain", [
    pytest.param(f"{REAL}\u200b", REAL, id="zero-width space"),
    pytest.param("ｉｎｓ", "ins", id="full-width letters"),
    pytest.param("in\u2060s", "ins", id="word joiner"),
])
def test_an_inspector_name_that_looks_like_a_colleagues_is_a_collision(tmp_path: Path, team: TeamDatabase,
                                                                        look_alike: str, plain: str) -> None:
    share = tmp_path / "share"
    share.mkdir()
    assert sync_evaluations(share, plain, [evaluation(1, inspector=plain)], key=None).ok
    write_listed_journal(share, look_alike, "29990101T000000000000Z", [
        json.dumps(_evaluation_record(evaluation(7, inspector=look_alike, total=5.0, passed=False)),
                   ensure_ascii=False)])

    found, problems = read_synced_evaluations(share, key=None)
    result = aggregate(share, team, key=None)

    assert folded_name(look_alike) == plain
    assert {ev.id for ev in found} == set(merged(team)) == {"ev-1"}
    assert len(problems) == 1 and f"{look_alike!r} looks the same as {plain!r}" in problems[0]
    assert [p.inspector for p in result.problems] == [look_alike]


def test_a_look_alike_alone_is_an_inspector_like_any_other(tmp_path: Path, team: TeamDatabase) -> None:
    share = tmp_path / "share"
    share.mkdir()
    assert sync_evaluations(share, "ｉｎｓ", [evaluation(1, inspector="ｉｎｓ")], key=None).ok

    found, problems = read_synced_evaluations(share, key=None)
    aggregate(share, team, key=None)

    assert [ev.id for ev in found] == list(merged(team)) == ["ev-1"] and problems == []


@pytest.mark.parametrize("changes, reason", [
    pytest.param({"total": 1e9}, "total 1e+09 is outside 0..100", id="total above max_total"),
    pytest.param({"total": -5.0, "passed": False}, "total -5 is outside 0..100", id="negative total"),
    pytest.param({"max_total": 0.0, "total": 0.0}, "max_total 0 is not above 0", id="max_total 0"),
    pytest.param({"max_total": -10.0, "total": -5.0}, "max_total -10 is not above 0", id="negative max_total"),
    pytest.param({"items": {"greeting": ItemScore("greeting", -1e9, reviewed=True)}}, "'greeting' score is outside",
                 id="negative item score"),
    pytest.param({"items": {"greeting": ItemScore("greeting", 500.0, reviewed=True)}}, "'greeting' score is outside",
                 id="item score above the maximum"),
    pytest.param({"passed": True, "critical_failed": True, "total": 0.0}, "critical failure never passes",
                 id="passed with a critical failure"),
])
def test_scores_no_scorecard_can_give_are_refused_per_record(tmp_path: Path, team: TeamDatabase,
                                                             changes: dict[str, object], reason: str) -> None:
    share = tmp_path / "share"
    share.mkdir()
    assert sync_evaluations(share, REAL, [evaluation(1)], key=None).ok
    write_listed_journal(share, REAL, "29990101T000000000000Z", [
        json.dumps(_evaluation_record(evaluation(3, **changes)), ensure_ascii=False),
        json.dumps(_evaluation_record(evaluation(4, total=100.0)), ensure_ascii=False)])  # the next line still counts

    found, problems = read_synced_evaluations(share, key=None)
    result = aggregate(share, team, key=None)

    assert {ev.id for ev in found} == set(merged(team)) == {"ev-1", "ev-4"}
    assert len(problems) == 1 and "line 1" in problems[0] and reason in problems[0]
    assert len(result.problems) == 1 and reason in result.problems[0].reason


def test_a_sync_under_a_look_alike_of_a_colleagues_name_is_refused(tmp_path: Path) -> None:
    """Caught when the folder would be made, not only when a supervisor merges."""
    share = tmp_path / "share"
    share.mkdir()
    assert sync_evaluations(share, REAL, [evaluation(1)], key=None).ok

    refused = sync_evaluations(share, f"{REAL}\u200b", [evaluation(2, inspector=f"{REAL}\u200b")], key=None)

    assert not refused.ok and refused.written == [] and f"looks the same as {REAL!r}" in refused.message
    assert sorted(path.name for path in share.iterdir()) == [REAL]
    assert sync_evaluations(share, "ｉｎｓ", [evaluation(3, inspector="ｉｎｓ")], key=None).ok  # alone, it is a name

