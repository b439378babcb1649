"""Publish an inspector's evaluations to a team share, and read everyone's back for aggregation.

Each inspector owns one sub-folder of the share, so inspectors never write the same file and need no locking.
In it:

* ``evaluations.csv`` and ``item_scores.csv``: full snapshots for supervisors who open them in Excel
  (UTF-8 with BOM, or Excel mangles Chinese);
* ``changes-<UTC time>.jsonl``: one journal per sync holding only the evaluations that were new or changed,
  in full detail (item scores with their review state, the flags the evaluation stands by and the inspector's
  verdicts on the rules' suggestions, for team reports and rule precision; how much of the call was heard, the
  call type and the items accepted without a review of their own, for supervisors; the version, its status and
  the disputes, for the appeal history); the journals are the machine-readable record and a reader keeps the
  highest ``version``, then the latest ``updated_at``, per evaluation id, so re-sending an evaluation is
  harmless;
* ``manifest.json``, written last: what was exported (``{id: updated_at}``) and the sha256 of every data file.
  It is the commit point and the only memory of the previous sync, so a laptop can be reinstalled without
  re-sending duplicates.

Only released versions (submitted, disputed, resolved, final) reach the share: a draft is work in progress that
no supervisor, report or calibration may take for a score. While an evaluation's latest version is a draft,
the share keeps showing its last released version; readers skip the draft records that versions of the app
from before this rule wrote.

With encryption on (this workstation holds a team key, see :mod:`qaworkstation.core.privacy.keys`) journals are
written as ``changes-<UTC time>.jsonl.enc`` (:mod:`qaworkstation.core.privacy.encryption`) and no CSV is written at
all, since Excel cannot open an encrypted file; unencrypted files left from before are removed once the
encrypted journal holding everything is published. The manifest names the team key's id, never the key.

The share is someone else's disk: it may be unmounted, read-only, full or half-copied by a sync client.
Every write is atomic and failures come back as a message for the inspector instead of an exception.
"""

from __future__ import annotations

import csv
import dataclasses
import errno
import hashlib
import io
import json
import logging
import math
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

from ..atomic import atomic_write_bytes
from ..domain import (DRAFT, EVALUATION_STATUSES, SUBMITTED, VERDICTS, Dispute, Evaluation, Flag, Hearing, ItemScore,
                      ScoreSummary, Verdict)
from ..i18n import N_, _
from ..library import audit
from ..library.audit import AuditHead
from ..library.store import Store
from ..privacy.encryption import DecryptionError, decrypt_bytes, encrypt_bytes, file_key_id
from ..privacy.keys import TEAM_KEY, WORKSTATION, KeyChoice, KeyUnavailable, key_id, resolve
from ..scoring import lifecycle

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
EVALUATIONS_CSV = "evaluations.csv"
ITEM_SCORES_CSV = "item_scores.csv"
JOURNAL_PREFIX = "changes-"
JOURNAL_SUFFIX = ".jsonl"
ENCRYPTED_JOURNAL_SUFFIX = ".jsonl.enc"
# Journals in an inspector's folder that its manifest does not list are moved here by that inspector's next sync:
# hidden from readers, kept for whoever investigates how they got there.
UNLISTED_FOLDER = ".unlisted"
# What reading a share may cost. A year of one inspector's evaluations in the demo month's shape is 3.4 MB (723
# evaluations of 4.6 KB), and the evaluations read take about three times their journal's bytes in memory. A plain
# journal is read line by line, so only its records are held; an encrypted one is authenticated whole (a part of
# it cannot be trusted), so it is held whole and capped at MAX_JOURNAL_BYTES. Past MAX_FOLDER_BYTES of journals in
# one inspector's folder, or MAX_RUN_BYTES in all, the rest is not read and said so (see plan_reading). Read at
# call time, so a test can lower them.
MAX_JOURNAL_BYTES = 16 * 2**20  # an encrypted journal: five demo years of one inspector (a sync writes parts)
MAX_FOLDER_BYTES = 32 * 2**20
MAX_RUN_BYTES = 64 * 2**20  # about 200 MB of evaluations in memory, a few seconds of reading
MAX_LINE_BYTES = 2**20  # one record: a real one is a few KB
MAX_MANIFEST_BYTES = 16 * 2**20
# Opening never follows a link (it may lead out of the share) and never waits on a pipe.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

EVALUATION_COLUMNS = (
    "evaluation_id", "file_name", "call_id", "agent", "team", "call_time", "inspector", "rubric_id",
    "total", "max_total", "percent", "passed", "critical_failed", "comment", "created_at", "updated_at",
    "version", "status",
    # the review behind the score, appended so that spreadsheets built on the columns above keep working
    "call_type", "heard_s", "duration_s", "heard_percent", "flags_visited", "flags_total", "accepted_remaining",
)  # fmt: skip
ITEM_SCORE_COLUMNS = ("evaluation_id", "item_id", "score", "na", "comment", "reviewed")

_CSV_ENCODING = "utf-8-sig"
_SNAPSHOTS = (EVALUATIONS_CSV, ITEM_SCORES_CSV)
_ILLEGAL_NAME_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
_MAX_NAME_CHARS = 64  # a CJK character is 3 bytes in UTF-8; stays well inside the 255-byte name limit
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SAFE_LOCALLY = N_("Your evaluations are still saved on this computer; sync again once this is fixed.")

# Checked on reading: the reader sorts and compares them, so a number there would crash aggregation.
_TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(Evaluation) if f.type in ("str", str))
_FLAG_FIELDS = {f.name for f in dataclasses.fields(Flag)}
_DISPUTE_FIELDS = {f.name for f in dataclasses.fields(Dispute)}
_DISPUTE_TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(Dispute) if f.type in ("str", str))
_ITEM_FIELDS = {f.name for f in dataclasses.fields(ItemScore)}
_VERDICT_FIELDS = {f.name for f in dataclasses.fields(Verdict)}
_VERDICT_TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(Verdict) if f.type in ("str", str))
_HEARING_FIELDS = {f.name for f in dataclasses.fields(Hearing)}
_FLAG_NUMBERS = ("start", "end", "deduction", "similarity", "confidence")
# Bounds a reader holds every record to (see _is_version and _check_scores): far beyond any real call.
MAX_VERSION = 2**31 - 1
MAX_MAGNITUDE = 1e9
_SCORE_TOLERANCE = 1e-6  # totals are sums of floats: a hair over the maximum is rounding, not forgery
# Journals written before evaluations had a lifecycle hold what was then the final act of scoring.
_PRE_LIFECYCLE = {"version": 1, "status": SUBMITTED}
# Items of journals written before items had a review state were judged as a whole when released.
_PRE_REVIEW_ITEM = {"reviewed": True}

_log = logging.getLogger(__name__)

# What kind of failure a sync met, for the window to word; the message keeps the details (paths, OS text).
PROBLEM_NOT_SET_UP, PROBLEM_NOT_FOUND, PROBLEM_NO_PERMISSION = "not-set-up", "not-found", "no-permission"
PROBLEM_DISK_FULL, PROBLEM_KEY, PROBLEM_OTHER = "disk-full", "key", "other"
PROBLEM_AUDIT = "audit"  # the library's audit log does not continue the head the share recorded


@dataclass
class SyncResult:
    """What the window shows after a sync. ``written`` is filled on failure too: a journal may have reached
    the share before the disk filled up, and whoever investigates should know what changed there."""

    ok: bool
    message: str
    written: list[Path] = field(default_factory=list)
    exported_count: int = 0
    changed_count: int = 0
    drafts_kept: int = 0  # evaluations whose latest version is a draft, so not (or not yet in this form) shared
    folder: str = ""  # the inspector's folder on the share, once known
    problem: str = ""  # on failure, one of the PROBLEM_* kinds, so the window can say it in its own language


@dataclass
class _Previous:
    """What the last sync left in the manifest. ``trusted`` is False when it is missing or unusable."""

    exported: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    inspector: str | None = None
    format_version: int = FORMAT_VERSION
    trusted: bool = False
    problem: str = ""
    key_id: str | None = None
    audit: AuditHead | None = None


class _SyncRefused(Exception):
    """A precondition failed; the message is already worded for the inspector, ``problem`` says its kind."""

    def __init__(self, message: str, problem: str = PROBLEM_OTHER) -> None:
        super().__init__(message)
        self.problem = problem


# ---------------------------------------------------------------------------------------------- writing


