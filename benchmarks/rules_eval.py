"""How well the rubric rules find what a correct analyser should, measured on calls with ground truth.

Every call in a folder goes through the app's own path — imported into a temporary library, transcribed with
the default model, analysed with the rubric of its language — and the flags are compared with the events of
the ``*.truth.json`` beside it. A flag matches a truth event when their categories agree, their speakers agree
(a truth event without a speaker, such as a silence, accepts any), the flag's rubric phrase is the event's
phrase when the event names one (either may contain the other: 我不清楚 for 不清楚) and their times overlap, allowing
:data:`TOLERANCE_S` for loose word timestamps (a talk-over is a moment, not a span). In mono calls the
analyser cannot tell the sides apart and says ``unknown``: that counts as the agent.

Per category: TP = truth events found, FN = truth events missed, FP = flags that match no truth event;
precision = flags matching an event / all flags, recall = TP / truth events. Greeting and closing events are
positive evidence (the agent said one in that turn). Categories the truth files do not annotate (order rules,
speech rate, ...) are listed with their flag count only. Call-level ``present`` entries are checked against
the analyser's checks.

With ``--mono`` every stereo call of the folders is mixed down to one channel (as ``sox in.wav -c 1 out.wav
remix 1,2`` does) and analysed instead, with the stereo original's truth: the report adds the attribution (share
of recognised speech time given to the speaker of the truth turn it lies in) and the customer's phrases charged
to the agent (phrase flags on the agent's side inside a customer's turn), and precision must reach
:data:`MIN_PRECISION_MONO`.

Usage: ``python benchmarks/rules_eval.py [FOLDER ...] [--noisy] [--mono]``. Targets are enforced (exit status 1)
on the folders given (by default the corpus ``calls/``); ``--noisy`` adds ``calls_noisy/`` as a report.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile

from qaworkstation.core.asr.transcribe import Transcriber
from qaworkstation.core.audio.reading import is_audio_file, read_samples
from qaworkstation.core.domain import AGENT, CUSTOMER, PHRASE_CATEGORIES, UNKNOWN, Flag
from qaworkstation.core.library.importer import import_paths
from qaworkstation.core.library.store import Store
from qaworkstation.core.pipeline.analysis import AnalysisResult, RubricLibrary, analyse_recording
from qaworkstation.core.textnorm import normalize

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CALLS = CORPUS / "calls"
NOISY = CORPUS / "calls_noisy"
TOLERANCE_S = 0.3
TARGET_CATEGORIES = ("forbidden", "insult", "greeting", "closing", "silence", "overtalk")
REPORTED_CATEGORIES = ("filler", "apology")
MIN_RECALL = 0.95
MIN_PRECISION = 0.9
MIN_PRECISION_MONO = 0.95
MIN_ATTRIBUTION = 0.90


@dataclass
class Tally:
    events: int = 0
    found: int = 0
    flags: int = 0
    false: int = 0

    @property
    def missed(self) -> int:
        return self.events - self.found

    @property
    def precision(self) -> float | None:
        return (self.flags - self.false) / self.flags if self.flags else None

    @property
    def recall(self) -> float | None:
        return self.found / self.events if self.events else None


@dataclass
class Report:
    folder: Path
    tallies: dict[str, Tally] = field(default_factory=dict)
    checks_right: int = 0
    checks_total: int = 0
    customer_phrase_flags: list[tuple[str, Flag]] = field(default_factory=list)
    mono_calls: list[str] = field(default_factory=list)
    untruthed: list[tuple[str, Flag]] = field(default_factory=list)
    mixdown: bool = False
    attributed_s: float = 0.0  # recognised speech time given to the truth's speaker (mixdowns only)
    speech_s: float = 0.0
    charged_to_agent: list[tuple[str, Flag]] = field(default_factory=list)
    seconds: float = 0.0
    true_confidence: list[float] = field(default_factory=list)  # of phrase flags matching a truth event
    false_confidence: list[float] = field(default_factory=list)  # of phrase flags matching none

    @property
    def attribution(self) -> float | None:
        return self.attributed_s / self.speech_s if self.speech_s else None

    def tally(self, category: str) -> Tally:
        return self.tallies.setdefault(category, Tally())


def analyse_folder(folder: Path, transcriber: Transcriber, rubrics: RubricLibrary) -> list[AnalysisResult]:
    """Every audio file of the folder through the app's import and analysis, in a throwaway library."""
    with tempfile.TemporaryDirectory(prefix="qaws-rules-eval-") as tmp:
        store = Store(Path(tmp) / "library.sqlite3")
        try:
            imported = import_paths(store, [folder])
            if imported.errors:
                raise SystemExit(f"{folder}: cannot import {imported.errors}")
            return [analyse_recording(store, transcriber, rubrics, rid) for rid in imported.recording_ids]
        finally:
            store.close()


