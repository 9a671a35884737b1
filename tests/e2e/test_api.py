"""The HTTP API end to end, on both stores: the happy path and every refusal writing nothing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from pointsbank.domain.common import Role
from pointsbank.domain.community import Community
from pointsbank.domain.resident import Resident
from tests.conftest import event_count, stored_events
from tests.street import Street, build_street


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def test_enrol_award_and_read_balance_and_statement(street: Street) -> None:
    resident = street.enrol(party_member=True, phone="13800001111")
    street.award(resident, "VOL", quantity=2)
    street.award(resident, "COUNCIL")
    request = street.ok(
        "POST",
        f"/residents/{resident}/deductions",
        "staff_a",
        {"rule_code": "LITTER", "occurred_on": "2026-11-02", "reason": "乱扔"},
    )
    path = f"/approvals/{resident}/{request['version']}/approve"
    deduction = street.ok("POST", path, "staff_a2")
    street.ok(
        "POST",
        f"/residents/{resident}/corrections",
        "staff_a",
        {"corrects_version": deduction["version"], "points": 3, "reason": "误扣"},
    )
    assert street.balance(resident) == 25
    statement = street.ok("GET", f"/residents/{resident}/statement", "staff_a")
    entries = statement["entries"]
    assert [e["kind"] for e in entries] == ["award", "award", "deduction", "correction"]
    assert [e["points"] for e in entries] == [20, 5, -3, 3]
    assert [e["balance_after"] for e in entries] == [20, 25, 22, 25]
    assert entries[3]["corrects_version"] == deduction["version"]
    profile = street.ok("GET", f"/residents/{resident}", "clerk_a")
    assert (profile["name"], profile["party_member"], profile["balance"]) == ("王芳", True, 25)
    found = street.client.get(
        "/residents",
        params={"q": "1111"},
        headers={"Authorization": f"Bearer {street.tokens['clerk_a']}"},
    )
    assert [r["resident_id"] for r in found.json()] == [resident]


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/residents/{resident_id}/awards" in spec["paths"]
    assert client.get("/docs").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"


def test_personal_data_never_enters_an_event(street: Street, services: Services) -> None:
    resident = street.enrol(name="赵敏之", phone="13912345678", id_card="11010519491231002X")
    street.award(resident)
    raw = b"".join(n.state for n in services.bank.recorder.select_notifications(1, 10**6))
    for secret in ("赵敏之", "13912345678", "11010519491231002X"):
        assert secret.encode() not in raw
        assert secret.encode("unicode_escape") not in raw
    refused(street, "DELETE", f"/residents/{resident}/personal-data", "staff_a", None, 403)
    erased = street.call("DELETE", f"/residents/{resident}/personal-data", "admin", key="erase-1")
    assert erased.status_code == 200 and erased.json()["erased"] is True
    count = event_count(services)
    again = street.call("DELETE", f"/residents/{resident}/personal-data", "admin", key="erase-1")
    assert again.headers["Idempotent-Replayed"] == "true" and event_count(services) == count
    refused(street, "DELETE", f"/residents/{resident}/personal-data", "admin", None, 409)
    profile = street.ok("GET", f"/residents/{resident}", "admin")
    assert profile["name"] == "(已删除)" and profile["phone"] is None
    assert street.balance(resident) == 10
    [erasure] = [e for e in stored_events(services) if isinstance(e, Resident.PersonalDataErased)]
    assert erasure.originator_id == uuid.UUID(resident) and erasure.actor_role == "admin"
    raw = b"".join(n.state for n in services.bank.recorder.select_notifications(1, 10**6))
    assert "赵敏之".encode() not in raw and "赵敏之".encode("unicode_escape") not in raw


def test_every_event_says_who_when_and_why(street: Street, services: Services) -> None:
    resident = street.enrol()
    street.award(resident)
    household = street.ok(
        "POST", "/households", "staff_a", {"community_id": street.communities["a"], "name": "王家"}
    )
    street.ok(
        "POST",
        f"/households/{household['household_id']}/members",
        "staff_a",
        {"resident_id": resident, "joined_on": "2026-01-01"},
    )
    events = stored_events(services)
    assert len(events) > 10
    for event in events:
        assert event.actor_id and event.actor_role in {"admin", "staff", "clerk", "auditor"}
        assert event.timestamp.utcoffset() == timedelta(0)
        assert isinstance(event.occurred_on, date)
        assert event.reason


def refused(
    street: Street, method: str, path: str, who: str, body: Any, status: int
) -> dict[str, Any]:
    before = event_count(street.services)
    response = street.call(method, path, who, body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status and problem["detail"] and problem["type"]
    assert event_count(street.services) == before
    return problem


def test_bad_input_is_refused_clearly_and_writes_nothing(street: Street) -> None:
    resident = street.enrol()
    awards = f"/residents/{resident}/awards"
    good = {"rule_code": "VOL", "occurred_on": "2026-11-01"}
    tomorrow = (street.services.now().date() + timedelta(days=2)).isoformat()
    refused(street, "POST", f"/residents/{uuid.uuid4()}/awards", "staff_a", good, 404)
    refused(street, "POST", awards, "staff_a", {**good, "rule_code": "NOPE"}, 404)
    refused(
        street,
        "POST",
        "/residents",
        "staff_a",
        {"community_id": str(uuid.uuid4()), "grid": "g1", "name": "x"},
        404,
    )
    for bad in (
        {"quantity": 0},
        {"quantity": -2},
        {"quantity": 1.5},
        {"quantity": "2"},
        {"quantity": 10**12},
        {"occurred_on": tomorrow},
        {"occurred_on": "2026-13-01"},
        {"extra": 1},
        {"rule_code": ""},
    ):
        refused(street, "POST", awards, "staff_a", {**good, **bad}, 422)
    refused(street, "POST", "/residents/not-a-uuid/awards", "staff_a", good, 422)
    version = street.award(resident)["version"]
    refused(
        street,
        "POST",
        f"/residents/{resident}/corrections",
        "staff_a",
        {"corrects_version": version, "points": 0, "reason": "x"},
        422,
    )
    refused(
        street,
        "POST",
        f"/residents/{resident}/corrections",
        "staff_a",
        {"corrects_version": 99, "points": 1, "reason": "x"},
        404,
    )
    refused(
        street,
        "POST",
        "/residents",
        "staff_a",
        {"community_id": street.communities["a"], "grid": "nope", "name": "x"},
        422,
    )
    refused(
        street,
        "POST",
        "/residents",
        "staff_a",
        {"community_id": street.communities["a"], "grid": "g1", "name": "x", "id_card": "123"},
        422,
    )


def test_authentication_and_roles(street: Street) -> None:
    resident = street.enrol()
    awards = f"/residents/{resident}/awards"
    body = {"rule_code": "VOL", "occurred_on": "2026-11-01"}
    before = event_count(street.services)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        response = street.client.post(
            awards, json=body, headers={**headers, "Idempotency-Key": "k"}
        )
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
    assert street.client.get(f"/residents/{resident}").status_code == 401
    for who in ("clerk_a", "auditor", "admin"):
        refused(street, "POST", awards, who, body, 403)
    refused(street, "POST", awards, "staff_b", body, 404)  # another community: unknown
    refused(street, "POST", "/communities", "staff_a", {"code": "c", "name": "c"}, 403)
    refused(street, "GET", f"/residents/{resident}", "staff_b", None, 404)
    assert event_count(street.services) == before


def test_idempotency_key_is_required(street: Street) -> None:
    resident = street.enrol()
    response = street.client.post(
        f"/residents/{resident}/awards",
        json={"rule_code": "VOL", "occurred_on": "2026-11-01"},
        headers={"Authorization": f"Bearer {street.tokens['staff_a']}"},
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]


def test_retry_returns_the_first_response_and_a_different_body_is_refused(street: Street) -> None:
    resident = street.enrol()
    body = {"rule_code": "VOL", "occurred_on": "2026-11-01"}
    first = street.call("POST", f"/residents/{resident}/awards", "staff_a", body, key="k-1")
    count = event_count(street.services)
    again = street.call("POST", f"/residents/{resident}/awards", "staff_a", body, key="k-1")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert event_count(street.services) == count
    different = street.call(
        "POST", f"/residents/{resident}/awards", "staff_a", {**body, "quantity": 2}, key="k-1"
    )
    assert different.status_code == 422
    assert different.json()["type"].endswith("idempotency-key-reused")
    assert event_count(street.services) == count
    assert street.balance(resident) == 10


def test_enrolment_retry_keeps_one_resident_and_one_registry_record(street: Street) -> None:
    body = {"community_id": street.communities["a"], "grid": "g1", "name": "李娜"}
    first = street.call("POST", "/residents", "staff_a", body, key="enrol-1").json()
    retry = street.call("POST", "/residents", "staff_a", body, key="enrol-1")
    assert retry.json() == first and retry.headers["Idempotent-Replayed"] == "true"
    before = event_count(street.services)
    other = street.call("POST", "/residents", "staff_a", {**body, "name": "李娜娜"}, key="enrol-1")
    assert other.status_code == 422
    assert other.json()["type"].endswith("idempotency-key-reused")
    assert event_count(street.services) == before
    profile = street.ok("GET", f"/residents/{first['resident_id']}", "staff_a")
    assert profile["name"] == "李娜"
    listed = street.client.get(
        "/residents", headers={"Authorization": f"Bearer {street.tokens['staff_a']}"}
    ).json()
    assert [r["resident_id"] for r in listed] == [first["resident_id"]]


def test_staff_may_not_award_their_own_household(street: Street, services: Services) -> None:
    me = street.enrol()
    spouse = street.enrol(name="张伟")
    household = street.ok(
        "POST", "/households", "staff_a", {"community_id": street.communities["a"], "name": "王家"}
    )["household_id"]
    for resident in (me, spouse):
        street.ok(
            "POST",
            f"/households/{household}/members",
            "staff_a",
            {"resident_id": resident, "joined_on": "2026-01-01"},
        )
    street.tokens["staff_me"] = services.accounts.issue(
        "staff_me", Role.STAFF, services.now(), Community.id_for("a"), uuid.UUID(me)
    ).token
    body = {"rule_code": "VOL", "occurred_on": "2026-11-01"}
    refused(street, "POST", f"/residents/{me}/awards", "staff_me", body, 403)
    refused(street, "POST", f"/residents/{spouse}/awards", "staff_me", body, 403)
    other = street.enrol(name="陈静")
    street.award(other, who="staff_me")
