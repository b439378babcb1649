"""Charts of quality reports, daily detail and calibration, and their PDF and PNG exports.

Figures are plain :class:`matplotlib.figure.Figure` objects drawn with the Agg canvas; pyplot is never used, so
nothing here touches a GUI backend or global figure state. The window embeds the same figures with
``FigureCanvasQTAgg(figure)``; the PDF is one figure per A4 landscape page.

Chinese text needs a CJK font: :func:`configure_fonts` puts the first installed one in front of matplotlib's
sans-serif list, and matplotlib falls back glyph by glyph, so no label is drawn as empty boxes. The PDF keeps
matplotlib's default Type 3 font subsets: Noto CJK is an OpenType/CFF font, which Type 42 embedding mislabels.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch

from ..atomic import atomic_write_bytes
from .calibration import EXPERT, CalibrationResult
from .reports import (SEVERITIES, AgentTrend, DetailRow, Forecast, ListenedCall, QualityReport, Stats, export_csvs,
                      export_xlsx, label, minutes, recheck_table, report_tables, rule_precision_table,
                      training_table)

# In order of preference: Simplified Chinese faces on Linux, Windows and macOS, then any CJK face.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Noto Sans CJK JP", "Noto Sans CJK TC")
PAGE_SIZE = (11.69, 8.27)  # A4 landscape, inches
PNG_DPI = 150
EXPORT_FORMATS = ("pdf", "png", "csv", "xlsx")

CURRENT = "#2f6db5"
PREVIOUS = "#b7c6dc"
COMMON = "#d0483f"
INDIVIDUAL = "#8d99a6"
GOOD = "#2e8b57"
BAD = "#c0392b"
SEVERITY_COLOURS = {"A": "#c0392b", "B": "#e67e22", "C": "#e9c46a"}
TEAM_COLOURS = ("#2f6db5", "#e07b39", "#3a9d5d", "#8e5bb5", "#c94f6d", "#4aa3b5", "#9c7b3c", "#5f6b7a")
_MAX_AGENT_BARS = 30
_MAX_PROBLEM_BARS = 14
_TREND_COLUMNS = 4
_TRENDS_PER_PAGE = 16
_TABLE_ROWS = 28
_HIGHLIGHTS = 5
_CALIBRATION_ITEMS = 10
_DETAIL_WIDTHS = (0.09, 0.07, 0.07, 0.08, 0.06, 0.06, 0.05, 0.37, 0.15)
_DEDUCTED_WIDTH = 62  # half-width characters that fit the detail table's deducted-items column
_FLAGS_WIDTH = 24
_PRECISION_WIDTHS = (0.12, 0.09, 0.2, 0.19, 0.07, 0.07, 0.07, 0.08, 0.08)
_PERCENT_TICKS = range(0, 101, 20)  # the axes run past 100% to leave room for labels; the ticks do not
_LIST_WIDTH = 58  # half-width characters that fit beside an agent's name in the individual-problem list
_TRAINING_WIDTHS = (0.06, 0.2, 0.08, 0.08, 0.18, 0.4)
_TRAINING_AGENTS_WIDTH = 60
_RECHECK_WIDTHS = (0.08, 0.07, 0.09, 0.08, 0.2, 0.09, 0.09, 0.09, 0.09, 0.08)
_RECHECK_ROWS = 12
_LISTENING_WIDTHS = (0.09, 0.06, 0.08, 0.08, 0.09, 0.07, 0.53)
_WHY_WIDTH = 80  # half-width characters of the listening list's "why" column
_CASE_WIDTH = 150  # half-width characters of an excerpt line on the case-analysis page
_CASE_LINES = 34  # lines that fit the case-analysis page; the rest are in the cases table
_REPEAT_AGENTS = 16  # agents on the repeat-call page, lowest first-call resolution first; the rest in the table
_REPEAT_MIN_CALLS = 10  # an agent with fewer calls with a caller id is not ranked on the page
WITHIN = "#3a9d5d"
SHORT = "#e9c46a"
LONG = "#c0392b"


def configure_fonts() -> list[str]:
    """Put the installed CJK fonts first in matplotlib's sans-serif list; returns the ones found.

    Idempotent, and global on purpose: the window's own charts need the same fonts as the PDF.
    """
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    found = [name for name in CJK_FONTS if name in installed]
    rest = [name for name in matplotlib.rcParams["font.sans-serif"] if name not in found]
    matplotlib.rcParams["font.sans-serif"] = [*found, *rest]
    matplotlib.rcParams["font.family"] = "sans-serif"
    return found


@dataclass(frozen=True)
class ReportFigure:
    """One chart: ``name`` is a stable ASCII file name, ``title`` the localised caption."""

    name: str
    title: str
    figure: Figure


def report_figures(report: QualityReport) -> list[ReportFigure]:
    """Every chart of the report in page order, each a stand-alone figure (PDF page, PNG file, or widget)."""
    configure_fonts()
    t = partial(label, report.language)
    pages: list[tuple[str, str, Callable[[Figure], None]]] = [
        ("summary", report.title, partial(_draw_summary, report=report)),
        ("teams", t("teams"), partial(_draw_teams, report=report)),
    ]
    for number, agents in enumerate(_chunks(report.agents, _MAX_AGENT_BARS), start=1):
        pages.append((_numbered("agents", number), t("agents"), partial(_draw_agents, report=report, agents=agents)))
    pages.append(("problems", t("top_problems"), partial(_draw_problems, report=report)))
    pages.append(("flags", t("top_flags"), partial(_draw_flags, report=report)))
    for number, trends in enumerate(_chunks(report.trends, _TRENDS_PER_PAGE), start=1):
        pages.append((_numbered("trend", number), t("trend"), partial(_draw_trend, report=report, trends=trends)))
    pages += [
        ("listening", t("listening"), partial(_draw_listening, report=report)),
        ("forecast", t("forecast"), partial(_draw_forecast, report=report)),
        ("handle_time", t("handle_time"), partial(_draw_handle_time, report=report)),
        ("complaints", f"{t('complaints')} · {t('time_of_day')}", partial(_draw_complaints, report=report)),
        ("cases", t("cases"), partial(_draw_cases, report=report)),
    ]
    if report.repeat_calls:  # only when the call metadata carries caller ids
        pages.append(("repeat_calls", t("repeat_calls"), partial(_draw_repeat_calls, report=report)))
    figures = []
    for name, title, draw in pages:
        figure = _page()
        draw(figure)
        figures.append(ReportFigure(name, title, figure))
        if name.startswith("trend") and name == _numbered("trend", len(_chunks(report.trends, _TRENDS_PER_PAGE))):
            figures += _recheck_pages(report)  # the coaching re-check follows the trend it marks
    return figures + _table_pages(report)


def _recheck_pages(report: QualityReport) -> list[ReportFigure]:
    """Each coached item's loss rate before and after the session as paired bars over the table of counts,
    when the report was given sessions; ``_RECHECK_ROWS`` items a page."""
    table = recheck_table(report)
    chunks = _chunks(table.rows, _RECHECK_ROWS) if table.rows else []
    pages = []
    for number, rows in enumerate(chunks, start=1):
        title = f"{table.title}  ·  {report.period.label}" + (f"  ({number}/{len(chunks)})" if len(chunks) > 1 else "")
        figure = _page()
        figure.suptitle(title, fontsize=16, fontweight="bold", x=0.02, ha="left")
        figure.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))  # room for the note below
        chart, below = figure.subplots(2, 1, height_ratios=(1.1, 1))
        _recheck_bars(chart, rows, report)
        _draw_table(below, table.columns, rows, _RECHECK_WIDTHS, left=(4,), colour_last=False)
        figure.text(0.02, 0.005, label(report.language, "recheck_note"), fontsize=9, color="#555555")
        pages.append(ReportFigure(_numbered(table.name, number), title, figure))
    return pages


def _recheck_bars(ax: Axes, rows: Sequence[Sequence[Any]], report: QualityReport) -> None:
    """Loss rate before (light) and after (dark) per agent and item; lower after is better."""
    t = partial(label, report.language)
    names = [f"{row[0]}\n{_cut(str(row[4]), 22)}" for row in rows]
    before = [row[6] if row[6] != "" else None for row in rows]
    after = [row[8] if row[8] != "" else None for row in rows]
    _paired_rates(ax, names, before, after, (t("lost_before"), t("lost_after")))
    ax.set_ylim(0, 115)
    ax.set_yticks(_PERCENT_TICKS)
    ax.set_ylabel("%")
    ax.tick_params(axis="x", labelsize=8)


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """Pages of at most ``size`` items; an empty list still gets one (empty) page."""
    return [items[start:start + size] for start in range(0, len(items), size)] or [items]


def _numbered(name: str, number: int) -> str:
    return name if number == 1 else f"{name}-{number}"


def export_pdf(report: QualityReport, path: str | Path) -> Path:
    """All charts as a multi-page PDF, written atomically so a reader never opens half a report."""
    return _write_pdf(report_figures(report), path, report.title)


def _write_pdf(pages: Sequence[ReportFigure], path: str | Path, title: str) -> Path:
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": title, "Creator": "QA Workstation"}) as pdf:
        for page in pages:
            pdf.savefig(page.figure)
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)


def export_pngs(report: QualityReport, folder: str | Path, prefix: str = "") -> list[Path]:
    """One PNG per chart, named ``<prefix><chart name>.png``."""
    written = []
    for chart in report_figures(report):
        buffer = io.BytesIO()
        chart.figure.savefig(buffer, format="png", dpi=PNG_DPI)
        target = Path(folder) / f"{prefix}{chart.name}.png"
        atomic_write_bytes(target, buffer.getvalue())
        written.append(target)
    return written


def _page() -> Figure:
    figure = Figure(figsize=PAGE_SIZE, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _heading(figure: Figure, report: QualityReport, title: str) -> None:
    figure.suptitle(f"{title}  ·  {report.period.label}", fontsize=16, fontweight="bold", x=0.02, ha="left")


# ---------------------------------------------------------------------------------------------- summary


def _draw_summary(figure: Figure, report: QualityReport) -> None:
    t = partial(label, report.language)
    figure.suptitle(report.title, fontsize=20, fontweight="bold", x=0.02, ha="left")
    figure.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))  # room for the footer below the charts
    grid = figure.add_gridspec(2, 2, height_ratios=(1, 2.4))
    _kpi_cards(figure.add_subplot(grid[0, :]), report)
    _severity_comparison(figure.add_subplot(grid[1, 0]), report)
    _highlights(figure.add_subplot(grid[1, 1]), report)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    last_day = report.period.end - timedelta(days=1)
    footer = (f"{report.period.start:%Y-%m-%d} – {last_day:%Y-%m-%d} ({t('previous')}: "
              f"{report.previous_period.label})    {t('generated')}: {stamp}")
    if report.merged_scorings:
        footer += "    " + t("dropped").format(n=report.merged_scorings)
    if report.unknown_rubrics:
        footer += f"    {t('unknown_rubrics')}: {', '.join(report.unknown_rubrics)}"
    figure.text(0.02, 0.005, footer, fontsize=8, color="#555555")


def _kpi_cards(ax: Axes, report: QualityReport) -> None:
    """The headline numbers with their change since the previous period; green means better."""
    t = partial(label, report.language)
    now, before = report.summary, report.previous
    cards = [
        (t("calls"), f"{now.calls}", _delta(now.calls, before.calls, "", higher_is_better=None)),
        (t("pass_rate"), _pct(now.pass_rate), _delta_rate(now.pass_rate, before.pass_rate, True)),
        (t("mean_score"), _pct_value(now.mean_percent), _delta(now.mean_percent, before.mean_percent, " pt", True)),
        (t("critical"), f"{now.critical}", _delta(now.critical, before.critical, "", higher_is_better=False)),
        *((f"{t(s)}{t('problems')}", f"{now.severity[s]}",
           _delta(now.severity[s], before.severity[s], "", higher_is_better=False)) for s in SEVERITIES),
        *([(t("coverage"), _pct(report.coverage[0].rate),
            (f"{t('agent_coverage')} {_pct(report.coverage[0].agent_rate)}", "#555555"))] if report.coverage else []),
        *([(t("fcr_short"), _pct(report.repeat_calls[0].fcr),
            (f"{t('repeated')} {report.repeat_calls[0].repeated}", "#555555"))] if report.repeat_calls else []),
    ]
    ax.set_axis_off()
    width = 1.0 / len(cards)
    for index, (caption, value, (change, colour)) in enumerate(cards):
        left = index * width
        ax.add_patch(FancyBboxPatch(
            (left + 0.008, 0.06), width - 0.016, 0.88, boxstyle="round,pad=0.004,rounding_size=0.02",
            transform=ax.transAxes, facecolor="#f3f6fa", edgecolor="#d5dde8"))
        centre = left + width / 2
        ax.text(centre, 0.76, caption, ha="center", va="center", fontsize=11, color="#444444", transform=ax.transAxes)
        ax.text(centre, 0.47, value, ha="center", va="center", fontsize=22, fontweight="bold", transform=ax.transAxes)
        ax.text(centre, 0.18, change, ha="center", va="center", fontsize=10 if len(cards) < 9 else 8, color=colour,
                transform=ax.transAxes)


def _delta(now: float | None, before: float | None, unit: str,
           higher_is_better: bool | None) -> tuple[str, str]:
    if now is None or before is None:
        return "", "#777777"
    change = now - before
    if abs(change) < 1e-9:
        return "±0", "#777777"
    arrow = "▲" if change > 0 else "▼"
    good = None if higher_is_better is None else (change > 0) == higher_is_better
    colour = "#777777" if good is None else GOOD if good else BAD
    text = f"{abs(change):.1f}" if isinstance(change, float) else f"{abs(change)}"
    return f"{arrow} {text}{unit}", colour


def _delta_rate(now: float | None, before: float | None, higher_is_better: bool) -> tuple[str, str]:
    if now is None or before is None:
        return "", "#777777"
    return _delta(100 * now, 100 * before, " pt", higher_is_better)


def _pct(rate: float | None) -> str:
    return f"{100 * rate:.1f}%" if rate is not None else "–"


def _pct_value(value: float | None) -> str:
    return f"{value:.1f}%" if value is not None else "–"


def _severity_comparison(ax: Axes, report: QualityReport) -> None:
    t = partial(label, report.language)
    before = [report.previous.severity[s] for s in SEVERITIES]
    now = [report.summary.severity[s] for s in SEVERITIES]
    _paired_bars(ax, [f"{t(s)}{t('problems')}" for s in SEVERITIES], before, now, report, "{:.0f}")
    ax.set_title(t("problems_abc"), loc="left", fontsize=12, fontweight="bold")


def _paired_bars(ax: Axes, names: Sequence[str], before: Sequence[float | None], now: Sequence[float | None],
                 report: QualityReport, fmt: str) -> None:
    """Previous period (light) beside the current one (dark), values written on the bars."""
    width = 0.38
    xs = range(len(names))
    series = ((-width / 2, before, PREVIOUS, "previous"), (width / 2, now, CURRENT, "current"))
    for offset, values, colour, key in series:
        heights = [v if v is not None else 0 for v in values]
        bars = ax.bar([x + offset for x in xs], heights, width, color=colour,
                      label=f"{label(report.language, key)} ({_period_label(report, key)})")
        ax.bar_label(bars, labels=[fmt.format(v) if v is not None else "" for v in values], fontsize=9, padding=2)
    ax.set_xticks(list(xs), names)
    ax.legend(loc="upper right", fontsize=9, frameon=False)
    ax.margins(y=0.18)
    _tidy(ax)


def _period_label(report: QualityReport, key: str) -> str:
    return report.previous_period.label if key == "previous" else report.period.label


def _highlights(ax: Axes, report: QualityReport) -> None:
    """The findings a supervisor reads first: common problems, the most frequent violations and the agents
    who need attention."""
    t = partial(label, report.language)
    ax.set_axis_off()
    common = [t("common_line").format(title=p.title, severity=t(p.severity), share=p.agent_share, calls=p.calls)
              for p in report.common_problems[:_HIGHLIGHTS]]
    flags = [t("flag_line").format(phrase=f.phrase, category=t(f.category), hits=f.hits)
             for f in report.flag_phrases[:_HIGHLIGHTS]]
    weakest = [t("agent_line").format(agent=a.name, team=a.team, rate=_pct(a.pass_rate), calls=a.calls)
               for a in report.agents[::-1][:3]]
    y = 0.98
    blocks = ((t("common"), t("common_rule").format(share=report.common_share), common),
              (t("top_flags"), "", flags), (t("weakest"), "", weakest))
    for title, note, lines in blocks:
        ax.text(0.02, y, title, va="top", fontsize=12, fontweight="bold", transform=ax.transAxes)
        y -= 0.06
        if note:
            ax.text(0.02, y, note, va="top", fontsize=9, color="#666666", transform=ax.transAxes)
            y -= 0.05
        for line in lines or [t("no_data")]:
            ax.text(0.04, y, f"· {line}", va="top", fontsize=10, transform=ax.transAxes)
            y -= 0.05
        y -= 0.03


# ---------------------------------------------------------------------------------------------- teams and agents


def _draw_teams(figure: Figure, report: QualityReport) -> None:
    t = partial(label, report.language)
    _heading(figure, report, t("teams"))
    left, right = figure.subplots(1, 2, width_ratios=(1.2, 1))
    names = [s.name for s in report.teams]
    before = [_rate_of(report.previous_teams.get(name)) for name in names]
    _paired_bars(left, names, before, [_rate_of(s) for s in report.teams], report, "{:.1f}%")
    left.set_ylim(0, 115)
    left.set_yticks(_PERCENT_TICKS)
    left.set_ylabel(f"{t('pass_rate')} %")
    left.set_title(t("pass_rate"), loc="left", fontsize=12, fontweight="bold")
    _severity_stack(right, names, report.teams, report)
    if not names:
        _no_data(left, report)


def _rate_of(stats: Stats | None) -> float | None:
    return 100 * stats.pass_rate if stats is not None and stats.pass_rate is not None else None


def _severity_stack(ax: Axes, names: Sequence[str], groups: Sequence[Stats], report: QualityReport) -> None:
    bottoms = [0.0] * len(groups)
    for severity in SEVERITIES:
        values = [g.severity[severity] for g in groups]
        bars = ax.bar(names, values, 0.55, bottom=bottoms, color=SEVERITY_COLOURS[severity],
                      label=label(report.language, severity))
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center", fontsize=9)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    ax.set_title(label(report.language, "problems_abc"), loc="left", fontsize=12, fontweight="bold")
    ax.legend(fontsize=9, frameon=False, ncols=3, loc="upper right")
    ax.margins(y=0.15)
    _tidy(ax)


def _draw_agents(figure: Figure, report: QualityReport, agents: Sequence[Stats]) -> None:
    """Pass rate and mean score per agent, worst at the bottom, bars coloured by team."""
    t = partial(label, report.language)
    _heading(figure, report, t("agents"))
    agents = list(reversed(agents))
    if not agents:
        _empty_page(figure, report)
        return
    left, right = figure.subplots(1, 2, sharey=True)
    colours = _team_colours(report)
    names = [a.name for a in agents]
    rates = [_rate_of(a) or 0.0 for a in agents]
    bars = left.barh(names, rates, color=[colours[a.team] for a in agents])
    captions = [f"{r:.0f}%  (n={a.calls})" for r, a in zip(rates, agents, strict=True)]
    left.bar_label(bars, labels=captions, fontsize=8, padding=2)
    left.set_xlim(0, 125)
    left.set_xticks(_PERCENT_TICKS)
    left.set_title(f"{t('pass_rate')} %", loc="left", fontsize=12, fontweight="bold")
    means = [a.mean_percent or 0.0 for a in agents]
    bars = right.barh(names, means, color=[colours[a.team] for a in agents], alpha=0.85)
    right.bar_label(bars, labels=[f"{m:.1f}" for m in means], fontsize=8, padding=2)
    low = max(0.0, math.floor((min(means, default=60.0) - 10) / 10) * 10)
    right.set_xlim(low, 104)
    for mark in sorted(set(report.pass_marks.values())):
        right.axvline(mark, color=BAD, linestyle="--", linewidth=1)
        right.text(mark, len(agents) - 0.4, f" {t('pass_mark')} {mark:g}", color=BAD, fontsize=8, va="bottom")
    right.set_title(f"{t('mean_score')} %", loc="left", fontsize=12, fontweight="bold")
    handles = [Patch(color=colour, label=team) for team, colour in colours.items()]
    right.legend(handles=handles, fontsize=9, frameon=False, loc="lower left", bbox_to_anchor=(0, -0.12), ncols=8)
    for ax in (left, right):
        _tidy(ax)


def _team_colours(report: QualityReport) -> dict[str, str]:
    teams = sorted({a.team for a in report.agents})
    return {team: TEAM_COLOURS[i % len(TEAM_COLOURS)] for i, team in enumerate(teams)}


# ---------------------------------------------------------------------------------------------- problems and flags


def _draw_problems(figure: Figure, report: QualityReport) -> None:
    """Items by the share of agents who lost points on them; the dashed line is the common-problem threshold."""
    t = partial(label, report.language)
    _heading(figure, report, t("top_problems"))
    left, right = figure.subplots(1, 2, width_ratios=(1.25, 1))
    problems = list(reversed(report.problems[:_MAX_PROBLEM_BARS]))
    names = [f"{p.title} ({p.severity})" for p in problems]
    shares = [100 * p.agent_share for p in problems]
    bars = left.barh(names, shares, color=[COMMON if p.common else INDIVIDUAL for p in problems])
    captions = [f"{s:.0f}%  · {p.calls}" for s, p in zip(shares, problems, strict=True)]
    left.bar_label(bars, labels=captions, fontsize=8, padding=2)
    left.axvline(100 * report.common_share, color="#333333", linestyle="--", linewidth=1)
    left.set_xlim(0, 125)
    left.set_xticks(_PERCENT_TICKS)
    left.set_xlabel(f"{t('agents_share')} %  ·  {t('problem_calls')}")
    handles = [Patch(color=COMMON, label=t("common")),
               Patch(color=INDIVIDUAL, label=t("individual"))]
    left.legend(handles=handles, fontsize=9, frameon=False, loc="lower right")
    left.set_title(t("common_rule").format(share=report.common_share), loc="left", fontsize=11)
    _tidy(left)
    _individual_list(right, report)
    if not problems:
        _no_data(left, report)


def _individual_list(ax: Axes, report: QualityReport) -> None:
    """Individual problems per agent: what to raise in each agent's own coaching session."""
    t = partial(label, report.language)
    ax.set_axis_off()
    by_agent: dict[str, list[str]] = {}
    for problem in report.individual_problems:
        for agent in problem.agents:
            by_agent.setdefault(agent, []).append(problem.title)
    ax.text(0.0, 1.0, t("individual_list"), fontsize=12, fontweight="bold", va="top", transform=ax.transAxes)
    rows = sorted(by_agent.items(), key=lambda pair: (-len(pair[1]), pair[0]))
    step = min(0.055, 0.92 / max(len(rows), 1))
    separator = "、" if report.language == "zh" else ", "
    for index, (agent, titles) in enumerate(rows):
        y = 0.92 - index * step
        ax.text(0.0, y, agent, fontsize=9, fontweight="bold", va="top", transform=ax.transAxes)
        ax.text(0.2, y, _fit(titles, separator, _LIST_WIDTH), fontsize=9, va="top", transform=ax.transAxes)
    if not rows:
        ax.text(0.0, 0.9, t("no_data"), fontsize=10, color="#666666", va="top", transform=ax.transAxes)


