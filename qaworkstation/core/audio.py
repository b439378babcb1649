"""Reading recordings: what a file is, its content hash, its samples.

libsndfile (through soundfile) reads every format call recorders produce here — PCM, u-law and A-law WAV,
FLAC, MP3, OGG — so one decoder serves the player, the waveform and the model. Errors become
:class:`AudioError` naming the file and the decoder's reason, because an inspector importing a day's folder
needs to know which file is bad and why, not a traceback.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus")
_HASH_CHUNK = 1024 * 1024


class AudioError(Exception):
    """A recording that cannot be used; ``str()`` names the file and says what is wrong."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class AudioInfo:
    path: str
    duration: float
    channels: int
    samplerate: int
    frames: int
    format: str


def is_audio_file(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_EXTENSIONS


def probe(path: Path | str) -> AudioInfo:
    """Read the header and check that the file really decodes, so bad files are caught at import."""
    path = Path(path)
    try:
        info = sf.info(str(path))
        with sf.SoundFile(str(path)) as handle:
            handle.read(min(info.frames, 4096), dtype="int16")
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise AudioError(path, f"cannot decode audio ({_reason(exc)})") from exc
    if info.frames <= 0 or info.samplerate <= 0:
        raise AudioError(path, "the file holds no audio frames")
    if info.channels > 2:
        raise AudioError(path, f"{info.channels} channels; expected mono or stereo (agent left, customer right)")
    return AudioInfo(str(path), info.frames / info.samplerate, info.channels, info.samplerate, info.frames,
                     f"{info.format}/{info.subtype}")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.split(": ", 1)[-1] if text else type(exc).__name__


def content_hash(path: Path | str) -> str:
    """SHA-256 of the file bytes: the same recording imported twice is recognised whatever its name."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_samples(path: Path | str) -> tuple[np.ndarray, int]:
    """All samples as float32 of shape (frames, channels) at the file's own rate, for playback and drawing."""
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise AudioError(path, f"cannot decode audio ({_reason(exc)})") from exc
    return data, rate


def channels_for_model(path: Path | str, channels: int) -> list[np.ndarray]:
    """Each channel as 16 kHz mono float32, decoded exactly as faster-whisper itself decodes files."""
    from faster_whisper import decode_audio  # imported here: only the model path needs it

    try:
        if channels == 2:
            return list(decode_audio(str(path), split_stereo=True))
        return [decode_audio(str(path))]
    except Exception as exc:  # PyAV raises many unrelated types for damaged input
        raise AudioError(path, f"cannot decode audio for transcription ({_reason(exc)})") from exc
