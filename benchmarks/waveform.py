"""How fast the player shows an hour-long call: peak computation, opening from the cache, repainting a zoom.

Generates a 1-hour stereo 8 kHz PCM16 call (alternating speakers over noise) in a temporary folder and, in one
run, measures:

(a) computing its peak pyramid against the baseline of plainly decoding it, ``soundfile.read(path,
    dtype="int16")``; the two are timed alternately, best of several, so machine load hits both alike;
(b) opening it once analysed: loading the cached peaks, finding speech, handing them to the waveform and
    painting it (``QWidget.grab()``, which runs the widget's own paintEvent) (median of several opens, after one warm-up for Qt's own first-use costs);
(c) repainting the waveform at each wheel-zoom step from the whole call down to 50 ms and back (with the raw
    samples loaded, as in the app once the audio has arrived);
(d) the transcript following playback: the line being played marked and the view repainted, over the call's
    first 300 turns (a line of text each), the slowest of those line changes;
(e) the transcript growing while the call is analysed: each of those 300 lines added as the model writes it
    and the view repainted, the slowest of those additions.

Last line: ``peaks_vs_read=R open_ms=X repaint_ms=Y line_ms=L live_ms=V`` (Y: the slowest frame, each frame's
best of five sweeps). Targets: R ≤ 1.5, X ≤ 200, Y ≤ 16, L ≤ 16, V ≤ 16.
Run: ``.venv/bin/python benchmarks/waveform.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

RATE = 8000
HOUR_S = 3600
TURN_S = 6.0
RUNS = 7
SWEEPS = 5
WIDTH, HEIGHT = 1200, 200


def write_call(path: Path) -> list[tuple[str, float, float]]:
    """An hour of alternating speech-like bursts, written a minute at a time; returns the turns."""
    rng = np.random.default_rng(7)
    turns: list[tuple[str, float, float]] = []
    with sf.SoundFile(str(path), "w", RATE, 2, "PCM_16") as out:
        for minute in range(HOUR_S // 60):
            t = minute * 60 + np.arange(60 * RATE) / RATE
            turn = (t // TURN_S).astype(int)
            agent = turn % 2 == 0
            syllables = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t)
            voice = 0.4 * syllables * np.sin(2 * np.pi * (140 + 40 * np.sin(t)) * t)
            noise = 0.01 * rng.standard_normal((len(t), 2))
            block = noise + np.stack([voice * agent, voice * ~agent], axis=1)
            out.write(block.astype(np.float32))
    for index in range(int(HOUR_S / TURN_S)):
        turns.append(("agent" if index % 2 == 0 else "customer", index * TURN_S + 0.3, (index + 1) * TURN_S - 0.3))
    return turns


def best_alternating(first, second, runs: int = RUNS) -> tuple[float, float]:  # noqa: ANN001
    """Best wall time of each of two callables, run alternately so a busy machine slows both."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        for fn, times in ((first, a), (second, b)):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
    return min(a), min(b)


def measure_peaks(path: Path) -> float:
    from qaworkstation.core.audio.peaks import compute_peaks

    read_s, peaks_s = best_alternating(lambda: sf.read(str(path), dtype="int16"), lambda: compute_peaks(path))
    print(f"decode (soundfile.read int16): {read_s * 1000:.1f} ms, peaks: {peaks_s * 1000:.1f} ms")
    return peaks_s / read_s


def measure_open(path: Path, sha: str, turns: list[tuple[str, float, float]]) -> tuple[float, object]:
    from qaworkstation.core.audio.peaks import cached_peaks
    from qaworkstation.core.domain import Flag, Segment
    from qaworkstation.ui.waveform import WaveformView

    cached_peaks(path, sha)  # analysed once, as the app does on first open
    segments = [Segment(speaker, start, end, "") for speaker, start, end in turns]
    flags = [Flag("forbidden", "x", "x", "agent", start + 1, start + 2, None) for _s, start, _e in turns[::12]]
    view = WaveformView()
    view.resize(WIDTH, HEIGHT)
    view.show()
    times = []
    for _ in range(RUNS + 1):
        started = time.perf_counter()
        peaks = cached_peaks(path, sha)
        speech = [peaks.speech(channel) for channel in range(peaks.channels)]
        view.set_peaks(peaks, speech)
        view.set_segments(segments)
        view.set_flags(flags)
        view.wait_for_drawing()  # data landing is drawn on a worker thread: the time counts until it is shown
        view.grab()  # a real paintEvent into a pixmap; repaint() may skip an unexposed window
        times.append(time.perf_counter() - started)
    print(f"open from cache: runs {', '.join(f'{t * 1000:.1f}' for t in times[1:])} ms")
    return statistics.median(times[1:]), view