def _fit(parts: Sequence[str], separator: str, width: int) -> str:
    """As many whole parts as fit ``width`` (a CJK character counting two), then "+N" for the rest; a first
    part too long on its own is cut with an ellipsis."""
    shown: list[str] = []
    for index, part in enumerate(parts):
        if _display_width(separator.join([*shown, part])) <= width - 4:
            shown.append(part)
            continue
        rest = len(parts) - index
        if not shown:
            cut = _cut(part, width - 5)
            return f"{cut}…" + (f" +{rest - 1}" if rest > 1 else "")
        return f"{separator.join(shown)} +{rest}"
    return separator.join(shown)


def _cut(text: str, width: int) -> str:
    kept = ""
    for character in text:
        if _display_width(kept + character) > width:
            break
        kept += character
    return kept


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _draw_flags(figure: Figure, report: QualityReport) -> None:
    t = partial(label, report.language)
    _heading(figure, report, t("top_flags"))
    left, right = figure.subplots(1, 2, width_ratios=(1, 1.4))
    categories = report.flag_categories
    _paired_bars(left, [t(c.category) for c in categories], [c.previous_hits for c in categories],
                 [c.hits for c in categories], report, "{:.0f}")
    left.set_title(f"{t('flag_categories')} · {t('hits')}", loc="left", fontsize=12, fontweight="bold")
    phrases = list(reversed(report.flag_phrases))
    colours = {"forbidden": SEVERITY_COLOURS["A"], "insult": "#7b241c", "filler": SEVERITY_COLOURS["B"]}
    bars = right.barh([f"“{p.phrase}”" for p in phrases], [p.hits for p in phrases],
                      color=[colours.get(p.category, INDIVIDUAL) for p in phrases])
    right.bar_label(bars, labels=[t("flag_bar").format(hits=p.hits, calls=p.calls) for p in phrases], fontsize=8,
                    padding=2)
    right.margins(x=0.25)
    right.set_title(f"{t('phrase')} · {t('hits')}", loc="left", fontsize=12, fontweight="bold")
    handles = [Patch(color=c, label=t(k)) for k, c in colours.items()]
    right.legend(handles=handles, fontsize=9, frameon=False, loc="lower right")
    _tidy(right)
    if not categories:
        _no_data(left, report)


