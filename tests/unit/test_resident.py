"""Given events, when a command, then events (or the domain error): the resident's account."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from pointsbank.domain.authority import require_community, require_role
from pointsbank.domain.common import Actor, Context, DomainError, Forbidden, NotFound, Role
from pointsbank.domain.household import Household
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Category, Rule
from tests.refusals import raises_refusal

COMMUNITY = uuid4()
STAFF = Actor("staff-1", Role.STAFF, COMMUNITY)
AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
CTX = Context(actor=STAFF, at=AT, today=date(2026, 11, 22))
CHECKER = Context(actor=Actor("staff-2", Role.STAFF, COMMUNITY), at=AT, today=date(2026, 11, 22))
ADMIN_CTX = Context(actor=Actor("admin", Role.ADMIN), at=AT, today=date(2026, 11, 22))
VOL = Rule.define("VOL", "志愿服务", Category.VOLUNTEER, 10, ADMIN_CTX)
LITTER = Rule.define("LITTER", "乱扔垃圾", Category.DEDUCTION, 3, ADMIN_CTX)


def given_resident() -> Resident:
    resident = Resident.enrol(uuid4(), COMMUNITY, "g1", False, True, date(2026, 1, 1), CTX)
    resident.collect_events()
    return resident


def test_award_records_rule_version_actor_and_dates() -> None:
    resident = given_resident()
    resident.award(VOL, 2, date(2026, 11, 20), "扫雪", CTX)
    [event] = resident.collect_events()
    assert isinstance(event, Resident.PointsAwarded)
    assert (event.rule_code, event.rule_version, event.quantity, event.points) == ("VOL", 1, 2, 20)
    assert (event.actor_id, event.actor_role) == ("staff-1", "staff")
    assert event.occurred_on == date(2026, 11, 20)
    assert event.timestamp == AT
    assert event.reason == "扫雪"
    assert resident.balance == 20


def test_award_in_the_future_is_refused() -> None:
    resident = given_resident()
    with raises_refusal(DomainError, "invalid-command.date-in-future"):
        resident.award(VOL, 1, date(2026, 11, 23), "", CTX)
    assert resident.collect_events() == []


@pytest.mark.parametrize("quantity", [0, -1, 1001])
def test_award_quantity_out_of_range_is_refused(quantity: int) -> None:
    resident = given_resident()
    with raises_refusal(DomainError, "invalid-command.quantity-range"):
        resident.award(VOL, quantity, date(2026, 11, 20), "", CTX)
    assert resident.collect_events() == []


def test_award_by_a_deduction_rule_is_refused_and_the_reverse() -> None:
    resident = given_resident()
    with raises_refusal(DomainError, "invalid-command.rule-is-deduction"):
        resident.award(LITTER, 1, date(2026, 11, 20), "", CTX)
    with raises_refusal(DomainError, "invalid-command.rule-not-deduction"):
        resident.deduct(VOL, 1, date(2026, 11, 20), "why", CTX)


def test_deduction_needs_a_reason_and_lowers_the_balance_once_approved() -> None:
    resident = given_resident()
    with raises_refusal(DomainError, "invalid-command.deduction-reason"):
        resident.deduct(LITTER, 1, date(2026, 11, 20), "  ", CTX)
    request = resident.deduct(LITTER, 1, date(2026, 11, 20), "楼道乱扔垃圾", CTX)
    assert resident.balance == 0
    resident.approve(request, LITTER, CHECKER)
    requested, granted = resident.collect_events()
    assert isinstance(requested, Resident.ApprovalRequested)
    assert isinstance(granted, Resident.ApprovalGranted)
    assert (granted.kind, granted.points, granted.reason) == ("deduction", 3, "楼道乱扔垃圾")
    assert resident.balance == -3


def test_retired_rule_awards_nothing() -> None:
    rule = Rule.define("OLD", "旧规则", Category.CIVIC, 1, ADMIN_CTX)
    rule.retire("superseded", ADMIN_CTX)
    with raises_refusal(DomainError, "invalid-command.rule-retired"):
        given_resident().award(rule, 1, date(2026, 11, 20), "", CTX)


def test_revised_rule_awards_at_its_new_version() -> None:
    rule = Rule.define("R", "规则", Category.CIVIC, 1, ADMIN_CTX)
    rule.revise("规则", 4, date(2026, 11, 1), "raised", ADMIN_CTX)
    resident = given_resident()
    resident.award(rule, 1, date(2026, 11, 20), "", CTX)
    [event] = resident.collect_events()
    assert isinstance(event, Resident.PointsAwarded)
    assert (event.rule_version, event.points) == (2, 4)


def test_correction_references_the_original_and_keeps_it() -> None:
    resident = given_resident()
    version = resident.award(VOL, 1, date(2025, 12, 31), "", CTX)
    resident.correct(version, -10, "记错了人", CTX)
    events = resident.collect_events()
    correction = events[-1]
    assert isinstance(correction, Resident.PointsCorrected)
    assert correction.corrects_version == version
    assert correction.occurred_on == date(2025, 12, 31)
    assert isinstance(events[0], Resident.PointsAwarded)
    assert resident.balance == 0


def test_correction_only_moves_an_entry_towards_zero() -> None:
    resident = given_resident()
    version = resident.award(VOL, 1, date(2026, 11, 1), "", CTX)
    with raises_refusal(DomainError, "invalid-command.correction-range") as caught11:
        resident.correct(version, 1, "more points without approval", CTX)
    assert caught11.value.params["result"] == 11
    request = resident.deduct(LITTER, 1, date(2026, 11, 1), "r", CTX)
    deduction = resident.approve(request, LITTER, CHECKER)
    with raises_refusal(DomainError, "invalid-command.correction-range") as caughtm8:
        resident.correct(deduction, -5, "a bigger fine without approval", CTX)
    assert caughtm8.value.params["result"] == -8
    resident.correct(version, -4, "partly wrong", CTX)
    resident.correct(deduction, 2, "partly forgiven", CTX)
    assert resident.balance == 10 - 3 - 4 + 2


def test_correction_cannot_reverse_more_than_the_original() -> None:
    resident = given_resident()
    version = resident.award(VOL, 1, date(2026, 11, 1), "", CTX)
    with raises_refusal(DomainError, "invalid-command.correction-range") as caughtm1:
        resident.correct(version, -11, "too much", CTX)
    assert caughtm1.value.params["result"] == -1
    request = resident.deduct(LITTER, 1, date(2026, 11, 1), "r", CTX)
    deduction = resident.approve(request, LITTER, CHECKER)
    with raises_refusal(DomainError, "invalid-command.correction-range") as caught1:
        resident.correct(deduction, 4, "too much", CTX)
    assert caught1.value.params["result"] == 1


def test_correction_of_an_unknown_entry_or_of_zero_is_refused() -> None:
    resident = given_resident()
    with pytest.raises(NotFound):
        resident.correct(7, 1, "r", CTX)
    version = resident.award(VOL, 1, date(2026, 11, 1), "", CTX)
    with raises_refusal(DomainError, "invalid-command.correction-zero"):
        resident.correct(version, 0, "r", CTX)
    with raises_refusal(DomainError, "not-found.entry"):
        resident.correct(1, 1, "r", CTX)


def test_household_join_and_leave_with_effective_dates() -> None:
    household = Household.create(uuid4(), COMMUNITY, "王家", CTX)
    resident = given_resident()
    resident.join_household(household, date(2026, 3, 1), CTX)
    with raises_refusal(DomainError, "invalid-command.already-in-household"):
        resident.join_household(household, date(2026, 4, 1), CTX)
    for too_early in (date(2026, 2, 1), date(2026, 3, 1)):
        with raises_refusal(DomainError, "invalid-command.left-before-joined"):
            resident.leave_household(household.id, too_early, CTX)
    resident.leave_household(household.id, date(2026, 6, 30), CTX)
    with raises_refusal(DomainError, "invalid-command.joined-before-left"):
        resident.join_household(household, date(2026, 6, 1), CTX)
    kinds = [type(e).__name__ for e in resident.collect_events()]
    assert kinds == ["JoinedHousehold", "LeftHousehold"]


def test_household_of_another_community_is_refused() -> None:
    household = Household.create(uuid4(), uuid4(), "李家", CTX)
    with raises_refusal(DomainError, "invalid-command.household-other-community"):
        given_resident().join_household(household, date(2026, 3, 1), CTX)


def test_staff_act_only_inside_their_community() -> None:
    require_community(STAFF, COMMUNITY)
    with pytest.raises(Forbidden):
        require_community(STAFF, uuid4())
    require_community(Actor("admin", Role.ADMIN), uuid4())


def test_roles_are_checked() -> None:
    with raises_refusal(Forbidden, "forbidden.role") as refusal:
        require_role(Actor("c", Role.CLERK, COMMUNITY), Role.STAFF)
    assert refusal.value.params["role"] == "clerk"
    require_role(STAFF, Role.STAFF)


def test_a_rule_revision_cannot_take_effect_in_the_future() -> None:
    rule = Rule.define("FUT", "规则", Category.CIVIC, 1, ADMIN_CTX)
    with raises_refusal(DomainError, "invalid-command.revision-in-future"):
        rule.revise("规则", 100, date(2027, 6, 1), "raise later", ADMIN_CTX)
    assert rule.points == 1


def test_a_working_copy_shares_no_state_that_a_command_changes() -> None:
    """Commands work on a copy of the cached resident (`copy.deepcopy`, made without copying
    every entry): whatever the copy goes through (an award, a correction, an approval of a
    deduction, joining a household) leaves the cached one as it was."""
    cached = given_resident()
    first = cached.award(VOL, 2, date(2026, 11, 20), "", CTX)
    requested = cached.deduct(LITTER, 1, date(2026, 11, 20), "乱扔", CTX)
    cached.collect_events()
    before = deepcopy(cached.__dict__)

    working = deepcopy(cached)
    working.award(VOL, 1, date(2026, 11, 21), "", CTX)
    working.correct(first, -5, "多记", CTX)
    working.approve(requested, LITTER, CHECKER)
    household = Household.create(uuid4(), COMMUNITY, "张家", CTX)
    working.join_household(household, date(2026, 2, 1), CTX)
    assert working.balance == 20 + 10 - 5 - 3

    assert cached.__dict__ == before
    assert cached.balance == 20 and cached.entries[str(first)]["net"] == 20
    assert str(requested) in cached.pending_requests()