def inspector_folder_name(inspector: str) -> str:
    """The sub-folder for ``inspector``: readable (Chinese kept) yet legal on Windows, macOS and Linux shares.

    A name that had to be altered gets a short hash of the original, because ``a/b`` and ``a_b`` are
    different inspectors and must not overwrite each other's files. Leading dots are replaced so that no
    name can be ``..`` (escaping the share) or hidden.
    """
    name = unicodedata.normalize("NFC", inspector.strip())
    safe = _ILLEGAL_NAME_CHARS.sub("_", name).rstrip(" .")
    safe = re.sub(r"^\.+", lambda dots: "_" * len(dots.group()), safe)
    if safe.split(".")[0].upper() in _WINDOWS_RESERVED:
        safe = f"_{safe}"
    safe = safe[:_MAX_NAME_CHARS]
    if safe == inspector:
        return safe
    digest = hashlib.sha256(inspector.encode("utf-8")).hexdigest()[:8]
    return f"{safe or 'inspector'}-{digest}"


def publish(store: Store, folder: str | os.PathLike[str], inspector: str, key: KeyChoice = WORKSTATION) -> SyncResult:
    """The inspector's released evaluations and the library's audit head to the share; never raises.

    Refused, the share left as it was, when the library's audit log does not continue the head the share
    recorded at the last sync (rows cut from its end, or another library): recording the shorter head would
    make the cut undetectable. The window and ``qaws export`` both publish this way.
    """
    anchor = audit_anchor(folder, inspector)
    with store.reading() as db:
        head = audit.head(db)
        check = audit.verify(db, anchor) if anchor is not None else None
        versions = lifecycle.versions_for_sync(store, inspector)
    if check is not None and not check.ok:
        return SyncResult(False, _(
            "not exported: this library's audit log does not continue the head the share recorded for {inspector} "
            "at the last sync ({problem}). The share keeps its files and its anchor ({rows} entries, head "
            "{head}); see 'qaws audit verify --share {folder}'").format(
            inspector=inspector, problem=check.describe(), rows=anchor.rows, head=anchor.hash[:16], folder=folder),
            problem=PROBLEM_AUDIT)
    return sync_evaluations(folder, inspector, versions, key, audit_head=head)


def sync_evaluations(
    folder: str | os.PathLike[str], inspector: str, evaluations: list[Evaluation], key: KeyChoice = WORKSTATION,
    audit_head: AuditHead | None = None,
) -> SyncResult:
    """Publish ``evaluations`` (the inspector's full list) under ``folder``; never raises.

    The caller is the window: a sync problem must become a message the inspector can act on, never a crash,
    and the local evaluations are only read. Nothing is written when the share already matches, so syncing
    on every save costs no churn for sync clients or backups. Drafts stay on this workstation (see
    :func:`_shareable`); ``evaluations`` may hold several versions of an evaluation, the latest released one
    is published, so hand over :func:`~qaworkstation.core.scoring.lifecycle.versions_for_sync`: it adds the release
    behind each draft correction, which then goes out even if its submission never reached the share. ``key``
    is the team key that encrypts the journals: by default this workstation's, so nothing leaves unencrypted
    once the team key is set; None writes plain files. ``audit_head`` (the library's :func:`~qaworkstation.core.library.audit.head`)
    is recorded in the manifest, off this computer, so that :func:`~qaworkstation.core.library.audit.verify` can later
    tell when the newest audit rows were cut off (see :func:`audit_anchor`); a sync not given one keeps the head
    recorded before, since dropping it would let the next check pass for want of an anchor.
    """
    written: list[Path] = []
    try:
        return _sync(folder, inspector, evaluations, written, resolve(key, TEAM_KEY), audit_head)
    except KeyUnavailable as err:
        message = _("Could not sync to {folder}: {error}.").format(folder=folder, error=err)
        return SyncResult(False, f"{message} {_(_SAFE_LOCALLY)}", written, problem=PROBLEM_KEY)
    except _SyncRefused as refusal:
        return SyncResult(False, f"{refusal} {_(_SAFE_LOCALLY)}", written, problem=refusal.problem)
    except OSError as err:
        return SyncResult(False, f"{_os_error_message(folder, err)} {_(_SAFE_LOCALLY)}", written,
                          problem=_os_error_problem(err))
    except Exception as err:  # the last line of defence: a bad record must not take the window down
        _log.exception("Sync to %s failed", folder)
        message = _("Could not sync to {folder}: unexpected error ({error}). Please report this.").format(
            folder=folder, error=err)
        return SyncResult(False, f"{message} {_(_SAFE_LOCALLY)}", written, problem=PROBLEM_OTHER)


def _sync(
    folder: str | os.PathLike[str], inspector: str, evaluations: list[Evaluation], written: list[Path],
    key: bytes | None, audit_head: AuditHead | None,
) -> SyncResult:
    root = _checked_root(folder)
    target = root / inspector_folder_name(_checked_inspector(inspector))
    try:
        if not os.path.lexists(target):
            _check_no_look_alike(root, inspector)
        _ensure_inspector_folder(root, target)
        return _sync_into(target, inspector, evaluations, written, key, audit_head)
    except OSError as err:
        raise _SyncRefused(_os_error_message(target, err), _os_error_problem(err)) from err


def _check_no_look_alike(root: Path, inspector: str) -> None:
    """A new inspector folder must not look like a colleague's (same name but for invisible or full-width
    characters): readers would refuse one of the two. Checked only when the folder is first made, so the
    manifests are read once per inspector, not on every sync."""
    plain = folded_name(inspector)
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir() or entry.is_symlink():
            continue
        other = _load_manifest(entry).inspector
        if other is not None and other != inspector and folded_name(other) == plain:
            raise _SyncRefused(_("Inspector {inspector!r} looks the same as {other!r}, who already syncs to {folder} "
                                 "(the names differ only in invisible or full-width characters). Type the inspector "
                                 "name again in Settings.").format(inspector=inspector, other=other, folder=entry),
                               PROBLEM_NOT_SET_UP)


def _checked_inspector(inspector: str) -> str:
    if not inspector.strip():
        raise _SyncRefused(_("Cannot sync without an inspector name. Set it in Settings."), PROBLEM_NOT_SET_UP)
    return inspector


def _checked_root(folder: str | os.PathLike[str]) -> Path:
    """The share root must already exist: a missing share almost always means it is not mounted, and
    creating it would hide the evaluations on the local disk where no supervisor looks."""
    if not os.fspath(folder).strip():
        raise _SyncRefused(_("No shared folder is configured. Choose the team's shared folder in Settings."),
                           PROBLEM_NOT_SET_UP)
    root = Path(folder)
    try:
        mode = root.stat().st_mode
    except FileNotFoundError:
        raise _SyncRefused(
            _("The shared folder {folder} was not found. Check that the share is mounted (or the network drive "
              "is connected) and that Settings point to the right folder.").format(folder=root), PROBLEM_NOT_FOUND
        ) from None
    if not stat.S_ISDIR(mode):
        raise _SyncRefused(
            _("The shared folder {folder} is a file, not a folder. Choose the team's shared folder in Settings.")
            .format(folder=root),
            PROBLEM_NOT_SET_UP,
        )
    return root


def _sync_into(
    target: Path, inspector: str, evaluations: list[Evaluation], written: list[Path], key: bytes | None,
    audit_head: AuditHead | None,
) -> SyncResult:
    """Publish what changed since the manifest's export. A change of team key (or switching encryption on or
    off) makes the previous export worthless to the readers of the new one, so everything goes out again.

    The new manifest lists only the journals the previous one listed and the one written now: a journal that
    appeared unlisted (an interrupted sync's, whose evaluations go out again now as they were never recorded as
    exported, or one put there by hand) is never vouched for, and is set aside once the manifest is published."""
    previous = _load_manifest(target)
    _check_ownership(target, inspector, previous)
    _check_not_damaged(evaluations)
    _check_same_library(target, evaluations, previous, audit_head)
    evaluations, drafts = _shareable(target, inspector, evaluations, previous, key)
    current_key_id = key_id(key) if key else None
    exported_before = previous.exported if previous.key_id == current_key_id else {}
    changed = [ev for ev in evaluations if exported_before.get(ev.id) != ev.updated_at]
    exported = {ev.id: ev.updated_at for ev in evaluations}
    now = datetime.now(timezone.utc)
    snapshots = {} if key else _snapshots(evaluations)
    writes = _pending_writes(target, snapshots, changed, now, key)
    unlisted = {name for name in _data_file_names(target) if _is_journal(name)} - previous.files.keys()
    unencrypted = _unencrypted_file_names(target) - unlisted if key else set()
    data_files = (_data_file_names(target) - unencrypted - unlisted) | set(writes)
    if not (writes or unencrypted or unlisted) and _matches(previous, exported, data_files, audit_head):
        message = _("Already up to date: {count} evaluations in {folder}; nothing written.").format(
            count=len(evaluations), folder=target)
        return SyncResult(True, message + _drafts_note(drafts), [], len(evaluations), 0, drafts, str(target))
    for name, data in writes.items():
        atomic_write_bytes(target / name, data)
        written.append(target / name)
    hashes = _file_hashes(data_files, {**snapshots, **writes}, previous.files)
    atomic_write_bytes(target / MANIFEST_NAME,
                       _manifest_bytes(inspector, now, exported, hashes, current_key_id, audit_head or previous.audit))
    written.append(target / MANIFEST_NAME)
    message = _success_message(target, evaluations, changed, previous) + _drafts_note(drafts)
    result = _set_aside(target, unlisted, SyncResult(True, message, written, len(evaluations), len(changed),
                                                        drafts, str(target)))
    return _finish_encrypted(target, unencrypted, result) if key else result


