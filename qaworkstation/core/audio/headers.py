"""What a file's own bytes say it is, read without a decoder.

A decoder answers "cannot open" or, worse, quietly decodes less than the file claims: libsndfile clamps a WAV
whose header promises more data than the file holds and returns the short read without an error, and mpg123
decodes the part of a cut-off MP3 that is there. To tell an inspector *what* is wrong with a file — a truncated
recording, a header never finalised, an AMR voice note renamed .wav, a PDF — the import reads the container
itself: the first bytes, the WAV chunk list, the chain of MPEG frames. Everything here only reads, bounded by the
file size, and never trusts a length field to stay inside the file.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

HEAD_BYTES = 64
_MAX_CHUNKS = 10_000  # a WAV has a handful; a forged one must not keep the parser busy

# Formats the decoder reads, recognised by their first bytes.
_AUDIO_MAGIC = ((b"fLaC", "FLAC"), (b"OggS", "Ogg"), (b"ID3", "MP3"), (b"FORM", "AIFF"), (b".snd", "AU"),
                (b"caff", "CAF"))
# Audio it does not read: named so the inspector knows what to convert.
_UNSUPPORTED_MAGIC = ((b"#!AMR", "AMR voice"), (b"#!SILK", "SILK voice (WeChat)"),
                      (b"\x02#!SILK", "SILK voice (WeChat)"), (b"0&\xb2u\x8ef\xcf\x11", "WMA/ASF"), (b"MThd", "MIDI"), (b".RMF", "RealAudio"),
                      (b"\x1aE\xdf\xa3", "Matroska/WebM"))
_OTHER_MAGIC = ((b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive or Office document"),
                (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
                (b"\x7fELF", "a program"), (b"MZ", "a Windows program"), (b"Rar!", "a RAR archive"),
                (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\x1f\x8b", "a gzip archive"),
                (b"SQLite format 3", "an SQLite database"))
_WAV_SUPPORTED_CODECS = frozenset({0x0001, 0x0002, 0x0003, 0x0006, 0x0007, 0x0011, 0x0031, 0x0040, 0xFFFE})
_PCM_CODECS = frozenset({0x0001, 0x0003, 0x0006, 0x0007})
_WAV_CODEC_NAMES = {0x0050: "MPEG audio", 0x0055: "MP3", 0x0064: "G.726 ADPCM", 0x0065: "G.722 ADPCM",
                    0x0022: "TrueSpeech", 0x00FF: "AAC", 0x1610: "AAC"}


def container_name(head: bytes) -> str | None:
    """The audio container the first bytes announce (``WAV``, ``FLAC``, ``MP3`` ...), or None."""
    if head[:4] in (b"RIFF", b"RIFX", b"RF64") and head[8:12] == b"WAVE":
        return "WAV"
    for magic, name in _AUDIO_MAGIC:
        if head.startswith(magic):
            return name
    if len(head) >= 4 and mpeg_frame_length(head[:4]) is not None:
        return "MP3"
    return None


def unsupported_audio(head: bytes) -> str | None:
    """The name of an audio format the decoder cannot read (AMR, M4A, WMA ...), or None."""
    for magic, name in _UNSUPPORTED_MAGIC:
        if head.startswith(magic):
            return name
    if head[4:8] == b"ftyp":
        return "3GP/AMR" if head[8:11] == b"3gp" else "MP4/M4A (AAC)"
    return None


def what_else(head: bytes) -> str:
    """A short guess at what a non-audio file is, for the message that rejects it."""
    for magic, name in _OTHER_MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF":
        return f"a RIFF {head[8:12].decode('latin-1').strip() or 'file'}, not WAVE"
    if not head.strip(b"\x00"):
        return "only zero bytes"
    try:
        text = head.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        text = head[:exc.start].decode("utf-8") if exc.start > len(head) - 4 else ""
    if text and all(char.isprintable() or char.isspace() for char in text):
        return "text"
    return "unrecognised data"


@dataclass(frozen=True)
class WavFormat:
    codec: int
    channels: int
    samplerate: int
    bits: int

    @property
    def codec_name(self) -> str:
        return _WAV_CODEC_NAMES.get(self.codec, f"format 0x{self.codec:04x}")

    @property
    def supported(self) -> bool:
        return self.codec in _WAV_SUPPORTED_CODECS

    @property
    def frame_bytes(self) -> int | None:
        """Bytes per frame for uncompressed codecs (whose frames can be counted from the data size)."""
        if self.codec not in _PCM_CODECS or self.bits <= 0 or self.channels <= 0:
            return None
        return self.channels * ((self.bits + 7) // 8)


@dataclass(frozen=True)
class WavLayout:
    """The parts of a WAV header that matter; None where the file lacks them."""

    format: WavFormat | None
    data_offset: int | None
    data_size: int | None
    overrun: str | None = None  # the chunk whose declared size runs past the end, when no data chunk was found
    streaming: bool = False  # the data size is a placeholder: the audio runs to the end of the file

    def declared_frames(self) -> int | None:
        if self.format is None or self.data_size is None or self.streaming or not self.format.frame_bytes:
            return None
        return self.data_size // self.format.frame_bytes


def wav_layout(handle: BinaryIO, size: int) -> WavLayout:
    """Walk the RIFF chunk list to the ``data`` chunk, reading ``fmt `` and RF64's ``ds64`` on the way."""
    handle.seek(0)
    riff = handle.read(12)
    order = ">" if riff[:4] == b"RIFX" else "<"
    wav_format = None
    big_data_size = None
    position = 12
    chunk_id = b""
    for _ in range(_MAX_CHUNKS):
        if position + 8 > size:
            break
        handle.seek(position)
        chunk_id, chunk_size = struct.unpack(order + "4sI", handle.read(8))
        if chunk_id == b"ds64":
            body = handle.read(min(chunk_size, 28))
            big_data_size = struct.unpack("<Q", body[8:16])[0] if len(body) >= 16 else None
        elif chunk_id == b"fmt ":
            wav_format = _wav_format(handle.read(min(chunk_size, 40)), order)
        elif chunk_id == b"data":
            if chunk_size == 0xFFFFFFFF and big_data_size is not None:
                return WavLayout(wav_format, position + 8, big_data_size)
            streaming = _placeholder_size(handle, chunk_size, position + 8, size)
            return WavLayout(wav_format, position + 8, chunk_size, streaming=streaming)
        position += 8 + chunk_size + (chunk_size & 1)
    overrun = chunk_id.decode("latin-1") if position > size else None
    return WavLayout(wav_format, None, None, overrun)


