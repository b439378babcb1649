"""Hostile and broken input: every malformed file gets its own status, nothing crashes, the rest imports.

The corpus is generated at test time in a temporary folder, next to a copy of the good calls: damaged WAV
headers, cut-off PCM, ADPCM, MP3 (with and without a Xing header), FLAC and Ogg files, files that are not audio
or audio the decoder does not read, and directory entries that are not files at all (a folder named x.wav,
link loops, a named pipe, a device, a name that is not UTF-8, a 3 GiB sparse file, unreadable files and
folders). A decoder crash and a decoder hang are staged in the worker process itself.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from qaworkstation.core.audio.headers import mp3_frames, mpeg_frame_length, mpeg_frame_samples
from qaworkstation.core.audio.peaks import compute_peaks
from qaworkstation.core.audio.reading import (MAX_FILE_BYTES, MIN_SPEECH_S, AudioError, AudioStatus, display_path,
                                              probe, read_samples)
from qaworkstation.core.audio.safe_probe import ProbeWorker, probe_file
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from tests.conftest import CALLS

RATE = 8000
GBK_NAME = "张三.wav".encode("gbk")


def _tone(seconds: float = 2.0, channels: int = 1) -> np.ndarray:
    wave = 0.3 * np.sin(2 * np.pi * 440 * np.arange(int(RATE * seconds)) / RATE)
    return np.repeat(wave[:, None], channels, axis=1).astype(np.float32)


def _encoded(tmp: Path, suffix: str, **options: object) -> bytes:
    path = tmp / f"source{suffix}"
    sf.write(path, _tone(), RATE, **options)
    return path.read_bytes()


def _patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    patched = bytearray(data)
    struct.pack_into(fmt, patched, offset, value)
    return bytes(patched)


def _wav_chunks(*chunks: tuple[bytes, bytes]) -> bytes:
    body = b"WAVE" + b"".join(name + struct.pack("<I", len(data)) + data for name, data in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _mp3_without_xing(mp3: bytes) -> bytes:
    """The MPEG frames after the first, which holds the Xing header the encoder wrote."""
    return mp3[mpeg_frame_length(mp3[:4]):]


def _whole_frames(mp3: bytes, size: int) -> bytes:
    """The MPEG frames of ``mp3`` that fit in ``size`` bytes: a cut on a frame boundary, invisible to the framing."""
    end = 0
    while (length := mpeg_frame_length(mp3[end:end + 4])) and end + length <= size:
        end += length
    return mp3[:end]


def _ogg_pages(ogg: bytes) -> bytes:
    """The Ogg file without its last page (the end-of-stream page): every page whole, the stream unfinished."""
    return ogg[:ogg.rindex(b"OggS")]


def build_corpus(folder: Path, scratch: Path) -> dict[str, str]:
    """Write the malformed files into ``folder``; return each file name with the status it must get."""
    rng = np.random.default_rng(20261123)
    wav = _encoded(scratch, ".wav", subtype="PCM_16")
    ulaw = _encoded(scratch, ".wav", subtype="ULAW")
    adpcm = _encoded(scratch, ".wav", subtype="IMA_ADPCM")
    flac = _encoded(scratch, ".flac")
    ogg = _encoded(scratch, ".ogg")
    mp3 = _encoded(scratch, ".mp3")
    fmt_chunk = wav[12:36]
    files: dict[str, tuple[bytes, str]] = {
        "zero_length.wav": (b"", AudioStatus.EMPTY),
        "random_bytes.wav": (b"\x00" + rng.bytes(20000), AudioStatus.NOT_AUDIO),
        "random_bytes.mp3": (b"\x01" + rng.bytes(20000), AudioStatus.NOT_AUDIO),
        "zero_bytes.flac": (bytes(65536), AudioStatus.NOT_AUDIO),
        "notes.mp3": ("客户投诉记录：这不是录音。\n".encode() * 20, AudioStatus.NOT_AUDIO),
        "page.wav": (b"<!DOCTYPE html><html><body>404</body></html>", AudioStatus.NOT_AUDIO),
        "photo.wav": (b"\x89PNG\r\n\x1a\n" + rng.bytes(3000), AudioStatus.NOT_AUDIO),
        "riff_avi.wav": (b"RIFF\x10\x00\x00\x00AVI LIST" + bytes(8), AudioStatus.NOT_AUDIO),
        "truncated_pcm.wav": (wav[:len(wav) // 2], AudioStatus.TRUNCATED),
        "truncated_ulaw.wav": (ulaw[:len(ulaw) // 3], AudioStatus.TRUNCATED),
        "truncated_adpcm.wav": (adpcm[:len(adpcm) // 2], AudioStatus.TRUNCATED),
        "header_only.wav": (wav[:44], AudioStatus.TRUNCATED),
        "huge_data_chunk.wav": (_patched(wav, 40, "<I", 0xFFFFFFF0), AudioStatus.TRUNCATED),
        "no_fmt_chunk.wav": (_wav_chunks((b"data", wav[44:]))[:2000], AudioStatus.BAD_HEADER),
        "fmt_overrun.wav": (_patched(wav, 16, "<I", 0xFFFFFFF0), AudioStatus.BAD_HEADER),
        "zero_channels.wav": (_patched(wav, 22, "<H", 0), AudioStatus.BAD_HEADER),
        "zero_bits.wav": (_patched(wav, 34, "<H", 0), AudioStatus.BAD_HEADER),
        "no_data_chunk.wav": (_wav_chunks((b"fmt ", fmt_chunk[8:]), (b"LIST", b"INFOjunk")), AudioStatus.NO_AUDIO),
        "absurd_rate.wav": (_patched(wav, 24, "<I", 4_000_000_000), AudioStatus.BAD_SAMPLERATE),
        "one_hertz.wav": (_patched(wav, 24, "<I", 1), AudioStatus.BAD_SAMPLERATE),
        "mp3_in_wav.wav": (_patched(wav, 20, "<H", 0x55), AudioStatus.UNSUPPORTED),
        "voice_note.wav": (b"#!AMR\n" + rng.bytes(4000), AudioStatus.UNSUPPORTED),
        "phone_export.mp3": (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + rng.bytes(4000), AudioStatus.UNSUPPORTED),
        "wechat.mp3": (b"\x02#!SILK_V3" + rng.bytes(4000), AudioStatus.UNSUPPORTED),
        "truncated_xing.mp3": (mp3[:len(mp3) // 2], AudioStatus.TRUNCATED),
        "truncated_raw.mp3": (_mp3_without_xing(mp3)[:len(mp3) // 2 + 17], AudioStatus.TRUNCATED),
        "id3_only.mp3": (b"ID3\x03\x00\x00\x00\x00\x00\x10" + bytes(16), AudioStatus.NO_AUDIO),
        "truncated.flac": (flac[:len(flac) // 2], AudioStatus.TRUNCATED),
        "truncated.ogg": (ogg[:len(ogg) // 2], AudioStatus.TRUNCATED),
        "ogg_cut_between_pages.ogg": (_ogg_pages(ogg), AudioStatus.TRUNCATED),
        "mp3_cut_on_a_frame.mp3": (_whole_frames(_mp3_without_xing(mp3), len(mp3) // 2), AudioStatus.TRUNCATED),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    statuses = {name: str(status) for name, (_, status) in files.items()}
    statuses.update(_special_files(folder, scratch))
    return statuses


def _special_files(folder: Path, scratch: Path) -> dict[str, str]:
    """Entries that are not plain files, files whose samples are broken, and files too big to read."""
    sf.write(folder / "six_channels.wav", _tone(channels=6), RATE)
    sf.write(folder / "nan_samples.wav", np.full((800, 1), np.nan, np.float32), RATE, subtype="FLOAT")
    (folder / "folder.wav").mkdir()
    (folder / "loop.wav").symlink_to("loop.wav")
    (folder / "ping.wav").symlink_to("pong.wav")
    (folder / "pong.wav").symlink_to("ping.wav")
    (folder / "dangling.wav").symlink_to(scratch / "deleted.wav")
    (folder / "device.wav").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.wav")
    shutil.copy(_good_call(), os.path.join(os.fsencode(folder), GBK_NAME))
    with open(folder / "huge_sparse.wav", "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1024 ** 3)
    bad_name = os.fsdecode(GBK_NAME)
    return {
        "six_channels.wav": AudioStatus.TOO_MANY_CHANNELS, "nan_samples.wav": AudioStatus.DAMAGED,
        "folder.wav": AudioStatus.NOT_A_FILE, "loop.wav": AudioStatus.LINK_LOOP, "ping.wav": AudioStatus.LINK_LOOP,
        "pong.wav": AudioStatus.LINK_LOOP, "dangling.wav": AudioStatus.BROKEN_LINK,
        "device.wav": AudioStatus.NOT_A_FILE, "pipe.wav": AudioStatus.NOT_A_FILE, bad_name: AudioStatus.BAD_NAME,
        "huge_sparse.wav": AudioStatus.TOO_LARGE,
    }


def _good_call() -> Path:
    return CALLS / "zh_insult_escalation.wav"


@pytest.fixture
def hostile(tmp_path: Path, calls_copy: Path) -> tuple[Path, dict[str, str]]:
    """The good calls plus the malformed corpus in one folder, and the status each malformed file must get."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return calls_copy, build_corpus(calls_copy, scratch)