# ---------------------------------------------------------------------------------------------- trend


def _draw_trend(figure: Figure, report: QualityReport, trends: Sequence[AgentTrend]) -> None:
    """One small chart per agent (a single chart of many lines is unreadable), sharing axes for comparison."""
    t = partial(label, report.language)
    _heading(figure, report, t("trend"))
    if not trends:
        _empty_page(figure, report)
        return
    rows = math.ceil(len(trends) / _TREND_COLUMNS)
    axes = figure.subplots(rows, _TREND_COLUMNS, sharex=True, sharey=True, squeeze=False)
    colours = _team_colours(report)
    xs = list(range(len(report.trend_labels)))
    marks = sorted(set(report.pass_marks.values()))
    scores = [y for trend in trends for y in trend.points if y is not None]
    axes[0][0].set_ylim(min(50.0, *(y - 5 for y in scores)), 102)  # shared by every small chart
    coached = _coaching_days(report)
    for ax, trend in zip(axes.flat, trends, strict=False):  # the grid may have spare cells
        points = [(x, y) for x, y in zip(xs, trend.points, strict=True) if y is not None]
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=colours[trend.team], linewidth=1.8)
        for mark in marks:
            ax.axhline(mark, color=BAD, linestyle="--", linewidth=0.8)
        days = coached.get(trend.agent, [])
        for day in days:
            _coaching_mark(ax, report, day)
        ax.set_title(f"{trend.agent} · {trend.team}" + (f" · {t('coached')} {days[-1][5:]}" if days else ""),
                     fontsize=10, loc="left", color=SEVERITY_COLOURS["B"] if days else "black")
        _tidy(ax)
    for ax in axes.flat[len(trends):]:
        ax.set_axis_off()
    for ax in axes[-1]:
        ax.set_xticks(xs, report.trend_labels, fontsize=8)
        ax.tick_params(axis="x", labelbottom=True)
    figure.supylabel(f"{t('mean_score')} %", fontsize=10)


