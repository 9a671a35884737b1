"""Nobody benefits themselves, at any time (invariant 8), over HTTP on both stores: a staff
account linked to a resident acts on nobody who shares a household with that resident on the
entry's date or now, and changes no membership of that household."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.services import Services
from pointsbank.domain.common import Role
from pointsbank.domain.community import Community
from tests.conftest import event_count
from tests.street import Street, build_street


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    street = build_street(client, services)
    big = {"code": "BIG", "name": "大型活动", "category": "volunteer", "points": 30}
    street.ok("POST", "/rules", "admin", {**big, "terms": {"approval_above": 20}})
    return street


def family(street: Street) -> tuple[str, str, str]:
    """Me (linked to the account `staff_me`) and my spouse, one household from 2026-01-01."""
    me, spouse = street.enrol(), street.enrol(name="张伟")
    body = {"community_id": street.communities["a"], "name": "王家"}
    house = str(street.ok("POST", "/households", "staff_a", body)["household_id"])
    for member in (me, spouse):
        joining = {"resident_id": member, "joined_on": "2026-01-01"}
        street.ok("POST", f"/households/{house}/members", "staff_a", joining)
    services = street.services
    street.tokens["staff_me"] = services.accounts.issue(
        "staff_me", Role.STAFF, services.now(), Community.id_for("a"), uuid.UUID(me)
    ).token
    return me, spouse, house


def assert_forbidden(response: Response, reason: str = "本户") -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/forbidden") and reason in response.json()["detail"]


def test_the_detour_through_the_household_membership_is_refused(street: Street) -> None:
    me, spouse, house = family(street)
    award = {"rule_code": "BIG", "occurred_on": "2026-11-01"}
    pending = street.ok("POST", f"/residents/{spouse}/awards", "staff_a", award)
    assert pending["pending"] is True
    stranger = street.enrol(name="陈静")
    before = event_count(street.services)
    leaving = f"/households/{house}/members/{spouse}/leave"
    assert_forbidden(street.call("POST", leaving, "staff_me", {"left_on": "2026-11-02"}))
    joining = {"resident_id": stranger, "joined_on": "2026-11-02"}
    assert_forbidden(street.call("POST", f"/households/{house}/members", "staff_me", joining))
    own_leaving = f"/households/{house}/members/{me}/leave"
    assert_forbidden(street.call("POST", own_leaving, "staff_me", {"left_on": "2026-11-02"}))
    assert event_count(street.services) == before
    # Even when another staff member records the spouse leaving, the award stays theirs:
    # it is dated while the spouse belonged to my household.
    street.ok("POST", leaving, "staff_a", {"left_on": "2026-11-02"})
    approval = f"/approvals/{spouse}/{pending['version']}/approve"
    assert_forbidden(street.call("POST", approval, "staff_me"))
    rejoining = {"resident_id": spouse, "joined_on": "2026-11-03"}
    assert_forbidden(street.call("POST", f"/households/{house}/members", "staff_me", rejoining))
    assert street.balance(spouse) == 0
    street.ok("POST", approval, "staff_a2")
    assert street.balance(spouse) == 30


def upload(street: Street, rows: list[list[Any]], who: str) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows([["居民", "规则", "日期", "数量", "分钟", "备注"], *rows])
    headers = {
        "Authorization": f"Bearer {street.tokens[who]}",
        "Idempotency-Key": str(uuid.uuid4()),
    }
    files = {"file": ("sheet.csv", out.getvalue().encode("utf-8-sig"))}
    response: Response = street.client.post("/imports", files=files, headers=headers)
    return response


def test_every_command_judges_the_household_as_it_was_on_the_entry_date(street: Street) -> None:
    _, spouse, house = family(street)
    award = {"rule_code": "VOL", "occurred_on": "2026-05-01"}
    version = street.ok("POST", f"/residents/{spouse}/awards", "staff_a", award)["version"]
    deduction = {"rule_code": "LITTER", "occurred_on": "2026-05-01", "reason": "乱扔垃圾"}
    pending = street.ok("POST", f"/residents/{spouse}/deductions", "staff_a", deduction)
    leaving = f"/households/{house}/members/{spouse}/leave"
    street.ok("POST", leaving, "staff_a", {"left_on": "2026-06-01"})  # no longer my household
    before = event_count(street.services)
    attempts: list[tuple[str, dict[str, Any] | None]] = [
        (f"/residents/{spouse}/awards", award),
        (f"/residents/{spouse}/deductions", deduction),
        (f"/residents/{spouse}/corrections", {"corrects_version": version, "points": -5,
                                              "reason": "多记"}),
        (f"/residents/{spouse}/reversals", {"corrects_version": version, "reason": "记错"}),
        (f"/approvals/{spouse}/{pending['version']}/approve", None),
        (f"/approvals/{spouse}/{pending['version']}/reject", {"reason": "不扣"}),
    ]  # fmt: skip
    for path, body in attempts:
        assert_forbidden(street.call("POST", path, "staff_me", body))
    sheet = upload(street, [[spouse, "VOL", "2026-05-02", 1, "", "补录"]], "staff_me")
    assert sheet.status_code == 422 and "本户" in sheet.json()["errors"][0]["message"]
    assert event_count(street.services) == before
    after_leaving = {"rule_code": "VOL", "occurred_on": "2026-06-01"}
    street.ok("POST", f"/residents/{spouse}/awards", "staff_me", after_leaving)
    assert street.balance(spouse) == 20


def test_an_activity_neither_records_nor_awards_the_household_of_that_day(
    street: Street,
) -> None:
    _, spouse, house = family(street)
    other = street.enrol(name="陈静")
    plan = {
        "community_id": street.communities["a"], "rule_code": "VOL", "title": "清扫楼道",
        "held_on": "2026-05-01", "starts_at": "09:00", "place": "三号楼", "capacity": 10,
        "organiser": "网格员",
    }  # fmt: skip
    activity = street.ok("POST", "/activities", "staff_a", plan)["activity_id"]
    for resident in (spouse, other):
        attended = {"resident_id": resident}
        street.ok("POST", f"/activities/{activity}/attendance", "staff_a", attended)
    street.ok("POST", f"/households/{house}/members/{spouse}/leave", "staff_a",
              {"left_on": "2026-06-01"})  # fmt: skip
    attendance = f"/activities/{activity}/attendance"
    assert_forbidden(street.call("POST", attendance, "staff_me", {"resident_id": spouse}))
    closed = street.ok("POST", f"/activities/{activity}/close", "staff_me")
    assert set(closed["awarded"]) == {other} and "本户" in closed["refused"][spouse]
    assert (street.balance(spouse), street.balance(other)) == (0, 10)
