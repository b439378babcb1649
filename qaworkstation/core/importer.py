"""Bringing recordings into the library, with the call metadata the recording system put around them.

Recording systems encode agent, team, call id and time in file names (``A1001_物流组_20261123-0930_88123.wav``)
or export a CSV beside the files; both are read. Each file is decoded once at import so a broken file is
reported by name with the decoder's reason while the rest of the folder still comes in.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .audio import AudioError, content_hash, is_audio_file, probe
from .store import Store

METADATA_FIELDS = ("agent", "team", "call_id", "call_time")
DEFAULT_METADATA_CSV = "metadata.csv"
_TIME_FORMATS = ("%Y%m%dT%H%M%S", "%Y%m%d-%H%M%S", "%Y%m%d%H%M%S", "%Y-%m-%d_%H-%M-%S", "%Y%m%d-%H%M",
                 "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d")


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file, what is wrong)
    recording_ids: list[str] = field(default_factory=list)


class FilenamePattern:
    """``{agent}_{team}_{call_time}_{call_id}``-style templates; ``{*}`` skips a part."""

    def __init__(self, template: str) -> None:
        self.template = template
        self._regex = re.compile(self._to_regex(template))

    @staticmethod
    def _to_regex(template: str) -> str:
        parts = re.split(r"(\{[^}]*\})", template)
        regex = []
        for part in parts:
            if part == "{*}":
                regex.append(".+?")
            elif part.startswith("{") and part.endswith("}"):
                name = part[1:-1]
                if name not in METADATA_FIELDS:
                    raise ValueError(f"filename pattern {template!r}: unknown field {{{name}}}; "
                                     f"use {', '.join('{' + f + '}' for f in METADATA_FIELDS)} or {{*}}")
                regex.append(f"(?P<{name}>.+?)")
            else:
                regex.append(re.escape(part))
        return "^" + "".join(regex) + "$"

    def parse(self, file_name: str) -> dict[str, str]:
        match = self._regex.match(Path(file_name).stem)
        return {k: v for k, v in match.groupdict().items() if v} if match else {}


def normalise_call_time(text: str) -> str:
    """Recorders write times many ways; store ISO 8601 so the library sorts and filters by date."""
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).isoformat(timespec="seconds")
        except ValueError:
            continue
    return text.strip()


def read_metadata_csv(path: Path) -> dict[str, dict[str, str]]:
    """Rows keyed by file name (column ``file``); extra columns are ignored."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise ValueError(f"{path}: needs a 'file' column naming each recording, found {reader.fieldnames}")
        return {Path(row["file"]).name: {k: (row.get(k) or "").strip() for k in METADATA_FIELDS if row.get(k)}
                for row in reader if row.get("file")}


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given, folders searched recursively for audio, in a stable order."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_audio_file(p)))
        else:
            found.append(path)
    return found


def import_paths(store: Store, paths: Iterable[Path | str], pattern: FilenamePattern | None = None,
                 metadata_csv: Path | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> ImportReport:
    report = ImportReport()
    files = expand_paths(paths)
    csv_cache: dict[Path, dict[str, dict[str, str]]] = {}
    for index, path in enumerate(files):
        if progress:
            progress(index, len(files), path.name)
        try:
            metadata = _metadata_for(path, pattern, metadata_csv, csv_cache)
            _import_one(store, path, metadata, report)
        except (AudioError, ValueError, OSError) as exc:
            report.errors.append((str(path), str(exc)))
    return report


def _metadata_for(path: Path, pattern: FilenamePattern | None, metadata_csv: Path | None,
                  csv_cache: dict[Path, dict[str, dict[str, str]]]) -> dict[str, str]:
    metadata = pattern.parse(path.name) if pattern else {}
    csv_path = metadata_csv or path.parent / DEFAULT_METADATA_CSV
    if csv_path.is_file():
        if csv_path not in csv_cache:
            csv_cache[csv_path] = read_metadata_csv(csv_path)
        metadata.update(csv_cache[csv_path].get(path.name, {}))
    if metadata.get("call_time"):
        metadata["call_time"] = normalise_call_time(metadata["call_time"])
    return metadata


def _import_one(store: Store, path: Path, metadata: dict[str, str], report: ImportReport) -> None:
    if not path.is_file():
        raise AudioError(path, "no such file")
    info = probe(path)
    sha = content_hash(path)
    recording_id, created = store.add_recording({
        "sha256": sha, "path": str(path.resolve()), "file_name": path.name, "duration": info.duration,
        "channels": info.channels, "samplerate": info.samplerate, "format": info.format, **metadata,
    })
    (report.imported if created else report.duplicates).append(str(path))
    report.recording_ids.append(recording_id)