def test_every_malformed_file_gets_its_status_and_the_good_calls_import(
        store: Store, hostile: tuple[Path, dict[str, str]]) -> None:
    folder, expected = hostile
    assert len(expected) >= 30
    started = time.monotonic()
    report = import_paths(store, [folder])
    got = {Path(path).name: status for path, status in report.statuses.items()}
    assert got == {display_path(name): status for name, status in expected.items()}
    assert len(report.imported) == 6 and len(report.errors) == len(expected)
    good = {path.name for path in CALLS.glob("*") if path.suffix != ".json"}
    assert {row["file_name"] for row in store.list_recordings()} == good
    assert time.monotonic() - started < 60
    print(f"\n{len(expected)} malformed files, each with its status; 6 good calls imported")


def test_messages_are_one_line_and_name_file_and_status(store: Store, hostile: tuple[Path, dict[str, str]]) -> None:
    folder, _ = hostile
    report = import_paths(store, [folder])
    for path, message in report.errors:
        assert "\n" not in message and message.startswith(path)
        assert f": {report.statuses[path]}" in message
    bad_name = dict(report.errors)[display_path(folder / os.fsdecode(GBK_NAME))]
    assert "\\xd5\\xc5\\xc8\\xfd.wav" in bad_name and "张三.wav" in bad_name  # escaped, with the GBK reading


