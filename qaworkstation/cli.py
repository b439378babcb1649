"""``qaws``: the window with no arguments, and sub-commands over the core for scripts and checks.

Errors are one line on stderr and a non-zero exit code, never a traceback: the command line is used in
nightly scripts where a clear line in a log is what someone reads.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .core.settings import default_inspector

if TYPE_CHECKING:  # the window starts through here: each command imports what it uses when it runs
    from .core.asr.transcribe import Transcriber, TranscribeSettings
    from .core.library.importer import ImportPlan, ImportReport
    from .core.library.search import Moment
    from .core.library.store import Store, StoreError
    from .core.pipeline.analysis import AnalysisResult, RubricLibrary
    from .core.pipeline.cluster_settings import ClusterSettings
    from .core.pipeline.execution import CallResult
    from .core.pipeline.work_queue import QueueStatus

EXIT_FAILURE = 1
EXIT_USAGE = 2
_NAMES_SHOWN = 10  # calls named in a message before "and N more"
_SQLITE_WORKING_SPACE = 32 * 1024  # the -shm index SQLite makes beside a WAL library to open it


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        self.exit(EXIT_USAGE, f"qaws: {message} (see qaws --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qaws", description="QA Workstation: score call recordings against a rubric, offline.")
    _add_global_options(parser, after_command=False)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    importing = _command(sub, "import", help="add recordings (files or folders) to the library")
    _add_import_options(importing)
    transcribe = _command(sub, "transcribe", help="import and transcribe recordings")
    _add_import_options(transcribe)
    _add_cluster_options(transcribe)
    analyze = _command(sub, "analyze", help="import, transcribe and flag recordings")
    _add_import_options(analyze)
    analyze.add_argument("--json", action="store_true", help="print one JSON object per recording")
    _add_cluster_options(analyze)
    search = _command(sub, "search", help="find where a word or phrase was said, in every call's transcript")
    _add_search_options(search)
    sample = _command(sub, "sample", help="draw calls by a coverage plan within a date window and keep the draw; "
                                          "--list shows the kept draws and their progress")
    _add_sample_options(sample)
    export = _command(sub, "export", help="sync submitted evaluations to a (shared) folder")
    export.add_argument("--to", type=Path, required=True, help="destination folder")
    audit_log = _command(sub, "audit", help="check the library's audit log")
    verify = _command(audit_log.add_subparsers(dest="audit_command", required=True, parser_class=_Parser), "verify",
                      help="walk the hash chain; print OK, or the first broken row and exit 1")
    verify.add_argument("--share", type=Path, help="the team's shared folder: also check the chain still reaches "
                                                   "the head the inspector's last sync recorded there")
    backup = _command(sub, "backup", help="copy the library safely (SQLite backup API), even while it is in use")
    backup.add_argument("--to", type=Path, required=True, help="the backup file to write (replaced when complete)")
    _command(sub, "encrypt", help="switch encryption on: create this workstation's database key (kept in the "
                                  "keyring) and encrypt the library in place; close the window first")
    key = _command(sub, "key", help="the team key that encrypts journals on the shared folder")
    key_commands = key.add_subparsers(dest="key_command", required=True, parser_class=_Parser)
    _command(key_commands, "show", help="which keys this workstation holds (their ids, never the keys)")
    _command(key_commands, "new-team", help="create the team key here and print it once, to hand to the team")
    _command(key_commands, "set-team", help="keep the team key read from standard input (as new-team printed it)")
    _command(sub, "window", help="open the window (the default)")
    return parser


def _add_global_options(parser: argparse.ArgumentParser, after_command: bool) -> None:
    """The options every command takes, before or after its name (``qaws analyze x.wav --language zh`` as
    well as ``qaws --language zh analyze x.wav``). After the command they default to SUPPRESS, so leaving one
    out there keeps what was given before the command, or the main parser's default."""
    def given(value: object) -> object:
        return argparse.SUPPRESS if after_command else value

    parser.add_argument("--db", type=Path, default=given(None),
                        help="library file (default: $QAWS_DB, else library.sqlite3 in this user's data folder)")
    parser.add_argument("--rubric", default=given(None),
                        help="rubric id or .yaml path; 'auto' (the default) picks the bundled rubric of the call's "
                             "language")
    parser.add_argument("--model", default=given(None),
                        help="offline-base (the default), offline-tiny.en, a CTranslate2 model folder or a "
                             "downloadable name")
    parser.add_argument("--language", default=given(""), help="language code to skip detection, e.g. zh or en")
    parser.add_argument("--script", default=given("simplified"), choices=("simplified", "traditional", "as-is"),
                        help="Chinese script of transcripts")
    parser.add_argument("--inspector", default=given(default_inspector()),
                        help="who is scoring (default: login name)")


