"""Shared fixtures: the real corpus, a real library file and the real offline model, loaded once.

Tests play audio through ALSA's ``null`` device (configured before sounddevice is imported, since PortAudio
lists devices at import) and draw widgets on Qt's offscreen platform.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QAWS_CACHE_DIR", str(Path.home() / ".cache" / "qaworkstation"))

from tests.alsa_null import use_null_alsa_device  # noqa: E402 - must run before sounddevice is imported

use_null_alsa_device(Path(tempfile.mkdtemp(prefix="qaws-home-")))

import pytest  # noqa: E402

from qaworkstation.core.asr.transcribe import Transcriber, TranscribeSettings  # noqa: E402
from qaworkstation.core.library.store import Store  # noqa: E402
from qaworkstation.core.pipeline.analysis import RubricLibrary  # noqa: E402

CORPUS = Path(os.environ.get("QAWS_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
CALLS = CORPUS / "calls"


@pytest.fixture(autouse=True)
def no_workstation_keys(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with encryption off, whatever keys the machine running the tests holds; a test
    switches it on by passing a key or by saving one into this empty key folder."""
    from qaworkstation.core.privacy import keys

    monkeypatch.setenv(keys.KEY_DIR_ENV, str(tmp_path_factory.mktemp("keys")))
    for variable in keys.KEY_ENV.values():
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CALLS.is_dir():
        pytest.fail(f"test corpus not found at {CORPUS}; clone the project beside shared/")
    return CORPUS


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """One loaded model for the whole run, as the app keeps one per process."""
    return Transcriber(TranscribeSettings())


@pytest.fixture(scope="session")
def rubrics() -> RubricLibrary:
    return RubricLibrary()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    library = Store(tmp_path / "library.sqlite3")
    yield library
    library.close()


@pytest.fixture
def calls_copy(tmp_path: Path, corpus: Path) -> Path:
    """A writable copy of the corpus calls, so tests can add files beside them."""
    target = tmp_path / "calls"
    shutil.copytree(CALLS, target)
    return target


@pytest.fixture(autouse=True)
def dialogs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A modal message box would block an unattended run for ever: every one is recorded instead, and a test
    that did not ask for them (the ``warnings`` fixture) fails with what the person would have been told."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def record(_parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        shown.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, record)
    yield shown
    if shown and "warnings" not in request.fixturenames:
        pytest.fail(f"the window told the person something unexpected: {shown}")


@pytest.fixture
def warnings(dialogs: list[str]) -> list[str]:
    """What the person would have been told in message boxes, for tests that expect to tell them something."""
    return dialogs
