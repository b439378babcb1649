"""The command line, run as a user runs it: the installed ``qaws`` entry point in a subprocess."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qaworkstation.core.domain import SUBMITTED, Evaluation, ItemScore
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.team.sync import read_synced_evaluations
from qaworkstation.core.textnorm import normalize

CHECKED = ("forbidden", "insult", "greeting", "closing")


def qaws(*args: str, db: Path, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**(env or os.environ), "QAWS_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "qaworkstation.cli", *args], capture_output=True, text=True,
                          env=env, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> list[dict]:
    db = tmp_path_factory.mktemp("cli") / "library.sqlite3"
    done = qaws("analyze", str(corpus / "calls"), "--json", db=db)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _heard(result: dict, speaker: str, start: float, end: float) -> str:
    """What the transcript says for that speaker over that time, normalised for matching."""
    return normalize(" ".join(s["text"] for s in result["segments"]
                             if s["speaker"] in (speaker, "unknown") and s["start"] < end and s["end"] > start))


def test_analyze_json_has_the_documented_shape(analysed: list[dict]) -> None:
    assert len(analysed) == 6
    for result in analysed:
        assert {"file", "duration", "language", "segments", "flags", "checks"} <= set(result)
        for segment in result["segments"]:
            assert segment["speaker"] in ("agent", "customer", "unknown")
            assert {"start", "end", "text"} <= set(segment)
        for flag in result["flags"]:
            assert {"category", "phrase", "text", "speaker", "start", "end", "item"} <= set(flag)
        assert {c["category"] for c in result["checks"]} == {"greeting", "closing"}


def test_analyze_finds_every_truth_event_the_transcript_contains(analysed: list[dict]) -> None:
    missed, found = [], 0
    for result in analysed:
        truth = json.loads(Path(result["file"]).with_suffix(".truth.json").read_text(encoding="utf-8"))
        stereo = result["channels"] == 2
        for event in truth["events"]:
            if event["category"] not in CHECKED:
                continue
            if "present" in event:
                check = next(c for c in result["checks"] if c["category"] == event["category"])
                assert check["present"] == event["present"], (result["file"], event)
                continue
            if "phrase" not in event or normalize(event["phrase"]) not in _heard(result, event["speaker"],
                                                                                  event["start"], event["end"]):
                continue
            hits = [f for f in result["flags"] if f["category"] == event["category"]
                    and f["start"] < event["end"] and f["end"] > event["start"]
                    and f["speaker"] in ((event["speaker"],) if stereo else (event["speaker"], "unknown"))]
            found += bool(hits)
            if not hits:
                missed.append((Path(result["file"]).name, event))
    assert not missed
    assert found >= 5


def test_nothing_is_charged_to_a_customer(analysed: list[dict]) -> None:
    on_customer = [f for r in analysed for f in r["flags"] if f["speaker"] == "customer"]
    assert on_customer and {f["category"] for f in on_customer} == {"customer_anger"}  # a reason to listen
    assert all(f["deduction"] == 0 for f in on_customer)


def test_expected_violations_are_flagged_with_items(analysed: list[dict]) -> None:
    by_name = {Path(r["file"]).name: r for r in analysed}
    forbidden = {f["phrase"] for f in by_name["zh_forbidden_no_closing.wav"]["flags"] if f["category"] == "forbidden"}
    assert "喂" in forbidden
    assert all(f["item"] for r in analysed for f in r["flags"])


def test_bad_argument_is_one_line_and_nonzero(tmp_path: Path) -> None:
    done = qaws("analyze", "--no-such-option", str(tmp_path), db=tmp_path / "x.sqlite3")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_missing_file_is_one_line_and_nonzero(tmp_path: Path) -> None:
    done = qaws("analyze", str(tmp_path / "nope.wav"), db=tmp_path / "x.sqlite3")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "nope.wav" in done.stderr


def test_unreadable_file_is_named_and_the_rest_still_runs(tmp_path: Path, corpus: Path) -> None:
    bad = tmp_path / "garbage.wav"
    bad.write_bytes(os.urandom(4000))
    done = qaws("import", str(bad), str(corpus / "calls" / "en_rude_mono.wav"), db=tmp_path / "x.sqlite3")
    assert done.returncode == 1
    assert "garbage.wav" in done.stderr and "Traceback" not in done.stderr
    assert "imported 1" in done.stdout


def test_a_shell_glob_over_a_call_folder_ignores_the_files_beside_the_calls(tmp_path: Path, corpus: Path) -> None:
    """``qaws import calls/*`` picks up each call's .json and the folder's notes: they are not recordings and
    were never named as such, so they are mentioned and skipped without failing the run (and a day with no
    calls at all is no failure either)."""
    db = tmp_path / "x.sqlite3"
    done = qaws("import", *map(str, sorted((corpus / "calls").glob("en_rude_mono*"))), db=db)
    assert done.returncode == 0, done.stderr
    assert "imported 1" in done.stdout
    assert "ignored" in done.stderr and "en_rude_mono.truth.json" in done.stderr and "not an audio file" in done.stderr
    nothing = qaws("import", str(corpus / "calls" / "en_rude_mono.truth.json"), db=db)
    assert nothing.returncode == 0 and "no recordings among" in nothing.stderr and "imported 0" in nothing.stdout
    (tmp_path / "done.flag").write_bytes(b"")  # empty, and not named as audio: ignored too
    (tmp_path / "empty.wav").write_bytes(b"")  # named as audio: a failure
    flagged = qaws("import", str(tmp_path / "done.flag"), str(tmp_path / "empty.wav"), db=db)
    assert flagged.returncode == 1 and "ignored" in flagged.stderr and "skipped" in flagged.stderr
    assert "failed 1" in flagged.stdout


def test_export_writes_to_the_folder_or_explains(tmp_path: Path) -> None:
    Store(tmp_path / "x.sqlite3").close()
    done = qaws("export", "--to", str(tmp_path / "missing-share"), db=tmp_path / "x.sqlite3")
    assert done.returncode == 1 and "missing-share" in done.stderr and "Traceback" not in done.stderr


def test_export_publishes_a_release_whose_submission_never_reached_the_share(tmp_path: Path) -> None:
    """Submitted, then corrected as a draft before any sync: the share gets the submitted version, not nothing."""
    db, share = tmp_path / "library.sqlite3", tmp_path / "share"
    share.mkdir()
    store = Store(db)
    roles.ensure_user(store, "ins")  # the library's first user: allowed to score and submit
    recording_id, _ = store.add_recording({"sha256": "c" * 64, "path": "/calls/c.wav", "file_name": "c.wav",
                                           "duration": 30.0, "channels": 2, "samplerate": 8000, "agent": "A1"})
    card = Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector="ins",
                      items={"greeting": ItemScore("greeting", 2.0, reviewed=True)}, total=2.0, max_total=5.0)
    v1 = lifecycle.save_and_submit(store, card, "ins")
    correction = dataclasses.replace(card, id=v1.id, items={"greeting": ItemScore("greeting", 5.0, reviewed=True)},
                                     total=5.0)
    lifecycle.save(store, correction, "ins")
    store.close()

    done = qaws("--inspector", "ins", "export", "--to", str(share), db=db)

    assert done.returncode == 0, done.stderr
    assert "Synced 1 evaluations" in done.stdout and "1 drafts stay on this computer" in done.stdout
    [shared], problems = read_synced_evaluations(share)
    assert problems == [] and (shared.id, shared.version, shared.status, shared.total) == (v1.id, 1, SUBMITTED, 2.0)


def test_encryption_is_switched_on_from_the_command_line(tmp_path: Path, corpus: Path) -> None:
    """A supervisor's whole setup: encrypt the library, create the team key, hand it to an inspector."""
    db, supervisor, inspector = tmp_path / "lib.sqlite3", tmp_path / "keys-supervisor", tmp_path / "keys-inspector"
    headless = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # key files, never the OS keyring
    as_supervisor = {"env": {**os.environ, **headless, "QAWS_KEY_DIR": str(supervisor)}}
    assert qaws("import", str(corpus / "calls" / "en_rude_mono.wav"), db=db).returncode == 0

    encrypted = qaws("encrypt", db=db, **as_supervisor)
    assert encrypted.returncode == 0, encrypted.stderr
    assert "created the database key" in encrypted.stdout and f"encrypted {db}" in encrypted.stdout
    assert not db.read_bytes().startswith(b"SQLite format 3")
    again = qaws("encrypt", db=db, **as_supervisor)
    assert again.returncode == 0 and "already encrypted" in again.stdout
    listed = qaws("import", str(corpus / "calls" / "en_rude_mono.wav"), db=db, **as_supervisor)
    assert listed.returncode == 0 and "already in library 1" in listed.stdout
    keyless = qaws("import", str(corpus / "calls" / "en_rude_mono.wav"), db=db,
                   env={**os.environ, **headless, "QAWS_KEY_DIR": str(tmp_path / "no-keys")})
    assert keyless.returncode == 1 and "encrypted" in keyless.stderr and "Traceback" not in keyless.stderr

    created = qaws("key", "new-team", db=db, **as_supervisor)
    assert created.returncode == 0, created.stderr
    team_key = created.stdout.strip().splitlines()[-1]
    assert len(team_key) == 64
    assert qaws("key", "new-team", db=db, **as_supervisor).returncode == 1  # never replaced
    handed = qaws("key", "set-team", db=db, input=team_key + "\n",
                  env={**os.environ, **headless, "QAWS_KEY_DIR": str(inspector)})
    assert handed.returncode == 0, handed.stderr
    team_id = created.stdout.split()[2]
    shown = qaws("key", "show", db=db, env={**os.environ, **headless, "QAWS_KEY_DIR": str(inspector)})
    assert f"team key: {team_id}" in shown.stdout and "database key: none" in shown.stdout
    typo = qaws("key", "set-team", db=db, input="12ab\n", env={**os.environ, **headless, "QAWS_KEY_DIR": str(inspector)})
    assert typo.returncode == 1 and "not a valid key" in typo.stderr


# ------------------------------------------------------------------------------------------- search


@pytest.fixture
def searchable(tmp_path: Path) -> Path:
    from qaworkstation.core.domain import Segment

    db = tmp_path / "search.sqlite3"
    store = Store(db)
    for name, agent, text in (("a", "A1", "我要退款了"), ("b", "B2", "退款已經提交"), ("c", "C3", "您好")):
        recording_id, _ = store.add_recording({"sha256": name * 64, "path": f"/x/{name}.wav", "file_name": f"{name}.wav",
                                               "duration": 9.0, "channels": 2, "samplerate": 8000, "agent": agent,
                                               "call_time": "2025-05-06T10:00:00"})
        store.save_transcript(recording_id, name, "m", {}, "zh", [Segment("customer", 65.0, 67.0, text, [])])
    store.close()
    return db


def test_search_prints_moments_with_the_hit_marked(searchable: Path, tmp_path: Path) -> None:
    done = qaws("search", "退款", "--db", str(searchable), db=tmp_path / "ignored.sqlite3")  # --db after the command
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert "a.wav\tA1\tcustomer\t01:05\t我要[退款]了" in lines
    assert "b.wav\tB2\tcustomer\t01:05\t[退款]已經提交" in lines


def test_search_json_filters_and_both_scripts(searchable: Path) -> None:
    done = qaws("search", "已经提交", "--json", "--agent", "B2", db=searchable)
    assert done.returncode == 0, done.stderr
    moments = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(m["call"], m["text"], m["start"], m["hits"]) for m in moments] == [("b.wav", "退款已經提交", 65.0, [[2, 6]])]
    assert qaws("search", "退款", "--agent", "C3", "--json", db=searchable).stdout == ""
    assert qaws("search", "退款", "--from", "2025-05-07", db=searchable).stdout == ""
    assert len(qaws("search", "退款", "--to", "2025-05-06", db=searchable).stdout.splitlines()) == 2


def test_search_errors_are_one_line(searchable: Path) -> None:
    nothing = qaws("search", "发票", db=searchable)
    assert nothing.returncode == 0 and nothing.stderr.strip() == "qaws: nothing found for '发票'"
    bad_day = qaws("search", "退款", "--from", "May 5", db=searchable)
    assert bad_day.returncode == 2 and len(bad_day.stderr.splitlines()) == 1 and "YYYY-MM-DD" in bad_day.stderr
    punctuation = qaws("search", "，", db=searchable)
    assert punctuation.returncode == 1 and punctuation.stderr.startswith("qaws: nothing to search for")
    assert "Traceback" not in bad_day.stderr + punctuation.stderr


# --------------------------------------------------------------------------- options after the command


def test_global_options_work_after_the_command_too(tmp_path: Path, corpus: Path) -> None:
    call = corpus / "calls" / "zh_good_delivery.wav"
    after = qaws("analyze", str(call), "--language", "zh", "--json", "--db", str(tmp_path / "after.sqlite3"),
                 db=tmp_path / "unused.sqlite3")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["language"] == "zh"
    assert (tmp_path / "after.sqlite3").exists() and not (tmp_path / "unused.sqlite3").exists()
    before = qaws("--language", "zh", "import", str(call), db=tmp_path / "before.sqlite3")
    assert before.returncode == 0 and "imported 1" in before.stdout
    for argv in (["audit", "verify", "--inspector", "x"], ["key", "show", "--db", str(tmp_path / "k.sqlite3")]):
        assert qaws(*argv, db=tmp_path / "before.sqlite3").returncode == 0, argv