def truth_for(audio: Path) -> dict | None:
    path = audio.with_name(audio.stem + ".truth.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def mix_down(folder: Path, target: Path) -> Path:
    """Every stereo call of ``folder`` summed to one channel (clipped, as sox's remix 1,2), with its truth file."""
    for audio in sorted(p for p in folder.iterdir() if is_audio_file(p) and truth_for(p) is not None):
        samples, rate = read_samples(audio)
        if samples.shape[1] != 2:
            continue
        soundfile.write(target / f"{audio.stem}.wav", np.clip(samples.sum(axis=1), -1.0, 1.0), rate,
                        subtype="PCM_16")
        shutil.copy(audio.with_name(audio.stem + ".truth.json"), target / f"{audio.stem}.truth.json")
    return target


def evaluate(folder: Path, results: list[AnalysisResult], mixdown: bool = False) -> Report:
    report = Report(folder, mixdown=mixdown)
    for result in results:
        audio = Path(result.recording["path"])
        truth = truth_for(audio)
        if truth is None:
            continue
        mono = result.recording["channels"] == 1
        if mono and not mixdown:
            report.mono_calls.append(audio.name)
        _score_call(report, audio.name, truth, result, mono)
        if mixdown:
            _score_attribution(report, audio.name, truth, result)
    return report


def _score_attribution(report: Report, name: str, truth: dict, result: AnalysisResult) -> None:
    """Each recognised word's time counts as right when its speaker is the speaker of a truth turn it lies in."""
    for segment in result.segments:
        for word in segment.words:
            speakers = _turn_speakers(truth, (word.start + word.end) / 2)
            if speakers:
                report.speech_s += word.end - word.start
                report.attributed_s += (word.end - word.start) * (segment.speaker in speakers)
    report.charged_to_agent += [(name, flag) for flag in result.flags if flag.category in PHRASE_CATEGORIES
                                and flag.speaker != CUSTOMER
                                and _turn_speakers(truth, (flag.start + flag.end) / 2) == {CUSTOMER}]


def _turn_speakers(truth: dict, moment: float) -> set[str]:
    return {turn["speaker"] for turn in truth["turns"]
            if turn["start"] - TOLERANCE_S <= moment <= turn["end"] + TOLERANCE_S}


def _score_call(report: Report, name: str, truth: dict, result: AnalysisResult, mono: bool) -> None:
    events = [event for event in truth["events"] if "start" in event]
    annotated = {event["category"] for event in truth["events"]} | set(TARGET_CATEGORIES + REPORTED_CATEGORIES)
    for category in sorted({event["category"] for event in events} | {flag.category for flag in result.flags}):
        if category not in annotated:
            continue
        own_events = [event for event in events if event["category"] == category]
        own_flags = [flag for flag in result.flags if flag.category == category]
        tally = report.tally(category)
        tally.events += len(own_events)
        tally.found += sum(any(_matches(flag, event, mono) for flag in own_flags) for event in own_events)
        right = [any(_matches(flag, event, mono) for event in own_events) for flag in own_flags]
        tally.flags += len(own_flags)
        tally.false += right.count(False)
        if category in PHRASE_CATEGORIES:
            for flag, matched in zip(own_flags, right):
                (report.true_confidence if matched else report.false_confidence).append(flag.confidence)
    report.untruthed += [(name, flag) for flag in result.flags if flag.category not in annotated]
    report.customer_phrase_flags += [(name, flag) for flag in result.flags
                                     if flag.category in PHRASE_CATEGORIES and flag.speaker == CUSTOMER]
    # The whole-phrase checks (a greeting said at all); checks of required parts name a part and are not in truth.
    checks = {check.category: check.present for check in result.checks if not check.part}
    for event in truth["events"]:
        if "present" in event:
            report.checks_total += 1
            report.checks_right += checks.get(event["category"]) == event["present"]


def _matches(flag: Flag, event: dict, mono: bool) -> bool:
    speaker = event.get("speaker")
    flag_speaker = AGENT if mono and flag.speaker == UNKNOWN else flag.speaker
    if speaker is not None and flag_speaker != speaker:
        return False
    if "phrase" in event and not _same_phrase(flag.phrase, event["phrase"]):
        return False
    end = event.get("end", event["start"])
    return flag.start <= end + TOLERANCE_S and event["start"] <= flag.end + TOLERANCE_S


def _same_phrase(flagged: str, expected: str) -> bool:
    """The rubric may word a phrase more fully than the truth file (我不清楚 for 不清楚): either contains the other."""
    flagged, expected = normalize(flagged), normalize(expected)
    return expected in flagged or flagged in expected


def print_report(report: Report, enforced: bool) -> bool:
    """The table and the verdict on the targets; returns whether every target is met."""
    print(f"\n== {report.folder}{'' if enforced else '  (report only)'}")
    print(f"{'category':<12}{'events':>7}{'TP':>5}{'FN':>5}{'flags':>7}{'FP':>5}{'precision':>11}{'recall':>8}")
    ordered = [c for c in TARGET_CATEGORIES + REPORTED_CATEGORIES if c in report.tallies]
    ordered += sorted(set(report.tallies) - set(ordered))
    for category in ordered:
        t = report.tallies[category]
        mark = "*" if category in TARGET_CATEGORIES else " "
        print(f"{category + mark:<12}{t.events:>7}{t.found:>5}{t.missed:>5}{t.flags:>7}{t.false:>5}"
              f"{_ratio(t.precision):>11}{_ratio(t.recall):>8}")
    print(f"* target: precision >= {_min_precision(report)}, recall >= {MIN_RECALL}. "
          f"Times overlap within {TOLERANCE_S} s.")
    if report.mixdown:
        print(f"mixdowns to mono: attribution {_ratio(report.attribution)} (target >= {MIN_ATTRIBUTION}); "
              f"customer phrases charged to the agent: {len(report.charged_to_agent)}")
        for name, flag in report.charged_to_agent:
            print(f"  {name}: {flag.category} {flag.phrase!r} heard as {flag.text!r} at {flag.start:.2f}")
    print(f"analysis time (import, transcription, attribution, rules): {report.seconds:.1f} s")
    if report.mono_calls:
        print(f"mono calls ({', '.join(report.mono_calls)}): speech left 'unknown' by attribution counts as the agent.")
    print(f"call-level checks (greeting/closing present): {report.checks_right}/{report.checks_total} right")
    print(f"phrase flag confidence: true hits {_mean(report.true_confidence)} (n={len(report.true_confidence)}, "
          f"min {_ratio(min(report.true_confidence, default=None))}), false hits {_mean(report.false_confidence)} "
          f"(n={len(report.false_confidence)}, max {_ratio(max(report.false_confidence, default=None))})")
    print(f"phrase flags attributed to the customer: {len(report.customer_phrase_flags)}")
    for name, flag in report.customer_phrase_flags:
        print(f"  {name}: {flag.category} {flag.phrase!r} heard as {flag.text!r} at {flag.start:.2f}")
    _print_untruthed(report)
    failures = _failures(report)
    for failure in failures:
        print(f"TARGET MISSED: {failure}")
    print("targets met" if not failures else f"{len(failures)} target(s) missed")
    return not failures


def _print_untruthed(report: Report) -> None:
    if not report.untruthed:
        return
    counts: dict[str, int] = {}
    for _, flag in report.untruthed:
        counts[flag.category] = counts.get(flag.category, 0) + 1
    print("flags of categories the truth files do not annotate: "
          + ", ".join(f"{category} {count}" for category, count in sorted(counts.items())))
    for name, flag in report.untruthed:
        print(f"  {name}: {flag.category} {flag.phrase!r} {flag.text!r} {flag.speaker} {flag.start:.2f}-{flag.end:.2f}")


def _failures(report: Report) -> list[str]:
    failures = []
    for category in TARGET_CATEGORIES:
        t = report.tallies.get(category, Tally())
        if t.recall is not None and t.recall < MIN_RECALL:
            failures.append(f"{category} recall {t.recall:.2f} < {MIN_RECALL}")
        if t.precision is not None and t.precision < _min_precision(report):
            failures.append(f"{category} precision {t.precision:.2f} < {_min_precision(report)}")
    if report.mixdown and (report.attribution or 0.0) < MIN_ATTRIBUTION:
        failures.append(f"attribution {_ratio(report.attribution)} < {MIN_ATTRIBUTION}")
    if report.charged_to_agent:
        failures.append(f"{len(report.charged_to_agent)} customer phrase(s) charged to the agent")
    if report.customer_phrase_flags and not report.mixdown:
        failures.append(f"{len(report.customer_phrase_flags)} phrase flag(s) attributed to the customer")
    return failures


def _min_precision(report: Report) -> float:
    return MIN_PRECISION_MONO if report.mixdown else MIN_PRECISION


def _mean(values: list[float]) -> str:
    return _ratio(sum(values) / len(values) if values else None)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[CALLS], help=f"call folders (default {CALLS})")
    parser.add_argument("--noisy", action="store_true", help=f"also report on {NOISY}")
    parser.add_argument("--mono", action="store_true", help="analyse the stereo calls mixed down to mono instead")
    args = parser.parse_args(argv)
    transcriber, rubrics = Transcriber(), RubricLibrary()
    runs = [(folder, True) for folder in args.folders] + ([(NOISY, False)] if args.noisy else [])
    met = True
    for folder, enforced in runs:
        with tempfile.TemporaryDirectory(prefix="qaws-mono-") as tmp:
            source = mix_down(folder, Path(tmp)) if args.mono else folder
            started = time.monotonic()
            report = evaluate(source, analyse_folder(source, transcriber, rubrics), mixdown=args.mono)
            report.seconds, report.folder = time.monotonic() - started, folder
        passed = print_report(report, enforced)
        met = met and (passed or not enforced)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
