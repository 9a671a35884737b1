"""Given events, when a command, then events (or the domain error): user accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from pointsbank.domain.account import Account
from pointsbank.domain.common import Actor, Context, DomainError, Role
from pointsbank.passwords import WeakPassword, check_policy, hash_password, verify_password
from tests.refusals import raises_refusal

COMMUNITY, OTHER = uuid4(), uuid4()
AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
ADMIN = Context(Actor("admin-1", Role.ADMIN), AT, date(2026, 11, 22))


def given_staff(name: str = "Zhang.Wei") -> Account:
    account = Account.open(name, "张伟", Role.STAFF, [COMMUNITY], None, ADMIN)
    account.collect_events()
    return account


def test_opening_records_name_role_scope_actor_and_time() -> None:
    resident = uuid4()
    account = Account.open("Zhang.Wei", "张伟", Role.STAFF, [COMMUNITY], resident, ADMIN)
    [event] = account.collect_events()
    assert isinstance(event, Account.Opened)
    assert (event.name, event.display_name, event.role) == ("zhang.wei", "张伟", "staff")
    assert (event.community_ids, event.resident_id) == ([COMMUNITY], resident)
    assert (event.actor_id, event.actor_role, event.timestamp) == ("admin-1", "admin", AT)
    assert account.id == Account.id_for("ZHANG.WEI")


def test_no_event_carries_a_secret() -> None:
    account = given_staff()
    account.reset_password(ADMIN)
    own = Context(Actor(str(account.id), Role.STAFF, COMMUNITY), AT, date(2026, 11, 22))
    account.change_password(own)
    for event in account.collect_events():
        names = set(vars(event))
        assert "actor_id" in names
        assert not any("password" in n or "hash" in n or "token" in n for n in names)


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.STAFF, []),
        (Role.CLERK, [COMMUNITY, OTHER]),
        (Role.ADMIN, [COMMUNITY]),
        (Role.AUDITOR, [COMMUNITY]),
    ],
)
def test_a_role_needs_its_scope(role: Role, scope: list[UUID]) -> None:
    with pytest.raises(DomainError) as refusal:
        Account.open("x", "x", role, scope, None, ADMIN)
    assert refusal.value.key in {
        "invalid-command.role-needs-community",
        "invalid-command.role-street-wide",
    }


def test_a_resident_account_is_linked_to_its_resident() -> None:
    with raises_refusal(DomainError, "invalid-command.resident-account-unlinked"):
        Account.open("ju.min", "居民", Role.RESIDENT, [COMMUNITY], None, ADMIN)


@pytest.mark.parametrize("name", ["", "a b", "名字\x00", "x" * 65])
def test_a_bad_user_name_is_refused(name: str) -> None:
    with raises_refusal(DomainError, "invalid-command.user-name"):
        Account.open(name, "x", Role.ADMIN, [], None, ADMIN)


def test_changing_the_role_and_scope_is_recorded() -> None:
    account = given_staff()
    account.change_role(Role.CLERK, [OTHER], ADMIN)
    [event] = account.collect_events()
    assert isinstance(event, Account.RoleChanged)
    assert (event.role, event.community_ids, account.role) == ("clerk", [OTHER], Role.CLERK)
    with raises_refusal(DomainError, "invalid-command.role-unchanged"):
        account.change_role(Role.CLERK, [OTHER], ADMIN)


def test_disable_and_enable() -> None:
    account = given_staff()
    account.disable(ADMIN)
    assert account.disabled
    with raises_refusal(DomainError, "invalid-command.account-already-disabled"):
        account.disable(ADMIN)
    account.enable(ADMIN)
    assert [type(e) for e in account.collect_events()] == [Account.Disabled, Account.Enabled]
    assert not account.disabled


def test_nobody_disables_their_own_account() -> None:
    account = given_staff()
    own = Context(Actor(str(account.id), Role.ADMIN), AT, date(2026, 11, 22))
    with raises_refusal(DomainError, "invalid-command.disable-self"):
        account.disable(own)


def test_a_reset_forces_a_change_that_only_the_holder_makes() -> None:
    account = given_staff()
    account.reset_password(ADMIN)
    assert account.must_change_password
    with raises_refusal(DomainError, "invalid-command.password-not-yours"):
        account.change_password(ADMIN)
    own = Context(Actor(str(account.id), Role.STAFF, COMMUNITY), AT, date(2026, 11, 22))
    account.change_password(own)
    assert not account.must_change_password
    events = account.collect_events()
    assert [type(e) for e in events] == [Account.PasswordReset, Account.PasswordChanged]
    assert [e.actor_id for e in events] == ["admin-1", str(account.id)]


@pytest.mark.parametrize(
    "password", ["short", "12345678", "Password1", "iloveyou", "zhang.wei99", "long \ud800 enough"]
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_policy(password, "zhang.wei")


def test_a_long_passphrase_without_symbols_is_fine_and_hashed_with_argon2id() -> None:
    check_policy("社区积分 好好学习", "zhang.wei")
    stored = hash_password("社区积分 好好学习")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "社区积分 好好学习")
    assert not verify_password(stored, "社区积分 好好学")


def test_a_password_that_is_not_unicode_text_never_matches() -> None:
    assert not verify_password(hash_password("long enough"), "long \ud800 enough")