def test_truncation_messages_give_declared_and_decoded_frames(hostile: tuple[Path, dict[str, str]]) -> None:
    folder, _ = hostile
    with pytest.raises(AudioError, match=r"truncated: header declares 16000 frames, decoded 79\d\d$"):
        probe(folder / "truncated_pcm.wav")
    with pytest.raises(AudioError, match=r"truncated: the last MPEG frame needs \d+ bytes, the file ends at \d+"):
        probe(folder / "truncated_raw.mp3")


def test_reading_a_named_pipe_does_not_block(hostile: tuple[Path, dict[str, str]]) -> None:
    folder, _ = hostile
    with pytest.raises(AudioError) as raised:
        probe_file(folder / "pipe.wav", timeout=2)
    assert raised.value.status == AudioStatus.NOT_A_FILE and "named pipe" in str(raised.value)


# A child that crashes on files named crash*, hangs on hang*, and probes everything else for real.
_STAGED_CHILD = """
import ctypes, os, time
from qaworkstation.core.audio import reading as audio, safe_probe
real = audio.probe
def staged(path):
    name = os.path.basename(path)
    if name.startswith("crash"):
        ctypes.string_at(0)
    if name.startswith("hang"):
        time.sleep(3600)
    return real(path)
audio.probe = staged
safe_probe.serve()
"""


def _staged_worker(timeout: float) -> ProbeWorker:
    return ProbeWorker(timeout=timeout, command=[sys.executable, "-c", _STAGED_CHILD])


