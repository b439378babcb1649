"""Calibration sessions (监控校准): several inspectors score the same call blind, then their scores are compared.

A supervisor creates a session naming one call, the rubric, the inspectors and optionally an expert whose
scorecard is the reference. Sessions are small JSON files in ``calibration/`` of the team share, so every
inspector's app sees its assignments without a server; each file is written atomically and has one writer
(the supervisor), like everything else on the share.

Inspectors score the call as usual in their own library, submit and sync. Their evaluations are matched to the
session by call id (or file name) and rubric: recording ids are local to each library and the synced
record carries no audio hash. The comparison then shows, per rubric item, how far the inspectors agree
(mean, standard deviation, range, share within a tolerance of the reference, agreement on whether points
were lost at all) and, per inspector, how far they are from the reference: the expert's scorecard when there
is one, otherwise the consensus (the median of the inspectors' item scores).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from statistics import fmean, median, pstdev

from ..atomic import atomic_write_bytes
from ..domain import RELEASED_STATUSES, Evaluation, ItemScore, Rubric, RubricItem
from ..i18n import N_, _
from ..library.store import now_iso
from ..scoring.rubric import score_evaluation
from .sync import MANIFEST_NAME

CALIBRATION_DIR = "calibration"  # beside the inspector folders on the share
DEFAULT_TOLERANCE = 1.0  # points: "within one point of the reference" counts as agreeing
EXPERT, CONSENSUS = "expert", "consensus"
# The reference kinds are identifiers; a window names them in the person's words (see reference_label).
_REFERENCE_WORDS = {EXPERT: N_("the expert's scorecard"), CONSENSUS: N_("the consensus (median of the inspectors)")}
_SUFFIX = ".json"


@dataclass
class CalibrationSession:
    """One call scored by several inspectors. ``expert`` (optional) is the inspector whose scorecard is the
    reference; ``recording_sha256`` lets each inspector's app find the exact audio in their library."""

    id: str
    rubric_id: str
    call_id: str
    inspectors: list[str]
    expert: str = ""
    file_name: str = ""
    recording_sha256: str = ""
    title: str = ""
    created_by: str = ""
    created_at: str = ""
    due: str = ""

    @property
    def participants(self) -> list[str]:
        """Everyone expected to score the call, the expert last."""
        return [*self.inspectors, *([self.expert] if self.expert and self.expert not in self.inspectors else [])]

    def matches(self, evaluation: Evaluation) -> bool:
        """Whether ``evaluation`` scores this session's call with its rubric."""
        if evaluation.rubric_id != self.rubric_id:
            return False
        if self.call_id:
            return evaluation.call_id == self.call_id
        return bool(self.file_name) and evaluation.file_name == self.file_name


def new_session(rubric_id: str, call_id: str, inspectors: Iterable[str], expert: str = "", *, file_name: str = "",
                recording_sha256: str = "", title: str = "", created_by: str = "", due: str = "") -> CalibrationSession:
    """A session with a fresh id; inspectors are de-duplicated and the expert is not scored against themself."""
    chosen = [name for name in dict.fromkeys(i.strip() for i in inspectors) if name and name != expert]
    if not call_id and not file_name:
        raise ValueError(_("a calibration session needs the call id or the file name of the call"))
    if len(chosen) < 2 and not expert:
        raise ValueError(_("a calibration session needs at least two inspectors, or one and an expert"))
    return CalibrationSession(str(uuid.uuid4()), rubric_id, call_id, chosen, expert, file_name, recording_sha256,
                              title, created_by, now_iso(), due)