def _command(sub: argparse._SubParsersAction, name: str, **kwargs: str) -> argparse.ArgumentParser:
    """A sub-command that also takes the global options after its name."""
    command = sub.add_parser(name, **kwargs)
    _add_global_options(command, after_command=True)
    return command


def _add_search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="word or phrase; simplified and traditional script match alike")
    parser.add_argument("--agent", default="", help="only this agent's calls")
    parser.add_argument("--team", default="", help="only this team's calls")
    parser.add_argument("--speaker", default="", choices=("", "agent", "customer", "unknown"),
                        help="only what this side said")
    parser.add_argument("--category", default="", help="only calls with a flag of this category, e.g. forbidden")
    parser.add_argument("--call-type", default="", help="only calls of this type")
    parser.add_argument("--from", dest="date_from", type=_day, default=None, metavar="YYYY-MM-DD",
                        help="only calls on or after this day")
    parser.add_argument("--to", dest="date_to", type=_day, default=None, metavar="YYYY-MM-DD",
                        help="only calls on or before this day")
    parser.add_argument("--limit", type=_search_limit, default=50,
                        help=f"at most this many moments (default 50, at most {MAX_SEARCH_LIMIT})")
    parser.add_argument("--json", action="store_true", help="print one JSON object per moment")


def _add_sample_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="list the kept draws with drawn / scored / remaining")
    parser.add_argument("--from", dest="date_from", type=_day, metavar="YYYY-MM-DD", help="first day of the window")
    parser.add_argument("--to", dest="date_to", type=_day, metavar="YYYY-MM-DD", help="last day of the window")
    parser.add_argument("--team", default="", help="draw this team's calls by its plan (default: every team)")
    parser.add_argument("--call-share", type=_percent, default=10.0, metavar="PCT",
                        help="share of each team's calls drawn per day (default 10)")
    parser.add_argument("--agent-share", type=_percent, default=20.0, metavar="PCT",
                        help="share of each team's agents covered per week (default 20)")
    parser.add_argument("--inspector-daily", type=int, default=0, metavar="N",
                        help="calls one inspector hears a day, to check the plan fits (default: not checked)")
    parser.add_argument("--inspectors", type=_positive_int, default=1, metavar="N", help="inspectors sharing it")
    parser.add_argument("--seed", type=int, default=0, help="the same seed draws the same calls (default 0)")
    parser.add_argument("--name", default="", help="a name for the kept draw")
    parser.add_argument("--json", action="store_true", help="print the draw as one JSON object")


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected a percentage from 0 to 100, got {text}")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a day as YYYY-MM-DD, got {text}") from None


def _add_import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, help="recording files or folders")
    parser.add_argument("--pattern", default="", help="file name template, e.g. {agent}_{team}_{call_time}_{call_id}")
    parser.add_argument("--metadata", type=Path, default=None, help="CSV with a 'file' column and call metadata")


