"""Where the analysis runs, as plain settings: kept apart from :mod:`.cluster` so the window and the command line
can read, check and store them without importing Dask until a cluster is actually used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .execution import READ_TIMEOUT_S


@dataclass(frozen=True)
class ClusterSettings:
    """Where the work runs and how workers get the audio.

    With ``scheduler`` set, calls go to that existing cluster; otherwise a LocalCluster of ``workers``
    processes is started here. Workers read each recording from its path, rewritten by ``path_map``
    (local prefix → the prefix under which the workers see the same folder), or get the file's bytes from
    this process when ``send_audio`` is set.
    """

    scheduler: str = ""
    workers: int = 2
    threads_per_worker: int = 1
    memory_limit: str = "auto"
    send_audio: bool = False
    path_map: tuple[tuple[str, str], ...] = ()
    call_timeout_s: float = 0.0  # 0: 120 s + twice the call's audio per channel
    read_timeout_s: float = READ_TIMEOUT_S
    connect_timeout_s: float = 30.0
    dashboard_address: str | None = "127.0.0.1:8787"  # local workers' dashboard, for this computer only; None: none
    retries: int = 1  # re-runs of a task that raised on the worker before our code ran (e.g. a bad install)

    def call_timeout(self, duration: float, channels: int) -> float:
        return self.call_timeout_s or 120.0 + 2.0 * duration * max(1, channels)


def parse_path_map(text: str) -> tuple[str, str]:
    """``LOCAL=REMOTE`` as given on the command line or in Settings."""
    local, sep, remote = text.partition("=")
    if not sep or not local or not remote:
        raise ValueError(f"path map {text!r}: expected LOCAL=REMOTE, e.g. /srv/calls=/mnt/calls")
    return str(Path(local).expanduser().resolve()), remote


def map_path(path: str, path_map: tuple[tuple[str, str], ...]) -> str:
    """The path as workers see it: the longest matching local prefix replaced by its remote one."""
    for local, remote in sorted(path_map, key=lambda pair: len(pair[0]), reverse=True):
        local = local.rstrip("/")
        if path == local or path.startswith(local + "/"):
            return remote.rstrip("/") + path[len(local):]
    return path


def parse_path_maps(text: str) -> tuple[tuple[str, str], ...]:
    """Several ``LOCAL=REMOTE`` pairs separated by ``;``, as one Settings field holds them."""
    return tuple(parse_path_map(part.strip()) for part in text.split(";") if part.strip())


def check_scheduler_address(text: str) -> str:
    """The address, if it names a Dask scheduler; a typo is refused before the queue tries to connect to it."""
    if not re.fullmatch(r"(tcp|tls|ws|wss)://[^\s/:]+(:\d+)?", text.strip()):
        raise ValueError(f"scheduler address {text!r}: expected tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786")
    return text.strip()


def check_memory_limit(text: str) -> str:
    """``auto``, ``0`` (no limit) or a size such as ``6GB``: a worker given anything else would fail to start."""
    from dask.utils import parse_bytes  # a fifth of a second, paid only when a size is typed

    text = text.strip()
    if text.lower() in ("", "auto"):
        return "auto"
    try:
        parse_bytes(text)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"memory limit {text!r}: expected auto, 0 (no limit) or a size such as 6GB") from exc
    return text
