"""An evaluation's life after scoring: draft → submitted → (disputed → resolved) → final.

Saving keeps a draft, which can still change and stays on this workstation (sync publishes released versions
only). Submitting releases it to the team and the agent, after which its scores never change: a correction is
a new version (see :meth:`Store.save_evaluation`), and the database's triggers refuse to update or delete a
released version whatever code tries. An agent may dispute an item of a released version, with a reason; a
supervisor rules on it (upheld or rejected, with a comment). Once every dispute on the version is ruled it is
resolved, and a supervisor can finalise it, which closes it for good.

Each step checks the user's role (:mod:`roles`) and is written to the audit log in the same transaction.
"""

from __future__ import annotations

from dataclasses import asdict, replace

from ..domain import DISPUTED, DRAFT, FINAL, REJECTED, RESOLVED, RULINGS, SUBMITTED, UPHELD, Dispute, Evaluation
from ..i18n import N_, _
from ..library import audit
from ..library.store import LifecycleError, Store, new_id, now_iso
from .roles import DISPUTE, FINALISE, RELEASE, RESOLVE_DISPUTE, SCORE, require, role_of

DISPUTABLE = (SUBMITTED, DISPUTED, RESOLVED)
FINALISABLE = (SUBMITTED, RESOLVED)
# Statuses and rulings are identifiers; a refusal says them in the person's words.
_STATUS_WORDS = {DRAFT: N_("a draft"), SUBMITTED: N_("submitted"), DISPUTED: N_("disputed"),
                 RESOLVED: N_("resolved"), FINAL: N_("final"), UPHELD: N_("upheld"), REJECTED: N_("rejected")}


class PendingItems(LifecycleError):
    """Submit was refused because items are still pending: nothing counts as judged that a person did not
    judge. ``items`` names them (ids), so the window can list their titles in its own language."""

    def __init__(self, evaluation_id: str, items: list[str]) -> None:
        super().__init__(_("evaluation {evaluation} has {count} items not reviewed yet ({items}); score each, mark "
                           "it N/A, or accept the remaining items as they are").format(
            evaluation=evaluation_id or _("(new)"), count=len(items), items=", ".join(items)))
        self.items = items


def pending_items(evaluation: Evaluation) -> list[str]:
    """The items nobody judged yet: not reviewed and not N/A."""
    return [item_id for item_id, score in evaluation.items.items() if not score.reviewed and not score.na]


def save(store: Store, evaluation: Evaluation, user: str) -> Evaluation:
    """Save the scorecard as a draft version (a new one when the latest is released), if ``user`` may score."""
    require(role_of(store, user), SCORE)
    return store.save_evaluation(evaluation, actor=user)


def submit(store: Store, evaluation_id: str, user: str) -> Evaluation:
    """Release the latest version, which must be a draft; from now on it is read-only."""
    role = role_of(store, user)
    require(role, RELEASE)
    with store.transaction() as db:
        latest = _latest(store, evaluation_id)
        if latest.status != DRAFT:
            raise LifecycleError(_("version {version} of evaluation {evaluation} is already {status}; change a "
                                   "score and save to start a new version").format(
                version=latest.version, evaluation=evaluation_id, status=_status(latest.status)))
        if pending_items(latest):
            raise PendingItems(evaluation_id, pending_items(latest))
        store.set_evaluation_status(evaluation_id, latest.version, SUBMITTED)
        audit.append(db, user, audit.RELEASE, evaluation_id, {"version": latest.version, "total": latest.total},
                     role=role)
    return store.evaluation_version(evaluation_id)


def save_and_submit(store: Store, evaluation: Evaluation, user: str) -> Evaluation:
    """What the window's Submit does: the scorecard as shown becomes the released version, or nothing does."""
    require(role_of(store, user), RELEASE)  # who may release comes first: a trainee is told that, not what is left
    if pending_items(evaluation):  # before anything is written: the scorecard stays as the inspector left it
        raise PendingItems(evaluation.id, pending_items(evaluation))
    with store.transaction():
        saved = save(store, evaluation, user)
        if saved.status != DRAFT:  # unchanged since it was released: nothing new to submit
            raise LifecycleError(_("version {version} is already {status}; nothing changed to submit").format(
                version=saved.version, status=_status(saved.status)))
        return submit(store, saved.id, user)


def open_dispute(store: Store, evaluation_id: str, item_id: str, reason: str, user: str) -> Dispute:
    """Record an agent's dispute of one item of the latest released version, with the reason given."""
    role = role_of(store, user)
    require(role, DISPUTE)
    if not reason.strip():
        raise LifecycleError(_("a dispute needs the agent's reason"))
    with store.transaction() as db:
        latest = _latest(store, evaluation_id)
        _check_disputable(latest, item_id)
        dispute = Dispute(new_id(), evaluation_id, latest.version, item_id, reason.strip(), user, now_iso())
        db["disputes"].insert(asdict(dispute))
        if latest.status != DISPUTED:
            store.set_evaluation_status(evaluation_id, latest.version, DISPUTED)
        audit.append(db, user, audit.DISPUTE, evaluation_id,
                     {"version": latest.version, "item": item_id, "dispute": dispute.id}, role=role)
    return dispute


