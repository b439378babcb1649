"""The coaching pack handed to an agent: one self-contained HTML file they can open anywhere.

Each moment carries its transcript excerpt, the score of its call, the coach's note and the audio clip itself
(embedded as a WAV data URI), so the pack needs neither the app nor access to the recordings. The pack
leaves the QA team, so customers' phone, ID and card numbers are masked in its text and muted in its clips.

The pack also closes the loop for the agent: the latest follow-up of their coaching (the outcome, what the
follow-up found, the training asked for) and how often each coached item was lost before and after that
session, so the agent reads the same verdict the coach recorded.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import soundfile as sf

from ..atomic import atomic_write_text
from ..audio.reading import needs_ffmpeg, read_samples
from ..domain import Rubric, Segment
from ..i18n import N_, _
from ..library.store import Store
from ..privacy.redact import mute_spans, redact_segments, redact_text
from .coaching import CoachingSession, ItemRecheck, Moment, recheck, released_evaluations, sessions_for_agent

LEAD_S = 2.0
TextFilter = Callable[[str], str]
# The pack is read by the agent, so speakers are named in words, not the stored identifiers.
_SPEAKER_WORDS = {"agent": N_("agent"), "customer": N_("customer"), "unknown": N_("unknown speaker")}
ClipFilter = Callable[[np.ndarray, int, float, list[Segment]], np.ndarray]
_OUTCOME_WORDS = {"improved": N_("improved"), "partly": N_("partly improved"), "not_improved": N_("not improved")}


def clip_wav(path: str, start: float, end: float) -> tuple[np.ndarray, int]:
    """Samples of [start, end) of a recording, read without loading the whole file — unless libsndfile would stop
    short of its end (an MP3 with no length header), when the whole file is decoded as the player does."""
    if needs_ffmpeg(path):
        samples, rate = read_samples(path)
        return samples[max(0, int(start * rate)):max(0, int(end * rate))], rate
    with sf.SoundFile(path) as handle:
        rate = handle.samplerate
        first = max(0, int(start * rate))
        handle.seek(min(first, handle.frames))
        frames = max(0, min(handle.frames, int(end * rate)) - first)
        return handle.read(frames, dtype="float32", always_2d=True), rate


def _wav_data_uri(samples: np.ndarray, rate: int) -> str:
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format="WAV", subtype="PCM_16")
    return "data:audio/wav;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def mute_personal_data(samples: np.ndarray, rate: int, clip_start: float, segments: list[Segment]) -> np.ndarray:
    """Silence the clip wherever the transcript holds a phone, ID or card number or an e-mail address."""
    spans = [(start - clip_start, end - clip_start) for start, end in redact_segments(segments).mute]
    return mute_spans(samples, rate, spans)


def export_pack(store: Store, session: CoachingSession, path: Path, text_filter: TextFilter = redact_text,
                clip_filter: ClipFilter | None = mute_personal_data,
                rubrics: Mapping[str, Rubric] | None = None) -> Path:
    """Write the pack atomically; ``text_filter``/``clip_filter`` redact what the agent must not see or hear.
    With ``rubrics`` the follow-up section also re-checks the coached items on the agent's calls."""
    sections = [_moment_html(store, moment, text_filter, clip_filter) for moment in session.moments]
    title = html.escape(_("Coaching — {agent}").format(agent=session.agent))
    byline = html.escape(_("Coach: {coach} · {date} · Follow-up: {follow_up}").format(
        coach=session.coach, date=session.updated_at[:10], follow_up=session.follow_up or "—"))
    # TRANSLATORS: the language code the pack's HTML declares (zh-CN for Simplified Chinese)
    page = _PAGE.format(lang=html.escape(_("en")), title=title, byline=byline,
                        plan_heading=html.escape(_("Action plan")), plan=html.escape(session.action_plan),
                        follow_up=_follow_up_html(store, session, rubrics, text_filter), moments="\n".join(sections))
    atomic_write_text(path, page, encoding="utf-8")
    return path


def latest_follow_up(store: Store, session: CoachingSession) -> CoachingSession | None:
    """The agent's most recent session with a follow-up recorded (outcome, result or training request): the
    exported session itself once followed up, else the one before it that this coaching continues."""
    saved = [s for s in sessions_for_agent(store, session.agent) if s.id != session.id]
    candidates = sorted([session, *saved], key=lambda s: s.created_at or "9999", reverse=True)
    return next((s for s in candidates if s.outcome or s.follow_up_result or s.training_request), None)


