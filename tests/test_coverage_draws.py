"""Coverage draws kept in the library: a draw under a coverage plan (quota) is remembered with its plan, window
and calls, so its progress (drawn / scored / remaining) survives closing the library; ``qaws sample`` draws
the same way from the command line. On a real library file holding a generated week of handled calls."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.team.demo_data import DEMO_MONTH, default_rubrics, generate_month, handled_calls, save_to_store
from qaworkstation.core.team.sampling import (CoveragePlan, draw_plan, sample_progress, saved_samples,
                                              scored_recordings)

WEEK = ("2026-10-05", "2026-10-11")
INSPECTOR = "张敏"


@pytest.fixture(scope="module")
def week_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The week's handled calls as library recordings; the calls the demo month evaluated are saved and
    submitted as the app would, all but the first, which stays a draft."""
    path = tmp_path_factory.mktemp("coverage") / "library.sqlite3"
    store = Store(path)
    roles.ensure_user(store, INSPECTOR)
    evaluated = [ev for ev in generate_month(DEMO_MONTH, default_rubrics()) if WEEK[0] <= ev.call_time[:10] <= WEEK[1]]
    for number, ev in enumerate(evaluated):
        saved = save_to_store(store, replace(ev, inspector=INSPECTOR))
        if number:
            lifecycle.submit(store, saved.id, INSPECTOR)
    for row in handled_calls(evaluated):
        if row["file_name"]:
            continue  # an evaluated call, saved above
        store.add_recording({"sha256": uuid.uuid5(uuid.NAMESPACE_URL, row["call_id"]).hex * 2,
                             "path": f"/calls/{row['call_id']}.wav", "file_name": f"{row['call_id']}.wav",
                             "duration": 200.0, "channels": 2, "samplerate": 8000, "agent": row["agent"],
                             "team": row["team"], "call_id": row["call_id"], "call_time": row["call_time"],
                             "caller": row["caller"]})
    store.close()
    return path


@pytest.fixture
def library(week_library: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "library.sqlite3"
    copy.write_bytes(week_library.read_bytes())
    return copy


def per_team_day(rows: list[dict]) -> Counter:
    return Counter((row["team"], row["call_time"][:10]) for row in rows)


def test_coverage_draw_is_kept_and_its_progress_survives_reopening(library: Path) -> None:
    store = Store(library)
    handled = store.list_recordings()
    kept = draw_plan(store, CoveragePlan(call_share=10.0, agent_share=0.0, inspector_daily=10), *WEEK, seed=5,
                     created_by=INSPECTOR)
    store.close()

    again = Store(library)
    [loaded] = saved_samples(again)
    assert (loaded.id, loaded.recording_ids, loaded.plan, loaded.seed) == (kept.id, kept.recording_ids, kept.plan, 5)
    drawn = [row for row in handled if row["id"] in set(loaded.recording_ids)]
    expected = {key: math.ceil(n * 0.1) for key, n in per_team_day(handled).items()}
    assert per_team_day(drawn) == expected and len(drawn) == sum(expected.values()) == 53

    scored = scored_recordings(again)  # submitted evaluations; the draft one does not count
    assert len(scored) == sum(1 for row in handled if row["file_name"].startswith(row["team"])) - 1
    progress = sample_progress(again, loaded, inspectors=1)
    by_hand = sum(1 for row in drawn if row["id"] in scored)
    assert (progress.drawn, progress.scored, progress.remaining) == (53, by_hand, 53 - by_hand)
    assert progress.busiest_day == max(Counter(row["call_time"][:10] for row in drawn).values()) == 12
    assert progress.over_capacity  # 12 calls on the busiest day, one inspector hears 10
    again.close()


def test_coverage_draw_progress_follows_new_scores(library: Path) -> None:
    store = Store(library)
    kept = draw_plan(store, CoveragePlan(call_share=10.0, agent_share=0.0), *WEEK, seed=5)
    before = sample_progress(store, kept)
    unscored = next(i for i in kept.recording_ids if i not in scored_recordings(store))
    recording = store.recording(unscored)
    month = generate_month(DEMO_MONTH, default_rubrics())
    evaluation = replace(month[0], agent=recording["agent"], team=recording["team"], call_id=recording["call_id"],
                         file_name=recording["file_name"], inspector=INSPECTOR)
    saved = store.save_evaluation(replace(evaluation, id="", recording_id=unscored))
    assert sample_progress(store, kept) == before  # a draft is not scored yet
    lifecycle.submit(store, saved.id, INSPECTOR)
    after = sample_progress(store, kept)
    assert (after.scored, after.remaining) == (before.scored + 1, before.remaining - 1)
    store.close()


def test_quota_draw_of_one_team_with_the_weekly_agent_share(library: Path) -> None:
    store = Store(library)
    handled = [row for row in store.list_recordings() if row["team"] == "投诉组"]
    kept = draw_plan(store, CoveragePlan("投诉组", call_share=5.0, agent_share=100.0), *WEEK, seed=1)
    drawn = [row for row in handled if row["id"] in set(kept.recording_ids)]
    assert len(drawn) == len(kept.recording_ids)  # only the team's calls
    assert {row["agent"] for row in drawn} == {row["agent"] for row in handled}  # every agent covered that week
    with pytest.raises(ValueError, match="not a day"):
        draw_plan(store, CoveragePlan(), "2026-10-05", "next week")
    with pytest.raises(ValueError, match="starts after it ends"):
        draw_plan(store, CoveragePlan(), WEEK[1], WEEK[0])
    with pytest.raises(ValueError, match="no calls of 投诉组 to draw between 2026-12-01 and 2026-12-07"):
        draw_plan(store, CoveragePlan("投诉组"), "2026-12-01", "2026-12-07")
    assert len(saved_samples(store)) == 1  # only the draw that drew something is kept
    store.close()


def qaws(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qaworkstation.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "QAWS_DB": str(db)}, timeout=300)