def _coaching_days(report: QualityReport) -> dict[str, list[str]]:
    days: dict[str, list[str]] = {}
    for recheck in report.rechecks:
        days.setdefault(recheck.agent, []).append(recheck.day)
    return days


def _coaching_mark(ax: Axes, report: QualityReport, day: str) -> None:
    """A dotted line where the session fell among the trend's points (its week, or its day of a week)."""
    for index, bucket in enumerate(report.period.buckets()):
        if bucket.contains(day):
            span = (bucket.end - bucket.start).days
            offset = (datetime.fromisoformat(day).date() - bucket.start).days / span if span > 1 else 0.5
            ax.axvline(index - 0.5 + offset, color=SEVERITY_COLOURS["B"], linestyle=":", linewidth=1.6)


# ---------------------------------------------------------------------------------------------- handbook pages


def _draw_listening(figure: Figure, report: QualityReport) -> None:
    """The best and failed recordings, each call id a link that plays the recording from the PDF."""
    t = partial(label, report.language)
    _heading(figure, report, t("listening"))
    top, bottom = figure.subplots(2, 1)
    for ax, kind in ((top, "best"), (bottom, "worst")):
        calls = [c for c in report.listening if c.kind == kind]
        ax.set_title(t(kind), loc="left", fontsize=13, fontweight="bold",
                     color=GOOD if kind == "best" else BAD)
        _listening_table(ax, calls, t)
    figure.text(0.02, 0.005, t("listening_note"), fontsize=8, color="#555555")


