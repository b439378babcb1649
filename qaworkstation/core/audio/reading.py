"""Reading recordings: what a file is, its content hash, its samples.

libsndfile (through soundfile) reads every format call recorders produce here — PCM, u-law and A-law WAV,
FLAC, MP3, OGG — so one decoder serves the player and the waveform. Errors become :class:`AudioError` naming the
file, a short status (``truncated``, ``not an audio file`` ...) and the detail, because an inspector importing a
day's folder needs to know which file is bad and why, not a traceback.

:func:`probe` decodes a whole file, which is where a hostile file would crash or hang a process: the import runs
it in a child process (:mod:`.safe_probe`). :func:`check_file` looks only at the directory entry and is safe
anywhere.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import soundfile as sf

from . import headers

AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus")
MAX_FILE_BYTES = 2 * 1024 ** 3  # a 2 GiB WAV is 37 hours of 8 kHz stereo: anything bigger is not a call
MIN_SAMPLERATE = 4000
MAX_SAMPLERATE = 384000
_HASH_CHUNK = 1024 * 1024
_DECODE_BLOCK = 65536  # frames per read while checking that a whole file decodes
_MP3_FRAME = 1152  # samples per MPEG-1 Layer III frame: the slack allowed between a Xing count and the decode


class AudioStatus(StrEnum):
    """What is wrong with a file, in the words shown to the inspector."""

    MISSING = "no such file"
    BAD_NAME = "file name is not UTF-8"
    NOT_A_FILE = "not a regular file"
    LINK_LOOP = "symbolic link loop"
    BROKEN_LINK = "broken symbolic link"
    UNREADABLE = "permission denied"
    READ_ERROR = "read error"
    EMPTY = "empty file"
    TOO_LARGE = "too large"
    NOT_AUDIO = "not an audio file"
    UNSUPPORTED = "unsupported format"
    BAD_HEADER = "damaged header"
    TRUNCATED = "truncated"
    DAMAGED = "damaged audio"
    NO_AUDIO = "no audio"
    TOO_MANY_CHANNELS = "too many channels"
    BAD_SAMPLERATE = "impossible sample rate"
    CRASHED = "decoder crashed"
    TIMED_OUT = "timed out"


class AudioError(Exception):
    """A recording that cannot be used; ``str()`` names the file and says what is wrong.

    ``status`` is one :class:`AudioStatus` value, so a folder's failures can be counted and grouped.
    """

    def __init__(self, path: Path | str, reason: str, status: str = AudioStatus.DAMAGED) -> None:
        self.path = display_path(path)
        super().__init__(f"{self.path}: {reason}")
        self.reason = reason
        self.status = str(status)


def fail(path: Path | str, status: AudioStatus, detail: str = "") -> AudioError:
    """An :class:`AudioError` whose reason starts with the status: ``truncated: header declares ...``."""
    return AudioError(path, f"{status}: {detail}" if detail else str(status), status)


@dataclass(frozen=True)
class AudioInfo:
    path: str
    duration: float
    channels: int
    samplerate: int
    frames: int
    format: str


def display_path(path: Path | str) -> str:
    """The path as text that can always be printed and stored: undecodable name bytes shown as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def is_audio_file(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_EXTENSIONS


def check_file(path: Path | str) -> os.stat_result:
    """The file's status if it is a readable, regular, plausibly sized file; otherwise AudioError saying why.

    Only the directory entry is looked at, and the file opened and closed, so this cannot hang on a named pipe
    or read a device forever.
    """
    path = Path(path)
    _check_name(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _stat_error(path, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise _folder_error(path)
    if not stat.S_ISREG(info.st_mode):
        raise fail(path, AudioStatus.NOT_A_FILE, f"{_file_type(info.st_mode)}, not a recording")
    if info.st_size == 0:
        raise fail(path, AudioStatus.EMPTY, "0 bytes")
    if info.st_size > MAX_FILE_BYTES:
        raise fail(path, AudioStatus.TOO_LARGE,
                   f"{info.st_size / 1024 ** 3:.1f} GiB; the limit is {MAX_FILE_BYTES / 1024 ** 3:.0f} GiB")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise _stat_error(path, exc) from exc
    return info


def _check_name(path: Path) -> None:
    """Names that are not UTF-8 (an archive from a Windows PC in GBK) cannot be stored or shown faithfully."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(path.name)
        try:
            guess = f" (in GBK it reads {raw.decode('gbk')!r})"
        except UnicodeDecodeError:
            guess = ""
        raise fail(path, AudioStatus.BAD_NAME, f"rename the file to import it{guess}") from None


def _stat_error(path: Path, exc: OSError) -> AudioError:
    if exc.errno == errno.ELOOP:
        return fail(path, AudioStatus.LINK_LOOP, "the link leads round in a circle")
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return fail(path, AudioStatus.BROKEN_LINK, f"it points to {display_path(os.readlink(path))}, which is gone")
        return fail(path, AudioStatus.MISSING)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return fail(path, AudioStatus.UNREADABLE, "the file may not be read by this user")
    return fail(path, AudioStatus.READ_ERROR, exc.strerror or type(exc).__name__)


def _folder_error(path: Path) -> AudioError:
    try:
        with os.scandir(path):
            pass
    except PermissionError:
        return fail(path, AudioStatus.UNREADABLE, "a folder this user may not open")
    return fail(path, AudioStatus.NOT_A_FILE, "a folder, not a recording")


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"


def probe(path: Path | str) -> AudioInfo:
    """Check the header, then decode every frame and compare with what the header declares.

    libsndfile returns a short read without an error for a truncated PCM WAV (it clamps the frame count to the
    file), so the declared size comes from the file's own header. Run untrusted files through
    :mod:`.safe_probe`, not directly: a decoder bug here would take the calling process down.
    """
    path = Path(path)
    size = check_file(path).st_size
    with open(path, "rb") as handle:
        head = handle.read(headers.HEAD_BYTES)
        layout = headers.wav_layout(handle, size) if headers.container_name(head) == "WAV" else None
    if layout:
        _check_wav(path, layout, size)
    with _open(path, head) as handle:
        _check_shape(path, handle.channels, handle.samplerate)
        decoded, ends_abruptly = _decode_all(path, handle)
    _check_complete(path, handle, layout, size, decoded, ends_abruptly)
    return AudioInfo(str(path), decoded / handle.samplerate, handle.channels, handle.samplerate, decoded,
                     f"{handle.format}/{handle.subtype}")


def _check_wav(path: Path, layout: headers.WavLayout, size: int) -> None:
    """What the WAV header says, judged before libsndfile's vaguer messages ("SF_INFO struct incomplete")."""
    wav = layout.format
    if layout.overrun:
        raise fail(path, AudioStatus.BAD_HEADER, f"the '{layout.overrun}' chunk runs past the end of the file")
    if wav is None:
        raise fail(path, AudioStatus.BAD_HEADER, "no valid 'fmt ' chunk")
    if wav.channels == 0:
        raise fail(path, AudioStatus.BAD_HEADER, "the header declares 0 channels")
    _check_shape(path, wav.channels, wav.samplerate)
    if not wav.supported:
        raise fail(path, AudioStatus.UNSUPPORTED, f"WAV holding {wav.codec_name} audio; convert it to PCM WAV or MP3")
    if layout.data_offset is None:
        raise fail(path, AudioStatus.NO_AUDIO, "the WAV has no 'data' chunk")
    if layout.data_size == 0 and size > layout.data_offset:
        raise fail(path, AudioStatus.BAD_HEADER, f"the header declares no audio but {size - layout.data_offset} "
                                                 "bytes follow it (a recording whose header was never finalised)")


def _check_shape(path: Path, channels: int, samplerate: int) -> None:
    if channels > 2:
        raise fail(path, AudioStatus.TOO_MANY_CHANNELS,
                   f"{channels} channels; expected mono or stereo (agent left, customer right)")
    if not MIN_SAMPLERATE <= samplerate <= MAX_SAMPLERATE:
        raise fail(path, AudioStatus.BAD_SAMPLERATE, f"{samplerate} Hz")


def _open(path: Path, head: bytes) -> sf.SoundFile:
    """libsndfile's view of the file; a refusal is explained from the file's first bytes."""
    try:
        return sf.SoundFile(os.fsencode(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise _unreadable_reason(path, head, _reason(exc)) from exc


def _unreadable_reason(path: Path, head: bytes, decoder_says: str) -> AudioError:
    unsupported = headers.unsupported_audio(head)
    if unsupported:
        return fail(path, AudioStatus.UNSUPPORTED, f"{unsupported}; convert it to WAV or MP3")
    container = headers.container_name(head)
    if container == "MP3":
        return fail(path, AudioStatus.NO_AUDIO, "no decodable MPEG audio frames")
    if container == "WAV":
        return fail(path, AudioStatus.BAD_HEADER, f"the decoder cannot open this WAV ({decoder_says})")
    if container == "Ogg" and (cut := headers.ogg_cut_short(path)):
        return fail(path, AudioStatus.TRUNCATED, f"{cut}; the decoder cannot open what is left ({decoder_says})")
    if container:
        return fail(path, AudioStatus.DAMAGED, f"the decoder cannot open this {container} file ({decoder_says})")
    return fail(path, AudioStatus.NOT_AUDIO, f"looks like {headers.what_else(head)}")


def _decode_all(path: Path, handle: sf.SoundFile) -> tuple[int, bool]:
    """Frames that really decode, in blocks, and whether the sound ends abruptly (see :class:`_Ending`); NaN or
    infinite samples (a damaged float WAV) are refused."""
    decoded, ending = 0, _Ending(handle.samplerate)
    try:
        while block := len(samples := handle.read(_DECODE_BLOCK, dtype="float32")):
            if not np.isfinite(samples).all():
                raise fail(path, AudioStatus.DAMAGED, f"samples that are not numbers after frame {decoded}")
            ending.add(samples)
            decoded += block
    except (sf.LibsndfileError, RuntimeError) as exc:
        cut = decoded < handle.frames or _container_cut(path, handle) is not None
        status = AudioStatus.TRUNCATED if cut else AudioStatus.DAMAGED
        raise fail(path, status, f"decoding stopped after {decoded} of {handle.frames} frames ({_reason(exc)})") \
            from exc
    return decoded, ending.abrupt()


class _Ending:
    """Whether a recording stops mid-sound: its last 50 ms at least half as loud as the loudest tenth of the
    call. A recorder stops after the hang-up, on silence or a tone's tail; a file cut short stops mid-word."""

    WINDOW_S, FLOOR = 0.05, 0.01

    def __init__(self, samplerate: int) -> None:
        self.window = max(1, int(samplerate * self.WINDOW_S))
        self.levels: list[np.ndarray] = []
        self.tail = np.zeros((0, 1), dtype="float32")

    def add(self, samples: np.ndarray) -> None:
        samples = samples.reshape(len(samples), -1)
        whole = len(samples) // self.window * self.window
        if whole:
            windows = samples[:whole].reshape(-1, self.window * samples.shape[1])
            self.levels.append(np.sqrt(np.mean(np.square(windows), axis=1)))
        self.tail = np.concatenate([self.tail.reshape(-1, samples.shape[1]), samples])[-self.window:]

    def abrupt(self) -> bool:
        if not self.levels or not len(self.tail):
            return False
        loud = float(np.percentile(np.concatenate(self.levels), 90))
        return float(np.sqrt(np.mean(np.square(self.tail)))) >= max(self.FLOOR, 0.5 * loud)


def _check_complete(path: Path, handle: sf.SoundFile, layout: headers.WavLayout | None, size: int,
                    decoded: int, ends_abruptly: bool) -> None:
    """The decoded length must match the length the file declares: a shortfall is a cut-off recording. Where
    the file declares no length (an MP3 cut on a frame boundary, an Ogg), its framing shows the cut; failing
    that, an MP3 that stops mid-sound is taken as cut."""
    declared = layout.declared_frames() if layout else None
    if layout and declared is None and layout.data_offset + layout.data_size > size:
        raise fail(path, AudioStatus.TRUNCATED, f"header declares {layout.data_size} bytes of audio, "
                                                f"the file holds {size - layout.data_offset}")
    declared = handle.frames if declared is None else declared
    slack = _MP3_FRAME if handle.format == "MP3" else 0
    if declared > decoded + slack:
        raise fail(path, AudioStatus.TRUNCATED, f"header declares {declared} frames, decoded {decoded}")
    if cut := _container_cut(path, handle):
        raise fail(path, AudioStatus.TRUNCATED, cut)
    if decoded == 0:
        raise fail(path, AudioStatus.NO_AUDIO, "the file holds no audio frames")
    if handle.format == "MP3" and ends_abruptly and not headers.mp3_declares_length(path):
        raise fail(path, AudioStatus.TRUNCATED, "ends abruptly: its last moment is as loud as speech, and an MP3 "
                                                "without a length header cannot say it was cut, so it probably was")


def _container_cut(path: Path, handle: sf.SoundFile) -> str | None:
    """Where the framing of an MP3 or Ogg shows the file was cut (the only length those carry), or None."""
    if handle.format == "MP3" and (cut := headers.mp3_cut_short(path)):
        return f"the last MPEG frame needs {cut[0]} bytes, the file ends at {cut[1]}"
    return headers.ogg_cut_short(path) if handle.format == "OGG" else None


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
