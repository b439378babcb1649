"""Roles on one workstation: every role tried on every action against a real library, the users table and its
audit trail, and what each role is shown of a transcript."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from qaworkstation.core.domain import Evaluation, Flag, ItemScore, Segment
from qaworkstation.core.library import audit
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import lifecycle, roles
from qaworkstation.core.scoring.roles import (AGGREGATE, COACH, COACH_AGENTS, DISPUTE, FINALISE, INSPECTOR,
                                              MANAGE_ROLES, PERMISSIONS, RELEASE, RESOLVE_DISPUTE, ROLES, SCORE,
                                              SUPERVISOR, TRAINEE, VIEW_UNREDACTED, PermissionDenied, RoleError)

PHONE = "13812345678"
SAID = f"您好，我的手机是{PHONE}，麻烦回电"

# Written out here rather than read from roles.ROLE_PERMISSIONS, so a change to the table has to be made twice.
EXPECTED = {
    TRAINEE: {SCORE},
    INSPECTOR: {VIEW_UNREDACTED, SCORE, RELEASE, DISPUTE},
    COACH: {VIEW_UNREDACTED, DISPUTE, COACH_AGENTS, AGGREGATE},
    SUPERVISOR: set(PERMISSIONS),
}
PAIRS = [(role, permission) for role in ROLES for permission in PERMISSIONS]


def add_recording(store: Store, sha: str = "a" * 64) -> str:
    recording_id, _ = store.add_recording({"sha256": sha, "path": "/x/call.wav", "file_name": "call.wav",
                                           "duration": 30.0, "channels": 2, "samplerate": 8000, "agent": "A1"})
    return recording_id


def scorecard(recording_id: str, inspector: str, greeting: float = 4.0) -> Evaluation:
    items = {"greeting": ItemScore("greeting", greeting, reviewed=True),
             "closing": ItemScore("closing", 3.0, reviewed=True)}
    return Evaluation(id="", recording_id=recording_id, rubric_id="r", inspector=inspector, items=items,
                      total=greeting + 3.0, max_total=10.0)


@pytest.fixture
def library(store: Store) -> Store:
    """A library whose first user, ``boss``, is therefore its supervisor."""
    assert roles.ensure_user(store, "boss") == SUPERVISOR
    return store


def actor_with(store: Store, role: str) -> str:
    roles.ensure_user(store, "actor")
    if role != TRAINEE:
        roles.set_role(store, "actor", role, changed_by="boss")
    return "actor"


# -------------------------------------------------------------------------------------- role × action


def _released(store: Store) -> Evaluation:
    return lifecycle.save_and_submit(store, scorecard(add_recording(store), "boss"), "boss")


def _try_view(store: Store, user: str) -> Callable[[], object]:
    def act() -> object:
        shown = roles.visible_text(roles.role_of(store, user), SAID, store, user, "transcript of recording r1")
        if shown != SAID:
            assert PHONE not in shown
            raise PermissionDenied(roles.role_of(store, user), VIEW_UNREDACTED)  # redacted: the view was refused
        return shown
    return act


def _try_score(store: Store, user: str) -> Callable[[], object]:
    recording_id = add_recording(store)
    return lambda: lifecycle.save(store, scorecard(recording_id, user), user)


def _try_release(store: Store, user: str) -> Callable[[], object]:
    draft = lifecycle.save(store, scorecard(add_recording(store), "boss"), "boss")
    return lambda: lifecycle.submit(store, draft.id, user)


def _try_dispute(store: Store, user: str) -> Callable[[], object]:
    released = _released(store)
    return lambda: lifecycle.open_dispute(store, released.id, "greeting", "I did greet the customer", user)


def _try_resolve(store: Store, user: str) -> Callable[[], object]:
    dispute = lifecycle.open_dispute(store, _released(store).id, "greeting", "I did greet", "boss")
    return lambda: lifecycle.resolve_dispute(store, dispute.id, "rejected", "not heard in the first 10 s", user)


def _try_finalise(store: Store, user: str) -> Callable[[], object]:
    released = _released(store)
    return lambda: lifecycle.finalise(store, released.id, user)


def _try_manage_roles(store: Store, user: str) -> Callable[[], object]:
    roles.ensure_user(store, "newcomer")
    return lambda: roles.set_role(store, "newcomer", INSPECTOR, changed_by=user)


def _try_window(permission: str) -> Callable[[Store, str], Callable[[], object]]:
    """Coaching and the team view are whole windows: the window asks ``require`` before opening them."""
    return lambda store, user: lambda: roles.require(roles.role_of(store, user), permission)


ACTIONS: dict[str, Callable[[Store, str], Callable[[], object]]] = {
    VIEW_UNREDACTED: _try_view, SCORE: _try_score, RELEASE: _try_release, DISPUTE: _try_dispute,
    RESOLVE_DISPUTE: _try_resolve, FINALISE: _try_finalise, COACH_AGENTS: _try_window(COACH_AGENTS),
    AGGREGATE: _try_window(AGGREGATE), MANAGE_ROLES: _try_manage_roles,
}

# What each allowed action must leave in the audit log (None: a window opening is audited by the window).
AUDITED = {VIEW_UNREDACTED: audit.UNREDACTED_VIEW, SCORE: audit.SCORE, RELEASE: audit.RELEASE,
           DISPUTE: audit.DISPUTE, RESOLVE_DISPUTE: audit.RULING, FINALISE: audit.FINALISE,
           COACH_AGENTS: None, AGGREGATE: None, MANAGE_ROLES: audit.ROLE_CHANGE}


def test_every_role_and_action_pair_is_tested() -> None:
    assert set(ACTIONS) == set(PERMISSIONS) == set(AUDITED)
    assert len(PAIRS) == len(ROLES) * len(PERMISSIONS) == 36, f"{len(PAIRS)} role × action pairs"
    print(f"role × action matrix: {len(PAIRS)} pairs ({len(ROLES)} roles × {len(PERMISSIONS)} actions)")


@pytest.mark.parametrize(("role", "permission"), PAIRS)
def test_role_may_do_exactly_what_the_handbook_allows(library: Store, role: str, permission: str) -> None:
    user = actor_with(library, role)
    act = ACTIONS[permission](library, user)
    before = audit.entries(library.db)
    allowed = permission in EXPECTED[role]
    assert roles.may(role, permission) is allowed
    if allowed:
        act()
        added = audit.entries(library.db)[len(before):]
        if AUDITED[permission]:
            assert [(e.actor, e.role, e.action) for e in added][-1:] == [(user, role, AUDITED[permission])]
    else:
        with pytest.raises(PermissionDenied, match=f"{role} role may not"):
            act()
        assert audit.entries(library.db) == before, "a refused action must leave no trace but the refusal"
    assert audit.verify(library.db).ok


def test_refusals_say_who_may() -> None:
    with pytest.raises(PermissionDenied) as refused:
        roles.require(TRAINEE, RESOLVE_DISPUTE)
    assert str(refused.value) == ("The trainee role may not rule on disputes; ask a supervisor "
                                  "(allowed for: supervisor).")
    assert (refused.value.role, refused.value.permission) == (TRAINEE, RESOLVE_DISPUTE)
    with pytest.raises(ValueError, match="unknown permission"):
        roles.may(SUPERVISOR, "delete_everything")


# ------------------------------------------------------------------------------------------- users


def test_first_user_is_supervisor_and_later_ones_trainees(store: Store) -> None:
    assert roles.role_of(store, "first") == TRAINEE  # unknown until registered
    assert roles.ensure_user(store, "first") == SUPERVISOR
    assert roles.ensure_user(store, "second") == TRAINEE
    assert roles.ensure_user(store, "first") == SUPERVISOR  # registering is once only
    assert [(u.user_id, u.role) for u in roles.users(store)] == [("first", SUPERVISOR), ("second", TRAINEE)]
    changes = audit.entries(store.db, action=audit.ROLE_CHANGE)
    assert [(e.subject, e.detail["to"], e.detail["reason"]) for e in changes] == [
        ("first", SUPERVISOR, "first user of this library"), ("second", TRAINEE, "new user")]


def test_role_changes_are_audited_with_who_made_them(library: Store) -> None:
    roles.ensure_user(library, "li")
    changed = roles.set_role(library, "li", COACH, changed_by="boss")
    assert (changed.role, changed.changed_by) == (COACH, "boss")
    assert roles.role_of(library, "li") == COACH
    assert roles.set_role(library, "li", COACH, changed_by="boss") == changed  # no change, no new entry
    last = audit.entries(library.db)[-1]
    assert (last.actor, last.role, last.action, last.subject, last.detail) == (
        "boss", SUPERVISOR, audit.ROLE_CHANGE, "li", {"from": TRAINEE, "to": COACH})


def test_only_a_role_manager_changes_roles_and_the_last_supervisor_stays(library: Store) -> None:
    roles.ensure_user(library, "li")
    with pytest.raises(PermissionDenied):
        roles.set_role(library, "li", SUPERVISOR, changed_by="li")  # a trainee promoting themselves
    with pytest.raises(RoleError, match="only supervisor"):
        roles.set_role(library, "boss", INSPECTOR, changed_by="boss")
    with pytest.raises(RoleError, match="unknown role"):
        roles.set_role(library, "li", "admin", changed_by="boss")
    roles.set_role(library, "li", SUPERVISOR, changed_by="boss")
    roles.set_role(library, "boss", INSPECTOR, changed_by="li")  # now someone else can manage roles
    assert (roles.role_of(library, "boss"), roles.role_of(library, "li")) == (INSPECTOR, SUPERVISOR)


def test_the_database_refuses_an_unknown_role(library: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        library.db.execute("UPDATE users SET role = 'admin' WHERE user_id = 'boss'")


# ------------------------------------------------------------------------------------ what is shown


@pytest.mark.parametrize("role", ROLES)
def test_transcripts_are_desensitised_unless_the_role_may_see_them(library: Store, role: str) -> None:
    user = actor_with(library, role)
    segments = [Segment("customer", 1.0, 4.0, SAID), Segment("agent", 4.0, 5.0, "好的")]
    flags = [Flag("forbidden", "手机", SAID, "customer", 1.0, 4.0, "greeting")]
    before = len(audit.entries(library.db, action=audit.UNREDACTED_VIEW))

    shown = roles.visible_segments(role, segments, library, user, "transcript of recording r1")
    shown_flags = roles.visible_flags(role, flags)

    views = audit.entries(library.db, action=audit.UNREDACTED_VIEW)[before:]
    if role == TRAINEE:
        assert PHONE not in shown[0].text and PHONE not in shown_flags[0].text and views == []
        assert shown[1].text == "好的"
    else:
        assert shown == segments and shown_flags == flags
        assert [(v.actor, v.role, v.subject) for v in views] == [(user, role, "transcript of recording r1")]
        assert PHONE not in str(views[0]), "the audit log must not hold the data it guards"


def test_each_unredacted_view_is_one_audit_entry(library: Store) -> None:
    for number in range(3):
        assert roles.visible_text(SUPERVISOR, SAID, library, "boss", f"call {number}") == SAID
    views = audit.entries(library.db, action=audit.UNREDACTED_VIEW)
    assert [v.subject for v in views] == ["call 0", "call 1", "call 2"]


def test_roles_survive_reopening_the_library(tmp_path: Path) -> None:
    first = Store(tmp_path / "lib.sqlite3")
    roles.ensure_user(first, "boss")
    roles.ensure_user(first, "li")
    roles.set_role(first, "li", COACH, "boss")
    first.close()
    again = Store(tmp_path / "lib.sqlite3")
    assert (roles.role_of(again, "boss"), roles.role_of(again, "li")) == (SUPERVISOR, COACH)
    again.close()