def _placeholder_size(handle: BinaryIO, chunk_size: int, data_offset: int, size: int) -> bool:
    """Whether a data size is what a streaming writer leaves when it cannot go back to the header: 0xFFFFFFFF,
    or 0 with audio after it (not another chunk: a zero-size data chunk may be followed by a LIST chunk)."""
    if chunk_size == 0xFFFFFFFF:
        return True
    if chunk_size or data_offset >= size:
        return False
    handle.seek(data_offset)
    following = handle.read(8)
    if len(following) == 8 and all(0x20 <= byte < 0x7F for byte in following[:4]):
        return data_offset + 8 + struct.unpack("<I", following[4:])[0] > size
    return True


def _wav_format(body: bytes, order: str) -> WavFormat | None:
    if len(body) < 16:
        return None
    codec, channels, samplerate, _, _, bits = struct.unpack(order + "HHIIHH", body[:16])
    if codec == 0xFFFE and len(body) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the real codec opens the sub-format GUID
        codec = struct.unpack(order + "H", body[24:26])[0]
    return WavFormat(codec, channels, samplerate, bits)


# MPEG audio frame headers: bitrates (kbit/s) by (version is MPEG-1, layer) and sample rates by version.
_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLERATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mpeg_frame_length(header: bytes) -> int | None:
    """Length in bytes of the MPEG audio frame starting with these four bytes, or None if it is not one."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer_bits = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer = 4 - layer_bits
    bitrate = _BITRATES[(version == 3, layer)][bitrate_index] * 1000
    samplerate = _SAMPLERATES[version][rate_index]
    if layer == 1:
        return (12 * bitrate // samplerate + padding) * 4
    per_frame = 144 if layer == 2 or version == 3 else 72
    return per_frame * bitrate // samplerate + padding


def mpeg_frame_samples(header: bytes) -> int:
    """Samples per channel in the MPEG audio frame with this (valid) header: 384 for Layer I, 1152 for Layer II and
    MPEG-1 Layer III, 576 for Layer III at the MPEG-2 and 2.5 rates (the 8-24 kHz of telephone recordings)."""
    version, layer = (header[1] >> 3) & 3, 4 - ((header[1] >> 1) & 3)
    if layer == 1:
        return 384
    return 1152 if layer == 2 or version == 3 else 576


@dataclass(frozen=True)
class Mp3Frames:
    """The chain of MPEG frames from the start of the audio: samples per channel in its whole frames, and
    (bytes the last frame needs, bytes there are) when that frame runs past the end of the file."""

    samples: int
    cut: tuple[int, int] | None


def mp3_frames(path: Path) -> Mp3Frames:
    """Walk the chain of MPEG frames to the end of the file or to the first thing that is not a frame.

    Without a Xing/Info header an MP3 does not say how long it is: its frames are the only measure, of the length
    (libsndfile guesses it from the first frame's bit rate, which a VBR file belies) and of a cut (a last frame
    cut in half). The walk stops at a trailing tag or junk, which proves nothing, with ``cut`` None.
    """
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        position, end, samples = _id3v2_size(data), len(data), 0
        while position + 4 <= end:
            header = data[position:position + 4]
            length = mpeg_frame_length(header)
            if length is None:
                break
            if position + length > end:
                return Mp3Frames(samples, (position + length, end))
            samples += mpeg_frame_samples(header)
            position += length
    return Mp3Frames(samples, None)


def _id3v2_size(data: mmap.mmap) -> int:
    """Bytes of the ID3v2 tag at the start (its size is stored 7 bits per byte), which are not frames."""
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def mp3_declares_length(path: Path) -> bool:
    """Whether the first MPEG frame is a Xing, Info or VBRI header, the only place an MP3 states its length."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        position = _id3v2_size(data)
        length = mpeg_frame_length(data[position:position + 4]) or 0
        first = data[position:position + length]
    return any(tag in first for tag in (b"Xing", b"Info", b"VBRI"))


def ogg_cut_short(path: Path) -> str | None:
    """Why an Ogg stream is incomplete, or None. Every Ogg page says its own length and the last one of a stream
    carries the end-of-stream flag, so a file cut anywhere shows: a page running past the end of the file, or
    no end-of-stream page. Anything that is not a page stops the walk without a verdict."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        position, end, last_flags = 0, len(data), None
        while position + _OGG_HEADER <= end:
            if data[position:position + 4] != b"OggS":
                return None
            segments = data[position + _OGG_HEADER - 1]
            table = data[position + _OGG_HEADER:position + _OGG_HEADER + segments]
            length = _OGG_HEADER + segments + sum(table)
            if len(table) < segments or position + length > end:
                return f"an Ogg page needs {position + length} bytes, the file ends at {end}"
            last_flags, position = data[position + 5], position + length
    if position < end:
        return f"the file ends {end - position} bytes into an Ogg page header"
    if last_flags is None or not last_flags & _OGG_END_OF_STREAM:
        return "the Ogg stream has no end-of-stream page"
    return None


_OGG_HEADER = 27  # "OggS", version, flags, granule position (8), serial (4), sequence (4), CRC (4), segments (1)
_OGG_END_OF_STREAM = 0x04
