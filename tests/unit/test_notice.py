"""The public notice (公示): given a published list, when residents object and staff find and
finalise, then events or a refusal. Time comes in with each command's context."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from pointsbank.domain.common import Actor, Conflict, Context, DomainError, NotFound, Role
from pointsbank.domain.masking import mask_name
from pointsbank.domain.notice import Notice
from tests.refusals import raises_refusal

COMMUNITY = uuid4()
STAFF = Actor("staff-1", Role.STAFF, COMMUNITY)
RESIDENT = Actor("resident-1", Role.RESIDENT, COMMUNITY, uuid4())
PUBLISHED_AT = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
IDS = [uuid4() for _ in range(3)]
HOUSEHOLDS: list[dict[str, Any]] = [
    {"household_id": str(h), "name": f"王家（{n}号）", "points": 30 - n, "rank": n}
    for n, h in enumerate(IDS, start=1)
]
FIRST, SECOND = IDS[0], IDS[1]


def at(days: float, actor: Actor = STAFF) -> Context:
    moment = PUBLISHED_AT + timedelta(days=days)
    return Context(actor, moment, (moment + timedelta(hours=8)).date())


def published(days: int = 7) -> Notice:
    return Notice.publish(COMMUNITY, 2025, list(HOUSEHOLDS), days, at(0))


def objected(notice: Notice, household: UUID = FIRST) -> UUID:
    objection = uuid4()
    notice.lodge_objection(objection, household, RESIDENT.resident_id or uuid4(), at(1, RESIDENT))
    return objection


def test_publishing_records_the_list_and_the_end_of_the_period() -> None:
    notice = published(days=10)
    [event] = notice.collect_events()
    assert isinstance(event, Notice.Published)
    assert event.households == HOUSEHOLDS and event.year == 2025
    assert notice.ends_at == PUBLISHED_AT + timedelta(days=10)
    assert notice.id == Notice.id_for(COMMUNITY, 2025)


@pytest.mark.parametrize("days", [0, 31])
def test_a_period_outside_one_to_thirty_days_is_refused(days: int) -> None:
    with raises_refusal(DomainError, "invalid-command.notice-days"):
        published(days)


def test_an_empty_list_is_not_published() -> None:
    with raises_refusal(DomainError, "invalid-command.notice-empty"):
        Notice.publish(COMMUNITY, 2025, [], 7, at(0))


def test_an_objection_names_household_and_author_but_never_its_words() -> None:
    notice = published()
    objection = objected(notice)
    event = notice.collect_events()[-1]
    assert isinstance(event, Notice.ObjectionLodged)
    assert (event.objection_id, event.household_id) == (objection, FIRST)
    assert event.reason == "objection lodged"
    assert [o["objection_id"] for o in notice.open_objections()] == [str(objection)]


def test_an_objection_after_the_period_is_refused() -> None:
    notice = published(days=7)
    with raises_refusal(Conflict, "conflict.notice-period-ended"):
        notice.lodge_objection(uuid4(), FIRST, uuid4(), at(7, RESIDENT))


def test_an_objection_to_a_household_not_on_the_list_is_refused() -> None:
    with raises_refusal(DomainError, "invalid-command.notice-not-listed"):
        published().lodge_objection(uuid4(), uuid4(), uuid4(), at(1, RESIDENT))


def test_an_upheld_objection_removes_the_household_with_the_finding() -> None:
    notice = published()
    objection = objected(notice)
    notice.record_finding(objection, True, "扣分未如实申报", at(2))
    assert notice.removed == {str(FIRST): "扣分未如实申报"}
    with raises_refusal(DomainError, "invalid-command.notice-not-listed"):
        objected(notice, FIRST)  # no longer on the list
    assert [h["household_id"] for h in notice.final_list()] == [
        h["household_id"] for h in HOUSEHOLDS[1:]
    ]


def test_a_dismissed_objection_leaves_the_household_listed() -> None:
    notice = published()
    notice.record_finding(objected(notice), False, "经核实积分属实", at(2))
    assert notice.final_list() == HOUSEHOLDS and notice.open_objections() == []


def test_a_finding_is_recorded_once_and_needs_a_reason() -> None:
    notice = published()
    objection = objected(notice)
    with raises_refusal(DomainError, "invalid-command.finding-reason"):
        notice.record_finding(objection, True, "  ", at(2))
    notice.record_finding(objection, False, "经核实积分属实", at(2))
    with raises_refusal(Conflict, "conflict.finding-recorded"):
        notice.record_finding(objection, True, "再次核查", at(3))
    with raises_refusal(NotFound, "not-found.objection"):
        notice.record_finding(uuid4(), True, "无此异议", at(3))


def test_finalising_waits_for_the_period_to_end() -> None:
    notice = published(days=7)
    with raises_refusal(Conflict, "conflict.notice-period-running"):
        notice.finalise(at(6.9))


def test_finalising_waits_for_every_finding() -> None:
    notice = published(days=7)
    first = objected(notice, FIRST)
    objected(notice, SECOND)
    notice.record_finding(first, True, "属实", at(2))
    with raises_refusal(Conflict, "conflict.notice-open-objections"):
        notice.finalise(at(8))


def test_the_final_list_is_recorded_and_nothing_changes_after() -> None:
    notice = published(days=7)
    notice.record_finding(objected(notice, SECOND), True, "属实", at(2))
    notice.finalise(at(7))
    event = notice.collect_events()[-1]
    assert isinstance(event, Notice.Finalised)
    assert event.households == [HOUSEHOLDS[0]["household_id"], HOUSEHOLDS[2]["household_id"]]
    assert notice.final
    with raises_refusal(Conflict, "conflict.notice-final"):
        notice.finalise(at(9))
    with raises_refusal(Conflict, "conflict.notice-final"):
        notice.lodge_objection(uuid4(), FIRST, uuid4(), at(9, RESIDENT))


def test_the_notice_replays_from_its_events() -> None:
    notice = published(days=7)
    notice.record_finding(objected(notice, SECOND), True, "属实", at(2))
    notice.finalise(at(7))
    events = notice.collect_events()
    copy: Notice | None = None
    for event in events:
        copy = event.mutate(copy)
    assert copy is not None and copy.final and copy.removed == notice.removed
    assert copy.final_list() == notice.final_list()


def test_names_on_a_public_notice_are_masked() -> None:
    assert [mask_name(n) for n in ("张华", "张小华", "欧阳娜娜")] == ["张*", "张*华", "欧**娜"]
