"""Given events, when a command, then events (or the domain error): activation slips."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from pointsbank.activation_codes import ActivationCodes, normalise_code
from pointsbank.domain.activation import SLIP_LIFETIME, Activation
from pointsbank.domain.common import Actor, Context, DomainError, Role
from tests.refusals import raises_refusal

RESIDENT, COMMUNITY, ACCOUNT = uuid4(), uuid4(), uuid4()
AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
STAFF = Context(Actor("staff-1", Role.STAFF, COMMUNITY), AT, date(2026, 11, 22))


def at(moment: datetime) -> Context:
    actor = Actor(str(ACCOUNT), Role.RESIDENT, COMMUNITY, RESIDENT)
    return Context(actor, moment, moment.date())


def given_slip() -> Activation:
    activation = Activation.start(RESIDENT, COMMUNITY, STAFF)
    activation.issue_slip(STAFF)
    activation.collect_events()
    return activation


def test_issuing_records_who_for_whom_and_until_when_but_no_code() -> None:
    activation = Activation.start(RESIDENT, COMMUNITY, STAFF)
    assert activation.issue_slip(STAFF) == 1
    started, issued = activation.collect_events()
    assert isinstance(started, Activation.Started) and isinstance(issued, Activation.SlipIssued)
    assert (started.resident_id, started.community_id) == (RESIDENT, COMMUNITY)
    assert (issued.slip, issued.expires_at) == (1, AT + SLIP_LIFETIME)
    assert (issued.actor_id, issued.actor_role) == ("staff-1", "staff")
    assert "code" not in issued.__dict__ and "code" not in started.__dict__


def test_a_live_slip_is_used_once() -> None:
    activation = given_slip()
    activation.use_slip(1, ACCOUNT, at(AT + timedelta(days=1)))
    [used] = activation.collect_events()
    assert isinstance(used, Activation.SlipUsed) and used.account_id == ACCOUNT
    with raises_refusal(DomainError, "invalid-command.activation-code-used"):
        activation.use_slip(1, ACCOUNT, at(AT + timedelta(days=1)))
    assert activation.collect_events() == []


def test_an_expired_slip_is_refused() -> None:
    activation = given_slip()
    with raises_refusal(DomainError, "invalid-command.activation-code-expired"):
        activation.use_slip(1, ACCOUNT, at(AT + SLIP_LIFETIME))
    assert activation.collect_events() == []


def test_a_new_slip_replaces_the_old_one() -> None:
    activation = given_slip()
    activation.use_slip(1, ACCOUNT, at(AT))
    assert activation.issue_slip(STAFF) == 2  # a reset after use: the new one is live
    with raises_refusal(DomainError, "invalid-command.activation-code-wrong"):
        activation.use_slip(1, ACCOUNT, at(AT))
    activation.use_slip(2, ACCOUNT, at(AT))
    assert [type(e) for e in activation.collect_events()] == [
        Activation.SlipUsed, Activation.SlipIssued, Activation.SlipUsed,
    ]


def test_a_slip_needs_some_lifetime() -> None:
    activation = given_slip()
    with pytest.raises(DomainError):
        activation.issue_slip(STAFF, timedelta(0))


def test_codes_are_typed_as_printed_whatever_the_case_spaces_or_o() -> None:
    code = ActivationCodes.new_code()
    assert len(code) == 14 and code.count("-") == 2
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("abcd-efgh-jkmo") == "ABCD-EFGH-JKM0"
    assert len({ActivationCodes.new_code() for _ in range(50)}) == 50
