"""Who may do what on this workstation: inspector, coach, supervisor and trainee.

The handbook asks for tiered access: new staff (trainees) see desensitised data only, and seeing a customer's
numbers is a permission that leaves a trace. Roles are kept in the library (``users``), so they travel with the
data they protect; every change of role is written to the audit log together with who made it.

A role is attached to the inspector id chosen in Settings. The workstation has no login of its own, so the
role is as strong as that choice; the audit log is what makes misuse visible afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import sqlite_utils

from ..domain import Flag, Segment
from ..i18n import N_, _
from ..library import audit
from ..privacy.redact import redact_segments, redact_text

if TYPE_CHECKING:
    from ..library.store import Store

INSPECTOR = "inspector"
COACH = "coach"
SUPERVISOR = "supervisor"
TRAINEE = "trainee"
ROLES = (INSPECTOR, COACH, SUPERVISOR, TRAINEE)

VIEW_UNREDACTED = "view_unredacted"  # see phone, ID and card numbers as spoken
SCORE = "score"  # fill and save a scorecard (a draft version)
RELEASE = "release"  # submit a draft: it becomes a released, immutable version
DISPUTE = "dispute"  # record an agent's dispute of an item
RESOLVE_DISPUTE = "resolve_dispute"  # rule on a dispute
FINALISE = "finalise"  # close an evaluation for good
COACH_AGENTS = "coach"  # run coaching sessions
AGGREGATE = "aggregate"  # merge the team's share, reports, calibration
MANAGE_ROLES = "manage_roles"  # give users their roles
PERMISSIONS = (VIEW_UNREDACTED, SCORE, RELEASE, DISPUTE, RESOLVE_DISPUTE, FINALISE, COACH_AGENTS, AGGREGATE,
               MANAGE_ROLES)

# Trainees practise scoring on desensitised calls; nothing they do reaches the team. Coaches work from
# released scores and need the real call to replay it with the agent, but do not score.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    TRAINEE: frozenset({SCORE}),
    INSPECTOR: frozenset({VIEW_UNREDACTED, SCORE, RELEASE, DISPUTE}),
    COACH: frozenset({VIEW_UNREDACTED, DISPUTE, COACH_AGENTS, AGGREGATE}),
    SUPERVISOR: frozenset(PERMISSIONS),
}

# Said to the user, so in words rather than identifiers (translated when said, in the language chosen then).
_ACTION_WORDS = {
    VIEW_UNREDACTED: N_("see unredacted customer data"), SCORE: N_("score calls"),
    RELEASE: N_("submit evaluations"), DISPUTE: N_("record disputes"), RESOLVE_DISPUTE: N_("rule on disputes"),
    FINALISE: N_("finalise evaluations"), COACH_AGENTS: N_("run coaching sessions"),
    AGGREGATE: N_("open the team view"), MANAGE_ROLES: N_("change roles"),
}
_ROLE_WORDS = {INSPECTOR: N_("inspector"), COACH: N_("coach"), SUPERVISOR: N_("supervisor"), TRAINEE: N_("trainee")}


class PermissionDenied(Exception):
    """The user's role does not allow the action; the message names the role, the action and who can."""

    def __init__(self, role: str, permission: str) -> None:
        self.role, self.permission = role, permission
        allowed = [_(_ROLE_WORDS[r]) for r in ROLES if permission in ROLE_PERMISSIONS.get(r, ())]
        super().__init__(_("The {role} role may not {action}; ask a supervisor (allowed for: {allowed}).").format(
            role=_(_ROLE_WORDS.get(role, role)) if role else _("unknown"),
            action=_(_ACTION_WORDS.get(permission, permission)), allowed=_(", ").join(allowed) or _("nobody")))


class RoleError(ValueError):
    """A role change that would leave the library unmanageable or names no known role."""


@dataclass(frozen=True)
class User:
    user_id: str
    role: str
    changed_by: str
    changed_at: str