def _set_aside(target: Path, unlisted: set[str], result: SyncResult) -> SyncResult:
    """Move the journals the manifest does not list into :data:`UNLISTED_FOLDER`, so readers stop reporting
    them; nothing is deleted, since one may be evidence of tampering. Failing to move one leaves the published
    state correct (readers refuse unlisted journals anyway), so it is said but the sync still succeeded."""
    if not unlisted:
        return result
    aside = target / UNLISTED_FOLDER
    failed = []
    for name in sorted(unlisted):
        try:
            aside.mkdir(exist_ok=True)
            os.replace(target / name, aside / name)
        except OSError as err:
            failed.append(f"{name} ({err.strerror or err})")
    message = result.message + " " + _("Set aside {count} journals that {manifest} did not list (left by an "
                                       "interrupted sync, or put there by hand) in {folder}.").format(
        count=len(unlisted) - len(failed), manifest=MANIFEST_NAME, folder=aside)
    if failed:
        message += " " + _("Could not move {files}; readers ignore them all the same.").format(files=", ".join(failed))
    return dataclasses.replace(result, message=message)


def _shareable(
    target: Path, inspector: str, evaluations: list[Evaluation], previous: _Previous, key: bytes | None
) -> tuple[list[Evaluation], int]:
    """The latest released version of each evaluation, and how many evaluations' latest version is a draft.

    A draft never leaves the workstation. When it is a later version of one already released (any version
    after the first: a correction being typed), the share must go on showing that release; a caller that hands
    over only the latest version gets it read back from this inspector's own journals, when the manifest says
    they hold the evaluation.
    """
    released = _latest_per_id(ev for ev in evaluations if ev.status != DRAFT)
    shown = {ev.id for ev in released}
    drafts = [ev for ev in _latest_per_id(evaluations) if ev.status == DRAFT]
    wanted = {ev.id for ev in drafts if ev.id not in shown and ev.version > 1 and ev.id in previous.exported}
    if wanted:
        share = InspectorShare(target, inspector, previous.files,
                               sorted(target / name for name in previous.files if _is_journal(name)))
        released = _latest_per_id([*released, *_published_releases(share, wanted, key)])
    return released, len(drafts)


def _published_releases(share: InspectorShare, ids: set[str], key: bytes | None) -> list[Evaluation]:
    """The most recently published released record of each of ``ids``, newest journal first, stopping once
    all are found: the release usually sits in one of the last journals, since drafts add none. A journal that
    cannot be read or decrypted with today's key is passed over; its evaluation then drops out of the
    snapshots until the draft is submitted, while the journal keeps it for readers."""
    found: dict[str, Evaluation] = {}
    for journal in reversed(share.journals):
        if ids <= found.keys():
            break
        for ev in read_journal(journal, share, key).evaluations:  # damage is for the readers to report
            if ev.id in ids and ev.id not in found and ev.status != DRAFT:
                found[ev.id] = ev
    return list(found.values())


def _drafts_note(drafts: int) -> str:
    """Tells the inspector why a draft they just saved is not on the share yet."""
    return " " + _("{count} drafts stay on this computer until submitted.").format(count=drafts) if drafts else ""


def _matches(previous: _Previous, exported: dict[str, str], data_files: set[str],
             audit_head: AuditHead | None) -> bool:
    """Whether the manifest already says all of it; an audit head that moved on is news for the manifest too."""
    moved = audit_head is not None and audit_head != previous.audit
    return previous.trusted and not moved and (previous.exported, set(previous.files)) == (exported, data_files)


def _snapshots(evaluations: list[Evaluation]) -> dict[str, bytes]:
    return {EVALUATIONS_CSV: _evaluations_csv(evaluations), ITEM_SCORES_CSV: _items_csv(evaluations)}


def _finish_encrypted(target: Path, unencrypted: set[str], result: SyncResult) -> SyncResult:
    """Remove the unencrypted files left from before encryption was switched on, now that the encrypted
    journal holding everything is published; a file that cannot be removed is the inspector's to chase,
    because it still exposes what encryption was switched on to protect."""
    message = result.message + " " + _("Journals are encrypted with the team key; no CSV files are written while "
                                       "encryption is on.")
    failed = []
    for name in sorted(unencrypted):
        try:
            (target / name).unlink(missing_ok=True)
        except OSError as err:
            failed.append(f"{name} ({err.strerror or err})")
    if failed:
        message += " " + _("Could not remove the unencrypted files {files}: delete them by hand.").format(
            files=", ".join(failed))
        return dataclasses.replace(result, ok=False, message=message, problem=PROBLEM_OTHER)
    if unencrypted:
        message += " " + _("Removed {count} unencrypted files written before encryption was switched on.").format(
            count=len(unencrypted))
    return dataclasses.replace(result, message=message)


def _pending_writes(
    target: Path, snapshots: dict[str, bytes], changed: list[Evaluation], now: datetime, key: bytes | None
) -> dict[str, bytes]:
    """Files whose content would change, journal first: the full record goes out before its summaries.

    Snapshots are compared with what is on the share rather than trusted from the manifest, so a CSV that
    someone deleted or edited in Excel is put back on the next sync.
    """
    writes: dict[str, bytes] = {}
    for part in _journal_parts(changed):
        if key:
            writes[_journal_name(target, now, ENCRYPTED_JOURNAL_SUFFIX, writes)] = encrypt_bytes(key, part)
        else:
            writes[_journal_name(target, now, JOURNAL_SUFFIX, writes)] = part
    writes.update((name, data) for name, data in snapshots.items() if _read_or_none(target / name) != data)
    return writes


def _ensure_inspector_folder(root: Path, target: Path) -> None:
    """Only the inspector's own folder is created, never its parents (see :func:`_checked_root`), and only a real
    folder inside the share is written: a link there may lead anywhere, and readers would refuse it anyway."""
    if _leads_out(target, Path(os.path.realpath(root))) and os.path.lexists(target):
        raise _SyncRefused(_("{folder} is {link}. Remove the link (the app writes only into a real folder inside "
                             "the share), then sync again.").format(folder=target, link=_link_reason(target)))
    if target.exists() and not target.is_dir():
        raise _SyncRefused(_("{folder} is a file, not a folder. Move or rename that file, then sync again.").format(
            folder=target))
    target.mkdir(exist_ok=True)


def _check_ownership(target: Path, inspector: str, previous: _Previous) -> None:
    """Refuse to mix two inspectors in one folder (possible when names differ only in letter case on a
    case-insensitive share) and to overwrite files written by a newer, unknown format."""
    if previous.format_version > FORMAT_VERSION:
        raise _SyncRefused(
            _("{folder} was written by a newer version of the app (format {format}). Update the app before "
              "syncing.").format(folder=target, format=previous.format_version)
        )
    if previous.inspector is not None and previous.inspector != inspector:
        raise _SyncRefused(
            _("{folder} already holds the evaluations of inspector {owner!r}, not {inspector!r}. Use a different "
              "inspector name (names that differ only in upper/lower case collide).").format(
                folder=target, owner=previous.inspector, inspector=inspector)
        )