def _listening_table(ax: Axes, calls: Sequence[ListenedCall], t: Callable[[str], str]) -> None:
    ax.set_axis_off()
    if not calls:
        ax.text(0.5, 0.5, t("no_data"), ha="center", va="center", fontsize=12, color="#888888",
                transform=ax.transAxes)
        return
    columns = (t("call_id"), t("day"), t("agent"), t("team"), t("percent"), t("critical"), t("why"))
    rows = [(c.call_id, f"{c.day[5:]} {c.call_time}", c.agent, c.team, f"{c.percent:g}",
             t("yes") if c.critical_failed else "", _cut(c.why, _WHY_WIDTH) or "–") for c in calls]
    table = _draw_table(ax, columns, rows, _LISTENING_WIDTHS, left=(6,), colour_last=False)
    for index, call in enumerate(calls, start=1):
        cell = table[index, 0].get_text()
        cell.set_url(call.link)
        cell.set_color(CURRENT)


def _draw_forecast(figure: Figure, report: QualityReport) -> None:
    """The pass rate of the last periods, the next one forecast with its band, and the threshold alerts."""
    t = partial(label, report.language)
    _heading(figure, report, t("forecast"))
    left, right = figure.subplots(1, 2, width_ratios=(1.3, 1))
    forecast = report.forecast
    if forecast is None or forecast.periods_used == 0:
        _no_data(left, report)
    else:
        points = [(x, 100 * r) for x, r in enumerate(forecast.pass_rates) if r is not None]
        left.plot([x for x, _ in points], [y for _, y in points], marker="o", color=CURRENT, linewidth=2,
                  label=t("actual"))
        for x, y in points:
            left.annotate(f"{y:.1f}%", (x, y), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=9)
        if forecast.value is not None:
            _forecast_point(left, forecast, len(forecast.pass_rates), points[-1], t)
        left.set_xticks(range(len(forecast.labels) + 1), [*forecast.labels, forecast.next_label], fontsize=9)
        left.set_ylabel(f"{t('pass_rate')} %")
        left.legend(loc="lower right", fontsize=9, frameon=False)
        left.margins(y=0.25)
        _tidy(left)
    method = t("forecast_method").format(n=len(forecast.labels) if forecast else 0)
    summary = (t("forecast_line").format(label=forecast.next_label, value=_pct(forecast.value),
                                         low=_pct(forecast.low), high=_pct(forecast.high),
                                         slope=f"{100 * forecast.slope:+.1f} pt")
               if forecast and forecast.value is not None else t("no_forecast"))
    left.set_title(summary, loc="left", fontsize=11, fontweight="bold")
    _alert_list(right, report)
    right.text(0.0, 0.0, _wrap(method, 70), fontsize=9, color="#555555", va="bottom", transform=right.transAxes,
               bbox={"boxstyle": "round,pad=0.5", "facecolor": "#f3f6fa", "edgecolor": "#d5dde8"})


def _forecast_point(ax: Axes, forecast: Forecast, x: int, last: tuple[int, float], t: Callable[[str], str]) -> None:
    value, low, high = (100 * (v or 0.0) for v in (forecast.value, forecast.low, forecast.high))
    ax.plot([last[0], x], [last[1], value], linestyle="--", color=CURRENT, linewidth=1.2)
    ax.errorbar([x], [value], yerr=[[value - low], [high - value]], fmt="D", color=SEVERITY_COLOURS["B"],
                capsize=6, label=t("predicted"))
    ax.annotate(f"{value:.1f}%\n({low:.1f}–{high:.1f})", (x, value), textcoords="offset points", xytext=(10, 0),
                va="center", fontsize=9, color=SEVERITY_COLOURS["B"])


