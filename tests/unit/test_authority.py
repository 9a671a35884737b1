"""Given events, when a command, then a refusal or not: who may act on whose points, on which
households' membership, what another community's records look like, and when a deduction's
disqualification is decided."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from pointsbank.domain.authority import (
    can_see,
    require_disinterested,
    require_not_own_household,
)
from pointsbank.domain.common import Actor, Context, Forbidden, Role
from pointsbank.domain.household import Household
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Category, Rule
from pointsbank.domain.terms import Terms
from tests.refusals import raises_refusal

COMMUNITY = uuid4()
AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)
STAFF = Context(Actor("staff-1", Role.STAFF, COMMUNITY), AT, TODAY)
CHECKER = Context(Actor("staff-2", Role.STAFF, COMMUNITY), AT, TODAY)
ADMIN = Context(Actor("admin", Role.ADMIN), AT, TODAY)
HOME = Household.create(uuid4(), COMMUNITY, "王家", STAFF)
OTHER = Household.create(uuid4(), COMMUNITY, "李家", STAFF)


def given_resident(*moves: tuple[Household, str, str | None]) -> Resident:
    """A resident who joined and (optionally) left households on the given days."""
    resident = Resident.enrol(uuid4(), COMMUNITY, "g1", False, False, date(2025, 1, 1), STAFF)
    for household, joined, left in moves:
        resident.join_household(household, date.fromisoformat(joined), STAFF)
        if left is not None:
            resident.leave_household(household.id, date.fromisoformat(left), STAFF)
    resident.collect_events()
    return resident


def linked(resident: Resident) -> Actor:
    return Actor("staff-linked", Role.STAFF, COMMUNITY, resident_id=resident.id)


def test_the_resident_keeps_every_membership_with_its_dates() -> None:
    resident = given_resident((HOME, "2026-01-01", "2026-06-01"), (OTHER, "2026-06-01", None))
    assert resident.households() == {OTHER.id}
    assert resident.households(date(2025, 12, 31)) == {OTHER.id}
    assert resident.households(date(2026, 5, 31)) == {HOME.id, OTHER.id}
    assert resident.households(date(2026, 6, 1)) == {OTHER.id}  # left_on is exclusive
    assert resident.memberships() == [
        {"household_id": str(HOME.id), "joined_on": "2026-01-01", "left_on": "2026-06-01"},
        {"household_id": str(OTHER.id), "joined_on": "2026-06-01", "left_on": None},
    ]


def test_a_linked_staff_member_may_not_act_on_their_own_points() -> None:
    me = given_resident()
    with raises_refusal(Forbidden, "forbidden.self"):
        require_disinterested(linked(me), me, me, date(2026, 11, 1))


def test_a_household_member_on_the_entry_date_is_refused_though_they_left_since() -> None:
    me = given_resident((HOME, "2026-01-01", None))
    member = given_resident((HOME, "2026-01-01", "2026-06-01"))
    with raises_refusal(Forbidden, "forbidden.own-household"):
        require_disinterested(linked(me), member, me, date(2026, 5, 31))
    require_disinterested(linked(me), member, me, date(2026, 6, 1))  # dated after they left


def test_a_household_member_now_is_refused_for_an_entry_dated_before_they_joined() -> None:
    me = given_resident((HOME, "2026-01-01", None))
    newcomer = given_resident((OTHER, "2026-01-01", "2026-09-01"), (HOME, "2026-09-01", None))
    with raises_refusal(Forbidden, "forbidden.own-household"):
        require_disinterested(linked(me), newcomer, me, date(2026, 3, 1))


def test_an_unlinked_staff_member_or_an_unrelated_resident_is_not_refused() -> None:
    me = given_resident((HOME, "2026-01-01", None))
    stranger = given_resident((OTHER, "2026-01-01", None))
    require_disinterested(linked(me), stranger, me, date(2026, 3, 1))
    require_disinterested(STAFF.actor, me, None, date(2026, 3, 1))


def test_membership_changes_of_ones_own_household_are_refused() -> None:
    me = given_resident((HOME, "2026-01-01", "2026-10-01"))
    actor, someone = linked(me), uuid4()
    with raises_refusal(Forbidden, "forbidden.own-household-membership"):
        require_not_own_household(actor, me.id, OTHER.id, me, date(2026, 11, 1))  # moving oneself
    with raises_refusal(Forbidden, "forbidden.own-household-membership"):
        require_not_own_household(actor, someone, HOME.id, me, date(2026, 9, 1))  # then a member
    require_not_own_household(actor, someone, HOME.id, me, date(2026, 10, 1))  # after I left
    require_not_own_household(actor, someone, OTHER.id, me, date(2026, 9, 1))


def test_records_of_another_community_are_out_of_sight_for_staff_and_clerks() -> None:
    elsewhere: UUID = uuid4()
    for role in (Role.STAFF, Role.CLERK):
        actor = Actor("a", role, COMMUNITY)
        assert can_see(actor, COMMUNITY) and can_see(actor, None)
        assert not can_see(actor, elsewhere)
    assert can_see(Actor("x", Role.AUDITOR), elsewhere) and can_see(ADMIN.actor, elsewhere)


@pytest.mark.parametrize(("at_request", "at_approval"), [(True, False), (False, True)])
def test_the_rule_as_it_is_at_approval_decides_disqualification(
    at_request: bool, at_approval: bool
) -> None:
    rule = Rule.establish(
        "FINE", "罚", Category.DEDUCTION, 3, Terms(disqualifies=at_request), ADMIN
    )
    resident = given_resident()
    request = resident.deduct(rule, 1, date(2026, 11, 1), "乱扔垃圾", STAFF)
    rule.configure(Terms(disqualifies=at_approval), "改变取消资格的设定", ADMIN)
    resident.approve(request, rule, CHECKER)
    requested, granted = resident.collect_events()
    assert isinstance(requested, Resident.ApprovalRequested)
    assert isinstance(granted, Resident.ApprovalGranted)
    assert granted.disqualifies is at_approval


def test_a_resident_restored_without_history_knows_its_current_household() -> None:
    resident = given_resident((HOME, "2026-03-01", None))
    del resident.__dict__["membership_history"]  # as restored from an older snapshot
    assert resident.households(date(2026, 3, 1)) == {HOME.id}
    assert resident.memberships() == [
        {"household_id": str(HOME.id), "joined_on": "2026-03-01", "left_on": None}
    ]
