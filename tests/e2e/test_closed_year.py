"""A closed year stays closed (invariant 11) and disqualification is decided when a deduction
takes effect, over HTTP on both stores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.household import Household
from pointsbank.domain.resident import Resident
from tests.conftest import event_count
from tests.e2e.test_annual import award, household, join, points_of
from tests.street import Street, build_street

Y = 2025


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def closed_year(street: Street) -> tuple[str, str, str, dict[str, Any]]:
    """A household with one member and a resident outside it, both awarded in 2025, closed."""
    house, member, outsider = household(street, "王家"), street.enrol(), street.enrol()
    join(street, house, member, "2025-01-01")
    award(street, member, "VOL", "2025-05-01")
    award(street, outsider, "VOL", "2025-05-01", 2)
    close = {"community_id": street.communities["a"]}
    return house, member, outsider, street.ok("POST", f"/years/{Y}/close", "staff_a", close)


def verify(street: Street) -> dict[str, Any]:
    return street.ok("GET", f"/years/{Y}/verify?community_id={street.communities['a']}", "auditor")


def test_a_back_dated_membership_change_cannot_rewrite_a_closed_year(street: Street) -> None:
    house, member, outsider, closed = closed_year(street)
    before = event_count(street.services)
    leaving = f"/households/{house}/members/{member}/leave"
    joining = f"/households/{house}/members"
    attempts = [
        (leaving, {"left_on": "2025-06-01"}),
        (joining, {"resident_id": outsider, "joined_on": "2025-06-01"}),
        (joining, {"resident_id": outsider, "joined_on": "2024-06-01"}),  # spans 2025 too
    ]
    for path, body in attempts:
        response = street.call("POST", path, "staff_a", body)
        assert response.status_code == 409, response.text
        assert response.json()["type"].endswith("/year-closed") and "2025" in response.text
    assert event_count(street.services) == before
    assert points_of(street, house) == 10
    street.ok("POST", leaving, "staff_a", {"left_on": "2026-01-01"})  # the open year: allowed
    street.ok("POST", joining, "staff_a", {"resident_id": outsider, "joined_on": "2026-01-01"})
    assert points_of(street, house) == 10
    verified = verify(street)
    assert verified["matches"] is True and verified["current_digest"] == closed["digest"]


def test_other_commands_dated_in_a_closed_year_are_refused(street: Street) -> None:
    resident = street.enrol()
    request = {"rule_code": "LITTER", "occurred_on": "2025-12-01", "reason": "乱扔垃圾"}
    pending = street.ok("POST", f"/residents/{resident}/deductions", "staff_a", request)
    plan = {
        "community_id": street.communities["a"], "rule_code": "VOL", "title": "清扫",
        "held_on": "2025-12-20", "starts_at": "09:00", "place": "三号楼", "capacity": 5,
        "organiser": "网格员",
    }  # fmt: skip
    activity = street.ok("POST", "/activities", "staff_a", plan)["activity_id"]
    attended = {"resident_id": resident}
    street.ok("POST", f"/activities/{activity}/attendance", "staff_a", attended)
    street.ok("POST", f"/years/{Y}/close", "staff_a", {"community_id": street.communities["a"]})
    before = event_count(street.services)
    for path in (f"/approvals/{resident}/{pending['version']}/approve",
                 f"/activities/{activity}/close"):  # fmt: skip
        response = street.call("POST", path, "staff_a2")
        assert response.status_code == 409 and response.json()["type"].endswith("/year-closed")
    assert event_count(street.services) == before


def test_verification_fails_when_the_events_no_longer_give_the_frozen_ranking(
    street: Street, services: Services
) -> None:
    house, _, outsider, closed = closed_year(street)
    assert verify(street)["matches"] is True
    # A change that got past the commands (say, decided just before the close and saved just
    # after): the frozen log prefix still reproduces the digest, the events as a whole do not.
    resident = services.bank.get(Resident, UUID(outsider), "resident")
    target = services.bank.get(Household, UUID(house), "household")
    now = datetime.now(UTC)
    ctx = Context(Actor("staff_a", Role.STAFF, target.community_id), now, now.date())
    resident.join_household(target, datetime(2025, 3, 1).date(), ctx)
    services.bank.save(resident)
    verified = verify(street)
    assert verified["reproduced_digest"] == closed["digest"]
    assert verified["current_digest"] != closed["digest"]
    assert verified["matches"] is False


@pytest.mark.parametrize(("when_requested", "when_approved"), [(True, False), (False, True)])
def test_the_rules_flag_when_the_deduction_is_approved_decides_disqualification(
    street: Street, when_requested: bool, when_approved: bool
) -> None:
    def flag(disqualifies: bool) -> None:
        terms = {"disqualifies": disqualifies, "reason": "调整取消评选资格的设定"}
        street.ok("POST", "/rules/LITTER/terms", "admin", terms)

    house, person = household(street, "王家"), street.enrol()
    join(street, house, person, "2025-01-01")
    award(street, person, "VOL", "2025-04-01", 5)
    flag(when_requested)
    body = {"rule_code": "LITTER", "occurred_on": "2025-06-01", "reason": "乱扔垃圾"}
    request = street.ok("POST", f"/residents/{person}/deductions", "staff_a", body)
    flag(when_approved)
    street.ok("POST", f"/approvals/{person}/{request['version']}/approve", "staff_a2")
    flag(not when_approved)  # a change after the approval has no effect
    query = f"/rankings/candidates?year={Y}&top=5&community_id={street.communities['a']}"
    result = street.ok("GET", query, "staff_a")
    excluded = [e["household_id"] for e in result["excluded"]]
    assert excluded == ([house] if when_approved else [])