def _check_not_damaged(evaluations: list[Evaluation]) -> None:
    """A library edited behind the app's back can hand over a BLOB or text where a score belongs; such a record
    would crash the spreadsheets half-way, and readers would refuse it anyway, so nothing is written and the
    evaluation is named."""
    for ev in evaluations:
        texts = [name for name in _TEXT_FIELDS if not isinstance(getattr(ev, name), str)]
        numbers = [name for name in ("total", "max_total") if not _is_number(getattr(ev, name))]
        scores = [f"item {s.item_id!r}" for s in ev.items.values()
                  if not isinstance(s.item_id, str) or not (s.score is None or _is_number(s.score))]
        if texts or numbers or scores:
            raise _SyncRefused(_("The library is damaged: evaluation {id} holds something the app never writes in "
                                 "{fields}. Nothing was written; put the last backup of the library (made with 'qaws "
                                 "backup') in its place.").format(id=ev.id, fields=", ".join([*texts, *numbers, *scores])))


def _check_same_library(target: Path, evaluations: list[Evaluation], previous: _Previous,
                        audit_head: AuditHead | None) -> None:
    """Refuse a sync from a library that cannot be the one the share last heard from: evaluations are never
    deleted and the audit log only grows, so a library missing evaluations the share lists, or with fewer audit
    entries than it recorded, is another (an empty new one, a colleague's) or an old backup. Publishing it would
    empty the inspector's spreadsheets and move the audit anchor backwards, hiding entries cut from the log."""
    if not previous.trusted:
        return
    missing = sorted(previous.exported.keys() - {ev.id for ev in evaluations})
    if missing:
        raise _SyncRefused(_("{folder} holds {count} evaluations of this inspector that this library does not have "
                             "(such as {example}): it is another library, or an older copy of it. Nothing was "
                             "written; sync from the library that scored them, or restore it from a backup").format(
            folder=target, count=len(missing), example=missing[0]))
    if audit_head is not None and previous.audit is not None and audit_head.rows < previous.audit.rows:
        raise _SyncRefused(_("this library's audit log has {rows} entries, but {folder} recorded {anchored} at the "
                             "last sync: entries were removed from its end, or this is another library. Nothing was "
                             "written and the share keeps the recorded head; run 'qaws audit verify --share'").format(
            rows=audit_head.rows, folder=target, anchored=previous.audit.rows))


def _success_message(
    target: Path, evaluations: list[Evaluation], changed: list[Evaluation], previous: _Previous
) -> str:
    message = _("Synced {count} evaluations to {folder} ({changed} new or changed).").format(
        count=len(evaluations), folder=target, changed=len(changed))
    if previous.problem:
        message += " " + _("{problem}; all evaluations were exported again.").format(problem=previous.problem)
    return message


def _latest_per_id(evaluations: Iterable[Evaluation]) -> list[Evaluation]:
    """One evaluation per id, the highest version and then the latest ``updated_at`` winning and the later one
    on a tie, sorted so that snapshots do not churn when the caller's order changes."""
    latest: dict[str, Evaluation] = {}
    for ev in evaluations:
        if ev.id not in latest or (ev.version, ev.updated_at) >= (latest[ev.id].version, latest[ev.id].updated_at):
            latest[ev.id] = ev
    return sorted(latest.values(), key=lambda ev: (ev.created_at, ev.id))


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _journal_parts(evaluations: list[Evaluation]) -> Iterator[bytes]:
    """The journal lines of ``evaluations`` in parts of at most half :data:`MAX_JOURNAL_BYTES` (a single record
    over it makes a part of its own): everything going out at once (a first sync, a new team key) must not make a
    journal readers refuse to hold."""
    limit = MAX_JOURNAL_BYTES // 2
    part: list[bytes] = []
    size = 0
    for ev in evaluations:
        line = _journal_bytes([ev])
        if part and size + len(line) > limit:
            yield b"".join(part)
            part, size = [], 0
        part.append(line)
        size += len(line)
    if part:
        yield b"".join(part)


def _journal_name(target: Path, now: datetime, suffix: str, taken: Iterable[str] = ()) -> str:
    """Timestamped so journals sort in write order; bumped by a microsecond in the unlikely event of a clash (or
    for each part of one sync, named in ``taken``), because overwriting an existing journal would lose the changes
    it holds."""
    taken = set(taken)
    while True:
        name = f"{JOURNAL_PREFIX}{now:%Y%m%dT%H%M%S%fZ}{suffix}"
        if name not in taken and not (target / name).exists():
            return name
        now += timedelta(microseconds=1)


def _data_file_names(target: Path) -> set[str]:
    return {entry.name for entry in target.iterdir() if entry.name in _SNAPSHOTS or _is_journal(entry.name)}


def _unencrypted_file_names(target: Path) -> set[str]:
    return {entry.name for entry in target.iterdir() if entry.name in _SNAPSHOTS or _is_plain_journal(entry.name)}


def _is_journal(name: str) -> bool:
    return _is_plain_journal(name) or (name.startswith(JOURNAL_PREFIX) and name.endswith(ENCRYPTED_JOURNAL_SUFFIX))


def _is_plain_journal(name: str) -> bool:
    return name.startswith(JOURNAL_PREFIX) and name.endswith(JOURNAL_SUFFIX)


def journal_paths(folder: Path) -> list[Path]:
    """An inspector folder's journal files, plain and encrypted, in name (= write) order, listed or not (a reader
    takes only those :func:`inspector_shares` trusts)."""
    return sorted(entry for entry in folder.iterdir() if _is_journal(entry.name) and entry.is_file())


def journal_plaintext(name: str, data: bytes, key: bytes | None) -> bytes:
    """The JSON lines of the journal ``name`` as read from the share, decrypted when it is an encrypted one;
    :class:`DecryptionError` says why it cannot be (no key, another team's key, damaged or cut short)."""
    if not name.endswith(ENCRYPTED_JOURNAL_SUFFIX):
        return data
    if key is None:
        raise DecryptionError(_("it is encrypted with team key {key} and this workstation has no team key; ask "
                                "the supervisor for it").format(key=file_key_id(data)))
    return decrypt_bytes(key, data)


def _file_hashes(names: set[str], fresh: dict[str, bytes], known: dict[str, str]) -> dict[str, str]:
    """Journals never change once written, so their hash is taken from the previous manifest; re-reading
    hundreds of them over a slow share on every sync would make syncing crawl. Every name is either written
    now or listed there (see :func:`_sync_into`)."""
    return {name: _sha256(fresh[name]) if name in fresh else known[name] for name in sorted(names)}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest_bytes(
    inspector: str, now: datetime, exported: dict[str, str], hashes: dict[str, str], team_key_id: str | None,
    audit_head: AuditHead | None,
) -> bytes:
    manifest = {
        "format_version": FORMAT_VERSION,
        "inspector": inspector,
        "synced_at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "evaluations": dict(sorted(exported.items())),
        "files": hashes,
    }
    if team_key_id is not None:
        manifest["key_id"] = team_key_id
    if audit_head is not None:
        manifest["audit"] = {"rows": audit_head.rows, "head": audit_head.hash}
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _load_manifest(folder: Path) -> _Previous:
    """A damaged manifest only costs a full re-export (readers de-duplicate), so it is reported, not fatal."""
    try:
        raw = _read_share_file(folder / MANIFEST_NAME, MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        return _Previous()
    except _Unreadable as err:
        return _Previous(problem=_("{file} was unreadable ({error})").format(file=folder / MANIFEST_NAME, error=err))
    try:
        previous = _parse_manifest(json.loads(raw.decode("utf-8-sig")))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as err:
        return _Previous(problem=_("{file} was unreadable ({error})").format(file=folder / MANIFEST_NAME, error=err))
    missing = sorted(name for name in previous.files if _is_journal(name) and not (folder / name).exists())
    if missing:  # their evaluations are gone from the share; snapshots need no such care, they are rebuilt
        problem = _("Journals listed in {manifest} are missing: {files}").format(manifest=folder / MANIFEST_NAME,
                                                                                 files=", ".join(missing))
        return dataclasses.replace(previous, exported={}, trusted=False, problem=problem)
    return previous


def _parse_manifest(data: object) -> _Previous:
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    version, inspector = data["format_version"], data["inspector"]
    exported, files = data["evaluations"], data["files"]
    if not (isinstance(version, int) and isinstance(inspector, str)):
        raise ValueError("bad format_version or inspector")
    pairs = [*exported.items(), *files.items()]
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in pairs):
        raise ValueError("bad evaluations or files")
    team_key_id = data.get("key_id")
    if not isinstance(team_key_id, str | None):
        raise ValueError("bad key_id")
    return _Previous(exported, files, inspector, version, trusted=True, key_id=team_key_id,
                     audit=_parse_audit_head(data.get("audit")))


