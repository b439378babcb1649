"""Give PortAudio an output device on machines without a sound card, so the real audio path is tested.

ALSA reads ``$HOME/.asoundrc``; pointing the default PCM at the ``null`` plugin makes PortAudio list a
``default`` output that accepts any rate and discards the audio, and stream callbacks really run.
PortAudio enumerates devices once, when ``sounddevice`` is imported, so this must run before that import.
The null sink is not paced by a clock: it consumes audio as fast as it is produced, which is why the
playback engine paces its own callback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ASOUNDRC = "pcm.!default {\n    type null\n}\n"


def use_null_alsa_device(home: Path) -> None:
    """Make ``home`` the process's HOME with an ``.asoundrc`` whose default PCM is ALSA's null sink."""
    if "sounddevice" in sys.modules:
        raise RuntimeError("sounddevice is already imported: PortAudio has enumerated devices without the "
                           "null ALSA device; call use_null_alsa_device() earlier (top of tests/conftest.py)")
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    (home / ".asoundrc").write_text(ASOUNDRC, encoding="ascii")
    os.environ["HOME"] = str(home)
    os.environ.pop("ALSA_CONFIG_PATH", None)