def test_decoder_crash_and_hang_cost_one_file_and_the_worker_restarts(tmp_path: Path) -> None:
    for name in ("crash.wav", "hang.wav", "good.wav"):
        shutil.copy(_good_call(), tmp_path / name)
    with _staged_worker(timeout=2) as worker:
        assert worker.probe(tmp_path / "good.wav").channels == 2
        first = worker.pid
        with pytest.raises(AudioError, match=r"decoder crashed: killed by SIGSEGV") as crashed:
            worker.probe(tmp_path / "crash.wav")
        assert crashed.value.status == AudioStatus.CRASHED and worker.pid is None
        assert worker.probe(tmp_path / "good.wav").channels == 2
        second = worker.pid
        started = time.monotonic()
        with pytest.raises(AudioError, match=r"timed out: no answer after 2 s") as hung:
            worker.probe(tmp_path / "hang.wav")
        assert hung.value.status == AudioStatus.TIMED_OUT and time.monotonic() - started < 10
        assert worker.probe(tmp_path / "good.wav").channels == 2
        assert len({first, second, worker.pid}) == 3


def test_import_goes_on_after_a_crash_and_a_hang(store: Store, calls_copy: Path) -> None:
    for name in ("crash.wav", "hang.wav"):
        shutil.copy(calls_copy / "zh_insult_escalation.wav", calls_copy / name)
    with _staged_worker(timeout=3) as worker:
        report = import_paths(store, [calls_copy], prober=worker)
    assert {Path(p).name: s for p, s in report.statuses.items()} == {
        "crash.wav": AudioStatus.CRASHED, "hang.wav": AudioStatus.TIMED_OUT}
    assert len(report.imported) == 6


def test_one_worker_serves_the_whole_batch(store: Store, calls_copy: Path) -> None:
    pids: set[int | None] = set()
    with ProbeWorker() as worker:
        import_paths(store, [calls_copy], prober=worker, progress=lambda *_: pids.add(worker.pid))
    assert len(pids - {None}) == 1


def test_worker_killed_between_files_is_replaced_without_blaming_the_next_file(tmp_path: Path) -> None:
    shutil.copy(_good_call(), tmp_path / "good.wav")
    with ProbeWorker() as worker:
        worker.probe(tmp_path / "good.wav")
        os.kill(worker.pid, 9)
        time.sleep(0.2)
        assert worker.probe(tmp_path / "good.wav").channels == 2


def _without_root_file_access() -> Callable[[], None] | None:
    """As root, a child that gives up the capabilities that let root read any file, so chmod 000 holds."""
    if os.geteuid() != 0:
        return None

    def drop() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
    return drop


def test_cli_reports_each_bad_file_on_one_line_including_unreadable_ones(
        tmp_path: Path, hostile: tuple[Path, dict[str, str]]) -> None:
    folder, expected = hostile
    shutil.copy(_good_call(), folder / "locked.wav")
    (folder / "locked.wav").write_bytes((folder / "locked.wav").read_bytes() + b"locked")
    (folder / "locked_folder").mkdir()
    shutil.copy(_good_call(), folder / "locked_folder" / "inside.wav")
    for path in (folder / "locked.wav", folder / "locked_folder"):
        path.chmod(0)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "qaworkstation.cli", "--db", str(tmp_path / "cli.sqlite3"), "import", str(folder)],
            capture_output=True, text=True, errors="backslashreplace", timeout=300,
            preexec_fn=_without_root_file_access(), cwd=Path(__file__).resolve().parents[1])
    finally:
        for path in (folder / "locked.wav", folder / "locked_folder"):
            path.chmod(0o755)
    lines = result.stderr.splitlines()
    failed = len(expected) + 2
    assert result.returncode == 1
    assert result.stdout.strip() == f"imported 6, already in library 0, failed {failed}"
    assert len(lines) == failed and all(line.startswith("qaws: skipped ") for line in lines)
    assert any("locked.wav: permission denied" in line for line in lines)
    assert any("locked_folder: permission denied: a folder this user may not open" in line for line in lines)
    assert any("truncated_pcm.wav: truncated: header declares 16000 frames" in line for line in lines)


