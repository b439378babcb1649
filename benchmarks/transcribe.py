"""The app's transcription path against bare faster-whisper, on the same files, in one run.

Two comparisons, each side warmed up first and the two sides alternated file by file so machine noise hits
both alike:

* overhead — the app with one worker (decode in chunks, per-channel transcription, script normalisation,
  storing segments and words in SQLite) against faster-whisper's documented use with the same model, compute
  type, beam size, VAD and threads;
* default — the app as shipped (agent and customer legs side by side, one thread each) against that same
  bare baseline with all threads on one decoder.

* end to end — a 5-minute stereo call built from the corpus calls, ``qaws analyze`` as a whole process (start-up,
  probe, decode, both rules passes, storing) against a bare faster-whisper script as a whole process (model
  loading included; same model, int8, beam 5, VAD, word timestamps, all threads, language detected), each run
  twice, alternated.

The real-time factor is processing time / audio duration (lower is faster). The last line is
``ratio=R rtf_app=X rtf_bare=Y e2e_ratio=E`` (``--long-only``: ``e2e_ratio=E`` alone).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from faster_whisper import WhisperModel, decode_audio

from qaworkstation.core.asr.models import resolve_model
from qaworkstation.core.asr.transcribe import Transcriber, TranscribeSettings, cache_key
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "calls"
LONG_CALL_S = 300.0

_BARE_SCRIPT = """
import sys
from faster_whisper import WhisperModel, decode_audio
model = WhisperModel(sys.argv[1], device="cpu", compute_type="int8", cpu_threads=int(sys.argv[3]))
for channel in decode_audio(sys.argv[2], split_stereo=True):
    segments, _ = model.transcribe(channel, beam_size=5, word_timestamps=True, vad_filter=True)
    print(sum(len(segment.text.strip()) for segment in segments))
"""


def bare(model: WhisperModel, path: Path, beam_size: int) -> int:
    """faster-whisper as its README shows it: decode the file, transcribe each channel, read the segments."""
    channels = sf.info(str(path)).channels
    audio = decode_audio(str(path), split_stereo=True) if channels == 2 else [decode_audio(str(path))]
    count = 0
    for channel in audio:
        segments, _ = model.transcribe(channel, beam_size=beam_size, word_timestamps=True, vad_filter=True)
        count += sum(1 for _ in segments)
    return count


def app(transcriber: Transcriber, store: Store, recording: dict) -> int:
    """The path a queued call takes: transcribe from the file and store the transcript."""
    transcript = transcriber.transcribe_file(recording["path"], recording["channels"], recording["duration"])
    key = cache_key(recording["sha256"], transcriber.settings, transcriber.model_choice.id) + str(time.monotonic())
    store.save_transcript(recording["id"], key, transcriber.model_choice.id, {}, transcript.language,
                          transcript.segments)
    return len(transcript.segments)


def compare(label: str, transcriber: Transcriber, model: WhisperModel, store: Store, recordings: list[dict],
            beam_size: int) -> tuple[float, float, float]:
    audio_s = sum(r["duration"] for r in recordings)
    app(transcriber, store, recordings[0])
    bare(model, Path(recordings[0]["path"]), beam_size)
    app_s = bare_s = 0.0
    for index, recording in enumerate(recordings):
        order = ("app", "bare") if index % 2 == 0 else ("bare", "app")
        for side in order:
            started = time.perf_counter()
            if side == "app":
                app(transcriber, store, recording)
                app_s += time.perf_counter() - started
            else:
                bare(model, Path(recording["path"]), beam_size)
                bare_s += time.perf_counter() - started
    ratio, rtf_app, rtf_bare = app_s / bare_s, app_s / audio_s, bare_s / audio_s
    print(f"{label}: {len(recordings)} calls, {audio_s:.1f} s of audio; app {app_s:.2f} s, bare {bare_s:.2f} s; "
          f"ratio={ratio:.3f} rtf_app={rtf_app:.4f} rtf_bare={rtf_bare:.4f}", flush=True)
    return ratio, rtf_app, rtf_bare


def long_call(folder: Path, target: Path) -> Path:
    """A 5-minute stereo call: the corpus's stereo calls (8 kHz PCM) one after another until long enough."""
    parts = [sf.read(str(path), dtype="int16") for path in sorted(folder.glob("*.wav"))]
    parts = [(audio, rate) for audio, rate in parts if audio.ndim == 2 and rate == 8000]
    joined, length = [], 0
    while length < LONG_CALL_S * 8000:
        for audio, _rate in parts:
            joined.append(audio)
            length += len(audio)
    sf.write(str(target), np.concatenate(joined)[:int(LONG_CALL_S * 8000)], 8000, subtype="PCM_16")
    return target


