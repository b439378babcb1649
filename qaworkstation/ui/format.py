"""How times and scores are written on screen."""

from __future__ import annotations

from datetime import datetime


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
