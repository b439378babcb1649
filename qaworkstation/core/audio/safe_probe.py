"""Decoding untrusted files in a child process, so a decoder crash or hang costs one file, not the app.

Recordings arrive from recorder exports, USB sticks and chat apps; a crafted or merely broken file can make a
native decoder crash (taking the window and any unsaved scorecard with it) or loop forever. :class:`ProbeWorker`
keeps one child process (``python -m qaworkstation.core.audio.safe_probe``) for a whole import batch — starting one
per file would cost a third of a second each — sends it one path at a time over a pipe and waits at most a
per-file timeout for the answer. A child that dies or overruns is killed, the file gets ``decoder crashed`` or
``timed out``, and the next file gets a fresh child.

The protocol is one JSON object per line, ASCII only (``json`` escapes everything else, including the lone
surrogates of undecodable file names): ``{"path": ...}`` in, ``{"ok": {AudioInfo fields}}`` or
``{"error": {"status": ..., "reason": ...}}`` out. The child writes it on a private copy of stdout and points
the real stdout at stderr, so a decoder that prints (mpg123 does) cannot corrupt it.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from types import TracebackType
from typing import IO

from . import reading as audio
from .reading import AudioError, AudioInfo, AudioStatus, check_file, fail

BASE_TIMEOUT_S = 15.0
TIMEOUT_S_PER_MB = 1.0  # MP3 decodes at well over 1 MB/s even on an old laptop
_PACKAGE_ROOT = Path(__file__).resolve().parents[3]


def timeout_for(size: int) -> float:
    """Seconds a file of ``size`` bytes may take to decode: enough for a long call, short for a hang."""
    return BASE_TIMEOUT_S + TIMEOUT_S_PER_MB * size / 1024 ** 2


class _Child:
    """One running child process and the thread that turns its output lines into a queue."""

    def __init__(self, command: Sequence[str]) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(_PACKAGE_ROOT),
                                                                         os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen(list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env)
        self.replies: queue.Queue[dict | None] = queue.Queue()
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        """Queue each answer; None when the child has gone (or said something that is not an answer)."""
        with stream:
            for line in stream:
                try:
                    self.replies.put(json.loads(line))
                except ValueError:
                    break
        self.replies.put(None)

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, path: Path) -> None:
        self.process.stdin.write(json.dumps({"path": str(path)}).encode("ascii") + b"\n")
        self.process.stdin.flush()

    def stop(self, kill: bool) -> int:
        """End the child (at once if ``kill``) and return its exit code."""
        if kill:
            self.process.kill()
        try:
            self.process.stdin.close()
        except OSError:
            pass  # the pipe is already broken: the child is gone
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


class ProbeWorker:
    """Probes files one after another in a child process; use as a context manager around an import batch.

    ``timeout`` fixes the per-file limit in seconds (default: :func:`timeout_for` the file's size). ``command``
    runs the child another way, e.g. a frozen app's own executable with a flag that calls :func:`serve`.
    """

    def __init__(self, timeout: float | None = None, command: Sequence[str] | None = None) -> None:
        self.timeout = timeout
        self.command = list(command or [sys.executable, "-m", __name__])
        self._child: _Child | None = None

    def __enter__(self) -> ProbeWorker:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The child's process id, while one runs."""
        return self._child.process.pid if self._child and self._child.alive() else None

    def probe(self, path: Path | str) -> AudioInfo:
        """:func:`audio.probe` in the child; AudioError with a status for a bad file, a crash or a hang."""
        path = Path(path)
        size = check_file(path).st_size
        limit = self.timeout if self.timeout is not None else timeout_for(size)
        child = self._running_child()
        try:
            child.send(path)
            reply = child.replies.get(timeout=limit)
        except queue.Empty:
            self._stop(kill=True)
            raise fail(path, AudioStatus.TIMED_OUT, f"no answer after {limit:g} s; the decoder was stopped") from None
        except OSError:
            reply = None
        if reply is None:
            raise fail(path, AudioStatus.CRASHED, _exit_description(self._stop(kill=True)))
        return _from_reply(path, reply)

    def close(self) -> None:
        """Let the child finish and exit."""
        if self._child:
            self._stop(kill=False)

    def _running_child(self) -> _Child:
        if self._child and not self._child.alive():
            self._stop(kill=True)
        if self._child is None:
            self._child = _Child(self.command)
        return self._child

    def _stop(self, kill: bool) -> int:
        child, self._child = self._child, None
        return child.stop(kill) if child else 0


def probe_file(path: Path | str, timeout: float | None = None) -> AudioInfo:
    """Probe one file in a child process of its own: for a single file; batches should share a ProbeWorker."""
    with ProbeWorker(timeout) as worker:
        return worker.probe(path)


def _from_reply(path: Path, reply: dict) -> AudioInfo:
    if "ok" in reply:
        return AudioInfo(**reply["ok"])
    error = reply.get("error", {})
    raise AudioError(path, error.get("reason", "no reason given"), error.get("status", AudioStatus.DAMAGED))


def _exit_description(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


def serve(requests: IO[str] | None = None) -> None:
    """The child's loop: probe each requested path and answer on a private copy of stdout."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="ascii")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    for line in requests or sys.stdin:
        path = json.loads(line)["path"]
        try:
            reply: dict = {"ok": asdict(audio.probe(path))}
        except AudioError as exc:
            reply = {"error": {"status": exc.status, "reason": exc.reason}}
        except Exception as exc:  # noqa: BLE001 - any decoder failure is this file's status, never the child's end
            reply = {"error": {"status": AudioStatus.DAMAGED, "reason": f"{AudioStatus.DAMAGED}: {exc!r}"}}
        answers.write(json.dumps(reply) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve()
