"""Share content built on disk by hand, as the tests of share reading need it: journals an app wrote, with the
manifest that vouches for them (a reader merges nothing a manifest does not list)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from qaworkstation.core.domain import SUBMITTED, Evaluation, ItemScore
from qaworkstation.core.team.sync import MANIFEST_NAME, inspector_folder_name

REAL = "张敏"  # the inspector whose folder the forgeries target


def evaluation(number: int, inspector: str = REAL, **changes: object) -> Evaluation:
    """A submitted evaluation of one scored item, numbered so that tests can tell records apart."""
    values = dict(id=f"ev-{number}", recording_id=f"rec-{number}", rubric_id="zh-monitoring", inspector=inspector,
                  items={"greeting": ItemScore("greeting", 3.0, reviewed=True)}, total=90.0, max_total=100.0,
                  passed=True, created_at="2026-10-02T01:00:00Z", updated_at="2026-10-02T01:00:00Z",
                  call_time="2026-10-01T09:00:00", status=SUBMITTED)
    return Evaluation(**{**values, **changes})


def write_listed_journal(share: Path, inspector: str, name: str, lines: list[str]) -> Path:
    """``changes-<name>.jsonl`` holding ``lines`` in ``inspector``'s folder, listed in its manifest as the
    app's sync lists what it publishes."""
    folder = share / inspector_folder_name(inspector)
    folder.mkdir(exist_ok=True)
    journal = folder / f"changes-{name}.jsonl"
    journal.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    list_in_manifest(folder, inspector)
    return journal


def list_in_manifest(folder: Path, inspector: str) -> None:
    """(Re)write ``folder``'s manifest so that it lists every journal there with its current hash."""
    path = folder / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {
        "format_version": 1, "inspector": inspector, "synced_at": "2024-01-01T00:00:00.000000Z", "evaluations": {},
        "files": {}}
    for journal in folder.glob("changes-*.jsonl*"):
        manifest["files"][journal.name] = hashlib.sha256(journal.read_bytes()).hexdigest()
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
