"""Bringing recordings into the library, with the call metadata the recording system put around them.

Recording systems encode agent, team, call id and time in file names (``A1001_物流组_20261123-0930_88123.wav``)
or export a CSV beside the files; both are read. Each file is decoded once at import, in a child process shared
by the batch (:class:`~.safe_probe.ProbeWorker`), so a broken or hostile file is reported by name with a
specific status while the rest of the folder still comes in — and a decoder crash or hang cannot take the
window down.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..audio.reading import AudioError, AudioInfo, AudioStatus, content_hash, display_path, is_audio_file
from ..audio.safe_probe import ProbeWorker
from ..i18n import _
from .store import Store

METADATA_FIELDS = ("agent", "team", "call_id", "call_time", "call_type", "caller")  # caller: the ANI
METADATA_ERROR = "invalid metadata"  # the status of a file whose CSV or name metadata cannot be read
DEFAULT_METADATA_CSV = "metadata.csv"
_TIME_FORMATS = ("%Y%m%dT%H%M%S", "%Y%m%d-%H%M%S", "%Y%m%d%H%M%S", "%Y%m%d%H%M", "%Y-%m-%d_%H-%M-%S",
                 "%Y%m%d-%H%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d")


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file, what is wrong)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (file, why): not audio, and not named as audio
    recording_ids: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # file -> AudioStatus of each error
    cancelled: bool = False  # stopped by the person before every file was looked at


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
                    raise ValueError(_("filename pattern {pattern!r}: unknown field {field}; use {fields} or {any}")
                                     .format(pattern=template, field=f"{{{name}}}", any="{*}",
                                             fields=", ".join("{" + f + "}" for f in METADATA_FIELDS)))
                regex.append(f"(?P<{name}>.+?)")
            else:
                regex.append(re.escape(part))
        return "^" + "".join(regex) + "$"

    def parse(self, file_name: str) -> dict[str, str]:
        match = self._regex.match(Path(file_name).stem)
        return {k: v for k, v in match.groupdict().items() if v} if match else {}


def normalise_call_time(text: str) -> str:
    """Recorders write times many ways; store ISO 8601 so the library sorts and filters by date.

    strptime takes one digit for a field when two do not fit, so ``20261123-0930`` would read as 09:03:00 under
    ``%Y%m%d-%H%M%S``; a format whose time fields run together counts only when it gives the text back exactly.
    """
    text = text.strip()
    for fmt in _TIME_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if "%H%M" not in fmt or parsed.strftime(fmt) == text:
            return parsed.isoformat(timespec="seconds")
    return text


def read_metadata_csv(path: Path) -> dict[str, dict[str, str]]:
    """Rows keyed by file name (column ``file``); extra columns are ignored."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise ValueError(_("{file}: needs a 'file' column naming each recording, found {columns}").format(
                file=path, columns=reader.fieldnames))
        return {Path(row["file"]).name: {k: (row.get(k) or "").strip() for k in METADATA_FIELDS if row.get(k)}
                for row in reader if row.get("file")}


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given, folders searched recursively, in a stable order.

    Every entry with an audio extension is listed whatever it is — a folder named x.wav, a broken link, a link
    loop, a named pipe — and so is a folder that cannot be opened, so that each gets a status at import instead
    of silently missing.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        found.extend(sorted(_walk(path)) if path.is_dir() else [path])
    return found


def _walk(folder: Path) -> Iterator[Path]:
    unreadable: list[Path] = []
    for root, folders, files in os.walk(folder, onerror=lambda exc: unreadable.append(Path(exc.filename))):
        yield from (Path(root, name) for name in folders + files if is_audio_file(Path(name)))
    yield from unreadable


def import_paths(store: Store, paths: Iterable[Path | str], pattern: FilenamePattern | None = None,
                 metadata_csv: Path | None = None,
                 progress: Callable[[int, int, str], None] | None = None,
                 prober: ProbeWorker | None = None, cancelled: Callable[[], bool] | None = None) -> ImportReport:
    """Import files and folders; ``prober`` lets a caller share or configure the decoding child process.
    ``cancelled`` is asked between files: what came in before stays in, and the report says it was stopped.

    A file named as something other than audio that cannot be read as audio (the ``.json`` beside each call
    that a shell glob picks up, an empty ``done.flag``) is ignored rather than failed: it never claimed to be a
    recording. One that is audio despite its name is imported; one named ``.wav`` that is not audio is an error.
    """
    report = ImportReport()
    files = expand_paths(paths)
    csv_cache: dict[Path, dict[str, dict[str, str]]] = {}
    with ExitStack() as stack:
        prober = prober or stack.enter_context(ProbeWorker())
        for index, path in enumerate(files):
            if cancelled and cancelled():
                report.cancelled = True
                break
            if progress:
                progress(index, len(files), display_path(path.name))
            try:
                info = prober.probe(path)
                metadata = _metadata_for(path, pattern, metadata_csv, csv_cache)
                _add(store, path, info, metadata, report)
            except AudioError as exc:
                if path.is_file() and not is_audio_file(path):  # a folder that cannot be opened is reported
                    report.ignored.append((display_path(path), str(exc)))
                else:
                    _record_error(report, path, str(exc), exc.status)
            except ValueError as exc:
                _record_error(report, path, str(exc), METADATA_ERROR)
            except OSError as exc:
                _record_error(report, path, f"{display_path(path)}: {exc.strerror or exc}", AudioStatus.READ_ERROR)
    return report


def _record_error(report: ImportReport, path: Path, message: str, status: str) -> None:
    report.errors.append((display_path(path), message))
    report.statuses[display_path(path)] = str(status)


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


def _add(store: Store, path: Path, info: AudioInfo, metadata: dict[str, str], report: ImportReport) -> None:
    recording_id, created = store.add_recording({
        "sha256": content_hash(path), "path": str(path.resolve()), "file_name": path.name,
        "duration": info.duration, "channels": info.channels, "samplerate": info.samplerate, "format": info.format,
        **metadata,
    })
    (report.imported if created else report.duplicates).append(str(path))
    report.recording_ids.append(recording_id)
