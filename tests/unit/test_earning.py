"""Given events, when a command, then events: rule terms, caps, approvals, activities."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest

from pointsbank.domain.activity import Activity
from pointsbank.domain.common import Actor, Conflict, Context, DomainError, Forbidden, Role
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Category, Rule
from pointsbank.domain.terms import CapExceeded, Mode, Terms
from tests.refusals import raises_refusal

COMMUNITY = uuid4()
AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)
MAKER = Context(Actor("staff-1", Role.STAFF, COMMUNITY), AT, TODAY)
CHECKER = Context(Actor("staff-2", Role.STAFF, COMMUNITY), AT, TODAY)
ADMIN = Context(Actor("admin", Role.ADMIN), AT, TODAY)


def rule(points: int = 10, category: Category = Category.VOLUNTEER, **terms: Any) -> Rule:
    return Rule.establish("R", "规则", category, points, Terms(**terms), ADMIN)


def resident() -> Resident:
    r = Resident.enrol(uuid4(), COMMUNITY, "g1", False, False, date(2025, 1, 1), MAKER)
    r.collect_events()
    return r


@pytest.mark.parametrize(
    ("cap", "same", "other"),
    [
        ("cap_day", date(2026, 11, 20), date(2026, 11, 21)),
        ("cap_month", date(2026, 11, 1), date(2026, 10, 31)),
        ("cap_year", date(2026, 1, 1), date(2025, 12, 31)),
    ],
)
def test_a_cap_allows_up_to_its_limit_and_refuses_one_point_more(
    cap: str, same: date, other: date
) -> None:
    r, vol = resident(), rule(1, Category.VOLUNTEER, **{cap: 20})
    r.award(vol, 19, date(2026, 11, 20), "", MAKER)
    r.award(vol, 1, same, "", MAKER)
    with pytest.raises(CapExceeded) as refused:
        r.award(vol, 1, same, "", MAKER)
    period = cap.removeprefix("cap_")
    assert refused.value.extra == {
        "cap": period,
        "limit": 20,
        "already": 20,
        "requested": 1,
        "rule_code": "R",
    }
    assert refused.value.key == f"cap-exceeded.{period}"
    assert "最多 20 分" in refused.value.detail
    r.award(vol, 1, other, "", MAKER)
    assert r.balance == 21


def test_pending_requests_count_towards_caps_and_a_rejection_frees_them() -> None:
    r, vol = resident(), rule(points=10, cap_day=20, approval_above=5)
    request = r.award(vol, 2, TODAY, "", MAKER)
    assert r.is_pending(request) and r.balance == 0
    with raises_refusal(CapExceeded, "cap-exceeded.day"):
        r.award(vol, 1, TODAY, "", MAKER)
    r.refuse(request, "重复登记", CHECKER)
    r.award(vol, 1, TODAY, "", MAKER)


def test_a_reversal_frees_the_cap_it_used() -> None:
    r, vol = resident(), rule(points=10, cap_day=10)
    version = r.award(vol, 1, TODAY, "", MAKER)
    r.reverse(version, "记错了人", MAKER)
    assert r.balance == 0
    r.award(vol, 1, TODAY, "", MAKER)
    with raises_refusal(DomainError, "invalid-command.already-reversed"):
        r.reverse(version, "again", MAKER)


def test_an_award_above_the_threshold_waits_and_counts_only_once_approved() -> None:
    r, vol = resident(), rule(points=10, approval_above=10)
    r.award(vol, 1, TODAY, "", MAKER)
    request = r.award(vol, 2, TODAY, "大型活动", MAKER)
    assert r.balance == 10
    with raises_refusal(Forbidden, "forbidden.maker-approves"):
        r.approve(request, vol, MAKER)
    r.approve(request, vol, CHECKER)
    assert r.balance == 30
    kinds = [type(e).__name__ for e in r.collect_events()]
    assert kinds == ["PointsAwarded", "ApprovalRequested", "ApprovalGranted"]
    with raises_refusal(DomainError, "not-found.pending-request"):
        r.approve(request, vol, CHECKER)


def test_a_rejection_needs_a_reason_and_never_counts() -> None:
    r = resident()
    fine = rule(points=5, category=Category.DEDUCTION, disqualifies=True)
    request = r.deduct(fine, 1, TODAY, "高空抛物", MAKER)
    with raises_refusal(DomainError, "invalid-command.rejection-reason"):
        r.refuse(request, " ", CHECKER)
    r.refuse(request, "证据不足", CHECKER)
    requested, refused = r.collect_events()
    assert isinstance(requested, Resident.ApprovalRequested) and requested.disqualifies
    assert isinstance(refused, Resident.ApprovalRefused) and refused.reason == "证据不足"
    assert r.balance == 0 and not r.pending_requests()


def test_per_hour_rules_compute_from_minutes_served() -> None:
    r, hourly = resident(), rule(points=10, mode=Mode.PER_HOUR.value)
    with raises_refusal(DomainError, "invalid-command.minutes-needed"):
        hourly.quantity_for(COMMUNITY, 1, None)
    r.award(hourly, hourly.quantity_for(COMMUNITY, 1, 90), TODAY, "", MAKER)
    with raises_refusal(DomainError, "invalid-command.minutes-too-few"):
        r.award(hourly, 5, TODAY, "", MAKER)
    [event] = r.collect_events()
    assert isinstance(event, Resident.PointsAwarded)
    assert (event.quantity, event.points) == (90, 15)


def test_rules_award_only_while_in_force() -> None:
    vol = rule(in_force_from=date(2026, 3, 1), in_force_until=date(2026, 10, 31))
    r = resident()
    for outside in (date(2026, 2, 28), date(2026, 11, 1)):
        with raises_refusal(DomainError, "invalid-command.rule-not-in-force"):
            r.award(vol, 1, outside, "", MAKER)
    r.award(vol, 1, date(2026, 3, 1), "", MAKER)
    with raises_refusal(DomainError, "invalid-command.in-force-order"):
        Terms(in_force_from=date(2026, 2, 1), in_force_until=date(2026, 1, 1)).check()


def test_a_community_override_changes_points_and_caps_for_that_community_only() -> None:
    vol = rule(points=10, cap_day=100)
    vol.override(COMMUNITY, {"points": 4, "cap_day": 8}, "本社区标准", ADMIN)
    assert vol.revision == 2
    assert vol.terms_for(COMMUNITY).cap_day == 8 and vol.terms_for(uuid4()).cap_day == 100
    r = resident()
    r.award(vol, 2, TODAY, "", MAKER)
    assert r.balance == 8
    with pytest.raises(CapExceeded):
        r.award(vol, 1, TODAY, "", MAKER)
    with raises_refusal(DomainError, "invalid-command.override-unknown"):
        vol.override(COMMUNITY, {"mode": "per_hour"}, "x", ADMIN)
    vol.override(COMMUNITY, {}, "取消", ADMIN)
    assert vol.points_for(COMMUNITY) == 10


def test_a_rule_changed_after_an_award_leaves_the_award_as_it_was() -> None:
    r, vol = resident(), rule(points=10)
    first = r.award(vol, 1, date(2026, 11, 1), "", MAKER)
    vol.revise("规则", 30, date(2026, 11, 10), "提高标准", ADMIN)
    vol.configure(Terms(cap_year=1000), "年度上限", ADMIN)
    r.award(vol, 1, date(2026, 11, 20), "", MAKER)
    old, new = (e for e in r.collect_events() if isinstance(e, Resident.PointsAwarded))
    assert (old.rule_version, old.points) == (1, 10)
    assert (new.rule_version, new.points) == (3, 30)
    assert r.entries[str(first)]["net"] == 10 and r.balance == 40


def test_an_activity_closes_once_and_admits_no_late_attendee() -> None:
    vol = rule()
    activity = Activity.plan(
        uuid4(), COMMUNITY, vol, "清扫楼道", TODAY, "09:00", "3号楼", 1, "居委会", MAKER
    )
    first, second = uuid4(), uuid4()
    activity.sign_up(first, MAKER)
    with raises_refusal(DomainError, "invalid-command.activity-full"):
        activity.sign_up(second, MAKER)
    activity.record_attendance(first, None, MAKER)
    activity.close({str(first): 2}, {}, MAKER)
    with raises_refusal(Conflict, "conflict.activity-closed"):
        activity.close({}, {}, MAKER)
    with raises_refusal(Conflict, "conflict.activity-closed"):
        activity.record_attendance(second, None, MAKER)


def test_an_activity_cannot_run_under_a_deduction_rule() -> None:
    fine = rule(category=Category.DEDUCTION)
    with raises_refusal(DomainError, "invalid-command.rule-is-deduction"):
        Activity.plan(uuid4(), COMMUNITY, fine, "t", TODAY, "09:00", "p", 5, "o", MAKER)
