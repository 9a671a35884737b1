"""Needs between neighbours on both stores: a confirmed need proposes the helper's points,
which count only once staff approve; same-household help and other communities are refused;
erasing a resident removes what they wrote from the database files, the ledger verifying."""

from __future__ import annotations

import uuid
from datetime import date
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.auditing import verify_all
from api.services import Services
from pointsbank.application import Command
from pointsbank.approvals import Approvals
from pointsbank.domain.common import Actor, Forbidden, NotFound, Role
from pointsbank.domain.community import Community
from pointsbank.registry import PostText
from tests.accounts_helpers import open_account, sign_in
from tests.e2e.test_erasure import _analyze, _pieces, _store_files
from tests.refusals import raises_refusal
from tests.street import Street, build_street

SECRET = "请帮忙修理漏水龙头三号楼"
PLACE = "祖庙路七号二单元"


def _cmd(services: Services, actor: Actor) -> Command:
    return Command(services.context(actor), key=str(uuid.uuid4()), fingerprint="test")


def _staff(code: str = "a", name: str = "staff_a") -> Actor:
    return Actor(name, Role.STAFF, Community.id_for(code))


def _household(services: Services) -> UUID:
    created = services.bank.create_household(_cmd(services, _staff()), Community.id_for("a"), "家")
    return UUID(created.body["household_id"])


def _resident(
    street: Street, services: Services, household: UUID, name: str, code: str = "a"
) -> Actor:
    """A resident of the community with an account of their own, living in `household`."""
    resident = UUID(street.enrol(who=f"staff_{code}", community=code, phone=f"139{name}"))
    if code == "a":
        services.bank.join_household(
            _cmd(services, _staff()), household, resident, date(2026, 1, 1)
        )
    user = open_account(services, f"r-{name}", Role.RESIDENT, code, resident).body["user_id"]
    return Actor(user, Role.RESIDENT, Community.id_for(code), resident)


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    street = build_street(client, services)
    rule = {"code": "NEIGHBOUR", "name": "邻里互助", "category": "neighbourly", "points": 3}
    street.ok("POST", "/rules", "admin", rule)
    return street


def _rid(actor: Actor) -> UUID:
    assert actor.resident_id is not None
    return actor.resident_id


def _post(services: Services, poster: Actor, text: str = SECRET) -> UUID:
    posted = services.bank.post_need(
        _cmd(services, poster), "repair", PostText(text, "周六上午", PLACE)
    )
    return UUID(posted.body["need_id"])


def test_confirmed_help_is_proposed_and_counts_once_staff_approve(
    street: Street, services: Services
) -> None:
    poster = _resident(street, services, _household(services), "01")
    helper = _resident(street, services, _household(services), "02")
    offer = PostText("会修水电")
    services.bank.post_offer(_cmd(services, helper), "repair", "skill", "help", offer)
    need = _post(services, poster)
    services.projector.catch_up()
    queries = services.sharing_queries
    assert queries.matches(Community.id_for("a"), "repair", "g1", _rid(poster)) == [
        str(helper.resident_id)
    ]
    [listed] = queries.needs(Community.id_for("a"), "g1", "repair")
    assert (listed["description"], listed["where_text"], listed["state"]) == (SECRET, PLACE, "open")

    services.bank.take_need(_cmd(services, helper), need)
    confirmed = services.bank.confirm_need(_cmd(services, poster), need, True)
    assert street.balance(str(helper.resident_id)) == 0  # waits for a second person
    version = confirmed.body["request_version"]
    approved = Approvals(services.bank).approve(_cmd(services, _staff()), _rid(helper), version)
    assert approved.body["balance"] == 3
    services.projector.catch_up()
    assert queries.need(need)["state"] == "done"  # type: ignore[index]


def test_a_need_said_not_done_proposes_nothing(street: Street, services: Services) -> None:
    poster = _resident(street, services, _household(services), "01")
    helper = _resident(street, services, _household(services), "02")
    need = _post(services, poster)
    services.bank.take_need(_cmd(services, helper), need)
    said = services.bank.confirm_need(_cmd(services, poster), need, False)
    assert said.body == {"need_id": str(need), "state": "not-done"}