def _add_cluster_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Dask cluster (default: analyse in this process)")
    where = group.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default="", metavar="tcp://HOST:PORT", help="run on this existing Dask cluster")
    where.add_argument("--workers", type=_positive_int, default=0, metavar="N",
                       help="start a local Dask cluster of N worker processes")
    group.add_argument("--threads-per-worker", type=_positive_int, default=1, metavar="T",
                       help="with --workers: calls each worker process analyses at once (default 1)")
    group.add_argument("--memory-limit", default="auto", metavar="SIZE",
                       help="with --workers: memory per worker process, e.g. 3GiB (default: RAM / N)")
    audio = group.add_mutually_exclusive_group()
    audio.add_argument("--path-map", action="append", default=[], metavar="LOCAL=REMOTE",
                       help="workers read recordings under LOCAL from REMOTE, a folder they all see (repeatable)")
    audio.add_argument("--send-audio", action="store_true", help="send each recording's bytes to its worker")
    group.add_argument("--call-timeout", type=float, default=0.0, metavar="S",
                       help="give up on a call after S seconds (default: 120 s + twice its audio per channel)")
    group.add_argument("--connect-timeout", type=float, default=30.0, metavar="S",
                       help="how long to try reaching --scheduler (default 30)")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text}")
    return value


MAX_SEARCH_LIMIT = 1_000_000  # far more moments than anyone reads; SQLite's LIMIT overflows past 2**63