def _latest(store: Store, evaluation_id: str) -> Evaluation:
    try:
        return store.evaluation_version(evaluation_id)
    except KeyError:
        raise LifecycleError(_("there is no evaluation {evaluation}").format(evaluation=evaluation_id)) from None


def _check_disputable(latest: Evaluation, item_id: str) -> None:
    if latest.status not in DISPUTABLE:
        why = (_("version {version} of evaluation {evaluation} is still a draft; only a released, not yet final "
                 "version can be disputed") if latest.status == DRAFT else
               _("version {version} of evaluation {evaluation} is final; only a released, not yet final version "
                 "can be disputed"))
        raise LifecycleError(why.format(version=latest.version, evaluation=latest.id))
    if item_id not in latest.items:
        raise LifecycleError(_("evaluation {evaluation} has no item {item!r}").format(evaluation=latest.id,
                                                                                     item=item_id))
    if any(d.is_open and d.version == latest.version and d.item_id == item_id for d in latest.disputes):
        raise LifecycleError(_("item {item!r} already has an open dispute; rule on it first").format(item=item_id))


def resolve_dispute(store: Store, dispute_id: str, ruling: str, comment: str, user: str) -> Dispute:
    """Rule on a dispute. When it was the version's last open one, the version becomes resolved; an upheld
    item is then corrected by saving a new version, so the released scores stay as they were disputed."""
    role = role_of(store, user)
    require(role, RESOLVE_DISPUTE)
    if ruling not in RULINGS:
        raise LifecycleError(_("a ruling is one of {rulings}, not {ruling!r}").format(rulings=", ".join(RULINGS),
                                                                                     ruling=ruling))
    if not comment.strip():
        raise LifecycleError(_("a ruling needs a comment explaining it to the agent"))
    with store.transaction() as db:
        dispute = _open_dispute(store, dispute_id)
        ruled = replace(dispute, ruling=ruling, ruling_comment=comment.strip(), ruled_by=user, ruled_at=now_iso())
        db.execute("UPDATE disputes SET ruling = ?, ruling_comment = ?, ruled_by = ?, ruled_at = ? WHERE id = ?",
                   (ruled.ruling, ruled.ruling_comment, ruled.ruled_by, ruled.ruled_at, dispute_id))
        still_open = db.execute("SELECT COUNT(*) FROM disputes WHERE evaluation_id = ? AND version = ? AND "
                                "ruling = ''", (dispute.evaluation_id, dispute.version)).fetchone()[0]
        if not still_open:
            store.set_evaluation_status(dispute.evaluation_id, dispute.version, RESOLVED)
        audit.append(db, user, audit.RULING, dispute.evaluation_id,
                     {"version": dispute.version, "item": dispute.item_id, "dispute": dispute_id, "ruling": ruling},
                     role=role)
    return ruled


def _open_dispute(store: Store, dispute_id: str) -> Dispute:
    try:
        dispute = store.dispute(dispute_id)
    except KeyError:
        raise LifecycleError(_("there is no dispute {dispute}").format(dispute=dispute_id)) from None
    if not dispute.is_open:
        raise LifecycleError(_("dispute {dispute} was already ruled {ruling} by {user}").format(
            dispute=dispute_id, ruling=_status(dispute.ruling), user=dispute.ruled_by))
    return dispute


def finalise(store: Store, evaluation_id: str, user: str) -> Evaluation:
    """Close the latest version for good: no more disputes, no more versions."""
    role = role_of(store, user)
    require(role, FINALISE)
    with store.transaction() as db:
        latest = _latest(store, evaluation_id)
        if latest.status not in FINALISABLE:
            raise LifecycleError(_("version {version} of evaluation {evaluation} is {status}; only a submitted or "
                                   "resolved version can be finalised").format(
                version=latest.version, evaluation=evaluation_id, status=_status(latest.status)))
        store.set_evaluation_status(evaluation_id, latest.version, FINAL)
        audit.append(db, user, audit.FINALISE, evaluation_id, {"version": latest.version}, role=role)
    return store.evaluation_version(evaluation_id)


def versions_for_sync(store: Store, inspector: str) -> list[Evaluation]:
    """What a sync of the inspector's evaluations is handed: the latest version of each and, behind a draft
    correction, the release it corrects.

    Sync publishes the latest released version of each evaluation and counts the drafts, to tell the inspector
    they stay local. The release behind a draft comes from the library, not from the share: the submission may
    never have got there (the share was offline, or the inspector started the correction before syncing).
    """
    latest = store.evaluations(inspector=inspector)
    return [*latest, *(release_behind(store, ev) for ev in latest if ev.status == DRAFT and ev.version > 1)]


def release_behind(store: Store, draft: Evaluation) -> Evaluation:
    """The version before a draft correction, which is released since only the latest version can be a draft;
    it carries the flags and verdicts it was released with."""
    return store.evaluation_version(draft.id, draft.version - 1)


def open_disputes(evaluation: Evaluation) -> list[Dispute]:
    """The disputes of this very version still waiting for a ruling."""
    return [d for d in evaluation.disputes if d.is_open and d.version == evaluation.version]


def _status(status: str) -> str:
    """A status or ruling as said in a message, in the chosen language."""
    return _(_STATUS_WORDS.get(status, status))
