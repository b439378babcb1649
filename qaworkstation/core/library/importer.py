"""Bringing recordings into the library, with the call metadata the recording system put around them.

Recording systems encode agent, team, call id and time in file names (``A1001_物流组_20261123-0930_88123.wav``)
or export a CSV beside the files; both are read. Each file is decoded once at import, in a child process shared
by the batch (:class:`~.safe_probe.ProbeWorker`), so a broken or hostile file is reported by name with a
specific status while the rest of the folder still comes in — and a decoder crash or hang cannot take the
window down. The metadata CSVs are read first: one that cannot be read refuses the import before the library is
touched, rather than filing its calls under no agent.
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
from ..i18n import _, ngettext
from .store import Store, StoreError

METADATA_FIELDS = ("agent", "team", "call_id", "call_time", "call_type", "caller")  # caller: the ANI
METADATA_ERROR = "invalid metadata"  # a status of older reports: a CSV that cannot be read now refuses the import
DEFAULT_METADATA_CSV = "metadata.csv"
_NAMES_SHOWN = 10  # files named in a message before "and N more"
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

    def looked_at(self) -> int:
        """How many files have an outcome (imported, duplicate, failed or ignored)."""
        return len(self.imported) + len(self.duplicates) + len(self.errors) + len(self.ignored)


class MetadataError(ValueError):
    """A metadata CSV cannot be read; the message names the CSV, the line, what is wrong and what to do."""


class ImportStopped(StoreError):
    """The library stopped taking files part-way through an import (a full disk, say). The files before the one
    that failed are in the library and stay there; ``report`` lists them. A :class:`StoreError`, so whatever
    shows a library failure shows this one, in words that say what was and was not imported."""

    def __init__(self, message: str, report: ImportReport, total: int) -> None:
        super().__init__(message)
        self.report = report
        self.total = total


@dataclass(frozen=True)
class ImportPlan:
    """The files an import looks at and the metadata each gets, settled before the library is touched."""

    files: list[Path]
    metadata: dict[Path, dict[str, str]]


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
    """Rows keyed by file name (column ``file``); extra columns are ignored. A file that cannot be opened, is
    not UTF-8 text or not a CSV raises :class:`MetadataError` naming it (and the line): Python's own words (a
    codec's byte offset, "field larger than field limit") name neither the file nor what to do."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            try:
                return _metadata_rows(path, reader)
            except csv.Error as exc:
                raise MetadataError(_csv_error(path, reader.reader.line_num, exc)) from exc  # DictReader's lags
    except OSError as exc:
        raise MetadataError(_("{file}: the metadata CSV cannot be read ({error}); check its permissions, or move it "
                              "out of the folder").format(file=path, error=exc.strerror or exc)) from exc
    except UnicodeDecodeError as exc:
        raise MetadataError(_("{file}, line {line}: the CSV is not UTF-8 text (byte 0x{byte:02x} cannot be read). "
                              "Save it as UTF-8 (in Excel: Save As, \"CSV UTF-8\") and import again").format(
            file=path, line=_first_undecodable_line(path), byte=exc.object[exc.start])) from exc


def _metadata_rows(path: Path, reader: csv.DictReader[str]) -> dict[str, dict[str, str]]:
    if not reader.fieldnames or "file" not in reader.fieldnames:
        raise MetadataError(_("{file}: needs a 'file' column naming each recording, found {columns}").format(
            file=path, columns=reader.fieldnames))
    return {Path(row["file"]).name: {k: (row.get(k) or "").strip() for k in METADATA_FIELDS if row.get(k)}
            for row in reader if row.get("file")}


def _csv_error(path: Path, line: int, exc: csv.Error) -> str:
    """A field over the csv module's limit is almost always a quote left open, which runs the rest of the file
    into one field: say so, with the line where the reader gave up."""
    if "field larger than field limit" in str(exc):
        return _("{file}, line {line}: a field is longer than {limit} characters, more than any name, id or time; "
                 "most likely a quote (\") is left open there and runs on. Correct the CSV and import again").format(
            file=path, line=line, limit=csv.field_size_limit())
    return _("{file}, line {line}: this is not a CSV the importer can read ({error}). Correct the CSV and import "
             "again").format(file=path, line=line, error=exc)


def _first_undecodable_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8: a decode error's offset counts from the start of whatever
    buffer the text reader held, not from the start of the file."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


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