def test_a_need_of_ones_own_household_cannot_be_taken(street: Street, services: Services) -> None:
    home = _household(services)
    poster = _resident(street, services, home, "01")
    relative = _resident(street, services, home, "02")
    need = _post(services, poster)
    with raises_refusal(Forbidden, "forbidden.sharing-own-household"):
        services.bank.take_need(_cmd(services, relative), need)


def test_another_communitys_need_does_not_exist_for_a_resident(
    street: Street, services: Services
) -> None:
    poster = _resident(street, services, _household(services), "01")
    stranger = _resident(street, services, _household(services), "03", code="b")
    need = _post(services, poster)
    with raises_refusal(NotFound, "not-found.need"):
        services.bank.take_need(_cmd(services, stranger), need)


def test_erasing_the_poster_removes_the_need_text_from_the_store_files(
    street: Street, services: Services, request: pytest.FixtureRequest
) -> None:
    poster = _resident(street, services, _household(services), "01")
    helper = _resident(street, services, _household(services), "02")
    need = _post(services, poster)
    services.bank.take_need(_cmd(services, helper), need)
    services.bank.confirm_need(_cmd(services, poster), need, True)
    _analyze(services)
    assert _text_on_disk(services, request)  # the probe works

    erased = street.call("DELETE", f"/residents/{poster.resident_id}/personal-data", "admin")
    assert erased.status_code == 200, erased.text
    _analyze(services)

    assert not _text_on_disk(services, request)
    services.projector.catch_up()
    assert services.sharing_queries.need(need)["description"] is None  # type: ignore[index]
    services.chain.catch_up()
    assert verify_all(services).ok


def _text_on_disk(services: Services, request: pytest.FixtureRequest) -> bool:
    files = [f for f in _store_files(services, request) if f.is_file()]
    pieces = [p for secret in (SECRET, PLACE) for p in _pieces(secret)]
    return any(piece in f.read_bytes() for f in files for piece in pieces)


def test_a_needs_contact_is_for_its_helper_and_staff_and_the_need_unknown_elsewhere(
    client: TestClient, street: Street, services: Services
) -> None:
    poster = _resident(street, services, _household(services), "01")
    helper = _resident(street, services, _household(services), "02")
    _resident(street, services, _household(services), "04")
    _resident(street, services, _household(services), "03", code="b")
    need = _post(services, poster)
    services.bank.take_need(_cmd(services, helper), need)
    services.projector.catch_up()
    page, contact = f"/ui/help/needs/{need}", f"/ui/help/needs/{need}/contact"
    seen = {}
    for name in ("r-01", "r-02", "r-04", "r-03"):
        sign_in(client, name)
        seen[name] = (client.get(page).status_code, client.get(contact).status_code)
    open_account(services, "desk-a", Role.STAFF, "a")
    sign_in(client, "desk-a")
    assert client.get(contact).status_code == 200  # staff of the community
    assert seen == {
        "r-01": (200, 404),  # the poster knows their own phone
        "r-02": (200, 200),  # the helper who took it
        "r-04": (200, 404),  # a neighbour who did not
        "r-03": (404, 404),  # another community: no such need
    }


def test_a_double_submitted_post_or_confirmation_acts_once(
    street: Street, services: Services
) -> None:
    """The double click and the dropped response: the same key twice answers the first result
    and records nothing more, for a post and for the confirmation that proposes points."""
    poster = _resident(street, services, _household(services), "31")
    helper = _resident(street, services, _household(services), "32")
    post = Command(services.context(poster), key="post-once", fingerprint="post")
    first = services.bank.post_need(post, "repair", PostText(SECRET, "周六", PLACE))
    events = services.bank.recorder.max_notification_id()
    again = services.bank.post_need(post, "repair", PostText(SECRET, "周六", PLACE))
    assert again.body == first.body
    assert services.bank.recorder.max_notification_id() == events
    need = UUID(first.body["need_id"])
    services.bank.take_need(_cmd(services, helper), need)
    confirm = Command(services.context(poster), key="confirm-once", fingerprint="confirm")
    done = services.bank.confirm_need(confirm, need, True)
    events = services.bank.recorder.max_notification_id()
    assert services.bank.confirm_need(confirm, need, True).body == done.body
    assert services.bank.recorder.max_notification_id() == events
    texts = services.db.query("SELECT post_id FROM sharing_texts WHERE post_id = ?", (str(need),))
    assert len(texts) == 1
