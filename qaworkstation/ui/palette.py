"""Colours shared by the waveform, the transcript and the scorecard, so a category looks the same everywhere."""

CATEGORY_COLOURS = {
    "forbidden": "#d93025",
    "insult": "#a50e6e",
    "filler": "#e37400",
    "greeting": "#188038",
    "closing": "#188038",
    "apology": "#1a73e8",
    "customer_anger": "#9334e6",
}

SPEAKER_COLOURS = {"agent": "#1a73e8", "customer": "#188038", "unknown": "#5f6368"}

# Light backgrounds of the same hues, for highlighting text without losing contrast.
CATEGORY_TINTS = {
    "forbidden": "#fce8e6",
    "insult": "#fbe3f1",
    "filler": "#feefe3",
    "greeting": "#e6f4ea",
    "closing": "#e6f4ea",
    "apology": "#e8f0fe",
    "customer_anger": "#f3e8fd",
}
