"""Residents' activation on both stores: a code works once and expires, a new slip invalidates
the old code and ends sessions, guessing is throttled, erasure blocks signing in, and neither
the code nor the phone ever enters an event."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import Actor, DomainError, Role
from pointsbank.domain.community import Community
from pointsbank.registry import PersonalData
from pointsbank.signin import LockedOut, SignInFailed
from tests.accounts_helpers import open_account, sign_in
from tests.conftest import event_count, stored_events
from tests.integration.test_ledger import ADMIN, TODAY, setup_street
from tests.refusals import raises_refusal

PHONE = "13912345678"
PASSWORD = "my own fine pass"


def cmd(services: Services, actor: Actor) -> Command:
    return Command(services.context(actor), str(uuid4()), "f")


@pytest.fixture
def street(services: Services) -> tuple[Actor, UUID]:
    """Community a with a resident who has a phone; its staff."""
    staff = setup_street(services)
    enrolled = services.bank.enrol(
        cmd(services, staff), Community.id_for("a"), "g1", False, False, TODAY,
        PersonalData(name="王小明", phone=PHONE),
    )
    return staff, UUID(enrolled.body["resident_id"])


def slip(services: Services, staff: Actor, resident: UUID) -> str:
    outcome = services.activations.issue_slip(cmd(services, staff), resident)
    services.projector.catch_up()
    return str(outcome.body["code"])


def activate(
    services: Services, code: str, at: datetime | None = None, address: str = "10.1.1.1"
) -> Outcome:
    outcome = services.activations.activate(
        code, PASSWORD, address, str(uuid4()), at or services.now()
    )
    services.projector.catch_up()
    return outcome


def test_a_code_works_once_and_then_the_phone_signs_in(
    services: Services, street: tuple[Actor, UUID]
) -> None:
    staff, resident = street
    code = slip(services, staff, resident)
    activated = activate(services, code.lower().replace("-", ""))  # as typed on a phone
    session = services.sign_in.sign_in(PHONE, PASSWORD, "10.1.1.1", services.now())
    assert session.user_id == activated.body["user_id"]
    account = services.accounts.find(session.user_id)
    assert account is not None and account.role is Role.RESIDENT
    assert account.resident_id == resident
    before = event_count(services)
    with raises_refusal(DomainError, "invalid-command.activation-code-used"):
        activate(services, code)
    assert event_count(services) == before


def test_an_expired_code_writes_nothing(services: Services, street: tuple[Actor, UUID]) -> None:
    staff, resident = street
    code = slip(services, staff, resident)
    before = event_count(services)
    with raises_refusal(DomainError, "invalid-command.activation-code-expired"):
        activate(services, code, services.now() + timedelta(days=7, seconds=1))
    assert event_count(services) == before
    with pytest.raises(SignInFailed):
        services.sign_in.sign_in(PHONE, PASSWORD, "10.1.1.2", services.now())


def test_a_new_slip_invalidates_the_old_code_the_old_password_and_sessions(
    services: Services, street: tuple[Actor, UUID]
) -> None:
    staff, resident = street
    first = slip(services, staff, resident)
    activate(services, first)
    session = services.sign_in.sign_in(PHONE, PASSWORD, "10.1.1.1", services.now())
    second = slip(services, staff, resident)
    assert services.accounts.sessions.resume(session.session_id, services.now()) is None
    with pytest.raises(SignInFailed):  # the reset: the old password no longer opens it
        services.sign_in.sign_in(PHONE, PASSWORD, "10.1.1.1", services.now())
    with raises_refusal(DomainError, "invalid-command.activation-code-wrong"):
        activate(services, first)
    again = activate(services, second)
    assert services.sign_in.sign_in(PHONE, PASSWORD, "x", services.now()).user_id == (
        again.body["user_id"]
    )


def test_a_weak_password_is_refused_and_the_code_stays_usable(
    services: Services, street: tuple[Actor, UUID]
) -> None:
    staff, resident = street
    code = slip(services, staff, resident)
    before = event_count(services)
    for weak in ("short", "password1", PHONE + "x"):
        with pytest.raises(DomainError):
            services.activations.activate(code, weak, "a", str(uuid4()), services.now())
    assert event_count(services) == before
    activate(services, code)


def test_guessing_codes_is_throttled_like_signing_in(
    services: Services, street: tuple[Actor, UUID]
) -> None:
    staff, resident = street
    code = slip(services, staff, resident)
    now = services.now()
    for _ in range(services.settings.sign_in_max_failures_per_address - 1):
        with raises_refusal(DomainError, "invalid-command.activation-code-wrong"):
            activate(services, "AAAA-BBBB-CCCC", now, "10.6.6.6")
    with pytest.raises(LockedOut):
        activate(services, "AAAA-BBBB-CCCC", now, "10.6.6.6")
    with pytest.raises(LockedOut):  # even the right code, from that address, while locked
        activate(services, code, now, "10.6.6.6")
    activate(services, code, now, "10.7.7.7")  # another address is not held up


def test_an_erased_resident_can_no_longer_sign_in(
    services: Services, client: TestClient, street: tuple[Actor, UUID]
) -> None:
    staff, resident = street
    user_id = activate(services, slip(services, staff, resident)).body["user_id"]
    signed_in = client.post("/ui/login", data={"username": PHONE, "password": PASSWORD})
    assert signed_in.url.path == "/ui/me"
    services.bank.erase_personal_data(cmd(services, ADMIN), resident)
    assert client.get("/ui/me").url.path == "/ui/login"  # the live session ends too
    services.projector.catch_up()
    account = services.accounts.find(user_id)
    assert account is not None
    for name in (PHONE, account.name):
        with pytest.raises(SignInFailed):
            services.sign_in.sign_in(name, PASSWORD, "10.2.2.2", services.now())
    with raises_refusal(DomainError, "invalid-command.activation-no-phone"):
        services.activations.issue_slip(cmd(services, staff), resident)


def test_neither_code_nor_phone_nor_password_enters_an_event(
    services: Services, street: tuple[Actor, UUID]
) -> None:
    staff, resident = street
    code = slip(services, staff, resident)
    activate(services, code)
    text = json.dumps([repr(e.__dict__) for e in stored_events(services)], ensure_ascii=False)
    for secret in (code, code.replace("-", ""), PHONE, PASSWORD, "王小明"):
        assert secret not in text


def test_staff_of_another_community_cannot_print_a_slip(
    services: Services, street: tuple[Actor, UUID]
) -> None:
    _, resident = street
    services.bank.register_community(cmd(services, ADMIN), "b", "社区b")
    other = Actor("staff-b", Role.STAFF, Community.id_for("b"))
    before = event_count(services)
    with raises_refusal(DomainError, "not-found.resident"):
        services.activations.issue_slip(cmd(services, other), resident)
    assert event_count(services) == before


def test_activation_re_links_the_resident_account_staff_opened_before(
    services: Services, street: tuple[Actor, UUID]
) -> None:
    staff, resident = street
    opened = services.accounts.open(
        cmd(services, staff), "wang.xm", "居民", Role.RESIDENT, [Community.id_for("a")],
        resident, "the one staff gave",
    )
    services.projector.catch_up()
    activated = activate(services, slip(services, staff, resident))
    assert activated.body["user_id"] == opened.body["user_id"]
    session = services.sign_in.sign_in(PHONE, PASSWORD, "x", services.now())
    assert session.user_id == opened.body["user_id"]
    with pytest.raises(SignInFailed):
        services.sign_in.sign_in("wang.xm", "the one staff gave", "x", services.now())


def test_a_resubmitted_activation_answers_as_the_first(
    services: Services, street: tuple[Actor, UUID]
) -> None:
    staff, resident = street
    code = slip(services, staff, resident)
    first = services.activations.activate(code, PASSWORD, "a", "key-1", services.now())
    before = event_count(services)
    again = services.activations.activate(code, PASSWORD, "a", "key-1", services.now())
    assert (again.replayed, again.body) == (True, first.body)
    assert event_count(services) == before
    with raises_refusal(DomainError, "invalid-command.activation-code-used"):
        services.activations.activate(code, PASSWORD, "a", "key-2", services.now())


def test_the_slip_page_shows_the_code_once_and_refuses_a_resident_without_phone(
    services: Services, client: TestClient, street: tuple[Actor, UUID]
) -> None:
    staff, resident = street
    open_account(services, "staff.a", Role.STAFF, "a")
    csrf = sign_in(client, "staff.a")
    form = {"csrf_token": csrf, "idempotency_key": "print-1"}
    printed = client.post(f"/ui/residents/{resident}/slip", data=form)
    assert printed.status_code == 201 and "王*明" in printed.text
    [code] = re.findall(r'id="slip-code">([0-9A-Z-]{14})<', printed.text)
    before = event_count(services)
    again = client.post(f"/ui/residents/{resident}/slip", data=form)
    assert again.status_code == 200 and code not in again.text and "只显示一次" in again.text
    assert event_count(services) == before
    no_phone = services.bank.enrol(
        cmd(services, staff), Community.id_for("a"), "g1", False, False, TODAY,
        PersonalData(name="李四"),
    ).body["resident_id"]
    services.projector.catch_up()
    before = event_count(services)
    refused = client.post(f"/ui/residents/{no_phone}/slip", data={**form, "idempotency_key": "2"})
    assert refused.status_code == 422 and "没有登记手机号" in refused.text
    assert event_count(services) == before
    activate(services, code)  # the code shown once is the live one
