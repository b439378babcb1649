"""Reading recordings: what a file is, its content hash, its samples.

libsndfile (through soundfile) reads every format call recorders produce here — PCM, u-law and A-law WAV,
FLAC, MP3, OGG — so one decoder serves the player and the waveform. It reads no further than the length it
believes a file has, though, and for some complete files it cannot know it: a VBR MP3 without a Xing header (it
guesses from the first frame's bit rate), a FLAC from a streaming encoder (no sample count), a WAV whose
streaming writer left the data size at 0. Those are decoded by FFmpeg (PyAV, which faster-whisper brings), so
the import, the player and the rules get the whole call. Errors become :class:`AudioError` naming the
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
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import av
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
_UNKNOWN_LENGTH = 2 ** 63 - 1  # libsndfile's frame count for a file that does not say its length (SF_COUNT_MAX)
# A Mandarin syllable takes about 0.2 s and a word more: a recording shorter than this holds no speech to score.
MIN_SPEECH_S = 0.3


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
        _check_wav(path, layout)
    with _open(path, head) as handle:
        _check_shape(path, handle.channels, handle.samplerate)
        length_unknown = _beyond_libsndfile(path, handle, layout)
        decode = _decode_all_ffmpeg if length_unknown else _decode_all
        decoded, ends_abruptly = decode(path, handle)
    _check_complete(path, handle, layout, size, decoded, ends_abruptly, length_unknown)
    _check_long_enough(path, decoded, handle.samplerate)
    return AudioInfo(str(path), decoded / handle.samplerate, handle.channels, handle.samplerate, decoded,
                     f"{handle.format}/{handle.subtype}")


def _check_wav(path: Path, layout: headers.WavLayout) -> None:
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


def _beyond_libsndfile(path: Path, handle: sf.SoundFile, layout: headers.WavLayout | None) -> bool:
    """Whether libsndfile would stop before the end of the file, not knowing its length (see the module's
    docstring): its count is unknown, an MP3's frames hold more than its guess, or a streaming WAV's is 0."""
    if handle.frames >= _UNKNOWN_LENGTH:
        return True
    if handle.format == "MP3":
        return headers.mp3_frames(path).samples > handle.frames + _MP3_FRAME
    return layout is not None and layout.streaming and handle.frames == 0


def _decode_all(path: Path, handle: sf.SoundFile) -> tuple[int, bool]:
    """Frames that really decode, in blocks, and whether the sound ends abruptly (see :class:`_Ending`); NaN or
    infinite samples (a damaged float WAV) are refused."""
    decoded, ending = 0, _Ending(handle.samplerate)
    try:
        while len(samples := handle.read(_DECODE_BLOCK, dtype="float32")):
            decoded = _take(path, samples, decoded, ending)
    except (sf.LibsndfileError, RuntimeError) as exc:
        cut = decoded < handle.frames or _container_cut(path, handle) is not None
        status = AudioStatus.TRUNCATED if cut else AudioStatus.DAMAGED
        raise fail(path, status, f"decoding stopped after {decoded} of {handle.frames} frames ({_reason(exc)})") \
            from exc
    return decoded, ending.abrupt()


def _take(path: Path, samples: np.ndarray, decoded: int, ending: _Ending) -> int:
    """The frame count after one more decoded block, which must hold numbers only."""
    if not np.isfinite(samples).all():
        raise fail(path, AudioStatus.DAMAGED, f"samples that are not numbers after frame {decoded}")
    ending.add(samples)
    return decoded + len(samples)


def _decode_all_ffmpeg(path: Path, handle: sf.SoundFile) -> tuple[int, bool]:
    """:func:`_decode_all` by FFmpeg, for a file whose length libsndfile does not know. A decoding error in the
    packet that ends the file is a cut (the cut FLAC's last frame); anywhere else the audio is damaged."""
    decoded, ending = 0, _Ending(handle.samplerate)
    blocks = _FFmpegBlocks(path)
    try:
        for samples in blocks:
            decoded = _take(path, samples, decoded, ending)
    except av.FFmpegError as exc:
        cut = blocks.at_end or _container_cut(path, handle) is not None
        raise fail(path, AudioStatus.TRUNCATED if cut else AudioStatus.DAMAGED,
                   f"decoding stopped after {decoded} frames, {'where the file ends' if cut else 'mid-file'} "
                   f"({_reason(exc)})") from exc
    return decoded, ending.abrupt()


class _FFmpegBlocks:
    """float32 (frames, channels) blocks of a file's first audio stream as FFmpeg decodes them; ``at_end`` says
    whether the packet being decoded reaches the end of the file (where an error means the file was cut)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.at_end = False

    def __iter__(self) -> Iterator[np.ndarray]:
        size = os.stat(self.path).st_size
        with av.open(os.fsdecode(self.path)) as container:
            stream = container.streams.audio[0]
            to_float = av.AudioResampler(format="flt", layout=stream.layout, rate=stream.rate)
            for packet in container.demux(stream):
                self.at_end = packet.pos is None or packet.pos + packet.size >= size
                for frame in packet.decode():
                    for converted in to_float.resample(frame):
                        yield converted.to_ndarray().reshape(-1, stream.channels)


class _Ending:
    """Whether a recording stops mid-sound: its last 5 ms at least half as loud as the loudest tenth of the call
    (in 50 ms windows). A recorder stops after the hang-up, on silence or a tone's tail; a file cut short stops
    mid-word. The tail is short because an MP3 encoder pads the last frame with silence (tens of milliseconds,
    which a decoder without a length header plays): a complete MP3 that ends mid-sound still ends quiet, one cut
    on a frame boundary is loud to its last sample."""

    WINDOW_S, TAIL_S, FLOOR = 0.05, 0.005, 0.01

    def __init__(self, samplerate: int) -> None:
        self.window = max(1, int(samplerate * self.WINDOW_S))
        self.tail_frames = max(1, int(samplerate * self.TAIL_S))
        self.levels: list[np.ndarray] = []
        self.tail = np.zeros((0, 1), dtype="float32")

    def add(self, samples: np.ndarray) -> None:
        samples = samples.reshape(len(samples), -1)
        whole = len(samples) // self.window * self.window
        if whole:
            windows = samples[:whole].reshape(-1, self.window * samples.shape[1])
            self.levels.append(np.sqrt(np.mean(np.square(windows), axis=1)))
        self.tail = np.concatenate([self.tail.reshape(-1, samples.shape[1]), samples])[-self.tail_frames:]

    def abrupt(self) -> bool:
        if not self.levels or not len(self.tail):
            return False
        loud = float(np.percentile(np.concatenate(self.levels), 90))
        return float(np.sqrt(np.mean(np.square(self.tail)))) >= max(self.FLOOR, 0.5 * loud)


def _check_complete(path: Path, handle: sf.SoundFile, layout: headers.WavLayout | None, size: int,
                    decoded: int, ends_abruptly: bool, length_unknown: bool) -> None:
    """The decoded length must match the length the file declares: a shortfall is a cut-off recording. Where
    the file declares no length (an MP3 without a Xing header, whose count libsndfile guesses from the first
    frame's bit rate; an Ogg; a streaming FLAC or WAV), its framing shows the cut; failing that, an MP3 that
    stops mid-sound is taken as cut."""
    declared = layout.declared_frames() if layout else None
    if layout and declared is None and not layout.streaming and layout.data_offset + layout.data_size > size:
        raise fail(path, AudioStatus.TRUNCATED, f"header declares {layout.data_size} bytes of audio, "
                                                f"the file holds {size - layout.data_offset}")
    guessed = length_unknown or (handle.format == "MP3" and not headers.mp3_declares_length(path))
    declared = handle.frames if declared is None and not guessed else declared
    slack = _MP3_FRAME if handle.format == "MP3" else 0
    if declared is not None and declared > decoded + slack:
        raise fail(path, AudioStatus.TRUNCATED, f"header declares {declared} frames, decoded {decoded}")
    if cut := _container_cut(path, handle):
        raise fail(path, AudioStatus.TRUNCATED, cut)
    if decoded == 0:
        raise fail(path, AudioStatus.NO_AUDIO, "the file holds no audio frames")
    if handle.format == "MP3" and ends_abruptly and not headers.mp3_declares_length(path):
        raise fail(path, AudioStatus.TRUNCATED, "ends abruptly: its last moment is as loud as speech, and an MP3 "
                                                "without a length header cannot say it was cut, so it probably was")


def _check_long_enough(path: Path, decoded: int, samplerate: int) -> None:
    """A recording too short to hold a word is not a call (a recorder's stub, a test click)."""
    if decoded < MIN_SPEECH_S * samplerate:
        raise fail(path, AudioStatus.NO_AUDIO, f"{decoded / samplerate:.3g} s of sound is too short to hold speech; "
                                               f"a call lasts at least {MIN_SPEECH_S:g} s")


def _container_cut(path: Path, handle: sf.SoundFile) -> str | None:
    """Where the framing of an MP3 or Ogg shows the file was cut (the only length those carry), or None."""
    if handle.format == "MP3" and (cut := headers.mp3_frames(path).cut):
        return f"the last MPEG frame needs {cut[0]} bytes, the file ends at {cut[1]}"
    return headers.ogg_cut_short(path) if handle.format == "OGG" else None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, av.FFmpegError) and exc.strerror:
        return exc.strerror
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
        with sf.SoundFile(str(path)) as handle:
            if not _beyond_libsndfile(Path(path), handle, _wav_layout(Path(path))):
                return handle.read(dtype="float32", always_2d=True), handle.samplerate
            blocks = list(_FFmpegBlocks(path)) or [np.zeros((0, handle.channels), np.float32)]
            return np.concatenate(blocks), handle.samplerate
    except (sf.LibsndfileError, RuntimeError, OSError, av.FFmpegError) as exc:
        raise AudioError(path, f"cannot decode audio ({_reason(exc)})") from exc


def needs_ffmpeg(path: Path | str) -> bool:
    """Whether libsndfile would stop before the end of this file, so :func:`read_samples` must be used instead of
    streaming it with soundfile (the waveform's peaks)."""
    with sf.SoundFile(str(path)) as handle:
        return _beyond_libsndfile(Path(path), handle, _wav_layout(Path(path)))


def _wav_layout(path: Path) -> headers.WavLayout | None:
    size = os.stat(path).st_size
    with open(path, "rb") as handle:
        head = handle.read(headers.HEAD_BYTES)
        return headers.wav_layout(handle, size) if headers.container_name(head) == "WAV" else None
