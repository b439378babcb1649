"""The architecture is a contract, not a sentence in a docstring: the core stands alone (no Qt, no window, no
command line), its packages import only the layers below them, the window never imports the command line, and
no module imports itself round a cycle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package found in ``folder`` (first on the path), with the project's contract."""
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / ".importlinter"), "--no-cache"],
                          cwd=folder, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(folder)})


def test_architecture_contract_is_kept() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def _lint_with(tmp_path: Path, module: str, source: str) -> subprocess.CompletedProcess[str]:
    """The contract checked on a copy of the package with one extra module."""
    shutil.copytree(ROOT / "qaworkstation", tmp_path / "qaworkstation",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "qaworkstation" / "core" / module).write_text(source)
    return _lint(tmp_path)


def test_architecture_contract_fails_on_a_qt_import_in_the_core(tmp_path: Path) -> None:
    done = _lint_with(tmp_path, "stray.py",
                      '"""A core module that reaches for Qt."""\n\nfrom PySide6.QtCore import QObject  # noqa: F401\n')
    assert done.returncode != 0
    assert "BROKEN" in done.stdout and "qaworkstation.core.stray -> PySide6" in done.stdout


def test_architecture_contract_fails_on_an_upward_import_between_core_packages(tmp_path: Path) -> None:
    done = _lint_with(tmp_path, "audio/stray.py",
                      '"""Audio that reaches up into the library."""\n\nfrom ..library import store  # noqa: F401\n')
    assert done.returncode != 0
    assert "Core packages depend only on the layers below them BROKEN" in done.stdout
    assert "qaworkstation.core.audio.stray -> qaworkstation.core.library.store" in done.stdout


def test_architecture_has_no_import_cycle() -> None:
    graph = grimp.build_graph("qaworkstation")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain and module < imported:
                cycles.append(" -> ".join((module, *chain)))
    assert cycles == []