def end_to_end(folder: Path, tmp: Path, runs: int = 2) -> float:
    """Whole-process ``qaws analyze`` over whole-process bare faster-whisper on the long call, alternated."""
    call = long_call(folder, tmp / "long-call.wav")
    source, cores = resolve_model().source, os.cpu_count() or 1
    env = {**os.environ, "QAWS_CACHE_DIR": str(tmp / "cache")}
    # The offline model is joined into the cache on first use; an inspector's machine has done that long before.
    subprocess.run([sys.executable, "-c", "from qaworkstation.core.asr.models import resolve_model; resolve_model()"],
                   env=env, check=True)
    totals = {"app": 0.0, "bare": 0.0}
    for run in range(runs):
        for side in (("app", "bare") if run % 2 == 0 else ("bare", "app")):
            command = ([sys.executable, "-m", "qaworkstation.cli", "analyze", str(call), "--db",
                        str(tmp / f"e2e-{run}.sqlite3")] if side == "app"
                       else [sys.executable, "-c", _BARE_SCRIPT, source, str(call), str(cores)])
            started = time.perf_counter()
            done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            totals[side] += time.perf_counter() - started
            if side == "bare":
                bare_chars = sum(int(line) for line in done.stdout.split() if line.isdigit())
    ratio = totals["app"] / totals["bare"]
    print(f"end to end on a {LONG_CALL_S:.0f} s stereo call, {runs} runs each: qaws analyze {totals['app']:.1f} s, "
          f"bare script {totals['bare']:.1f} s; e2e_ratio={ratio:.3f}", flush=True)
    print(f"text recognised: app {_stored_characters(tmp / 'e2e-0.sqlite3')} characters, bare script {bare_chars}",
          flush=True)
    return ratio


def _stored_characters(db: Path) -> int:
    """Characters of transcript the app stored: more text for the same audio is speech the other side lost."""
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COALESCE(SUM(LENGTH(TRIM(text))), 0) FROM segments").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--beam-size", type=int, default=TranscribeSettings.beam_size)
    parser.add_argument("--long-only", action="store_true", help="only the end-to-end comparison on a long call")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    source = resolve_model().source
    if args.long_only:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"e2e_ratio={end_to_end(args.folder, Path(tmp)):.3f}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        recordings = [store.recording(i) for i in import_paths(store, [args.folder]).recording_ids]
        print(f"{cores} cores, model {source}, int8, beam {args.beam_size}, VAD on", flush=True)
        single = Transcriber(TranscribeSettings(workers=1, cpu_threads=cores, beam_size=args.beam_size))
        baseline = WhisperModel(source, device="cpu", compute_type="int8", cpu_threads=cores)
        compare("overhead (1 worker x all threads vs bare)", single, baseline, store, recordings, args.beam_size)
        shipped = Transcriber(TranscribeSettings(beam_size=args.beam_size))
        ratio, rtf_app, rtf_bare = compare("default (legs side by side vs bare)", shipped, baseline, store,
                                           recordings, args.beam_size)
        store.close()
        e2e = end_to_end(args.folder, Path(tmp))
    print(f"ratio={ratio:.3f} rtf_app={rtf_app:.4f} rtf_bare={rtf_bare:.4f} e2e_ratio={e2e:.3f}")


if __name__ == "__main__":
    main()
