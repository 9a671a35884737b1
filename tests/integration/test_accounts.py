"""Accounts on both stores: linking, uniqueness, sign-in throttling, sessions, revocation."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from api.services import Services
from pointsbank.domain.account import Account
from pointsbank.domain.common import Conflict, DomainError, NotFound, Role
from pointsbank.domain.community import Community
from pointsbank.passwords import WeakPassword
from pointsbank.signin import LockedOut, SignInFailed
from tests.accounts_helpers import PASSWORD, issue_token, open_account, operator_command
from tests.conftest import event_count
from tests.integration.test_ledger import ADMIN, command, enrol, setup_street
from tests.refusals import raises_refusal


def a_street(services: Services) -> UUID:
    """Community a with one resident; community b empty."""
    staff = setup_street(services)
    services.bank.register_community(command(ADMIN), "b", "社区b")
    return enrol(services, staff)


def test_linking_a_missing_resident_or_one_from_elsewhere_is_refused(services: Services) -> None:
    resident = a_street(services)
    before = event_count(services)
    for community, linked in (("a", uuid4()), ("b", resident)):
        with raises_refusal(DomainError, "invalid-command.account-resident-unknown") as refused:
            open_account(services, "li.na", Role.STAFF, community, linked)
        assert refused.value.extra == {"field": "resident_id"}
    assert event_count(services) == before
    assert services.accounts.find(str(Account.id_for("li.na"))) is None
    assert services.accounts.passwords.hash_of(str(Account.id_for("li.na"))) is None
    opened = open_account(services, "li.na", Role.STAFF, "a", resident)
    assert opened.body["resident_id"] == str(resident)


def test_a_user_name_is_unique_whatever_its_case(services: Services) -> None:
    a_street(services)
    open_account(services, "Zhang.Wei", Role.CLERK, "a")
    before = event_count(services)
    with raises_refusal(Conflict, "conflict.user-name-taken"):
        open_account(services, "zhang.wei", Role.STAFF, "a", password="another fine one")
    assert event_count(services) == before


def test_a_weak_password_or_unknown_community_creates_nothing(services: Services) -> None:
    a_street(services)
    before = event_count(services)
    with pytest.raises(WeakPassword):
        open_account(services, "wang", Role.STAFF, "a", password="12345678")
    with raises_refusal(NotFound, "not-found.community"):
        open_account(services, "wang", Role.STAFF, "zz")
    assert event_count(services) == before


def test_wrong_password_and_unknown_user_fail_alike_then_lock(services: Services) -> None:
    a_street(services)
    open_account(services, "clerk.a", Role.CLERK, "a")
    now = services.now()
    sign_in = services.sign_in
    errors = []
    for name in ("clerk.a", "nobody"):
        with pytest.raises(SignInFailed) as failed:
            sign_in.sign_in(name, "wrong password", "10.0.0.1", now)
        errors.append((failed.value.status, failed.value.code, failed.value.detail))
    assert errors[0] == errors[1]
    for _ in range(services.settings.sign_in_max_failures - 2):
        with pytest.raises(SignInFailed):
            sign_in.sign_in("clerk.a", "wrong password", "10.0.0.2", now)
    with raises_refusal(LockedOut, "locked-out"):
        sign_in.sign_in("clerk.a", "wrong password", "10.0.0.3", now)
    with pytest.raises(LockedOut):  # even the right password, while the lock lasts
        sign_in.sign_in("clerk.a", PASSWORD, "10.0.0.3", now + timedelta(minutes=1))
    later = now + timedelta(minutes=services.settings.sign_in_lock_minutes, seconds=1)
    assert sign_in.sign_in("clerk.a", PASSWORD, "10.0.0.3", later).user_id
    log = services.account_queries.sign_ins()
    outcomes = [row["outcome"] for row in log if row["user_name"] == "clerk.a"]
    assert outcomes.count("failed") == services.settings.sign_in_max_failures
    assert {"locked-out", "signed-in"} <= set(outcomes)


def test_one_address_is_locked_after_many_failures_on_any_name(services: Services) -> None:
    now = services.now()
    for i in range(services.settings.sign_in_max_failures_per_address - 1):
        with pytest.raises(SignInFailed):
            services.sign_in.sign_in(f"user{i}", "whatever it is", "10.9.9.9", now)
    with pytest.raises(LockedOut):
        services.sign_in.sign_in("someone", "whatever it is", "10.9.9.9", now)


def test_sessions_expire_when_idle_and_absolutely(services: Services) -> None:
    a_street(services)
    open_account(services, "clerk.a", Role.CLERK, "a")
    now = services.now()
    store = services.accounts.sessions
    idle = timedelta(minutes=services.settings.session_idle_minutes)
    session = services.sign_in.sign_in("clerk.a", PASSWORD, "x", now)
    assert store.resume(session.session_id, now + idle - timedelta(seconds=1)) is not None
    assert store.resume(session.session_id, now + 2 * idle) is None
    kept = services.sign_in.sign_in("clerk.a", PASSWORD, "x", now)
    step, moment = idle - timedelta(minutes=1), now
    while moment - now < timedelta(hours=services.settings.session_absolute_hours):
        assert store.resume(kept.session_id, moment) is not None
        moment += step
    assert store.resume(kept.session_id, moment) is None


def test_disabling_ends_sessions_and_tokens_at_once(services: Services) -> None:
    a_street(services)
    user_id = open_account(services, "clerk.a", Role.CLERK, "a").body["user_id"]
    now = services.now()
    session = services.sign_in.sign_in("clerk.a", PASSWORD, "x", now)
    token = issue_token(services, user_id, "scanner").token
    assert services.accounts.authenticate(token) is not None
    services.accounts.disable(operator_command(services), user_id)
    assert services.accounts.sessions.resume(session.session_id, now) is None
    assert services.accounts.authenticate(token) is None
    with pytest.raises(SignInFailed):
        services.sign_in.sign_in("clerk.a", PASSWORD, "x", now)
    services.accounts.enable(operator_command(services), user_id)
    assert services.accounts.authenticate(token) is None  # revoked for good
    assert services.sign_in.sign_in("clerk.a", PASSWORD, "x", now).user_id == user_id


def test_a_reset_forces_a_change_and_ends_sessions(services: Services) -> None:
    a_street(services)
    user_id = open_account(services, "clerk.a", Role.CLERK, "a").body["user_id"]
    now = services.now()
    old = services.sign_in.sign_in("clerk.a", PASSWORD, "x", now)
    services.accounts.reset_password(operator_command(services), user_id, "temporary pass 1")
    assert services.accounts.sessions.resume(old.session_id, now) is None
    account = services.accounts.find(user_id)
    assert account is not None and account.must_change_password
    with pytest.raises(SignInFailed):
        services.sign_in.sign_in("clerk.a", PASSWORD, "x", now)
    session = services.sign_in.sign_in("clerk.a", "temporary pass 1", "x", now)
    actor = services.accounts.actor_of(account)
    cmd = operator_command(services, actor)
    services.accounts.change_password(
        cmd, "temporary pass 1", "my own secret 2", session.session_id
    )
    account = services.accounts.find(user_id)
    assert account is not None and not account.must_change_password
    assert services.accounts.sessions.resume(session.session_id, now) is not None
    stored = services.accounts.passwords.hash_of(user_id) or ""
    assert stored.startswith("$argon2id$")
    assert all("my own secret" not in repr(e) for e in _account_events(services, user_id))


def _account_events(services: Services, user_id: str) -> list[object]:
    return list(services.bank.repository.event_store.get(UUID(user_id)))


def test_the_accounts_read_model_rebuilds_to_the_live_view(services: Services) -> None:
    a_street(services)
    open_account(services, "clerk.a", Role.CLERK, "a")
    open_account(services, "boss", Role.ADMIN)
    live = services.account_queries.page(None)
    services.projector.rebuild()
    assert services.account_queries.page(None) == live
    assert [r["community"] for r in live[0]] == [None, "a"]
    assert Community.id_for("a")