def _alert_list(ax: Axes, report: QualityReport) -> None:
    """Who crossed which line, in words, with the lines themselves above."""
    t = partial(label, report.language)
    ax.set_axis_off()
    lines = report.default_thresholds
    ax.text(0.0, 1.0, t("alerts"), fontsize=13, fontweight="bold", va="top", transform=ax.transAxes)
    rule = t("alert_rule").format(agent_rate=_pct(lines.agent_pass_rate), calls=lines.min_calls,
                                  agent_critical=lines.agent_critical, team_rate=_pct(lines.team_pass_rate),
                                  team_critical=lines.team_critical)
    ax.text(0.0, 0.93, _wrap(rule, 62), fontsize=8.5, color="#555555", va="top", transform=ax.transAxes)
    y = 0.8
    for alert in report.alerts[:_CASE_LINES // 2]:
        key = "alert_pass" if alert.measure == "pass_rate" else "alert_critical"
        value = _pct(alert.value) if alert.measure == "pass_rate" else f"{alert.value:g}"
        threshold = _pct(alert.threshold) if alert.measure == "pass_rate" else f"{alert.threshold:g}"
        text = t(key).format(name=alert.name, team=alert.team, value=value, threshold=threshold)
        if alert.scope == "team":  # "售前组（售前组）" says the team twice
            text = text.replace(f"（{alert.team}）", "").replace(f" ({alert.team})", "")
        marker = "▲" if alert.scope == "team" else "●"
        ax.text(0.0, y, f"{marker} {text}", fontsize=10, va="top", transform=ax.transAxes,
                color=BAD if alert.measure == "critical" else "#333333")
        y -= 0.055
    if not report.alerts:
        ax.text(0.0, y, t("no_alerts"), fontsize=11, color=GOOD, va="top", transform=ax.transAxes)


def _wrap(text: str, width: int) -> str:
    """Lines of at most ``width`` half-width characters (CJK counting two), for text drawn on a page; text
    without CJK breaks between words."""
    if _display_width(text) == len(text):
        return textwrap.fill(text, width)
    lines, line = [], ""
    for character in text:
        if _display_width(line + character) > width:
            lines.append(line)
            line = ""
        line += character
    return "\n".join([*lines, line])


def _draw_handle_time(figure: Figure, report: QualityReport) -> None:
    """Per team: the share of calls too short, within limits and too long, with the mean and median length."""
    t = partial(label, report.language)
    _heading(figure, report, t("handle_time"))
    ax = figure.add_subplot()
    rows = [h for h in report.handle_times if h.calls][::-1]
    if not rows:
        _no_data(ax, report)
        return
    names = [h.name or t("all_calls") for h in rows]
    short = [100 * h.too_short / h.calls for h in rows]
    long = [100 * h.too_long / h.calls for h in rows]
    within = [100 - a - b for a, b in zip(short, long, strict=True)]
    low, high = report.handle_limits
    ax.barh(names, short, color=SHORT, label=f"{t('too_short')} (< {minutes(low)})")
    bars = ax.barh(names, within, left=short, color=WITHIN, label=t("compliance"))
    ax.barh(names, long, left=[a + b for a, b in zip(short, within, strict=True)], color=LONG,
            label=f"{t('too_long')} (> {minutes(high)})")
    ax.bar_label(bars, labels=[f"{w:.1f}%" for w in within], label_type="center", color="white", fontsize=10,
                 fontweight="bold")
    for y, h in enumerate(rows):
        ax.text(101, y, f"{t('mean_duration')} {minutes(h.mean_s)} · {t('median_duration')} {minutes(h.median_s)}"
                f" · {h.calls}", va="center", fontsize=9)
    ax.set_xlim(0, 145)
    ax.set_xticks(_PERCENT_TICKS)
    ax.set_xlabel("%")
    ax.set_title(t("handle_rule").format(low=minutes(low), high=minutes(high)), loc="left", fontsize=11)
    ax.legend(loc="upper right", fontsize=9, frameon=False, ncols=3, bbox_to_anchor=(1.0, 1.08))
    _tidy(ax)


def _draw_complaints(figure: Figure, report: QualityReport) -> None:
    """Complaint calls beside all calls, per team; and quality by the hour the call was made."""
    t = partial(label, report.language)
    _heading(figure, report, f"{t('complaints')} · {t('time_of_day')}")
    left, right = figure.subplots(1, 2, width_ratios=(1, 1.4))
    complaints = {s.name: s for s in report.complaints}
    names = [t("all_calls"), *(s.name for s in report.teams)]
    overall = [report.summary.mean_percent, *(s.mean_percent for s in report.teams)]
    complained = [_mean_of(complaints.get("")), *(_mean_of(complaints.get(s.name)) for s in report.teams)]
    _paired_rates(left, names, overall, complained, (t("all_calls"), t("complaints")))
    total = complaints[""].calls if "" in complaints else 0
    share = total / report.summary.calls if report.summary.calls else 0.0
    left.set_title(f"{t('complaints')}: {total} · {t('complaint_share')} {share:.0%} · {t('mean_score')} %",
                   loc="left", fontsize=11, fontweight="bold")
    hours = report.hours
    if not hours:
        _no_data(right, report)
        return
    xs = range(len(hours))
    right.bar(xs, [h.calls for h in hours], color=PREVIOUS, label=t("calls"))
    right.set_ylabel(t("calls"))
    left.set_ylabel(f"{t('mean_score')} %")
    twin = right.twinx()
    twin.plot(xs, [h.mean_percent for h in hours], marker="o", color=CURRENT, label=t("mean_score"))
    for x, h in zip(xs, hours, strict=True):
        twin.annotate(_pct(h.pass_rate), (x, h.mean_percent), textcoords="offset points", xytext=(0, 7),
                      ha="center", fontsize=7.5, color="#333333")
    twin.set_ylabel(f"{t('mean_score')} %  ({t('pass_rate')} ↑)")
    twin.margins(y=0.3)
    right.set_xticks(list(xs), [h.name for h in hours], fontsize=8, rotation=45)
    right.set_title(t("time_of_day"), loc="left", fontsize=11, fontweight="bold")
    handles = [Patch(color=PREVIOUS, label=t("calls")), Line2D([], [], color=CURRENT, marker="o",
                                                                 label=t("mean_score"))]
    right.legend(handles=handles, loc="upper left", fontsize=9, frameon=False, ncols=2)
    right.margins(y=0.15)


def _draw_repeat_calls(figure: Figure, report: QualityReport) -> None:
    """First-call resolution per team (resolved and repeated shares of each team's calls) and the agents whose
    callers most often rang again, with the rule in words at the foot of the page."""
    t = partial(label, report.language)
    _heading(figure, report, t("repeat_calls"))
    figure.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))  # room for the rule below the charts
    left, right = figure.subplots(1, 2, width_ratios=(1, 1.2))
    groups = [r for r in report.repeat_calls if r.scope != "agent" and r.calls][::-1]
    names = [r.name or t("all_calls") for r in groups]
    resolved = [100 * (r.fcr or 0.0) for r in groups]
    bars = left.barh(names, resolved, color=GOOD, label=t("fcr"))
    left.barh(names, [100 - v for v in resolved], left=resolved, color=BAD, label=t("repeat_rate"))
    left.bar_label(bars, labels=[f"{v:.1f}%" for v in resolved], label_type="center", color="white", fontsize=10,
                   fontweight="bold")
    for y, r in enumerate(groups):
        left.text(101, y, f"{r.repeated} / {r.calls}", va="center", fontsize=9)
    left.set_xlim(0, 122)
    left.set_xticks(_PERCENT_TICKS)
    left.set_title(f"{t('fcr')} · {t('repeated')} / {t('with_caller')}", loc="left", fontsize=11,
                   fontweight="bold")
    left.legend(loc="upper left", fontsize=9, frameon=False, ncols=2, bbox_to_anchor=(0, 1.0))
    left.margins(y=0.12)
    _tidy(left)
    _lowest_fcr(right, report)
    rule = t("repeat_rule").format(days=report.repeat_days)
    figure.text(0.02, 0.01, _wrap(rule, 190), fontsize=9, color="#555555")