# ------------------------------------------------------------------------- lengths the file does not state

def _call_ending_on_a_word(seconds: float = 20.0) -> np.ndarray:
    """Speech-like bursts, a long hold in silence, and bursts again up to the last sample: a VBR encoder spends
    many bytes on the first frames and few on the hold, so a length guessed from the first frame is far off."""
    t = np.arange(int(RATE * seconds / 4)) / RATE
    burst = (0.3 * np.sin(2 * np.pi * 440 * t) * (np.sin(2 * np.pi * 2 * t) > 0)).astype(np.float32)
    return np.concatenate([burst, np.zeros(2 * len(burst), np.float32), burst])[:, None]


def _vbr_mp3_without_xing(folder: Path, samples: np.ndarray) -> Path:
    source = folder / "vbr_source.mp3"
    sf.write(source, samples, RATE, format="MP3", bitrate_mode="VARIABLE")
    path = folder / "vbr_no_xing.mp3"
    path.write_bytes(_mp3_without_xing(source.read_bytes()))
    return path


def test_a_vbr_mp3_without_a_length_header_is_imported_played_and_drawn_whole(store: Store, tmp_path: Path) -> None:
    """libsndfile stops at a length guessed from the first frame (the adversarial run: 13.1 s of a 30.2 s call);
    the frames say how long the call is, and FFmpeg decodes all of it for the import, the player and the waveform."""
    path = _vbr_mp3_without_xing(tmp_path, _call_ending_on_a_word())
    walked = mp3_frames(path).samples
    assert sf.info(str(path)).frames < 0.8 * walked  # the reproduction: libsndfile's guess is far short

    report = import_paths(store, [path])

    assert report.errors == [] and len(report.imported) == 1
    [row] = store.list_recordings()
    assert row["duration"] == pytest.approx(walked / RATE, abs=0.01)
    assert row["duration"] == pytest.approx(20.0, abs=0.2)
    samples, rate = read_samples(path)
    assert len(samples) == walked and rate == RATE
    assert compute_peaks(path).frames == walked


def test_a_headerless_mp3_cut_on_a_frame_boundary_is_judged_by_its_real_end(tmp_path: Path) -> None:
    """Cut mid-word it ends loud to its last sample: truncated. Cut in the hold it ends in silence like a
    complete call: imported at its real length, not at libsndfile's guess and not as "ends abruptly"."""
    whole = _vbr_mp3_without_xing(tmp_path, _call_ending_on_a_word()).read_bytes()
    for name, seconds in (("in_speech", 2.2), ("in_silence", 10.0)):
        (tmp_path / f"{name}.mp3").write_bytes(_first_seconds(whole, seconds))
    with pytest.raises(AudioError) as cut_in_speech:
        probe(tmp_path / "in_speech.mp3")
    assert cut_in_speech.value.status == AudioStatus.TRUNCATED and "ends abruptly" in cut_in_speech.value.reason
    assert probe(tmp_path / "in_silence.mp3").duration == pytest.approx(10.0, abs=0.1)


def _first_seconds(mp3: bytes, seconds: float) -> bytes:
    """The whole MPEG frames of ``mp3`` that hold its first ``seconds``: a cut on a frame boundary."""
    position = decoded = 0
    while decoded < seconds * RATE and (length := mpeg_frame_length(mp3[position:position + 4])):
        decoded += mpeg_frame_samples(mp3[position:position + 4])
        position += length
    return mp3[:position]


def _flac_of_unknown_length(tmp_path: Path) -> bytes:
    """A FLAC whose STREAMINFO gives 0 samples, as streaming encoders write it (the low 36 bits of bytes 18-25)."""
    flac = bytearray(_encoded(tmp_path, ".flac"))
    value = int.from_bytes(flac[18:26], "big") & ~((1 << 36) - 1)
    flac[18:26] = value.to_bytes(8, "big")
    return bytes(flac)