def _search_limit(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_SEARCH_LIMIT:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_SEARCH_LIMIT} moments, got {text}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "window"):
        from .ui.app import run_app

        return run_app(db_path=args.db, rubric=args.rubric, model=args.model)
    from .core.asr.models import ModelUnavailable
    from .core.audio.reading import AudioError
    from .core.i18n import language_from_environment, use_language
    from .core.library.drivers import database_errors
    from .core.library.sqlite_file import damage_message
    from .core.library.store import StoreError
    from .core.privacy import keys
    from .core.scoring.rubric import RubricError

    use_language(language_from_environment())
    _log_to_file()
    try:
        return _COMMANDS[args.command](args)
    except (StoreError, RubricError, ModelUnavailable, AudioError, FileNotFoundError, ValueError,
            ConnectionError, keys.KeyUnavailable) as exc:
        print(f"qaws: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except database_errors() as exc:  # met while reading: a damaged library says so, anything else is unexpected
        damage = damage_message(_db_path(args), "library", exc)
        if damage is None:
            print(f"qaws: {type(exc).__name__}: {exc} (details in {_log_failure(args)})", file=sys.stderr)
        else:
            print(f"qaws: {damage}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("qaws: interrupted", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line and a log, never a traceback
        print(f"qaws: {type(exc).__name__}: {exc} (details in {_log_failure(args)})", file=sys.stderr)
        return EXIT_FAILURE


def _log_to_file() -> None:
    """What the core logs (a sync's unexpected failure, with its traceback) goes to the day's log file, opened
    only if something is logged: on stderr it would be the traceback the command line promises never to show."""
    import logging

    from .core.cache import cache_dir

    log = cache_dir() / "logs" / f"qaws-{date.today().isoformat()}.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(log, encoding="utf-8", delay=True)
    except OSError:
        handler = logging.NullHandler()
    core = logging.getLogger("qaworkstation")
    for previous in [h for h in core.handlers if getattr(h, "qaws_cli", False)]:  # main() run again in-process
        core.removeHandler(previous)
        previous.close()
    handler.qaws_cli = True  # type: ignore[attr-defined]
    core.addHandler(handler)  # a handler found, Python's last-resort handler no longer prints records to stderr


def _log_failure(args: argparse.Namespace) -> Path:
    """Write the traceback of an unexpected failure to a log file for whoever fixes it, and say where."""
    import traceback

    from .core.cache import cache_dir

    log = cache_dir() / "logs" / f"qaws-{date.today().isoformat()}.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- qaws {' '.join(sys.argv[1:]) or args.command}\n{traceback.format_exc()}\n")
    except OSError:
        return Path("(the log could not be written either)")
    return log


def _db_path(args: argparse.Namespace) -> Path:
    from .core.library.drivers import default_db_path

    return Path(args.db or default_db_path())


def _store(args: argparse.Namespace, create: bool = False) -> Store:
    """The library; only a command that adds calls may ``create`` one. A mistyped --db must not leave an empty
    library (and its folders) behind and answer as if it were the real one, so a reading command refuses a
    path with no library, and a new library given by path needs its folder to exist (only the default
    location's folders are made)."""
    from .core.library.drivers import DB_ENV
    from .core.library.store import Store, StoreError

    path = _db_path(args)
    if not os.path.lexists(path):
        if not create:
            raise StoreError(f"{path}: there is no library there; check --db (or ${DB_ENV}). This command only "
                             "reads a library, so it does not create one")
        if (args.db or os.environ.get(DB_ENV)) and not path.parent.is_dir():
            raise StoreError(f"{path}: the folder {path.parent} does not exist; check --db (or ${DB_ENV}), or "
                             "create the folder first to start a new library there")
    try:
        return Store(path)
    except StoreError as exc:
        short = _short_of_working_space(path, exc)
        if short is None:
            raise
        raise StoreError(short) from exc


def _short_of_working_space(path: Path, exc: StoreError) -> str | None:
    """Opening a WAL library makes SQLite's shared-memory index (``-shm``, 32 KB) beside it, even for a command
    that only reads. With less free space than that, SQLite reports a disk I/O error, which the library words
    as a change that was not saved; say what actually happened instead, or None if that is not it."""
    import shutil

    from .core.library.drivers import database_errors

    cause = exc.__cause__
    if not isinstance(cause, database_errors()):
        return None
    name, text = getattr(cause, "sqlite_errorname", "") or "", str(cause).lower()
    if not (name.startswith(("SQLITE_IOERR", "SQLITE_FULL")) or text in ("disk i/o error", "database or disk is full")):
        return None
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return None
    if free >= _SQLITE_WORKING_SPACE:
        return None
    return (f"{path}: not enough free space next to the library for SQLite's working files ({path.name}-shm and "
            f"{path.name}-wal; it needs {_SQLITE_WORKING_SPACE // 1024} KB, {free // 1024} KB is free), so it could "
            "not be opened; nothing was read or changed. Free some space on that disk and try again")


def _import_inputs(args: argparse.Namespace) -> ImportPlan:
    """Check what an import was given and settle its files and metadata before a library is opened (or
    created) for it: a mistyped path, a metadata file that is not there or cannot be read and a pattern naming
    a field twice are the person's to fix, and silently importing without them would file every call under no
    agent."""
    from .core.library.importer import FilenamePattern, plan_import

    missing = [str(p) for p in args.paths if not os.path.lexists(p)]  # a broken link gets its own status
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    if args.metadata is not None and not args.metadata.is_file():
        what = "is a folder, not a CSV file" if args.metadata.is_dir() else "does not exist"
        raise FileNotFoundError(f"--metadata {args.metadata} {what}; give the CSV with the calls' metadata")
    named = Counter(re.findall(r"\{([^}*]+)\}", args.pattern or ""))
    twice = sorted(name for name, count in named.items() if count > 1)
    if twice:
        raise ValueError(f"--pattern {args.pattern!r} names the field {{{twice[0]}}} more than once; each field may "
                         "appear once ({*} skips any other part)")
    return plan_import(args.paths, FilenamePattern(args.pattern) if args.pattern else None, args.metadata)


def _import(args: argparse.Namespace, store: Store, plan: ImportPlan) -> ImportReport:
    """Import the plan, saying each file that was skipped or ignored, also when the library stops taking files
    part-way (a full disk): the files before it stay in."""
    from .core.audio.reading import AUDIO_EXTENSIONS
    from .core.library.importer import ImportStopped, import_planned

    try:
        report = import_planned(store, plan)
    except ImportStopped as exc:
        _print_problems(exc.report)
        raise
    _print_problems(report)
    if not report.recording_ids and not report.errors:  # a day without calls is not a failure
        print(f"qaws: no recordings among {', '.join(map(str, args.paths))} (looked for "
              f"{' '.join(AUDIO_EXTENSIONS)} files, and any other file that is audio)", file=sys.stderr)
    return report


def _print_problems(report: ImportReport) -> None:
    for verb, entries in (("ignored", report.ignored), ("skipped", report.errors)):
        for path, reason in entries:
            print(f"qaws: {verb} {reason}" if reason.startswith(path) else f"qaws: {verb} {path}: {reason}",
                  file=sys.stderr)


def _print_counts(report: ImportReport, total: int) -> None:
    """The summary line scripts read; ``not imported`` only when the import stopped before some files."""
    rest = total - report.looked_at()
    print(f"imported {len(report.imported)}, already in library {len(report.duplicates)}, "
          f"failed {len(report.errors)}" + (f", not imported {rest} (the import stopped)" if rest else ""))


def cmd_import(args: argparse.Namespace) -> int:
    """Import, then the summary line, which an import stopped part-way prints too (before its failure)."""
    from .core.library.importer import ImportStopped

    plan = _import_inputs(args)
    try:
        report = _import(args, _store(args, create=True), plan)
    except ImportStopped as exc:
        _print_counts(exc.report, exc.total)
        raise
    _print_counts(report, len(plan.files))
    return EXIT_FAILURE if report.errors else 0


def _transcriber(args: argparse.Namespace) -> Transcriber:
    from .core.asr.models import DEFAULT_MODEL
    from .core.asr.transcribe import Transcriber, TranscribeSettings

    return Transcriber(TranscribeSettings(model=args.model or DEFAULT_MODEL, language=args.language,
                                          script=args.script))


def _rubrics(args: argparse.Namespace) -> RubricLibrary:
    from .core.pipeline.analysis import RubricLibrary

    return RubricLibrary(args.rubric) if args.rubric else RubricLibrary()


def cmd_analyze(args: argparse.Namespace) -> int:
    """Queue the calls, work through the queue (resumable after a crash) here or on a Dask cluster, then
    report each call."""
    cluster = _cluster_settings(args)
    transcriber = _transcriber(args)
    if not cluster:
        transcriber.preload()  # beside the imports, the library and the probes below
    return _analyze(args, transcriber, cluster)


def _analyze(args: argparse.Namespace, transcriber: Transcriber, cluster: ClusterSettings | None) -> int:
    from .core.library.store import StoreError
    from .core.pipeline.analysis import analyse_recording
    from .core.pipeline.work_queue import QueueRunner, WorkQueue

    plan = _import_inputs(args)
    store = _store(args, create=True)
    report = _import(args, store, plan)
    recording_ids = list(dict.fromkeys(report.recording_ids))
    rubrics = _rubrics(args)
    failed: dict[str, str] = {}
    try:
        WorkQueue(store).enqueue(recording_ids)
        if cluster:
            _run_on_cluster(store, transcriber.settings, rubrics, cluster, failed)
        else:
            QueueRunner(store, transcriber, rubrics).run(
                on_status=_print_progress if sys.stderr.isatty() else None,
                on_error=lambda name, message: failed.setdefault(name, message))
    except StoreError as exc:
        raise StoreError(_analysis_stopped(store, recording_ids, exc)) from exc
    for recording_id in recording_ids:
        recording = store.recording(recording_id)
        if recording["status"] == "error":
            print(f"qaws: {recording['error']}", file=sys.stderr)
            continue
        _print_result(args, analyse_recording(store, transcriber, rubrics, recording_id))
    return EXIT_FAILURE if report.errors or failed else 0


def _analysis_stopped(store: Store, recording_ids: list[str], exc: Exception) -> str:
    """The library's own words are about the one save it refused ("nothing of this change was saved"); the calls
    imported, and those analysed before it, keep what was saved, and the person must hear which."""
    calls = [store.recording(recording_id) for recording_id in recording_ids]
    saved = [call["file_name"] for call in calls if call["status"] == "analysed"]
    shown = ", ".join(saved[:_NAMES_SHOWN]) + (f" and {len(saved) - _NAMES_SHOWN} more" if len(saved) > _NAMES_SHOWN
                                                else "")
    if not saved:
        analysed = "none was analysed"
    else:
        rest = len(calls) - len(saved)
        analysed = (f"{shown} {'has its' if len(saved) == 1 else 'have their'} analysis saved, the other {rest} "
                    f"{'was' if rest == 1 else 'were'} not analysed")
    return (f"the analysis stopped after {len(saved)} of {len(calls)} calls: {str(exc).rstrip('.')}. All {len(calls)} "
            f"calls are in the library; {analysed}. Run the same qaws analyze again once that is fixed: it analyses "
            "only what is left")


def _cluster_settings(args: argparse.Namespace) -> ClusterSettings | None:
    """The cluster the user asked for, or None to analyse in this process."""
    from .core.pipeline.cluster_settings import ClusterSettings, parse_path_map

    if not (args.scheduler or args.workers):
        if args.path_map or args.send_audio:
            raise ValueError("--path-map and --send-audio apply to a cluster; add --workers N or --scheduler")
        return None
    if args.scheduler and not (args.path_map or args.send_audio):
        raise ValueError("with --scheduler, say how workers get the audio: --path-map LOCAL=REMOTE (a folder "
                         "they all see) or --send-audio")
    return ClusterSettings(scheduler=args.scheduler, workers=args.workers or 1,
                           threads_per_worker=args.threads_per_worker, memory_limit=args.memory_limit,
                           send_audio=args.send_audio, path_map=tuple(map(parse_path_map, args.path_map)),
                           call_timeout_s=args.call_timeout, connect_timeout_s=args.connect_timeout)


def _run_on_cluster(store: Store, settings: TranscribeSettings, rubrics: RubricLibrary, cluster: ClusterSettings,
                    failed: dict[str, str]) -> None:
    """Analyse the queue on the cluster, one progress line per call on stderr as its result is stored."""
    # Dask adds a second to any command using it: imported here
    from .core.pipeline.cluster import ClusterError, ClusterRunner, connect
    from .core.pipeline.work_queue import WorkQueue

    if not WorkQueue(store).waiting():
        return  # every call already has its result: no cluster to start

    try:
        with connect(cluster) as client:
            print(f"qaws: Dask dashboard {client.dashboard_link}", file=sys.stderr, flush=True)
            runner = ClusterRunner(store, client, settings, rubrics, cluster)
            runner.prepare()
            runner.run(on_call=_print_call, on_error=lambda name, message: failed.setdefault(name, message))
    except ClusterError:
        raise
    except OSError as exc:  # the scheduler went away mid-run
        raise ClusterError(f"lost the Dask cluster ({exc}); unfinished calls stay queued for the next run") from exc


def _print_call(file_name: str, result: CallResult, status: QueueStatus) -> None:
    from .core.pipeline.execution import FROM_CACHE

    if not result.ok:
        outcome = "failed"
    elif result.where == FROM_CACHE:
        outcome = "already in the library"
    else:
        outcome = f"done on {result.where} in {result.elapsed_s:.1f} s"
    eta = f", about {status.eta_s:.0f} s left" if status.eta_s else ""
    print(f"qaws: [{status.done + status.failed}/{status.total}] {file_name} {outcome}{eta}", file=sys.stderr,
          flush=True)


def _print_progress(status: QueueStatus) -> None:
    eta = f", about {status.eta_s:.0f} s left" if status.eta_s is not None else ""
    print(f"\r{status.fraction:6.1%} {status.current_file}{eta}\033[K", end="", file=sys.stderr, flush=True)


def _print_result(args: argparse.Namespace, result: AnalysisResult) -> None:
    if getattr(args, "json", False):
        print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        return
    from .core.rules.risk import describe_risk

    violations = sum(1 for f in result.flags if f.deduction > 0)
    print(f"{result.recording['file_name']}: {result.language}, {len(result.segments)} segments, "
          f"{violations} flags, risk: {describe_risk(result.recording['risk'])}", flush=True)


def cmd_export(args: argparse.Namespace) -> int:
    """Publish the inspector's released evaluations; drafts stay in the library. The release behind a draft
    correction is handed over too, so it reaches the share even if its own submission never did."""
    from .core.team.sync import publish

    result = publish(_store(args), args.to, args.inspector)
    print(result.message if result.ok else f"qaws: {result.message}", file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else EXIT_FAILURE


def cmd_audit(args: argparse.Namespace) -> int:
    """``audit verify``: a broken chain means someone edited or removed audit rows behind the app's back."""
    from .core.library import audit
    from .core.team.sync import audit_anchor, missing_anchor_reason

    anchor = audit_anchor(args.share, args.inspector) if args.share else None
    with _store(args).reading() as db:
        check = audit.verify(db, anchor)
    if check.ok and args.share and anchor is None:  # an intact chain, but the check asked for was not made
        print(f"qaws: the share holds no audit anchor for inspector {args.inspector}: "
              f"{missing_anchor_reason(args.share, args.inspector)}. The chain itself is intact ({check.rows} "
              f"entries), but without the anchor, entries cut from its end cannot be noticed", file=sys.stderr)
        return EXIT_FAILURE
    print(check.describe())
    return 0 if check.ok else EXIT_FAILURE


def cmd_backup(args: argparse.Namespace) -> int:
    """A file copy of a library in use can catch a page half-written or miss what is still in -wal; the
    backup API copies one consistent state, encrypted with the library's own key when it has one."""
    store = _store(args)
    try:
        target = store.backup(args.to)
    finally:
        store.close()
    encrypted = " (encrypted with this workstation's database key)" if store.encrypted else ""
    print(f"backed up {store.path} to {target}{encrypted}")
    return 0


def cmd_encrypt(args: argparse.Namespace) -> int:
    """Encryption is on once a database key exists; the library already on disk is converted to match, since a
    keyed workstation cannot open a plain file. Running it again is harmless."""
    from .core.library.drivers import default_db_path
    from .core.library.sqlite_file import encrypt_database, is_plain_database
    from .core.library.store import Store
    from .core.privacy import keys

    path = Path(args.db or default_db_path())
    if not path.is_file():
        raise FileNotFoundError(f"no library at {path}; pass --db or set $QAWS_DB")
    existed = keys.load_key(keys.DATABASE_KEY) is not None
    key = keys.ensure_key(keys.DATABASE_KEY)
    if not existed:
        print(f"created the database key {keys.key_id(key)}; keep a copy: without it the library cannot be read")
    if not is_plain_database(path):
        Store(path).close()  # opens only with this key: proves the file is ours and already encrypted
        print(f"{path} is already encrypted with key {keys.key_id(key)}")
        return 0
    encrypt_database(path, key)
    print(f"encrypted {path} with key {keys.key_id(key)}")
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    from .core.privacy import keys

    if args.key_command == "new-team":
        if keys.load_key(keys.TEAM_KEY) is not None:
            raise ValueError("this workstation already has a team key; replacing it would make the team's "
                             "encrypted journals unreadable here")
        key = keys.new_key()
        where = keys.save_key(keys.TEAM_KEY, key)
        print(f"team key {keys.key_id(key)} kept in {where}. Give every inspector of the team this line, to run "
              f"'qaws key set-team' with it:\n{keys.key_text(key)}")
    elif args.key_command == "set-team":
        key = keys.parse_key_text(sys.stdin.readline(), "the team key on standard input")
        print(f"team key {keys.key_id(key)} kept in {keys.save_key(keys.TEAM_KEY, key)}")
    else:
        for name in (keys.DATABASE_KEY, keys.TEAM_KEY):
            key = keys.load_key(name)
            print(f"{name} key: {keys.key_id(key) if key else 'none (not encrypted)'}")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    """Draw by a coverage plan and keep the draw in the library, or list the kept draws with their progress."""
    from .core.team.sampling import CoveragePlan, draw_plan, sample_progress, saved_samples

    store = _store(args)
    if args.list:
        for kept in saved_samples(store):
            progress = sample_progress(store, kept, args.inspectors)
            print(f"{kept.name}\t{kept.date_from}…{kept.date_to}\tdrawn {progress.drawn}, scored {progress.scored}, "
                  f"remaining {progress.remaining}")
        return 0
    if not (args.date_from and args.date_to):
        raise ValueError("a draw needs its window: --from YYYY-MM-DD --to YYYY-MM-DD (or --list)")
    plan = CoveragePlan(args.team, args.call_share, args.agent_share, max(0, args.inspector_daily))
    kept = draw_plan(store, plan, args.date_from.isoformat(), args.date_to.isoformat(), args.seed, args.name,
                     args.inspector)
    progress = sample_progress(store, kept, args.inspectors)
    calls = [store.recording(recording_id) for recording_id in kept.recording_ids]
    if args.json:
        print(json.dumps({"id": kept.id, "name": kept.name, "date_from": kept.date_from, "date_to": kept.date_to,
                          "seed": kept.seed, "drawn": progress.drawn, "scored": progress.scored,
                          "remaining": progress.remaining, "busiest_day": progress.busiest_day,
                          "calls": [{key: call[key] for key in ("id", "file_name", "call_id", "agent", "team",
                                                                "call_time")} for call in calls]},
                         ensure_ascii=False))
    else:
        print(f"drew {progress.drawn} calls ({plan.call_share:g}% of each team's calls a day, {plan.agent_share:g}% "
              f"of its agents a week), kept as {kept.name!r}: scored {progress.scored}, remaining "
              f"{progress.remaining}")
        for call in calls:
            print(f"{call['call_time']}\t{call['team'] or '-'}\t{call['agent'] or '-'}\t{call['file_name']}")
    if progress.over_capacity:
        print(f"qaws: the busiest day draws {progress.busiest_day} calls, more than the inspectors' "
              f"{progress.daily_capacity} a day", file=sys.stderr)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Every moment the query was said, best first: one line each for people, one JSON object each for
    scripts. Nothing found is an answer, not a failure."""
    from .core.library.search import SearchFilters

    filters = SearchFilters(agent=args.agent, team=args.team, speaker=args.speaker, category=args.category,
                            call_type=args.call_type,
                            date_from=args.date_from.isoformat() if args.date_from else "",
                            date_to=(args.date_to + timedelta(days=1)).isoformat() if args.date_to else "")
    moments = _store(args).search_transcripts(args.query, filters, args.limit)
    for moment in moments:
        print(json.dumps(moment.to_json(), ensure_ascii=False) if args.json else _moment_line(moment), flush=True)
    if not moments and not args.json:
        print(f"qaws: nothing found for {args.query!r}", file=sys.stderr)
    return 0


def _moment_line(moment: Moment) -> str:
    """call, agent, speaker, mm:ss and the line with each hit in [brackets] (bold on a terminal)."""
    opening, closing = ("\033[1;33m", "\033[0m") if sys.stdout.isatty() else ("[", "]")
    text, last, marked = moment.text, 0, []
    for start, end in moment.hits:
        marked += [text[last:start], opening, text[start:end], closing]
        last = end
    minutes, seconds = divmod(int(moment.start), 60)
    return (f"{moment.call}\t{moment.agent or '-'}\t{moment.speaker}\t{minutes:02d}:{seconds:02d}\t"
            f"{''.join(marked)}{text[last:]}")


_COMMANDS = {"import": cmd_import, "transcribe": cmd_analyze, "analyze": cmd_analyze, "search": cmd_search,
             "sample": cmd_sample, "export": cmd_export, "audit": cmd_audit, "backup": cmd_backup,
             "encrypt": cmd_encrypt, "key": cmd_key}


if __name__ == "__main__":
    sys.exit(main())