def _lowest_fcr(ax: Axes, report: QualityReport) -> None:
    t = partial(label, report.language)
    agents = sorted((r for r in report.repeat_calls if r.scope == "agent" and r.calls >= _REPEAT_MIN_CALLS),
                    key=lambda r: (r.fcr or 0.0, r.name))[:_REPEAT_AGENTS][::-1]
    ax.set_title(t("lowest_fcr").format(calls=_REPEAT_MIN_CALLS), loc="left", fontsize=11, fontweight="bold")
    if not agents:
        _no_data(ax, report)
        return
    colours = _team_colours(report)
    values = [100 * (r.fcr or 0.0) for r in agents]
    bars = ax.barh([f"{r.name} · {r.team}" for r in agents], values,
                   color=[colours.get(r.team, CURRENT) for r in agents])
    ax.bar_label(bars, labels=[f"{v:.1f}%  ({r.repeated}/{r.calls})" for v, r in zip(values, agents, strict=True)],
                 fontsize=8, padding=2)
    low = max(0.0, math.floor((min(values) - 10) / 10) * 10)
    ax.set_xlim(low, 104)
    ax.tick_params(axis="y", labelsize=9)
    _tidy(ax)


def _mean_of(stats: Stats | None) -> float | None:
    return stats.mean_percent if stats else None


def _paired_rates(ax: Axes, names: Sequence[str], first: Sequence[float | None], second: Sequence[float | None],
                  captions: tuple[str, str]) -> None:
    width = 0.38
    xs = range(len(names))
    for offset, values, colour, caption in ((-width / 2, first, PREVIOUS, captions[0]),
                                            (width / 2, second, SEVERITY_COLOURS["B"], captions[1])):
        bars = ax.bar([x + offset for x in xs], [v or 0 for v in values], width, color=colour, label=caption)
        ax.bar_label(bars, labels=[f"{v:.1f}" if v is not None else "–" for v in values], fontsize=8, padding=2)
    low = min([v for v in (*first, *second) if v is not None] or [100.0])
    ax.set_ylim(max(0.0, low - 10), 104)
    ax.set_xticks(list(xs), names, fontsize=9)
    ax.legend(loc="upper left", fontsize=9, frameon=False, ncols=2)
    _tidy(ax)


def _draw_cases(figure: Figure, report: QualityReport) -> None:
    """Common cases, then individual ones: the problem, who had it, and what was said (excerpts)."""
    t = partial(label, report.language)
    _heading(figure, report, t("cases"))
    ax = figure.add_subplot()
    ax.set_axis_off()
    lines: list[tuple[str, str]] = []  # (style, text)
    separator = "、" if report.language == "zh" else ", "
    for common in (True, False):
        cases = [c for c in report.cases if c.problem.common == common]
        if not cases:
            continue
        lines.append(("heading", t("common_cases") if common else t("individual_cases")))
        for case in cases:
            p = case.problem
            agents = _fit(p.agents, separator, _CASE_WIDTH - 40)
            lines.append(("case", t("case_line").format(title=p.title, severity=t(p.severity), calls=p.calls,
                                                        agents=agents)))
            lines += [("excerpt", _cut(f"{e.agent} · {e.call_id} · {minutes(e.start)}  “{e.text}”", _CASE_WIDTH))
                      for e in case.excerpts]
    if not lines:
        _no_data(ax, report)
        return
    styles = {"heading": (13, "bold", "#222222", 0.0), "case": (10, "bold", "#333333", 0.02),
              "excerpt": (9, "normal", "#555555", 0.05)}
    if len(lines) > _CASE_LINES:
        lines = [*lines[:_CASE_LINES - 1], ("case", f"… +{len(lines) - _CASE_LINES + 1}")]
    step = min(0.04, 1.0 / len(lines))
    for index, (style, text) in enumerate(lines):
        size, weight, colour, indent = styles[style]
        ax.text(indent, 1.0 - index * step, text, fontsize=size, fontweight=weight, color=colour, va="top",
                transform=ax.transAxes)


# ---------------------------------------------------------------------------------------------- daily detail


def detail_figures(rows: Sequence[DetailRow], title: str, language: str = "zh") -> list[ReportFigure]:
    """The daily listening detail as printed table pages; the full text of every column is in the CSV/XLSX."""
    configure_fonts()
    t = partial(label, language)
    columns = (t("call_time"), t("agent"), t("team"), t("call_id"), t("inspector"), t("percent"), t("passed"),
               t("deducted"), t("flags"))
    cells = [(f"{r.day[5:]} {r.call_time}", r.agent, r.team, r.call_id, r.inspector, f"{r.percent:.1f}",
              t("yes") if r.passed else t("critical") if r.critical_failed else t("no"),
              _fit(r.deducted.split("; ") if r.deducted else [], "; ", _DEDUCTED_WIDTH),
              _fit(r.flags.split("; ") if r.flags else [], "; ", _FLAGS_WIDTH)) for r in rows]
    return _table_figures("daily_detail", title, columns, cells, widths=_DETAIL_WIDTHS, left=(7, 8))


def export_detail_pdf(rows: Sequence[DetailRow], path: str | Path, title: str, language: str = "zh") -> Path:
    """The daily listening detail as a PDF, written atomically."""
    return _write_pdf(detail_figures(rows, title, language), path, title)


# ---------------------------------------------------------------------------------------------- calibration


def calibration_figure(result: CalibrationResult, language: str = "zh") -> Figure:
    """Left: every inspector's points on the items they agreed on least, against the reference. Right: each
    inspector's distance from the reference score, so the one who scores apart stands out."""
    configure_fonts()
    t = partial(label, language)
    figure = _page()
    reference = t("reference_expert") if result.reference_kind == EXPERT else t("reference_consensus")
    agreement = _pct(result.pass_agreement)
    figure.suptitle(f"{t('calibration')}  ·  {result.session.title or result.session.call_id}  ·  {reference}  ·  "
                    f"{t('pass_agreement')} {agreement}", fontsize=14, fontweight="bold", x=0.02, ha="left")
    left, right = figure.subplots(1, 2, width_ratios=(1.4, 1))
    _calibration_items(left, result, t)
    _calibration_inspectors(right, result, t)
    return figure


