"""How times, scores and rule categories are written on screen."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication


def clock(seconds: float, hundredths: bool = False) -> str:
    """mm:ss (or mm:ss.cc): inspectors quote moments to agents in this form."""
    seconds = max(0.0, seconds)
    minutes, rest = divmod(seconds, 60)
    if hundredths:
        return f"{int(minutes):02d}:{rest:05.2f}"
    return f"{int(minutes):02d}:{int(rest):02d}"


def points(value: float) -> str:
    return f"{value:g}"


def when(stamp: str) -> str:
    """A stored time (ISO 8601, UTC) as the inspector's local date and minute; text that is not a time as is."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def category_name(category: str) -> str:
    """A rule category as the inspector reads it, the same in the scorecard, the waveform and the workbench."""
    translate = QCoreApplication.translate
    names = {"greeting": translate("ScorecardView", "Greeting"), "closing": translate("ScorecardView", "Closing"),
             "apology": translate("ScorecardView", "Apology"),
             "forbidden": translate("ScorecardView", "Forbidden phrase"),
             "insult": translate("ScorecardView", "Insult"), "filler": translate("ScorecardView", "Filler word"),
             "silence": translate("ScorecardView", "Long silence"), "dead_air": translate("ScorecardView", "Dead air"),
             "overtalk": translate("ScorecardView", "Talk-over"),
             "speech_rate": translate("ScorecardView", "Speech rate"),
             "talk_ratio": translate("ScorecardView", "Talk ratio"), "loudness": translate("ScorecardView", "Loudness"),
             "sequence": translate("ScorecardView", "Order of steps"),
             "polite_form": translate("ScorecardView", "您 or 你? Check by ear"),
             "customer_anger": translate("ScorecardView", "Angry caller")}
    return names.get(category, category)