def test_streaming_lengths_are_not_truncation(store: Store, tmp_path: Path) -> None:
    """A WAV whose data size is a streaming placeholder (0xFFFFFFFF or 0) and a FLAC with no sample count hold
    the whole call: its length is what decodes, for the import and the player alike."""
    wav = _encoded(tmp_path, ".wav", subtype="PCM_16")
    folder = tmp_path / "calls"
    folder.mkdir()
    (folder / "streaming_ffff.wav").write_bytes(_patched(_patched(wav, 4, "<I", 0xFFFFFFFF), 40, "<I", 0xFFFFFFFF))
    (folder / "streaming_zero.wav").write_bytes(_patched(_patched(wav, 4, "<I", 0), 40, "<I", 0))
    (folder / "streaming.flac").write_bytes(_flac_of_unknown_length(tmp_path))

    report = import_paths(store, [folder])

    assert report.errors == [] and len(report.imported) == 3
    assert [row["duration"] for row in store.list_recordings()] == [pytest.approx(2.0)] * 3
    for path in folder.iterdir():
        assert len(read_samples(path)[0]) == 2 * RATE


def test_a_cut_flac_of_unknown_length_is_truncated_without_an_absurd_frame_count(tmp_path: Path) -> None:
    flac = _flac_of_unknown_length(tmp_path)
    path = tmp_path / "cut.flac"
    path.write_bytes(flac[:len(flac) // 2])
    with pytest.raises(AudioError) as error:
        probe_file(path)
    assert error.value.status == AudioStatus.TRUNCATED
    assert "9223372036854775807" not in error.value.reason and "where the file ends" in error.value.reason


def test_an_empty_data_chunk_followed_by_another_chunk_is_no_audio(tmp_path: Path) -> None:
    wav = _encoded(tmp_path, ".wav", subtype="PCM_16")
    path = tmp_path / "empty.wav"
    path.write_bytes(_wav_chunks((b"fmt ", wav[20:36]), (b"data", b""), (b"LIST", b"INFOISFT\x04\x00\x00\x00qaws")))
    with pytest.raises(AudioError) as error:
        probe(path)
    assert error.value.status == AudioStatus.NO_AUDIO


@pytest.mark.parametrize("frames", [1, 80, int(RATE * MIN_SPEECH_S) - 1])
def test_audio_too_short_to_hold_speech_is_refused(tmp_path: Path, frames: int) -> None:
    path = tmp_path / "click.wav"
    sf.write(path, _tone(channels=2)[:frames], RATE, subtype="PCM_16")
    with pytest.raises(AudioError) as error:
        probe_file(path)
    assert error.value.status == AudioStatus.NO_AUDIO and "too short to hold speech" in error.value.reason


def test_a_short_answer_still_imports(tmp_path: Path) -> None:
    path = tmp_path / "short.wav"
    sf.write(path, _tone(seconds=0.5, channels=2), RATE, subtype="PCM_16")
    assert probe_file(path).duration == pytest.approx(0.5)


def test_a_vbr_mp3_without_a_length_header_that_opens_on_silence_is_not_called_truncated(tmp_path: Path) -> None:
    """The first frame's low bit rate makes libsndfile guess a longer call than there is; a guess is no header."""
    call = _call_ending_on_a_word()
    path = _vbr_mp3_without_xing(tmp_path, np.concatenate([np.zeros((RATE * 10, 1), np.float32), call[:RATE * 8]]))
    assert sf.info(str(path)).frames > 1.2 * mp3_frames(path).samples  # the reproduction: the guess is too long

    info = probe_file(path)

    assert info.frames == pytest.approx(mp3_frames(path).samples, abs=1152)


def test_a_coaching_clip_past_libsndfiles_guess_of_a_headerless_mp3_holds_the_moment(tmp_path: Path) -> None:
    """The coaching pack cuts its clips from the recording: past libsndfile's guessed end it used to get nothing."""
    from qaworkstation.core.team.coaching_pack import clip_wav

    path = _vbr_mp3_without_xing(tmp_path, _call_ending_on_a_word())
    guessed = sf.info(str(path)).frames / RATE
    clip, rate = clip_wav(str(path), 16.0, 19.0)  # the last burst, well past the guess
    assert guessed < 16.0 and rate == RATE
    assert len(clip) == pytest.approx(3 * RATE, abs=RATE // 100) and np.abs(clip).max() > 0.1
