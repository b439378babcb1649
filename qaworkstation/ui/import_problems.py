"""The import report as the inspector reads it: each failed file with what is wrong in the window's language.

The core names a file's problem with an :class:`~..core.audio.reading.AudioStatus` (English, for logs and the command
line) followed by technical detail; here the status is translated and the detail kept as it is, since it
quotes headers and decoders.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..core.audio.reading import AudioStatus
from ..core.library.importer import METADATA_ERROR, ImportReport


def status_name(status: str) -> str:
    """The translated name of an import status; an unknown one is shown as it is."""
    translate = QCoreApplication.translate
    names = {
        AudioStatus.MISSING: translate("ImportProblems", "no such file"),
        AudioStatus.BAD_NAME: translate("ImportProblems", "file name is not UTF-8"),
        AudioStatus.NOT_A_FILE: translate("ImportProblems", "not a regular file"),
        AudioStatus.LINK_LOOP: translate("ImportProblems", "symbolic link loop"),
        AudioStatus.BROKEN_LINK: translate("ImportProblems", "broken symbolic link"),
        AudioStatus.UNREADABLE: translate("ImportProblems", "permission denied"),
        AudioStatus.READ_ERROR: translate("ImportProblems", "read error"),
        AudioStatus.EMPTY: translate("ImportProblems", "empty file"),
        AudioStatus.TOO_LARGE: translate("ImportProblems", "too large"),
        AudioStatus.NOT_AUDIO: translate("ImportProblems", "not an audio file"),
        AudioStatus.UNSUPPORTED: translate("ImportProblems", "unsupported format"),
        AudioStatus.BAD_HEADER: translate("ImportProblems", "damaged header"),
        AudioStatus.TRUNCATED: translate("ImportProblems", "truncated"),
        AudioStatus.DAMAGED: translate("ImportProblems", "damaged audio"),
        AudioStatus.NO_AUDIO: translate("ImportProblems", "no audio"),
        AudioStatus.TOO_MANY_CHANNELS: translate("ImportProblems", "too many channels"),
        AudioStatus.BAD_SAMPLERATE: translate("ImportProblems", "impossible sample rate"),
        AudioStatus.CRASHED: translate("ImportProblems", "decoder crashed"),
        AudioStatus.TIMED_OUT: translate("ImportProblems", "timed out"),
        METADATA_ERROR: translate("ImportProblems", "invalid metadata"),
    }
    return names.get(status, status)


def problem_lines(report: ImportReport) -> list[str]:
    """One line per failed file: ``file — translated status: detail``."""
    lines = []
    for path, message in report.errors:
        status = report.statuses.get(path, "")
        detail = message.removeprefix(f"{path}: ").removeprefix(status).removeprefix(": ")
        lines.append(f"{path} — {status_name(status)}" + (f": {detail}" if detail else ""))
    return lines
