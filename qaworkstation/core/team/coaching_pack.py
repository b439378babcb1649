"""The coaching pack handed to an agent: one self-contained HTML file they can open anywhere.

Each moment carries its transcript excerpt, the score of its call, the coach's note and the audio clip itself
(embedded as a WAV data URI), so the pack needs neither the app nor access to the recordings. The pack
leaves the QA team, so customers' phone, ID and card numbers are masked in its text and muted in its clips.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

from ..atomic import atomic_write_text
from ..domain import Segment
from ..i18n import N_, _
from ..library.store import Store
from ..privacy.redact import mute_spans, redact_segments, redact_text
from .coaching import CoachingSession, Moment, released_evaluations

LEAD_S = 2.0
TextFilter = Callable[[str], str]
# The pack is read by the agent, so speakers are named in words, not the stored identifiers.
_SPEAKER_WORDS = {"agent": N_("agent"), "customer": N_("customer"), "unknown": N_("unknown speaker")}
ClipFilter = Callable[[np.ndarray, int, float, list[Segment]], np.ndarray]


def clip_wav(path: str, start: float, end: float) -> tuple[np.ndarray, int]:
    """Samples of [start, end) of a recording, read without loading the whole file."""
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
                clip_filter: ClipFilter | None = mute_personal_data) -> Path:
    """Write the pack atomically; ``text_filter``/``clip_filter`` redact what the agent must not see or hear."""
    sections = [_moment_html(store, moment, text_filter, clip_filter) for moment in session.moments]
    title = html.escape(_("Coaching — {agent}").format(agent=session.agent))
    byline = html.escape(_("Coach: {coach} · {date} · Follow-up: {follow_up}").format(
        coach=session.coach, date=session.updated_at[:10], follow_up=session.follow_up or "—"))
    # TRANSLATORS: the language code the pack's HTML declares (zh-CN for Simplified Chinese)
    page = _PAGE.format(lang=html.escape(_("en")), title=title, byline=byline,
                        plan_heading=html.escape(_("Action plan")), plan=html.escape(session.action_plan),
                        moments="\n".join(sections))
    atomic_write_text(path, page, encoding="utf-8")
    return path


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

_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; max-width: 860px; margin: 2em auto;
       color: #202124; }}
.moment {{ border: 1px solid #dadce0; border-radius: 8px; padding: 0.8em 1.2em; margin: 1em 0; }}
.meta {{ color: #5f6368; }} .heard {{ color: #d93025; font-weight: 600; }}
.excerpt {{ background: #f8f9fa; padding: 0.4em 0.8em; }} audio {{ width: 100%; }}
</style></head><body>
<h1>{title}</h1>
<p>{byline}</p>
<h2>{plan_heading}</h2><p>{plan}</p>
{moments}
</body></html>
"""