def _follow_up_html(store: Store, session: CoachingSession, rubrics: Mapping[str, Rubric] | None,
                    text_filter: TextFilter) -> str:
    followed = latest_follow_up(store, session)
    if followed is None:
        return ""
    rows = _recheck_rows(recheck(store, rubrics, followed)) if rubrics is not None else ""
    outcome = _(_OUTCOME_WORDS[followed.outcome]) if followed.outcome else "—"
    return _FOLLOW_UP.format(
        heading=html.escape(_("Follow-up of the coaching of {day}").format(day=followed.day)),
        outcome_label=html.escape(_("Outcome:")), outcome=html.escape(outcome),
        result_label=html.escape(_("Follow-up result:")), result=html.escape(text_filter(followed.follow_up_result)
                                                                            or "—"),
        training_label=html.escape(_("Training requested:")),
        training=html.escape(text_filter(followed.training_request) or _("none")),
        table=_recheck_table(rows) if rows else "")


def _recheck_rows(rechecked: Sequence[ItemRecheck]) -> str:
    def rate(lost: int, calls: int) -> str:
        return f"{lost}/{calls} ({lost / calls:.0%})" if calls else _("no calls")

    verdicts = {True: _("better"), False: _("not better"), None: "—"}
    return "".join(f"<tr><td>{html.escape(item.title)}</td><td>{rate(item.lost_before, item.calls_before)}</td>"
                   f"<td>{rate(item.lost_after, item.calls_after)}</td>"
                   f"<td>{html.escape(verdicts[item.improved])}</td></tr>" for item in rechecked)


def _recheck_table(rows: str) -> str:
    header = "".join(f"<th>{html.escape(text)}</th>" for text in (
        _("Coached item"), _("Lost before the coaching"), _("Lost after it"), _("Verdict")))
    return f'<table class="recheck"><tr>{header}</tr>{rows}</table>'


def _moment_html(store: Store, moment: Moment, text_filter: TextFilter, clip_filter: ClipFilter | None) -> str:
    recording = store.recording(moment.recording_id)
    start = max(0.0, moment.start - LEAD_S)
    end = min(recording["duration"], (moment.end or moment.start) + LEAD_S) if moment.end else recording["duration"]
    transcript = store.latest_transcript(moment.recording_id)
    segments = transcript[0] if transcript else []
    lines = [s for s in segments if s.start < end and s.end > start] if moment.end else []
    audio = ""
    if moment.end:
        samples, rate = clip_wav(recording["path"], start, end)
        if clip_filter:
            samples = clip_filter(samples, rate, start, segments)
        audio = f'<audio controls preload="none" src="{_wav_data_uri(samples, rate)}"></audio>'
    score = _score_line(store, moment.recording_id)
    excerpt = "".join(f"<p><b>{html.escape(_(_SPEAKER_WORDS.get(s.speaker, s.speaker)))}</b> "
                      f"{html.escape(text_filter(s.text))}</p>" for s in lines)
    return _MOMENT.format(call=html.escape(moment.file_name), when=html.escape(moment.call_time.replace("T", " ")),
                          at=f"{int(moment.start // 60):02d}:{moment.start % 60:05.2f}", score=html.escape(score),
                          item=html.escape(f"{moment.severity} {moment.item_title}"),
                          deduction=f"{moment.deduction:g}", heard=html.escape(text_filter(moment.text)),
                          excerpt=excerpt, audio=audio, coach_label=html.escape(_("Coach:")),
                          note=html.escape(moment.note or "—"))


def _score_line(store: Store, recording_id: str) -> str:
    """The call's latest released score: the agent is shown what was submitted to them, never a draft."""
    evaluations = released_evaluations(store, recording_id)
    if not evaluations:
        return ""
    latest = evaluations[-1]
    verdict = _("PASS") if latest.passed else _("FAIL")
    return f"{latest.total:g} / {latest.max_total:g} {verdict}"


_MOMENT = """<section class="moment">
<h2>{call} <small>{when} · {at}</small></h2>
<p class="meta">{item} · −{deduction} · {score}</p>
<p class="heard">“{heard}”</p>
{audio}
<div class="excerpt">{excerpt}</div>
<p class="note"><b>{coach_label}</b> {note}</p>
</section>"""

_FOLLOW_UP = """<section class="follow-up">
<h2>{heading}</h2>
<p><b>{outcome_label}</b> {outcome}</p>
<p><b>{result_label}</b> {result}</p>
<p><b>{training_label}</b> {training}</p>
{table}
</section>"""

_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; max-width: 860px; margin: 2em auto;
       color: #202124; }}
.moment {{ border: 1px solid #dadce0; border-radius: 8px; padding: 0.8em 1.2em; margin: 1em 0; }}
.meta {{ color: #5f6368; }} .heard {{ color: #d93025; font-weight: 600; }}
.excerpt {{ background: #f8f9fa; padding: 0.4em 0.8em; }} audio {{ width: 100%; }}
.recheck {{ border-collapse: collapse; }}
.recheck td, .recheck th {{ border: 1px solid #dadce0; padding: 0.2em 0.6em; }}
</style></head><body>
<h1>{title}</h1>
<p>{byline}</p>
<h2>{plan_heading}</h2><p>{plan}</p>
{follow_up}
{moments}
</body></html>
"""
