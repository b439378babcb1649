"""Replace a file in one step, so a reader never sees half of it.

Sync writes onto shared folders that other people read while we write, over links that drop and disks that
fill. Writing in place would leave a truncated CSV or manifest behind on any of those; writing a temp file
next to the target and renaming it over keeps the old file whole until the new one is complete.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

# The temp file must be created in the target's folder (a rename across filesystems is not atomic), with a
# name no other writer can pick, and invisible to anyone globbing for data files.
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_NEW_FILE_MODE = 0o666  # narrowed by the umask, like any new file, so team mates can still read it


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Make ``path`` hold ``data``, or leave it exactly as it was and raise the ``OSError``.

    The data is on disk (fsync) before the rename so a crash cannot publish an empty file, and the temp file
    is removed on every failure so a full or read-only share is not littered with fragments.
    """
    target = Path(path)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, _TEMP_FLAGS, _NEW_FILE_MODE)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_path(target.parent)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Text flavour of :func:`atomic_write_bytes`; newlines are written exactly as given, never translated."""
    atomic_write_bytes(path, text.encode(encoding))


def _write_all(fd: int, data: bytes) -> None:
    """Loop because ``os.write`` may write only part of the buffer (common on network filesystems)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def fsync_path(path: Path) -> None:
    """Persist a file, or a folder after a rename in it. Windows and some network filesystems cannot open or
    sync a directory; there the rename is as durable as the platform allows, so the failure is not an error."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
