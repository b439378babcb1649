"""Importing recordings: formats, metadata from names and CSV, duplicates, broken files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qaworkstation.core.library.importer import FilenamePattern, MetadataError, import_paths, normalise_call_time
from qaworkstation.core.library.store import Store


def test_folder_import_reads_every_format_and_csv_metadata(store: Store, calls_copy: Path) -> None:
    (calls_copy / "metadata.csv").write_text(
        "file,agent,team,call_time\nzh_good_delivery.wav,A1001,物流组,2026-11-02 09:30\n", encoding="utf-8-sig")
    report = import_paths(store, [calls_copy])
    assert report.errors == []
    assert len(report.imported) == 6
    rows = {row["file_name"]: row for row in store.list_recordings()}
    assert rows["zh_good_delivery.wav"]["agent"] == "A1001"
    assert rows["zh_good_delivery.wav"]["team"] == "物流组"
    assert rows["zh_good_delivery.wav"]["call_time"] == "2026-11-02T09:30:00"
    assert rows["zh_hold_fillers.mp3"]["channels"] == 2
    assert rows["en_rude_mono.wav"]["channels"] == 1
    assert rows["zh_insult_escalation.wav"]["duration"] == pytest.approx(19.55, abs=0.01)


def test_same_audio_under_another_name_is_a_duplicate(store: Store, calls_copy: Path) -> None:
    import_paths(store, [calls_copy / "zh_good_delivery.wav"])
    shutil.copy(calls_copy / "zh_good_delivery.wav", calls_copy / "renamed.wav")
    report = import_paths(store, [calls_copy / "renamed.wav"])
    assert report.imported == [] and report.duplicates == [str(calls_copy / "renamed.wav")]
    assert len(store.list_recordings()) == 1


def test_broken_file_is_reported_by_name_and_the_rest_imports(store: Store, calls_copy: Path) -> None:
    (calls_copy / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk")
    (calls_copy / "notes.mp3").write_text("this is not audio")
    report = import_paths(store, [calls_copy])
    failed = dict(report.errors)
    assert set(failed) == {str(calls_copy / "broken.wav"), str(calls_copy / "notes.mp3")}
    assert all(Path(path).name in reason for path, reason in failed.items())
    assert failed[str(calls_copy / "notes.mp3")].endswith("notes.mp3: not an audio file: looks like text")
    assert report.statuses == {str(calls_copy / "broken.wav"): "damaged header",
                               str(calls_copy / "notes.mp3"): "not an audio file"}
    assert len(report.imported) == 6


def test_filename_pattern_fills_metadata(store: Store, calls_copy: Path) -> None:
    target = calls_copy / "A2001_售后组_20261105-143000_99812.wav"
    shutil.copy(calls_copy / "zh_insult_escalation.wav", target)
    import_paths(store, [target], FilenamePattern("{agent}_{team}_{call_time}_{call_id}"))
    row = store.list_recordings()[0]
    assert (row["agent"], row["team"], row["call_id"], row["call_time"]) == (
        "A2001", "售后组", "99812", "2026-11-05T14:30:00")


def test_pattern_with_unknown_field_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown field {agnet}"):
        FilenamePattern("{agnet}_{team}")


def test_unparseable_call_time_is_kept_as_written() -> None:
    assert normalise_call_time("yesterday") == "yesterday"


@pytest.mark.parametrize(("text", "iso"), [
    ("20261123-0930", "2026-11-23T09:30:00"), ("20261123-093015", "2026-11-23T09:30:15"),
    ("20261123T0930", "20261123T0930"), ("202611230930", "2026-11-23T09:30:00"),
    ("20261123093015", "2026-11-23T09:30:15"), ("2026-11-23 9:30", "2026-11-23T09:30:00"),
])
def test_compact_call_times_are_read_field_by_field(text: str, iso: str) -> None:
    """strptime would read 0930 as 09:03 under %H%M%S; the importer's own example name must give 09:30."""
    assert normalise_call_time(text) == iso


@pytest.mark.parametrize("kind", ["loop", "dangling"])
def test_a_link_named_directly_gets_the_status_it_gets_inside_a_folder(tmp_path: Path, store: Store, kind: str) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    link = folder / "call.wav"
    link.symlink_to("call.wav" if kind == "loop" else str(tmp_path / "deleted.wav"))

    directly, inside = import_paths(store, [link]), import_paths(store, [folder])

    assert directly.statuses == inside.statuses == {str(link): {"loop": "symbolic link loop",
                                                                  "dangling": "broken symbolic link"}[kind]}


def test_an_import_cancelled_between_files_keeps_what_came_in(store: Store, calls_copy: Path) -> None:
    seen: list[str] = []
    report = import_paths(store, [calls_copy], progress=lambda done, total, name: seen.append(name),
                          cancelled=lambda: len(seen) >= 2)
    assert report.cancelled and len(seen) == 2
    assert len(report.recording_ids) == 2 and len(store.list_recordings()) == 2


@pytest.mark.parametrize("row, line, words", [
    (b"call_b.wav,\xff\xfeA2\n", 3, 'not UTF-8 text (byte 0xff cannot be read). Save it as UTF-8'),
    (b'call_b.wav,"' + b"x" * 200_000 + b'"\n', 3, "a field is longer than 131072 characters"),
])
def test_a_metadata_csv_that_cannot_be_read_refuses_the_import_naming_it(store: Store, calls_copy: Path, row: bytes,
                                                                         line: int, words: str) -> None:
    """Python's own words ("'utf-8' codec can't decode byte 0xff", "field larger than field limit") named neither
    the CSV nor the line, and cost either every call of the folder its metadata or the whole import."""
    bad = calls_copy / "metadata.csv"
    bad.write_bytes(b"file,agent\ncall_a.wav,A1\n" + row)

    with pytest.raises(MetadataError) as refused:
        import_paths(store, [calls_copy])

    assert str(refused.value).startswith(f"{bad}, line {line}: ") and words in str(refused.value)
    assert store.list_recordings() == []  # refused before the first file