def test_quota_sample_command_draws_by_a_teams_plan_and_lists_progress(library: Path) -> None:
    done = qaws("sample", "--from", WEEK[0], "--to", WEEK[1], "--team", "投诉组", "--call-share", "10",
                "--agent-share", "0", "--seed", "5", "--name", "投诉组 W41", "--json", db=library)
    assert done.returncode == 0, done.stderr
    draw = json.loads(done.stdout)
    store = Store(library)
    team = [row for row in store.list_recordings() if row["team"] == "投诉组"]
    expected = sum(math.ceil(n * 0.1) for n in per_team_day(team).values())
    assert draw["drawn"] == len(draw["calls"]) == expected == 14
    assert {call["team"] for call in draw["calls"]} == {"投诉组"}
    assert all(WEEK[0] <= call["call_time"][:10] <= WEEK[1] for call in draw["calls"])
    [kept] = saved_samples(store)
    assert kept.recording_ids == [call["id"] for call in draw["calls"]] and kept.name == "投诉组 W41"
    scored = sum(1 for call in draw["calls"] if call["id"] in scored_recordings(store))
    store.close()
    assert (draw["scored"], draw["remaining"]) == (scored, expected - scored)

    listed = qaws("sample", "--list", db=library)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == f"投诉组 W41\t{WEEK[0]}…{WEEK[1]}\tdrawn 14, scored {scored}, remaining {14 - scored}\n"


def test_quota_sample_command_refuses_bad_input_in_one_line(library: Path) -> None:
    for args, code, words in ((("sample",), 1, "--from YYYY-MM-DD --to YYYY-MM-DD"),
                              (("sample", "--from", "5 Oct", "--to", WEEK[1]), 2, "YYYY-MM-DD"),
                              (("sample", "--from", WEEK[0], "--to", WEEK[1], "--call-share", "150"), 2,
                               "percentage from 0 to 100"),
                              (("sample", "--from", WEEK[1], "--to", WEEK[0]), 1, "starts after it ends"),
                              (("sample", "--from", "2027-01-04", "--to", "2027-01-10"), 1, "no calls to draw")):
        done = qaws(*args, db=library)
        assert done.returncode == code and len(done.stderr.splitlines()) == 1 and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
