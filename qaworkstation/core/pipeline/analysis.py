"""One recording through the whole pipeline: transcript (cached), rubric rules, stored flags and checks.

The command line, the window's workers and the tests all call :func:`analyse_recording`, so a call analysed
anywhere looks the same everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..asr.transcribe import CancelCheck, ProgressCallback, SegmentCallback, Transcriber, cache_key
from ..domain import Check, Flag, Rubric, Segment
from ..library.store import Store
from ..rules.behaviour import recording_audio
from ..rules.flags import find_flags
from ..rules.risk import risk_score
from ..scoring.rubric import bundled_rubrics_dir, list_rubrics, load_rubric

AUTO_RUBRIC = "auto"


@dataclass
class AnalysisResult:
    recording: dict[str, Any]
    language: str
    segments: list[Segment]
    flags: list[Flag]
    checks: list[Check]
    rubric_id: str
    from_cache: bool

    def to_json(self) -> dict[str, Any]:
        """The machine-readable form printed by ``qaws analyze --json``."""
        return {
            "file": self.recording["path"],
            "recording_id": self.recording["id"],
            "duration": round(self.recording["duration"], 3),
            "channels": self.recording["channels"],
            "agent": self.recording["agent"],
            "team": self.recording["team"],
            "language": self.language,
            "rubric": self.rubric_id,
            "segments": [{"speaker": s.speaker, "start": s.start, "end": s.end, "text": s.text}
                         for s in self.segments],
            "flags": [asdict(f) for f in self.flags],
            "checks": [{"category": c.category, "present": c.present, "item": c.item, "deduction": c.deduction,
                        "part": c.part} for c in self.checks],
        }


class RubricLibrary:
    """The rubrics available to this workstation, chosen explicitly or by the call's language."""

    def __init__(self, choice: str = AUTO_RUBRIC, folder: Path | None = None) -> None:
        self.folder = folder or bundled_rubrics_dir()
        self.choice = choice
        self._all: list[Rubric] | None = None
        self._fixed = self._load_choice(choice) if choice != AUTO_RUBRIC else None

    def _load_choice(self, choice: str) -> Rubric:
        """A path to a rubric file, or the id (or file stem) of a rubric in the folder."""
        path = Path(choice)
        if path.suffix:
            return load_rubric(path)
        for rubric in self.all():
            if choice in (rubric.id, Path(rubric.source).stem):
                return rubric
        known = ", ".join(r.id for r in self.all())
        raise FileNotFoundError(f"no rubric {choice!r} in {self.folder}; known rubrics: {known}")

    def all(self) -> list[Rubric]:
        if self._all is None:
            self._all = [load_rubric(path) for path in list_rubrics(self.folder)]
        return self._all

    def for_language(self, language: str) -> Rubric:
        if self._fixed:
            return self._fixed
        rubrics = self.all()
        if not rubrics:
            raise FileNotFoundError(f"{self.folder}: no rubric files (*.yaml) found")
        return next((r for r in rubrics if r.language == language), rubrics[0])

    def by_id(self, rubric_id: str) -> Rubric:
        if self._fixed and self._fixed.id == rubric_id:
            return self._fixed
        return next(r for r in self.all() if r.id == rubric_id)


@dataclass(frozen=True)
class Verdict:
    """What the rubric's rules make of one transcript."""

    rubric_id: str
    flags: list[Flag]
    checks: list[Check]
    risk: float


def judge(rubrics: RubricLibrary, segments: list[Segment], language: str, duration: float,
          audio_path: str | Path) -> Verdict:
    """The rules step of every analysis, here and on cluster workers alike, so a call flags the same wherever
    it ran. ``audio_path`` is where this process reads the recording, for the rules that measure the sound."""
    rubric = rubrics.for_language(language)
    audio = recording_audio(audio_path) if rubric.behaviour_rules else None
    flags, checks = find_flags(segments, rubric, duration, audio=audio)
    return Verdict(rubric.id, flags, checks, risk_score(rubric, flags, checks))


def transcript_for(store: Store, transcriber: Transcriber, recording: dict[str, Any],
                   progress: ProgressCallback | None = None, on_segment: SegmentCallback | None = None,
                   cancelled: CancelCheck | None = None) -> tuple[list[Segment], str, bool]:
    """The recording's transcript from the cache, or from the model (then cached); returns (segments, lang, hit)."""
    key = cache_key(recording["sha256"], transcriber.settings, transcriber.model_choice.id)
    cached = store.cached_segments(key)
    if cached is not None:
        if progress:
            progress(1.0)
        return cached[0], cached[1], True
    transcript = transcriber.transcribe_file(recording["path"], recording["channels"], recording["duration"],
                                             progress, on_segment, cancelled)
    store.save_transcript(recording["id"], key, transcriber.model_choice.id, asdict(transcriber.settings),
                          transcript.language, transcript.segments)
    return transcript.segments, transcript.language, False


def analyse_recording(store: Store, transcriber: Transcriber, rubrics: RubricLibrary, recording_id: str,
                      progress: ProgressCallback | None = None, on_segment: SegmentCallback | None = None,
                      cancelled: CancelCheck | None = None) -> AnalysisResult:
    recording = store.recording(recording_id)
    segments, language, hit = transcript_for(store, transcriber, recording, progress, on_segment, cancelled)
    verdict = judge(rubrics, segments, language, recording["duration"], recording["path"])
    store.save_analysis(recording_id, verdict.rubric_id, verdict.flags, verdict.checks, verdict.risk)
    return AnalysisResult(store.recording(recording_id), language, segments, verdict.flags, verdict.checks,
                          verdict.rubric_id, hit)