def _parse_audit_head(data: object) -> AuditHead | None:
    """Manifests from before audit anchoring have none."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ValueError("bad audit")
    rows, digest = data.get("rows"), data.get("head")
    if not (type(rows) is int and 0 <= rows <= MAX_VERSION and isinstance(digest, str)
            and re.fullmatch(r"[0-9a-f]{64}", digest)):
        raise ValueError("bad audit rows or head")
    return AuditHead(rows, digest)


def audit_anchor(folder: str | os.PathLike[str], inspector: str) -> AuditHead | None:
    """The audit head that ``inspector``'s last sync to the share ``folder`` recorded, or None (no share, no
    manifest, or one from before anchoring; :func:`missing_anchor_reason` says which). Checked by
    :func:`~qaworkstation.core.library.audit.verify`: rows removed from the end of the library's audit log leave a
    chain that still links, but shorter than the share saw."""
    return _anchor_lookup(folder, inspector)[0]


def missing_anchor_reason(folder: str | os.PathLike[str], inspector: str) -> str:
    """Why the share holds no audit anchor for ``inspector`` (empty when it holds one): verifying "against the
    share" without one checks nothing, and must say so rather than pass."""
    return _anchor_lookup(folder, inspector)[1]


def _anchor_lookup(folder: str | os.PathLike[str], inspector: str) -> tuple[AuditHead | None, str]:
    root = Path(folder)
    target = root / inspector_folder_name(inspector)
    if not os.fspath(folder).strip() or not root.is_dir():
        return None, _("the shared folder {folder} was not found").format(folder=folder)
    if _leads_out(target, Path(os.path.realpath(root))) or not target.is_dir():
        return None, _("{folder} has no folder of inspector {inspector!r} (check --inspector)").format(
            folder=root, inspector=inspector)
    previous = _load_manifest(target)
    if previous.inspector != inspector:
        return None, _("{folder} has no readable {manifest} of inspector {inspector!r}{problem}").format(
            folder=target, manifest=MANIFEST_NAME, inspector=inspector,
            problem=f" ({previous.problem})" if previous.problem else "")
    if previous.audit is None:
        return None, _("{file} records no audit head (written before anchoring, or by a sync not given the "
                       "library's audit log)").format(file=target / MANIFEST_NAME)
    return previous.audit, ""


def _os_error_problem(err: OSError) -> str:
    return {errno.ENOSPC: PROBLEM_DISK_FULL, getattr(errno, "EDQUOT", errno.ENOSPC): PROBLEM_DISK_FULL,
            errno.EACCES: PROBLEM_NO_PERMISSION, errno.EPERM: PROBLEM_NO_PERMISSION,
            errno.EROFS: PROBLEM_NO_PERMISSION, errno.ENOENT: PROBLEM_NOT_FOUND,
            errno.ENOTDIR: PROBLEM_NOT_FOUND}.get(err.errno or 0, PROBLEM_OTHER)


def _os_error_message(target: str | os.PathLike[str], err: OSError) -> str:
    """Say what is wrong in the inspector's terms and what to do; the errno decides, the OS text is kept."""
    what, advice = _OS_ERROR_WORDS[_os_error_problem(err)]
    return _("Could not sync to {folder}: {what} ({error}). {advice}").format(
        folder=target, what=_(what), error=err.strerror or err, advice=_(advice))


_OS_ERROR_WORDS = {
    PROBLEM_DISK_FULL: (N_("the disk is full"), N_("Free some space on the share or ask IT for more quota.")),
    PROBLEM_NO_PERMISSION: (N_("you do not have permission to write there (or a file there is open in another "
                               "program)"), N_("Ask for write permission to this folder, and close the files if "
                                               "they are open in Excel.")),
    PROBLEM_NOT_FOUND: (N_("the folder disappeared while syncing"), N_("Check that the share is still mounted.")),
    PROBLEM_OTHER: (N_("the share could not be written"), N_("Check that the share is mounted and reachable.")),
}


# ------------------------------------------------------------------------------------------ serialising


def _evaluations_csv(evaluations: list[Evaluation]) -> bytes:
    return _csv_bytes(EVALUATION_COLUMNS, (_evaluation_row(ev) for ev in evaluations))


def _items_csv(evaluations: list[Evaluation]) -> bytes:
    rows = (
        (_cell(ev.id), _cell(score.item_id), _number(score.score), _flag(score.na), _cell(score.comment),
         _flag(score.reviewed))
        for ev in evaluations
        for score in ev.items.values()
    )
    return _csv_bytes(ITEM_SCORE_COLUMNS, rows)


def _evaluation_row(ev: Evaluation) -> tuple[str, ...]:
    percent = ScoreSummary(ev.total, ev.max_total, ev.critical_failed, ev.passed).percent
    identity = (ev.id, ev.file_name, ev.call_id, ev.agent, ev.team, ev.call_time, ev.inspector, ev.rubric_id)
    scores = (_number(ev.total), _number(ev.max_total), f"{percent:.1f}")
    verdict = (_flag(ev.passed), _flag(ev.critical_failed))
    remarks = (ev.comment, ev.created_at, ev.updated_at)
    return (*map(_cell, identity), *scores, *verdict, *map(_cell, remarks), str(ev.version), ev.status,
            *_review_cells(ev))


def _review_cells(ev: Evaluation) -> tuple[str, ...]:
    """How the score was reached, for a supervisor weighing it in Excel: the call type, how much of the call was
    heard (seconds, of the call's length, as a percentage) and how many flagged moments were visited, and the
    items released by "accept the remaining items" rather than judged one by one."""
    hearing = ev.hearing
    return (_cell(ev.call_type), _number(hearing.heard_s), _number(hearing.duration_s),
            f"{100.0 * hearing.share:.1f}", str(hearing.flags_visited), str(hearing.flags_total),
            _cell(" ".join(ev.accepted_remaining)))


