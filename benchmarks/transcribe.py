"""The app's transcription path against bare faster-whisper, on the same files, in one run.

Two comparisons, each side warmed up first and the two sides alternated file by file so machine noise hits
both alike:

* overhead — the app with one worker (decode in chunks, per-channel transcription, script normalisation,
  storing segments and words in SQLite) against faster-whisper's documented use with the same model, compute
  type, beam size, VAD and threads;
* default — the app as shipped (agent and customer legs side by side, one thread each) against that same
  bare baseline with all threads on one decoder.

The real-time factor is processing time / audio duration (lower is faster). The last line is
``ratio=R rtf_app=X rtf_bare=Y`` for the default comparison.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import soundfile as sf
from faster_whisper import WhisperModel, decode_audio

from qaworkstation.core.asr.models import resolve_model
from qaworkstation.core.asr.transcribe import Transcriber, TranscribeSettings, cache_key
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "calls"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--beam-size", type=int, default=TranscribeSettings.beam_size)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    source = resolve_model().source
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
    print(f"ratio={ratio:.3f} rtf_app={rtf_app:.4f} rtf_bare={rtf_bare:.4f}")


if __name__ == "__main__":
    main()