def save_session(share: str | os.PathLike[str], session: CalibrationSession) -> Path:
    """Write ``calibration/<id>.json`` under the share (the share itself must exist: it may be unmounted)."""
    root = Path(share)
    if not root.is_dir():
        raise FileNotFoundError(_("The shared folder {folder} was not found; check that the share is mounted.")
                                .format(folder=root))
    folder = root / CALIBRATION_DIR
    folder.mkdir(exist_ok=True)
    path = folder / f"{session.id}{_SUFFIX}"
    atomic_write_bytes(path, (json.dumps(asdict(session), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path


def load_sessions(share: str | os.PathLike[str]) -> tuple[list[CalibrationSession], list[str]]:
    """Every session on the share, newest first, and a problem per file that could not be used."""
    folder = Path(share) / CALIBRATION_DIR
    try:
        paths = sorted(p for p in folder.iterdir()
                       if p.suffix == _SUFFIX and not p.name.startswith(".") and p.name != MANIFEST_NAME)
    except FileNotFoundError:
        return [], []
    except OSError as err:
        return [], [_("{folder}: could not be read ({error})").format(folder=folder, error=err.strerror or err)]
    sessions, problems = [], []
    for path in paths:
        try:
            sessions.append(_session_from_json(json.loads(path.read_bytes().decode("utf-8-sig"))))
        except (OSError, ValueError, TypeError) as err:
            problems.append(_("{file}: not a usable calibration session ({error})").format(file=path, error=err))
    return sorted(sessions, key=lambda s: (s.created_at, s.id), reverse=True), problems


def _session_from_json(data: object) -> CalibrationSession:
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    known = {f.name for f in fields(CalibrationSession)}
    values = {key: value for key, value in data.items() if key in known}
    session = CalibrationSession(**values)
    texts = [value for key, value in asdict(session).items() if key != "inspectors"]
    if not all(isinstance(value, str) for value in texts) or not session.id or not session.rubric_id:
        raise ValueError("missing id or rubric_id, or a field that is not text")
    if not isinstance(session.inspectors, list) or not all(isinstance(name, str) for name in session.inspectors):
        raise ValueError("inspectors must be a list of names")
    return session


def sessions_for(sessions: Iterable[CalibrationSession], inspector: str) -> list[CalibrationSession]:
    """The sessions ``inspector`` is asked to score."""
    return [session for session in sessions if inspector in session.participants]


def still_to_score(sessions: Iterable[CalibrationSession], inspector: str,
                   evaluations: Iterable[Evaluation]) -> list[CalibrationSession]:
    """The sessions ``inspector`` is asked to score and has not yet released a scorecard for: what their window
    reminds them of, since a supervisor assigns calibration on the share and nobody else tells them."""
    released = [ev for ev in evaluations if ev.inspector == inspector and ev.status in RELEASED_STATUSES]
    return [session for session in sessions_for(sessions, inspector)
            if not any(session.matches(ev) for ev in released)]


def session_evaluations(session: CalibrationSession, evaluations: Iterable[Evaluation]) -> dict[str, Evaluation]:
    """Each participant's released scorecard of the session's call, the latest if they scored it more than once.

    A draft is left out: the inspector may still change it, so it is neither compared nor a reason to show
    them the others' scores. A disputed scorecard counts, as in every team figure (see
    :mod:`qaworkstation.core.team.aggregate`): it stands until a ruling brings a corrected version.
    """
    found: dict[str, Evaluation] = {}
    for evaluation in evaluations:
        if (evaluation.status in RELEASED_STATUSES and evaluation.inspector in session.participants
                and session.matches(evaluation)):
            current = found.get(evaluation.inspector)
            if current is None or evaluation.updated_at > current.updated_at:
                found[evaluation.inspector] = evaluation
    return found


def results_visible_to(session: CalibrationSession, inspector: str, evaluations: Iterable[Evaluation]) -> bool:
    """Scoring is blind: an inspector sees the others' scores (and the expert's) only after submitting their
    own. The supervisor who created the session and the expert may always look."""
    if inspector in (session.created_by, session.expert):
        return True
    return inspector in session_evaluations(session, evaluations)


# ---------------------------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class ItemAgreement:
    """How the inspectors scored one item. ``scores`` holds each inspector's points (None for N/A);
    the statistics are over the scored (not N/A) values."""

    item_id: str
    title: str
    severity: str
    max_points: float
    scores: dict[str, float | None]
    reference: float | None
    consensus: float | None
    mean: float | None
    std: float | None
    low: float | None
    high: float | None
    within_share: float | None
    deduct_agreement: float | None

    @property
    def spread(self) -> float | None:
        return self.high - self.low if self.high is not None and self.low is not None else None


@dataclass(frozen=True)
class InspectorDeviation:
    """One inspector against the reference: totals, and how many items they scored differently."""

    inspector: str
    total: float
    percent: float
    passed: bool
    total_deviation: float
    percent_deviation: float
    mean_abs_item_deviation: float
    items_off: list[str]
    agrees_on_pass: bool


@dataclass
class CalibrationResult:
    session: CalibrationSession
    reference_kind: str  # EXPERT or CONSENSUS
    reference_total: float
    reference_percent: float
    reference_passed: bool
    items: list[ItemAgreement]
    inspectors: list[InspectorDeviation]
    missing: list[str] = field(default_factory=list)
    tolerance: float = DEFAULT_TOLERANCE

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def reference_label(self) -> str:
        """What the inspectors were compared with, in the chosen language (``reference_kind`` is the id)."""
        return _(_REFERENCE_WORDS[self.reference_kind])

    @property
    def pass_agreement(self) -> float | None:
        """Share of inspectors whose pass/fail verdict matches the reference's."""
        if not self.inspectors:
            return None
        return sum(d.agrees_on_pass for d in self.inspectors) / len(self.inspectors)

    @property
    def least_agreed(self) -> list[ItemAgreement]:
        """The items the inspectors did not all score alike, to discuss first: the widest spread, then the
        fewest inspectors near the reference."""
        disputed = [item for item in self.items
                    if (item.spread or 0.0) > 0 or (item.within_share or 1.0) < 1 or (item.deduct_agreement or 1.0) < 1]
        return sorted(disputed, key=lambda i: (-(i.spread or 0.0), i.within_share or 0.0, i.item_id))


def calibrate(session: CalibrationSession, evaluations: Iterable[Evaluation], rubric: Rubric,
              tolerance: float = DEFAULT_TOLERANCE) -> CalibrationResult:
    """Compare the inspectors' scorecards of the session's call, item by item and in total.

    Works on whatever has been submitted so far (``missing`` names who has not scored yet). The expert is the
    reference when they have scored; otherwise the consensus is, so a session without an expert still shows
    who scores apart from the group.
    """
    if rubric.id != session.rubric_id:
        raise ValueError(f"session {session.id} uses rubric {session.rubric_id!r}, not {rubric.id!r}")
    submitted = session_evaluations(session, evaluations)
    scorers = [name for name in session.inspectors if name in submitted and name != session.expert]
    points = {name: _points(rubric, submitted[name]) for name in submitted}
    consensus = {item.id: _consensus([points[name][item.id] for name in scorers]) for item in rubric.items}
    expert_scored = bool(session.expert) and session.expert in submitted
    reference = points[session.expert] if expert_scored else consensus
    reference_summary = score_evaluation(rubric, _as_items(reference))
    items = [_agreement(item, {name: points[name][item.id] for name in scorers}, reference[item.id],
                        consensus[item.id], tolerance) for item in rubric.items]
    deviations = [_deviation(name, points[name], reference, rubric, reference_summary.passed, tolerance)
                  for name in scorers]
    return CalibrationResult(
        session=session, reference_kind=EXPERT if expert_scored else CONSENSUS,
        reference_total=reference_summary.total, reference_percent=reference_summary.percent,
        reference_passed=reference_summary.passed, items=items, inspectors=deviations,
        missing=[name for name in session.participants if name not in submitted], tolerance=tolerance,
    )


def _points(rubric: Rubric, evaluation: Evaluation) -> dict[str, float | None]:
    """Points per item as the rubric counts them: unscored is full marks, N/A (where allowed) is None."""
    result: dict[str, float | None] = {}
    for item in rubric.items:
        verdict = evaluation.items.get(item.id, ItemScore(item.id))
        if verdict.na and item.allow_na:
            result[item.id] = None
        elif verdict.score is None:
            result[item.id] = item.max_points
        else:
            result[item.id] = min(max(float(verdict.score), 0.0), item.max_points)
    return result


def _consensus(values: list[float | None]) -> float | None:
    """The median of the scored values; N/A when most inspectors judged the item not applicable."""
    scored = [v for v in values if v is not None]
    if not scored or len(scored) * 2 < len(values):
        return None
    return float(median(scored))


def _as_items(points: dict[str, float | None]) -> dict[str, ItemScore]:
    return {item_id: ItemScore(item_id, value, na=value is None) for item_id, value in points.items()}


def _agreement(item: RubricItem, scores: dict[str, float | None], reference: float | None, consensus: float | None,
               tolerance: float) -> ItemAgreement:
    scored = [v for v in scores.values() if v is not None]
    return ItemAgreement(
        item_id=item.id, title=item.title, severity=item.severity, max_points=item.max_points, scores=scores,
        reference=reference, consensus=consensus,
        mean=fmean(scored) if scored else None, std=pstdev(scored) if scored else None,
        low=min(scored, default=None), high=max(scored, default=None),
        within_share=_share([_close(v, reference, tolerance) for v in scores.values()]),
        deduct_agreement=_share([_lost(v, item) == _lost(reference, item) for v in scores.values()]),
    )


def _close(value: float | None, reference: float | None, tolerance: float) -> bool:
    if value is None or reference is None:
        return value is None and reference is None
    return abs(value - reference) <= tolerance + 1e-9


def _lost(value: float | None, item: RubricItem) -> bool | None:
    """Whether the item lost points: True/False, or None for N/A."""
    return None if value is None else value < item.max_points - 1e-9


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _deviation(inspector: str, points: dict[str, float | None], reference: dict[str, float | None], rubric: Rubric,
               reference_passed: bool, tolerance: float) -> InspectorDeviation:
    own = score_evaluation(rubric, _as_items(points))
    ref = score_evaluation(rubric, _as_items(reference))
    differences = {item_id: (points[item_id] or 0.0) - (reference[item_id] or 0.0) for item_id in points
                   if points[item_id] is not None and reference[item_id] is not None}
    off = [item_id for item_id in points if not _close(points[item_id], reference[item_id], tolerance)]
    return InspectorDeviation(
        inspector=inspector, total=own.total, percent=own.percent, passed=own.passed,
        total_deviation=own.total - ref.total, percent_deviation=own.percent - ref.percent,
        mean_abs_item_deviation=fmean(abs(d) for d in differences.values()) if differences else 0.0,
        items_off=off, agrees_on_pass=own.passed == reference_passed,
    )
