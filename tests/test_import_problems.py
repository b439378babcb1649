"""Failed imports as the window lists them: the status in the window's language, the file and the detail."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale

from qaworkstation.core.library.importer import import_paths
from qaworkstation.ui.app import install_translator
from qaworkstation.ui.import_problems import problem_lines


def test_each_failed_file_is_listed_with_its_status_in_chinese(qapp, store, tmp_path: Path) -> None:  # noqa: ANN001
    (tmp_path / "notes.mp3").write_text("客户投诉记录：这不是录音。\n" * 20, encoding="utf-8")
    (tmp_path / "empty.wav").write_bytes(b"")
    report = import_paths(store, [tmp_path])
    translators = install_translator(qapp, QLocale(QLocale.Chinese, QLocale.China))
    try:
        lines = sorted(problem_lines(report))
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    assert lines == [f"{tmp_path / 'empty.wav'} — 空文件: 0 bytes",
                     f"{tmp_path / 'notes.mp3'} — 不是音频文件: looks like text"]
    assert sorted(problem_lines(report)) == [f"{tmp_path / 'empty.wav'} — empty file: 0 bytes",
                                             f"{tmp_path / 'notes.mp3'} — not an audio file: looks like text"]