def may(role: str, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def require(role: str, permission: str) -> None:
    """Raise :class:`PermissionDenied` unless ``role`` has ``permission``."""
    if not may(role, permission):
        raise PermissionDenied(role, permission)


# ------------------------------------------------------------------------------------------- the library


def users(store: Store) -> list[User]:
    """Everyone the library knows, with their role and who last set it."""
    with store.transaction() as db:
        rows = db.execute("SELECT user_id, role, changed_by, changed_at FROM users ORDER BY user_id").fetchall()
    return [User(*row) for row in rows]


def role_of(store: Store, user: str) -> str:
    """The user's stored role; someone the library does not know is a trainee until a supervisor says so."""
    with store.transaction() as db:
        row = db.execute("SELECT role FROM users WHERE user_id = ?", (user,)).fetchone()
    return row[0] if row else TRAINEE


def ensure_user(store: Store, user: str) -> str:
    """Register ``user`` on first sight and return their role.

    The first user of a fresh library becomes its supervisor (someone must be able to hand out roles); anyone
    after that starts as a trainee. Both are role changes and are audited like any other.
    """
    with store.transaction() as db:
        row = db.execute("SELECT role FROM users WHERE user_id = ?", (user,)).fetchone()
        if row:
            return row[0]
        first = db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
        role = SUPERVISOR if first else TRAINEE
        _write_role(db, user, role, changed_by=user if first else "", previous="",
                    reason="first user of this library" if first else "new user")
        return role


def set_role(store: Store, user: str, role: str, changed_by: str) -> User:
    """Give ``user`` a role; ``changed_by`` must be allowed to manage roles. The last supervisor cannot be
    demoted, or nobody could ever change a role again."""
    if role not in ROLES:
        raise RoleError(_("unknown role {role!r}; choose one of {roles}").format(role=role, roles=", ".join(ROLES)))
    require(role_of(store, changed_by), MANAGE_ROLES)
    with store.transaction() as db:
        row = db.execute("SELECT role, changed_by, changed_at FROM users WHERE user_id = ?", (user,)).fetchone()
        previous = row[0] if row else ""
        if previous == role:  # nothing changes, so nothing is recorded
            return User(user, *row)
        if previous == SUPERVISOR and role != SUPERVISOR and _supervisor_count(db) == 1:
            raise RoleError(_("{user} is the only supervisor; make someone else a supervisor first").format(user=user))
        return _write_role(db, user, role, changed_by, previous, reason="")


def _supervisor_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM users WHERE role = ?", (SUPERVISOR,)).fetchone()[0]


def _write_role(db: sqlite_utils.Database, user: str, role: str, changed_by: str, previous: str,
                reason: str) -> User:
    stamp = audit.now_iso()
    db.execute("INSERT INTO users (user_id, role, changed_by, changed_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, changed_by = excluded.changed_by, "
               "changed_at = excluded.changed_at", (user, role, changed_by, stamp))
    detail = {"from": previous, "to": role, **({"reason": reason} if reason else {})}
    audit.append(db, actor=changed_by or user, action=audit.ROLE_CHANGE, subject=user, detail=detail)
    return User(user, role, changed_by, stamp)


# ---------------------------------------------------------------------------------------- what is shown


def visible_text(role: str, text: str, store: Store, user: str, context: str) -> str:
    """``text`` as ``role`` may see it: redacted, unless the role may see unredacted data, in which case the
    view is written to the audit log (``context`` says what was shown, e.g. which call's transcript)."""
    if not may(role, VIEW_UNREDACTED):
        return redact_text(text)
    log_unredacted_view(store, user, role, context)
    return text


def visible_segments(role: str, segments: list[Segment], store: Store, user: str, context: str) -> list[Segment]:
    """A transcript as ``role`` may see it; one audit entry per unredacted view of the whole transcript (none
    when there is nothing to see yet)."""
    if not segments:
        return segments
    if not may(role, VIEW_UNREDACTED):
        return redact_segments(segments).segments
    log_unredacted_view(store, user, role, context)
    return segments


def visible_flags(role: str, flags: Iterable[Flag]) -> list[Flag]:
    """Rule hits quote what was said, so they are redacted exactly when the transcript is. The view of the
    transcript they belong to is the one that gets audited."""
    if may(role, VIEW_UNREDACTED):
        return list(flags)
    return [replace(flag, text=redact_text(flag.text)) for flag in flags]


def log_unredacted_view(store: Store, user: str, role: str, context: str) -> None:
    """Record that ``user`` was shown unredacted data; ``context`` names what (never the data itself)."""
    with store.transaction() as db:
        audit.append(db, actor=user, action=audit.UNREDACTED_VIEW, subject=context, role=role)