def plan_import(paths: Iterable[Path | str], pattern: FilenamePattern | None = None,
                metadata_csv: Path | None = None) -> ImportPlan:
    """The files under ``paths`` and their metadata (name pattern, then the CSV: ``metadata_csv`` or each
    folder's ``metadata.csv``). Every CSV is read here, before any file is imported, so one that cannot be read
    raises :class:`MetadataError` with the library as it was."""
    files = expand_paths(paths)
    csv_paths = {path: metadata_csv or path.parent / DEFAULT_METADATA_CSV for path in files}
    tables = {csv_path: read_metadata_csv(csv_path) for csv_path in dict.fromkeys(csv_paths.values())
              if csv_path.is_file()}
    return ImportPlan(files, {path: _metadata_for(path, pattern, tables.get(csv_paths[path], {})) for path in files})


def import_paths(store: Store, paths: Iterable[Path | str], pattern: FilenamePattern | None = None,
                 metadata_csv: Path | None = None,
                 progress: Callable[[int, int, str], None] | None = None,
                 prober: ProbeWorker | None = None, cancelled: Callable[[], bool] | None = None) -> ImportReport:
    """Import files and folders (see :func:`plan_import` and :func:`import_planned`)."""
    return import_planned(store, plan_import(paths, pattern, metadata_csv), progress, prober, cancelled)


def import_planned(store: Store, plan: ImportPlan, progress: Callable[[int, int, str], None] | None = None,
                   prober: ProbeWorker | None = None, cancelled: Callable[[], bool] | None = None) -> ImportReport:
    """Import the planned files; ``prober`` lets a caller share or configure the decoding child process.
    ``cancelled`` is asked between files: what came in before stays in, and the report says it was stopped.

    A file named as something other than audio that cannot be read as audio (the ``.json`` beside each call
    that a shell glob picks up, an empty ``done.flag``) is ignored rather than failed: it never claimed to be a
    recording. One that is audio despite its name is imported; one named ``.wav`` that is not audio is an error.
    The library failing to take a file (a full disk) stops the import with :class:`ImportStopped`.
    """
    report = ImportReport()
    files = plan.files
    with ExitStack() as stack:
        prober = prober or stack.enter_context(ProbeWorker())
        for index, path in enumerate(files):
            if cancelled and cancelled():
                report.cancelled = True
                break
            if progress:
                progress(index, len(files), display_path(path.name))
            try:
                _add(store, path, prober.probe(path), plan.metadata[path], report)
            except AudioError as exc:
                if path.is_file() and not is_audio_file(path):  # a folder that cannot be opened is reported
                    report.ignored.append((display_path(path), str(exc)))
                else:
                    _record_error(report, path, str(exc), exc.status)
            except OSError as exc:
                _record_error(report, path, f"{display_path(path)}: {exc.strerror or exc}", AudioStatus.READ_ERROR)
            except StoreError as exc:
                raise ImportStopped(_stopped_message(path, exc, report, len(files)), report, len(files)) from exc
    return report


def _stopped_message(path: Path, exc: StoreError, report: ImportReport, total: int) -> str:
    """The library's own words are about the one file it refused ("nothing of this change was saved"); the
    files before it are in, and the person must hear that, and which."""
    names = [Path(imported).name for imported in report.imported]
    shown = ", ".join(names[:_NAMES_SHOWN])
    if len(names) > _NAMES_SHOWN:
        shown = _("{names} and {count} more").format(names=shown, count=len(names) - _NAMES_SHOWN)
    imported = ngettext("This one was imported: {names}; the rest were not.",
                        "These {count} were imported: {names}; the rest were not.",
                        len(names)).format(count=len(names), names=shown) if names else _("No file was imported.")
    return _("the import stopped after {done} of {total} files, at {file}: {error}. {imported} Running the import "
             "again skips the calls already in the library").format(
        done=report.looked_at(), total=total, file=display_path(path.name), error=str(exc).rstrip("."),
        imported=imported)


def _record_error(report: ImportReport, path: Path, message: str, status: str) -> None:
    report.errors.append((display_path(path), message))
    report.statuses[display_path(path)] = str(status)


def _metadata_for(path: Path, pattern: FilenamePattern | None,
                  csv_rows: dict[str, dict[str, str]]) -> dict[str, str]:
    metadata = pattern.parse(path.name) if pattern else {}
    metadata.update(csv_rows.get(path.name, {}))
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