def _csv_bytes(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> bytes:
    """CRLF rows and a BOM: what Excel on a Chinese Windows needs to open the file without mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(_CSV_ENCODING)


def _cell(text: str) -> str:
    """Free text typed by people is opened by other people in Excel: a leading ``=``/``+``/``-``/``@`` would
    run as a formula (CSV injection), so it gets an apostrophe in front. The journals keep the exact text."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _number(value: float | None) -> str:
    if value is None:
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _flag(value: bool) -> str:
    """1/0 rather than True/False so a pass rate is simply AVERAGE() in Excel, whatever its language."""
    return "1" if value else "0"


def _journal_bytes(evaluations: list[Evaluation]) -> bytes:
    lines = (json.dumps(_evaluation_record(ev), ensure_ascii=False) + "\n" for ev in evaluations)
    return "".join(lines).encode("utf-8")


def _evaluation_record(ev: Evaluation) -> dict[str, object]:
    record = dataclasses.asdict(ev)
    record["items"] = [dataclasses.asdict(score) for score in ev.items.values()]
    return record


def _evaluation_from_record(record: object) -> Evaluation:
    """Unknown keys are ignored so a newer app can add fields without breaking an older supervisor's reader;
    keys an older app did not write get the values they then meant: ``version`` 1 and ``status`` submitted, no
    disputes, items reviewed (judged as a whole), no verdicts, nothing heard recorded, no call type."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    known = {f.name for f in dataclasses.fields(Evaluation)}
    values = {**_PRE_LIFECYCLE, **{key: value for key, value in record.items() if key in known}}
    scores = [_item_from_record(item) for item in values.pop("items")]
    flags = [_flag_from_record(flag) for flag in values.pop("flags", [])]
    disputes = [_dispute_from_record(dispute) for dispute in values.pop("disputes", [])]
    verdicts = [_verdict_from_record(verdict) for verdict in _list_of("verdicts", values.pop("verdicts", []))]
    hearing = _hearing_from_record(values.pop("hearing", {}))
    accepted = _list_of("accepted_remaining", values.pop("accepted_remaining", []))
    if not all(isinstance(item_id, str) for item_id in accepted):
        raise ValueError("accepted_remaining holds something other than item ids")
    evaluation = Evaluation(items={score.item_id: score for score in scores}, flags=flags, disputes=disputes,
                            verdicts=verdicts, hearing=hearing, accepted_remaining=accepted, **values)
    not_text = [name for name in _TEXT_FIELDS if not isinstance(getattr(evaluation, name), str)]
    if not_text or not evaluation.id:
        raise ValueError(f"missing id or non-text {', '.join(not_text)}")
    if not _is_version(evaluation.version):
        raise ValueError(f"version is not a whole number from 1 to {MAX_VERSION}")
    _check_scores(evaluation)
    if evaluation.status not in EVALUATION_STATUSES:  # a newer app's status, or a hand edit: that line only
        raise ValueError(f"status {evaluation.status!r} is not one of {', '.join(EVALUATION_STATUSES)}")
    return evaluation


def _is_version(value: object) -> bool:
    """Readers compare versions to pick the latest and SQLite stores them in 64 bits, so anything but an int from
    1 to :data:`MAX_VERSION` (bool excluded) is refused: a version of 99 or 2**70 from a hand-edited journal
    would otherwise outrank every real correction, or overflow the team database."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_VERSION


def _check_scores(evaluation: Evaluation) -> None:
    """Reports add up totals, scores and deductions, and the team database refuses NaN: every number must be
    finite and within :data:`MAX_MAGNITUDE`, and every yes/no a boolean, or the record is refused at the door."""
    numbers = {"total": evaluation.total, "max_total": evaluation.max_total}
    numbers.update({f"item {s.item_id!r} score": s.score for s in evaluation.items.values() if s.score is not None})
    for flag in evaluation.flags:
        numbers.update({f"flag {flag.phrase!r} {name}": getattr(flag, name) for name in _FLAG_NUMBERS})
    numbers.update({f"verdict {v.phrase!r} start": v.start for v in evaluation.verdicts if v.start is not None})
    bad = [name for name, value in numbers.items() if not _is_finite(value)]
    if bad:
        raise ValueError(f"{', '.join(bad)} not a finite number within ±{MAX_MAGNITUDE:g}")
    flags = [evaluation.passed, evaluation.critical_failed, *(s.na for s in evaluation.items.values())]
    if not all(isinstance(value, bool) for value in flags):
        raise ValueError("passed, critical_failed or an item's na is not true or false")
    _check_ranges(evaluation)


def _check_ranges(evaluation: Evaluation) -> None:
    """Finite is not enough: a total of 1e9 out of 100, a negative score or a pass with a critical failure is no
    score the app can give, yet would move every pass rate and average it lands in. The item's own maximum is in
    the rubric, not the record, so an item is held to the evaluation's maximum."""
    if evaluation.max_total <= 0:
        raise ValueError(f"max_total {evaluation.max_total:g} is not above 0")
    if not 0 <= evaluation.total <= evaluation.max_total + _SCORE_TOLERANCE:
        raise ValueError(f"total {evaluation.total:g} is outside 0..{evaluation.max_total:g} (max_total)")
    outside = [s.item_id for s in evaluation.items.values()
               if s.score is not None and not 0 <= s.score <= evaluation.max_total + _SCORE_TOLERANCE]
    if outside:
        raise ValueError(f"item {', '.join(map(repr, outside))} score is outside 0..{evaluation.max_total:g}")
    if evaluation.passed and evaluation.critical_failed:
        raise ValueError("passed is true although critical_failed is true (a critical failure never passes)")


def _is_finite(value: object) -> bool:
    return _is_number(value) and math.isfinite(value) and abs(value) <= MAX_MAGNITUDE


def _dispute_from_record(record: object) -> Dispute:
    if not isinstance(record, dict):
        raise ValueError("a dispute is not a JSON object")
    dispute = Dispute(**{key: value for key, value in record.items() if key in _DISPUTE_FIELDS})
    if not all(isinstance(getattr(dispute, name), str) for name in _DISPUTE_TEXT_FIELDS):
        raise ValueError("a dispute has a non-text field")
    if not _is_version(dispute.version):
        raise ValueError(f"a dispute's version is not a whole number from 1 to {MAX_VERSION}")
    return dispute


def _list_of(name: str, value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"{name} is not a list")
    return value


def _item_from_record(record: object) -> ItemScore:
    if not isinstance(record, dict):
        raise ValueError("an item score is not a JSON object")
    score = ItemScore(**{**_PRE_REVIEW_ITEM, **{k: v for k, v in record.items() if k in _ITEM_FIELDS}})
    if not isinstance(score.reviewed, bool):
        raise ValueError(f"item {score.item_id!r}: reviewed is not true or false")
    return score


def _verdict_from_record(record: object) -> Verdict:
    """Rule precision counts verdicts by rule and decision, so a verdict must say which suggestion it was on
    (text fields, a moment that is a number or null) and be confirmed or rejected."""
    if not isinstance(record, dict):
        raise ValueError("a verdict is not a JSON object")
    verdict = Verdict(**{key: value for key, value in record.items() if key in _VERDICT_FIELDS})
    if not all(isinstance(getattr(verdict, name), str) for name in _VERDICT_TEXT_FIELDS):
        raise ValueError("a verdict has a non-text field")
    if not isinstance(verdict.item, str | None) or not (verdict.start is None or _is_finite(verdict.start)):
        raise ValueError("a verdict's item is not text or its moment is not a number")
    if verdict.decision not in VERDICTS:
        raise ValueError(f"a verdict's decision {verdict.decision!r} is not one of {', '.join(VERDICTS)}")
    return verdict


def _hearing_from_record(record: object) -> Hearing:
    """Seconds heard of the call's length and flags visited of those shown: numbers, never negative."""
    if not isinstance(record, dict):
        raise ValueError("hearing is not a JSON object")
    hearing = Hearing(**{key: value for key, value in record.items() if key in _HEARING_FIELDS})
    values = (hearing.heard_s, hearing.duration_s, hearing.flags_visited, hearing.flags_total)
    if not all(_is_finite(value) and value >= 0 for value in values):
        raise ValueError("hearing holds a negative, non-numeric or non-finite value")
    return hearing


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _flag_from_record(record: object) -> Flag:
    """``flags`` is optional (journals written before it existed have none); reports group by category and
    phrase, so those must be text."""
    if not isinstance(record, dict):
        raise ValueError("a flag is not a JSON object")
    flag = Flag(**{key: value for key, value in record.items() if key in _FLAG_FIELDS})
    if not (isinstance(flag.category, str) and isinstance(flag.phrase, str)):
        raise ValueError("a flag has a non-text category or phrase")
    return flag


# ---------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Refusal:
    """Something on the share a reader would not take, or took only in part, and why: for the supervisor to
    chase, naming the file and (once known) the inspector whose folder it is in."""

    path: Path
    reason: str
    inspector: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class InspectorShare:
    """An inspector's folder as far as a reader trusts it: its manifest names the inspector the folder is named
    after, and only the journals that manifest lists, each a regular file inside the share, are read."""

    folder: Path
    inspector: str
    files: dict[str, str]  # the manifest's sha256 of each data file
    journals: list[Path]  # listed journals in name (= write) order


@dataclass
class JournalRead:
    """What one journal gave: its valid records of the folder's own inspector, what was refused, and the sha256
    of the bytes read (None when nothing could be read or decrypted, so it is tried again next time)."""

    evaluations: list[Evaluation]
    refusals: list[Refusal]
    sha256: str | None = None


class _Unreadable(Exception):
    """A file on the share that a reader will not (or cannot) read; the message says why, for a refusal."""


def read_synced_evaluations(
    folder: str | os.PathLike[str], key: KeyChoice = WORKSTATION
) -> tuple[list[Evaluation], list[str]]:
    """Every inspector's journals under ``folder``, reduced to the latest released version of each evaluation
    (draft records, which older apps synced, are skipped); encrypted journals are read with ``key`` (by default
    this workstation's team key).

    A supervisor needs whatever can be read even when one file is damaged or forged, so what was refused is
    returned next to the data instead of aborting: see :func:`inspector_shares` and :func:`read_journal` for
    what a reader refuses. An evaluation id published from two inspectors' folders counts for neither. No more
    than the reading budgets are read (see :func:`plan_reading`); the rest is refused, and said.
    """
    problems: list[str] = []
    try:
        team_key = resolve(key, TEAM_KEY)
    except KeyUnavailable as err:
        team_key = None
        problems.append(_("Encrypted journals cannot be read: {error}").format(error=err))
    try:
        root = _checked_root(folder)
        shares, refusals = inspector_shares(root)
    except _SyncRefused as refusal:
        return [], [*problems, str(refusal)]
    except OSError as err:
        return [], [*problems, _("{folder}: could not list the folder ({error})").format(
            folder=folder, error=err.strerror or err)]
    found: list[Evaluation] = []
    pending = [(share, journal) for share in shares for journal in share.journals]
    for share, journal in plan_reading(root, pending, refusals, _(_NOT_READ_HINT)):
        read = read_journal(journal, share, team_key)
        found.extend(read.evaluations)
        refusals.extend(read.refusals)
    found = _uncontested(root, found, refusals)
    return _latest_per_id(ev for ev in found if ev.status != DRAFT), [*problems, *map(str, refusals)]


_NOT_READ_HINT = N_("a year of one inspector's evaluations is a few MB, so ask whose files these are")


def plan_reading(root: Path, pending: list[tuple[InspectorShare, Path]], refusals: list[Refusal],
                 hint: str) -> list[tuple[InspectorShare, Path]]:
    """The journals of ``pending`` (folder by folder, each in write order) that fit the reading budgets, and a
    refusal for the rest, ending with ``hint`` (what happens to it now).

    The share is anyone's disk: without a budget, journals each under the size cap could still fill the memory
    of every supervisor who opens the team view. Whole journals are taken in order until the next would pass
    :data:`MAX_FOLDER_BYTES` for its folder (the rest of that folder is refused) or :data:`MAX_RUN_BYTES` in all
    (the rest of the share is refused): never a part of a journal, and never without saying what was left.
    """
    taken: list[tuple[InspectorShare, Path]] = []
    spent: dict[Path, int] = {}
    left: dict[Path, list[Path]] = {}
    total = 0
    for index, (share, journal) in enumerate(pending):
        if share.folder in left:
            left[share.folder].append(journal)
            continue
        size = _listed_size(journal)
        if total + size > MAX_RUN_BYTES:
            refusals.append(_run_refusal(root, pending[index:], hint))
            break
        if spent.get(share.folder, 0) + size > MAX_FOLDER_BYTES:
            left[share.folder] = [journal]
            continue
        spent[share.folder] = spent.get(share.folder, 0) + size
        total += size
        taken.append((share, journal))
    refusals.extend(_folder_refusal(share, left[share.folder], hint)
                    for share in {share.folder: share for share, _journal in pending}.values()
                    if share.folder in left)
    return taken


def _listed_size(journal: Path) -> int:
    """The journal's size as listed; one that cannot be looked at costs nothing here, and its reading says why."""
    try:
        return journal.lstat().st_size
    except OSError:
        return 0


def _folder_refusal(share: InspectorShare, left: list[Path], hint: str) -> Refusal:
    return Refusal(share.folder, _("more than {size} of journals; the rest was not read ({count} journals from "
                                   "{first} on): {hint}").format(
        size=_size(MAX_FOLDER_BYTES), count=len(left), first=left[0].name, hint=hint), share.inspector)


def _run_refusal(root: Path, left: list[tuple[InspectorShare, Path]], hint: str) -> Refusal:
    folders = sorted({share.folder.name for share, _journal in left})
    return Refusal(root, _("more than {size} of journals in all; the rest was not read ({count} journals in the "
                           "folders {folders}): {hint}").format(
        size=_size(MAX_RUN_BYTES), count=len(left), folders=", ".join(folders), hint=hint))


def _size(count: int) -> str:
    """A budget as a person reads it: whole MiB, or KiB below one (a test's lowered budget)."""
    return f"{count / 2**20:.3g} MiB" if count >= 2**20 else f"{count / 2**10:.3g} KiB"


def inspector_shares(root: Path) -> tuple[list[InspectorShare], list[Refusal]]:
    """The inspectors' folders under the share ``root`` that a reader may trust, and what was refused.

    Hidden folders (sync clients' caches) are skipped, and so are folders without journals (``calibration/``).
    A folder is refused when it is a link (it may lead out of the share: links are never followed), when it
    has journals but no manifest, or a manifest that is unreadable or names an inspector whose folder has
    another name; a journal is refused when the manifest does not list it or it is a link. Only the app's own
    sync writes the manifest, last, so a journal dropped in by hand or a folder made by hand is never merged.
    Raises :class:`OSError` when ``root`` itself cannot be listed.
    """
    real_root = Path(os.path.realpath(root))
    shares: list[InspectorShare] = []
    refusals: list[Refusal] = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        if _leads_out(entry, real_root):
            refusals.append(Refusal(entry, _link_reason(entry)))
            continue
        share = _inspector_share(entry, refusals)
        if share is not None:
            shares.append(share)
    return _without_look_alikes(shares, refusals), refusals


def folded_name(inspector: str) -> str:
    """An inspector's name as a person reads it: compatibility forms folded (full-width ``ｉｎｓ`` is ``ins``) and
    invisible format characters (zero-width space, joiners, direction marks: Unicode category Cf) removed."""
    return "".join(char for char in unicodedata.normalize("NFKC", inspector) if unicodedata.category(char) != "Cf")


def _without_look_alikes(shares: list[InspectorShare], refusals: list[Refusal]) -> list[InspectorShare]:
    """Two folders whose inspectors look the same on screen would show one person as two, and let a colleague
    publish under a look-alike of someone's name. Of such a group only the folder whose name is already in its
    plain form (the name people type) is read; every look-alike is refused, so a look-alike can never push
    the plain name out. A group without a plain name is refused whole: nobody can tell which is genuine."""
    groups: dict[str, list[InspectorShare]] = {}
    for share in shares:
        groups.setdefault(folded_name(share.inspector), []).append(share)
    kept = []
    for plain, group in groups.items():
        for share in group:
            if len(group) == 1 or share.inspector == plain:
                kept.append(share)
                continue
            others = ", ".join(repr(other.inspector) for other in group if other is not share)
            refusals.append(Refusal(share.folder, _("inspector {inspector!r} looks the same as {others} (it differs "
                                                    "only in invisible or full-width characters), so nothing in it "
                                                    "is read; the inspector should sync under the plain name").format(
                inspector=share.inspector, others=others), share.inspector))
    return sorted(kept, key=lambda share: share.folder)


def _leads_out(entry: Path, real_root: Path) -> bool:
    """A link (or Windows junction) could point anywhere, even back into another inspector's folder."""
    return entry.is_symlink() or Path(os.path.realpath(entry)).parent != real_root


def _link_reason(entry: Path) -> str:
    try:
        target = os.readlink(entry)
    except OSError:
        target = os.path.realpath(entry)
    return _("a link to {target}; links on the share are never followed, so nothing there is read").format(
        target=target)


def _inspector_share(folder: Path, refusals: list[Refusal]) -> InspectorShare | None:
    try:
        names = sorted(entry.name for entry in folder.iterdir())
        previous = _load_manifest(folder) if MANIFEST_NAME in names else None
    except OSError as err:
        refusals.append(Refusal(folder, _("could not be read ({error})").format(error=err.strerror or err)))
        return None
    journals = [name for name in names if _is_journal(name)]
    if previous is None:
        if journals:
            refusals.append(Refusal(folder, _("{count} journals but no {manifest}, so none is read: only what the "
                                              "app's sync published (it writes the manifest last) is trusted")
                                    .format(count=len(journals), manifest=MANIFEST_NAME)))
        return None
    trusted = _trusted_manifest(folder, previous, refusals)
    if trusted is None:
        return None
    return InspectorShare(folder, trusted, previous.files, _listed(folder, journals, previous, trusted, refusals))


def _trusted_manifest(folder: Path, previous: _Previous, refusals: list[Refusal]) -> str | None:
    """The inspector the manifest names, if it can be read and names the inspector this folder is named after."""
    if previous.inspector is None:
        refusals.append(Refusal(folder, _("{problem}; none of its journals is read until the inspector syncs "
                                          "again").format(problem=previous.problem)))
        return None
    if inspector_folder_name(previous.inspector) != folder.name:
        refusals.append(Refusal(folder, _("{manifest} names inspector {inspector!r}, whose folder is {expected}, "
                                          "not this one; nothing in it is read").format(
            manifest=MANIFEST_NAME, inspector=previous.inspector, expected=inspector_folder_name(previous.inspector))))
        return None
    if previous.problem:  # journals it lists have gone: the others are still good
        refusals.append(Refusal(folder, previous.problem, previous.inspector))
    return previous.inspector


def _listed(folder: Path, journals: list[str], previous: _Previous, inspector: str,
            refusals: list[Refusal]) -> list[Path]:
    listed = []
    for name in journals:
        path = folder / name
        if name not in previous.files:
            refusals.append(Refusal(path, _("not listed in {manifest}, so not read (left by an interrupted sync, "
                                            "or put there by hand)").format(manifest=MANIFEST_NAME), inspector))
        elif path.is_symlink():
            refusals.append(Refusal(path, _link_reason(path), inspector))
        else:
            listed.append(path)
    return listed


def read_journal(journal: Path, share: InspectorShare, key: bytes | None) -> JournalRead:
    """The valid records of one listed journal, with what was refused.

    A hash mismatch usually means a sync client is still copying the file; the complete lines of a plain
    journal are still worth reading, so it is reported and read anyway (and a merge does not count it as
    done). A plain journal is read line by line, so only its records are held, and decoding is per line so a
    file cut short mid-character costs only its last line. An encrypted journal is all or nothing: a part of it
    cannot be authenticated, so it is read whole, up to :data:`MAX_JOURNAL_BYTES`. A record must pass
    :func:`_evaluation_from_record` and belong to the folder's own inspector: an evaluation may only come from
    its own inspector's folder.
    """
    try:
        with _open_share_file(journal) as (handle, size):
            if journal.name.endswith(ENCRYPTED_JOURNAL_SUFFIX):
                return _read_encrypted(journal, share, handle, size, key)
            return _read_plain(journal, share, handle, size)
    except _Unreadable as err:
        return JournalRead([], [Refusal(journal, str(err), share.inspector)])


def _read_plain(journal: Path, share: InspectorShare, handle: BinaryIO, size: int) -> JournalRead:
    hasher = hashlib.sha256()
    evaluations, refusals = _records(journal, share, _plain_lines(handle, size, hasher))
    digest = hasher.hexdigest()
    return JournalRead(evaluations, [*_mismatch(journal, share, digest), *refusals], digest)


def _read_encrypted(journal: Path, share: InspectorShare, handle: BinaryIO, size: int,
                    key: bytes | None) -> JournalRead:
    if size > MAX_JOURNAL_BYTES:
        raise _Unreadable(_("larger than the {size} an encrypted journal may hold, so not read").format(
            size=_size(MAX_JOURNAL_BYTES)))
    data = _read_exactly_or_less(handle, size)
    digest = _sha256(data)
    mismatch = _mismatch(journal, share, digest)
    try:
        plaintext = journal_plaintext(journal.name, data, key)
    except DecryptionError as err:
        return JournalRead([], [*mismatch, Refusal(journal, _("cannot be decrypted: {error}").format(error=err),
                                                   share.inspector)])
    del data  # the ciphertext is not needed while the records are parsed
    evaluations, refusals = _records(journal, share, enumerate(plaintext.splitlines(), start=1))
    return JournalRead(evaluations, [*mismatch, *refusals], digest)


def _read_exactly_or_less(handle: BinaryIO, size: int) -> bytes:
    """At most ``size`` bytes: a file that grows while it is read is not followed."""
    try:
        return handle.read(size)
    except OSError as err:
        raise _Unreadable(_("could not be read ({error})").format(error=err.strerror or err)) from err


def _mismatch(journal: Path, share: InspectorShare, digest: str) -> list[Refusal]:
    """A refusal when the bytes read differ from what the manifest lists."""
    if digest == share.files.get(journal.name):
        return []
    return [Refusal(journal, _("contents differ from {manifest} (edited, or still being copied?); read what was "
                               "complete").format(manifest=MANIFEST_NAME), share.inspector)]


def _records(journal: Path, share: InspectorShare,
             lines: Iterable[tuple[int, bytes | None]]) -> tuple[list[Evaluation], list[Refusal]]:
    """The valid records among numbered lines (None: a line too long to hold), and a refusal for each other one."""
    evaluations, refusals = [], []
    for number, line in lines:
        if line is None:
            reason = _("longer than the {size} a record may take, so not read").format(size=_size(MAX_LINE_BYTES))
        elif not line.strip():
            continue
        else:
            evaluation, reason = _journal_line(line, share.inspector)
            if evaluation is not None:
                evaluations.append(evaluation)
                continue
        refusals.append(Refusal(journal, _("line {line}: {reason}").format(line=number, reason=reason),
                                share.inspector))
    return evaluations, refusals


def _plain_lines(handle: BinaryIO, size: int, hasher: Any) -> Iterator[tuple[int, bytes | None]]:
    """The numbered lines of a plain journal, read one at a time up to the ``size`` it had when opened (a file
    that grows meanwhile is not followed), every byte fed to ``hasher``. A line over :data:`MAX_LINE_BYTES` is
    passed over without being held, and given as None. A lone CR ends a line too, as it always has."""
    number = 0
    try:
        while size > 0:
            line = handle.readline(min(size, MAX_LINE_BYTES + 1))
            if not line:
                return
            size -= len(line)
            hasher.update(line)
            if len(line) > MAX_LINE_BYTES:
                size = _skip_rest_of_line(handle, size, hasher, line)
                number += 1
                yield number, None
                continue
            for part in line.splitlines():
                number += 1
                yield number, part
    except OSError as err:
        raise _Unreadable(_("could not be read ({error})").format(error=err.strerror or err)) from err


def _skip_rest_of_line(handle: BinaryIO, size: int, hasher: Any, line: bytes) -> int:
    """Read on to the end of an over-long line (hashing it) without keeping it; returns what is left to read."""
    while size > 0 and not line.endswith(b"\n"):
        line = handle.readline(min(size, MAX_LINE_BYTES))
        if not line:
            break
        size -= len(line)
        hasher.update(line)
    return size


def _journal_line(line: bytes, inspector: str) -> tuple[Evaluation | None, str]:
    """One record, or None and why it was refused. RecursionError is a line of ten thousand brackets."""
    try:
        evaluation = _evaluation_from_record(json.loads(line.decode("utf-8-sig")))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as err:
        return None, _("not a valid evaluation ({error})").format(error=err)
    if evaluation.inspector != inspector:
        return None, _("evaluation {id} is inspector {owner!r}'s, and only {owner!r}'s own folder may publish it; "
                       "not read").format(id=evaluation.id, owner=evaluation.inspector)
    return evaluation, ""


def _uncontested(root: Path, evaluations: list[Evaluation], refusals: list[Refusal]) -> list[Evaluation]:
    """Evaluation ids are random, so one published from two inspectors' folders was copied by hand: the reader
    cannot tell whose it is, and counts it for neither until one folder is cleaned up."""
    owners: dict[str, set[str]] = {}
    for ev in evaluations:
        owners.setdefault(ev.id, set()).add(ev.inspector)
    contested = {ev_id: sorted(names) for ev_id, names in owners.items() if len(names) > 1}
    for ev_id, names in sorted(contested.items()):
        refusals.extend(contested_refusal(root / inspector_folder_name(name), name, ev_id, names) for name in names)
    return [ev for ev in evaluations if ev.id not in contested]


def contested_refusal(folder: Path, inspector: str, evaluation_id: str, inspectors: list[str]) -> Refusal:
    """The one rule for an evaluation id that two inspectors' folders publish, said against each of them: it
    counts for nobody, whichever folder was read first, so that no colleague can take a score over by
    publishing its id, and the supervisor sees both folders to clean up."""
    return Refusal(folder, _("evaluation {id} is published from the folders of {inspectors}; it belongs to one "
                             "inspector, so it counts for nobody until the other folder is cleaned up").format(
        id=evaluation_id, inspectors=", ".join(inspectors)), inspector)


def _read_share_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file on the share (see :func:`_open_share_file`), refusing one of more than
    ``limit`` bytes. :class:`FileNotFoundError` passes through, for the caller to say what a missing file means."""
    with _open_share_file(path) as (handle, size):
        if size > limit:
            raise _Unreadable(_("larger than the {limit} MiB a file on the share may hold, so not read").format(
                limit=limit // 2**20))
        return _read_exactly_or_less(handle, size)


@contextmanager
def _open_share_file(path: Path) -> Iterator[tuple[BinaryIO, int]]:
    """A regular file on the share, open for reading, and its size when opened; refusing what a reader must
    neither follow nor swallow: a link (it may lead out of the share) or a device or pipe (it may never end).
    :class:`FileNotFoundError` passes through, for the caller to say what a missing file means."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        raise
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _Unreadable(_link_reason(path)) from err
        raise _Unreadable(_("could not be read ({error})").format(error=err.strerror or err)) from err
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable(_("not a regular file, so not read"))
        yield handle, info.st_size
