"""Where the workstation keeps what it can rebuild: joined model weights, waveform peaks, logs.

One place, below every layer that caches, so the audio and speech packages need not know each other to agree on
it; ``QAWS_CACHE_DIR`` moves it (tests, a second profile, a disk with more room).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir


def cache_dir() -> Path:
    """The cache folder (not created here: each user makes the sub-folder it writes)."""
    override = os.environ.get("QAWS_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("qaworkstation"))