def _calibration_items(ax: Axes, result: CalibrationResult, t: Callable[[str], str]) -> None:
    items = list(reversed(result.least_agreed[:_CALIBRATION_ITEMS]))
    inspectors = [d.inspector for d in result.inspectors]
    colours = {name: TEAM_COLOURS[i % len(TEAM_COLOURS)] for i, name in enumerate(inspectors)}
    for row, item in enumerate(items):
        for offset, name in enumerate(inspectors):
            value = item.scores.get(name)
            if value is not None:
                jitter = (offset - (len(inspectors) - 1) / 2) * 0.08
                ax.scatter(value, row + jitter, color=colours[name], s=36, zorder=3)
        if item.reference is not None:
            ax.scatter(item.reference, row, marker="D", s=70, facecolor="none", edgecolor="#222222", zorder=4)
    ax.set_yticks(range(len(items)), [f"{i.title} ({i.max_points:g})" for i in items])
    ax.set_xlabel(t("points"))
    ax.set_title(t("least_agreed"), loc="left", fontsize=12, fontweight="bold")
    ax.grid(axis="x", color="#e5e5e5")
    handles = [Line2D([], [], linestyle="", marker="o", color=colour, label=name) for name, colour in colours.items()]
    handles.append(Line2D([], [], linestyle="", marker="D", markerfacecolor="none", markeredgecolor="#222222",
                          label=t("reference")))
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _tidy(ax)


def _calibration_inspectors(ax: Axes, result: CalibrationResult, t: Callable[[str], str]) -> None:
    deviations = result.inspectors
    values = [d.percent_deviation for d in deviations]
    colours = [INDIVIDUAL if not d.items_off and d.agrees_on_pass else BAD if not d.agrees_on_pass else "#e67e22"
               for d in deviations]
    bars = ax.barh([d.inspector for d in deviations], values, 0.5, color=colours)
    captions = [f"{v:+.1f} · {len(d.items_off)} {t('items_off')}" for v, d in zip(values, deviations, strict=True)]
    ax.bar_label(bars, labels=captions, fontsize=8, padding=3)
    ax.axvline(0, color="#222222", linewidth=1)
    ax.margins(x=0.35)
    ax.invert_yaxis()
    ax.set_title(t("deviation"), loc="left", fontsize=12, fontweight="bold")
    _tidy(ax)


# ---------------------------------------------------------------------------------------------- all formats


def export_report(report: QualityReport, folder: str | Path, formats: Sequence[str] = EXPORT_FORMATS) -> list[Path]:
    """Write the report into ``folder`` in each of ``formats`` (pdf, png, csv, xlsx), files prefixed with the
    period (``2026-10-monthly-report.pdf``, ``2026-10-agents.csv``...); returns what was written."""
    unknown = set(formats) - set(EXPORT_FORMATS)
    if unknown:
        raise ValueError(f"unknown export formats {sorted(unknown)}; choose from {', '.join(EXPORT_FORMATS)}")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    prefix = f"{report.period.label}-"
    written: list[Path] = []
    if "pdf" in formats:
        written.append(export_pdf(report, target / f"{prefix}{report.period.kind}ly-report.pdf"))
    if "png" in formats:
        written.extend(export_pngs(report, target, prefix))
    if "csv" in formats:
        written.extend(export_csvs(report_tables(report), target, prefix))
    if "xlsx" in formats:
        written.append(export_xlsx(report_tables(report), target / f"{prefix}{report.period.kind}ly-report.xlsx"))
    return written


# ---------------------------------------------------------------------------------------------- tables


def _table_pages(report: QualityReport) -> list[ReportFigure]:
    """The per-agent numbers behind the charts, with the change since the previous period, and each rule's
    precision from the inspectors' verdicts, as printed tables."""
    table = next(table for table in report_tables(report) if table.name == "agents")
    title = f"{label(report.language, 'agent_table')}  ·  {report.period.label}"
    rules = rule_precision_table(report)
    training = training_table(report)
    training_rows = [(*row[:-1], _fit(row[-1].split("、"), "、", _TRAINING_AGENTS_WIDTH)) for row in training.rows]
    return [*_table_figures(training.name, f"{training.title}  ·  {report.period.label}  ·  "
                            f"{label(report.language, 'training_note')}", training.columns, training_rows,
                            widths=_TRAINING_WIDTHS, left=(1, 4, 5)),
            *_table_figures("agent_table", title, table.columns, table.rows, colour_last=True),
            *_table_figures(rules.name, f"{rules.title}  ·  {report.period.label}", rules.columns, rules.rows,
                            widths=_PRECISION_WIDTHS, left=(2, 3))]


def _table_figures(name: str, title: str, columns: Sequence[str], rows: Sequence[Sequence[object]], *,
                   widths: Sequence[float] | None = None, left: Sequence[int] = (),
                   colour_last: bool = False) -> list[ReportFigure]:
    """A table over as many pages as it needs, ``name``, ``name-2``, ... with "(n/m)" in the title."""
    chunks = _chunks(rows, _TABLE_ROWS)
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page_title = title + (f"  ({number}/{len(chunks)})" if len(chunks) > 1 else "")
        figure = _page()
        figure.suptitle(page_title, fontsize=16, fontweight="bold", x=0.02, ha="left")
        _draw_table(figure.add_subplot(), columns, chunk, widths, left, colour_last)
        pages.append(ReportFigure(_numbered(name, number), page_title, figure))
    return pages


def _draw_table(ax: Axes, columns: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float] | None,
                left: Sequence[int], colour_last: bool) -> Any:
    """A zebra-striped table; columns in ``left`` (long text) are left-aligned; with ``colour_last`` the last
    column is a change, green when up, red when down."""
    ax.set_axis_off()
    cells = [[_cell_text(value) for value in row] for row in rows] or [[""] * len(columns)]
    table = ax.table(cellText=cells, colLabels=list(columns), loc="upper center", cellLoc="center",
                     colWidths=list(widths) if widths else None)
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1, 1.5)
    for (row, column), cell in table.get_celld().items():
        cell.set_edgecolor("#d5dde8")
        if row == 0:
            cell.set_facecolor("#e8eef6")
            cell.get_text().set_fontweight("bold")
        elif row % 2 == 0:
            cell.set_facecolor("#f7f9fc")
        if row > 0 and column in left:
            cell.get_text().set_horizontalalignment("left")
            cell.PAD = 0.02
        if colour_last and row > 0 and column == len(columns) - 1 and cells[row - 1][column]:
            change = float(cells[row - 1][column])
            cell.get_text().set_color(GOOD if change > 0 else BAD if change < 0 else "#777777")
    return table


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# ---------------------------------------------------------------------------------------------- helpers


def _tidy(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)


def _empty_page(figure: Figure, report: QualityReport) -> None:
    ax = figure.add_subplot()
    ax.set_axis_off()
    _no_data(ax, report)


def _no_data(ax: Axes, report: QualityReport) -> None:
    ax.text(0.5, 0.5, label(report.language, "no_data"), ha="center", va="center", fontsize=14, color="#888888",
            transform=ax.transAxes)
