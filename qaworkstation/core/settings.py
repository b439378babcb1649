"""Every workstation setting, declared once: its key, type, default and the settings version that added it.

The window, the dialogs and start-up read settings through :func:`read` and write them through :func:`write`,
so no two places can disagree about a name or a default, and start-up applies what the person chose last time
(the transcription model, where the queue runs) before any work starts. The store behind them is anything with
``value(key, default)`` and ``setValue(key, value)`` — QSettings in the window, a dict-backed one in tests — so
this module stays free of Qt. :func:`upgrade` brings settings written by an older version up to date, one
numbered step at a time, as the library's migrations do.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:  # the command line reads the inspector's default at start-up: nothing heavy before it is asked
    from .asr.transcribe import TranscribeSettings
    from .pipeline.cluster_settings import ClusterSettings

T = TypeVar("T")


class SettingsStore(Protocol):
    """What settings are kept in: QSettings satisfies it."""

    def value(self, key: str, defaultValue: Any = None) -> Any: ...  # noqa: N803 - QSettings' own name

    def setValue(self, key: str, value: Any) -> None: ...  # noqa: N802 - QSettings' own name

    def remove(self, key: str) -> None: ...


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: ``default`` is a value, or a function giving it (the login name is the inspector's)."""

    key: str
    kind: type
    default: T | Callable[[], T]
    since: int = 1

    def default_value(self) -> T:
        return self.default() if callable(self.default) else self.default


def default_inspector() -> str:
    """Who scores on this workstation until Settings says otherwise: $QAWS_INSPECTOR, else the login name."""
    return os.environ.get("QAWS_INSPECTOR") or getpass.getuser()


def _shipped(name: str) -> Callable[[], Any]:
    """The shipped transcription default of ``name``, looked up when first needed."""
    def default() -> Any:
        from .asr.transcribe import TranscribeSettings

        return getattr(TranscribeSettings(), name)

    return default


RUN_HERE, RUN_LOCAL_WORKERS, RUN_SCHEDULER = "here", "workers", "scheduler"
AUDIO_SENT, AUDIO_SHARED = "send", "shared"

INSPECTOR = Setting("inspector", str, default_inspector)
SYNC_FOLDER = Setting("sync_folder", str, "")
MODEL = Setting("model", str, _shipped("model"))
COMPUTE_TYPE = Setting("compute_type", str, _shipped("compute_type"))
CPU_THREADS = Setting("cpu_threads", int, _shipped("cpu_threads"))
WORKERS = Setting("workers", int, _shipped("workers"))
LANGUAGE = Setting("language", str, _shipped("language"))
SCRIPT = Setting("script", str, _shipped("script"))
RUN_ON = Setting("run_on", str, RUN_HERE)
CLUSTER_WORKERS = Setting("cluster_workers", int, lambda: min(2, os.cpu_count() or 1))
CLUSTER_THREADS = Setting("cluster_threads", int, 1)
CLUSTER_MEMORY = Setting("cluster_memory", str, "auto")
CLUSTER_SCHEDULER = Setting("cluster_scheduler", str, "")
CLUSTER_AUDIO = Setting("cluster_audio", str, AUDIO_SENT)
CLUSTER_PATH_MAP = Setting("cluster_path_map", str, "")
LEAD_IN_S = Setting("player/lead_in_s", float, 2.0)
OUTPUT_DEVICE = Setting("player/device", str, "")
MAIN_SPLITTER = Setting("window/main_splitter", bytes, b"", since=2)
LIBRARY_COLUMNS = Setting("window/library_columns", bytes, b"", since=2)

SETTINGS = (INSPECTOR, SYNC_FOLDER, MODEL, COMPUTE_TYPE, CPU_THREADS, WORKERS, LANGUAGE, SCRIPT, RUN_ON,
            CLUSTER_WORKERS, CLUSTER_THREADS, CLUSTER_MEMORY, CLUSTER_SCHEDULER, CLUSTER_AUDIO, CLUSTER_PATH_MAP,
            LEAD_IN_S, OUTPUT_DEVICE, MAIN_SPLITTER, LIBRARY_COLUMNS)
VERSION_KEY = "settings_version"


def read(store: SettingsStore, setting: Setting[T]) -> T:
    """The stored value as its declared type; the default when unset or unreadable (a hand-edited ini file)."""
    raw = store.value(setting.key, None)
    if raw is None or raw == "" and setting.kind is not str:
        return setting.default_value()
    try:
        if setting.kind is bytes:
            return raw if isinstance(raw, (bytes, bytearray)) else bytes(raw)  # QByteArray
        return setting.kind(raw)
    except (TypeError, ValueError):
        return setting.default_value()


def write(store: SettingsStore, setting: Setting[T], value: T) -> None:
    store.setValue(setting.key, value)


def transcribe_settings(store: SettingsStore) -> TranscribeSettings:
    """The transcription settings chosen on this workstation, with the shipped defaults for anything unset."""
    from .asr.transcribe import TranscribeSettings

    return TranscribeSettings(model=read(store, MODEL), compute_type=read(store, COMPUTE_TYPE),
                              cpu_threads=read(store, CPU_THREADS), workers=read(store, WORKERS),
                              language=read(store, LANGUAGE), script=read(store, SCRIPT))


def cluster_settings(store: SettingsStore) -> ClusterSettings | None:
    """Where the queue runs, as chosen on this workstation; None to analyse in the window's own process."""
    from .pipeline.cluster_settings import ClusterSettings, parse_path_maps

    run_on = read(store, RUN_ON)
    if run_on == RUN_LOCAL_WORKERS:
        return ClusterSettings(workers=read(store, CLUSTER_WORKERS), threads_per_worker=read(store, CLUSTER_THREADS),
                               memory_limit=read(store, CLUSTER_MEMORY))
    if run_on == RUN_SCHEDULER:
        shared = read(store, CLUSTER_AUDIO) == AUDIO_SHARED
        return ClusterSettings(scheduler=read(store, CLUSTER_SCHEDULER), send_audio=not shared,
                               path_map=parse_path_maps(read(store, CLUSTER_PATH_MAP)) if shared else ())
    return None


# The settings version this app writes: 2 added the remembered window dividers and library columns. A step is added here (version ->
# function) when a key is renamed or a value changes meaning, and is never edited once released.
SETTINGS_VERSION = 2
UPGRADES: dict[int, Callable[[SettingsStore], None]] = {}


def upgrade(store: SettingsStore) -> int:
    """Bring stored settings to :data:`SETTINGS_VERSION`; returns the version they were at. Settings of a
    newer app are left alone (it knows its own keys; this one reads what it declares and ignores the rest)."""
    try:
        found = int(store.value(VERSION_KEY, 1))
    except (TypeError, ValueError):
        found = 1
    for version in sorted(UPGRADES):
        if found < version <= SETTINGS_VERSION:
            UPGRADES[version](store)
    if found < SETTINGS_VERSION:
        store.setValue(VERSION_KEY, SETTINGS_VERSION)
    return found