def measure_zoom(view, path: Path) -> tuple[float, float]:  # noqa: ANN001
    """Per-frame repaint cost over the zoom sweep in and out; each frame's best of :data:`SWEEPS` sweeps, so
    a frame that lost the CPU to another process once is not mistaken for a slow frame."""
    from qaworkstation.ui.waveform import ZOOM_PER_NOTCH

    samples, _rate = sf.read(str(path), dtype="float32", always_2d=True)
    view.set_samples(samples)
    sweeps = np.array([zoom_sweep(view, view.duration * 0.37, ZOOM_PER_NOTCH) for _ in range(SWEEPS)])
    frames, cpu = np.min(sweeps[:, :, 0], axis=0), np.min(sweeps[:, :, 1], axis=0)
    print(f"zoom: {len(frames)} frames from {view.duration:.0f} s to 50 ms per screen and back, best of {SWEEPS} "
          f"sweeps per frame: mean {frames.mean() * 1000:.2f} ms, p95 {np.percentile(frames, 95) * 1000:.2f} ms, "
          f"max {frames.max() * 1000:.2f} ms (single sweep worst {sweeps[:, :, 0].max() * 1000:.2f} ms; "
          f"GUI-thread CPU per frame: mean {cpu.mean() * 1000:.2f} ms, max {cpu.max() * 1000:.2f} ms)")
    return float(frames.mean()), float(frames.max())


def zoom_sweep(view, around: float, factor: float) -> list[tuple[float, float]]:  # noqa: ANN001
    """One wheel notch at a time from the whole call to the deepest zoom and back: (wall, CPU) per repaint."""
    view.set_view(0.0, view.duration)
    frames = []
    for step in (factor, 1 / factor):
        while True:
            before = view.view_span
            started, cpu = time.perf_counter(), time.thread_time()
            view.zoom(step, around)
            view.grab()  # a real paintEvent into a pixmap; repaint() may skip an unexposed window
            frames.append((time.perf_counter() - started, time.thread_time() - cpu))
            if view.view_span == before:
                break
    return frames


def transcript_lines(turns: list[tuple[str, float, float]]) -> list:
    """A line of text for each of the call's first 300 turns."""
    from qaworkstation.core.domain import Segment, Word

    return [Segment(speaker, start, end, "您好，请问有什么可以帮您？我这边帮您查一下订单。",
                    [Word(start, end, "您好，请问有什么可以帮您？我这边帮您查一下订单。")])
            for speaker, start, end in turns[:300]]


def slowest_transcript_step(label: str, shown: list, steps: list, step) -> float:  # noqa: ANN001
    """A transcript view showing ``shown``; ``step(view, line)`` and a repaint timed for each of ``steps``: the
    slowest."""
    from qaworkstation.ui.transcript_view import TranscriptView

    view = TranscriptView()
    view.resize(560, 460)
    view.show()
    view.set_transcript(shown, [])
    times = []
    for line in steps:
        started = time.perf_counter()
        step(view, line)
        view.repaint()
        times.append(time.perf_counter() - started)
    view.close()
    print(f"{label}, {len(times)} lines: median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms")
    return max(times)


def measure_live_lines(turns: list[tuple[str, float, float]]) -> float:
    """The slowest addition of a line to the transcript as the model writes the call's first 300 turns."""
    return slowest_transcript_step("transcript written live", [], transcript_lines(turns),
                                   lambda view, segment: view.add_segment(segment))


def measure_transcript_lines(turns: list[tuple[str, float, float]]) -> float:
    """The slowest line change of the transcript as playback moves through the call's first 300 turns."""
    def follow(view, segment) -> None:  # noqa: ANN001
        view.set_position((segment.start + segment.end) / 2)
        view.highlight_word((segment.start + segment.end) / 2)

    segments = transcript_lines(turns)
    return slowest_transcript_step("transcript line changes", segments, segments, follow)


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from qaworkstation.core.audio.reading import content_hash

    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory(prefix="qaws-bench-") as folder:
        os.environ["QAWS_CACHE_DIR"] = str(Path(folder) / "cache")
        path = Path(folder) / "hour.wav"
        turns = write_call(path)
        print(f"1-hour stereo 8 kHz call: {path.stat().st_size / 1e6:.0f} MB")
        ratio = measure_peaks(path)
        open_s, view = measure_open(path, content_hash(path), turns)
        _mean_s, worst_s = measure_zoom(view, path)
        view.close()
        line_s = measure_transcript_lines(turns)
        live_s = measure_live_lines(turns)
    app.processEvents()
    print(f"peaks_vs_read={ratio:.2f} open_ms={open_s * 1000:.1f} repaint_ms={worst_s * 1000:.1f} "
          f"line_ms={line_s * 1000:.1f} live_ms={live_s * 1000:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
