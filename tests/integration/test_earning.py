"""Earning points against each real store: approvals, caps under concurrency, activities,
bulk import, rule versions, the time-zone edge and rebuilds."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.services import PROJECTIONS, Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import (
    Actor,
    Conflict,
    Context,
    DomainError,
    Forbidden,
    NotFound,
    Role,
)
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.domain.terms import CapExceeded, Terms
from pointsbank.registry import PersonalData
from projections.earning_queries import EarningQueries
from tests.conftest import event_count
from tests.refusals import raises_refusal

TODAY = date(2026, 11, 22)
A = Community.id_for("a")
ADMIN = Actor("admin-1", Role.ADMIN)
MAKER = Actor("staff-1", Role.STAFF, A)
CHECKER = Actor("staff-2", Role.STAFF, A)


def command(actor: Actor, key: str | None = None, at: datetime | None = None) -> Command:
    at = at or datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    ctx = Context(actor=actor, at=at, today=TODAY)
    return Command(ctx=ctx, key=key or str(uuid4()), fingerprint=key or "f")


def setup(services: Services) -> None:
    bank, rules = services.bank, services.earning.rules
    bank.register_community(command(ADMIN), "a", "社区a")
    bank.add_grid(command(ADMIN), A, "g1", "一网格")
    rules.define(command(ADMIN), "VOL", "志愿服务", Category.VOLUNTEER, 10, Terms(cap_day=30))
    big = Terms(approval_above=50)
    rules.define(command(ADMIN), "BIG", "大型活动", Category.VOLUNTEER, 40, big)
    rules.define(command(ADMIN), "FINE", "乱扔垃圾", Category.DEDUCTION, 5, Terms())


def enrol(services: Services) -> UUID:
    outcome = services.bank.enrol(
        command(MAKER), A, "g1", False, False, date(2026, 1, 1), PersonalData(name="测试")
    )
    return UUID(outcome.body["resident_id"])


def balance(services: Services, resident: UUID) -> int:
    services.projector.catch_up()
    row = services.queries.balance(resident)
    assert row is not None
    return int(row["balance"])


@pytest.fixture
def bank(services: Services) -> Services:
    setup(services)
    return services


def test_pending_points_are_invisible_until_a_second_staff_member_approves(bank: Services) -> None:
    resident = enrol(bank)
    award = bank.bank.award(command(MAKER), resident, "BIG", 2, TODAY, "运动会志愿者")
    deduction = bank.bank.deduct(command(MAKER), resident, "FINE", 1, TODAY, "乱扔垃圾")
    assert (award.status, award.body["pending"], deduction.status) == (202, True, 202)
    assert balance(bank, resident) == 0 and bank.queries.statement(resident) == []
    pending = EarningQueries(bank.db).pending(A)
    assert [(p["kind"], p["points"]) for p in pending] == [("award", 80), ("deduction", 5)]
    bank.earning.approvals.approve(command(CHECKER), resident, award.body["version"])
    bank.earning.approvals.reject(command(CHECKER), resident, deduction.body["version"], "证据不足")
    assert balance(bank, resident) == 80
    assert EarningQueries(bank.db).pending(A) == []
    [entry] = bank.queries.statement(resident)
    assert (entry["kind"], entry["actor_id"], entry["reason"]) == (
        "award",
        "staff-2",
        "运动会志愿者",
    )


def test_approval_by_the_maker_the_beneficiary_or_their_household_is_refused(
    bank: Services,
) -> None:
    beneficiary, relative = enrol(bank), enrol(bank)
    created = bank.bank.create_household(command(MAKER), A, "王家")
    household = UUID(created.body["household_id"])
    for member in (beneficiary, relative):
        bank.bank.join_household(command(MAKER), household, member, date(2026, 2, 1))
    request = bank.bank.deduct(command(MAKER), beneficiary, "FINE", 1, TODAY, "噪音扰民")
    version = request.body["version"]
    before = event_count(bank)
    refusals = {
        "forbidden.maker-approves": MAKER,
        "forbidden.self": Actor("staff-3", Role.STAFF, A, resident_id=beneficiary),
        "forbidden.own-household": Actor("staff-4", Role.STAFF, A, resident_id=relative),
    }
    for why, actor in refusals.items():
        with raises_refusal(Forbidden, why):
            bank.earning.approvals.approve(command(actor), beneficiary, version)
    with pytest.raises(NotFound):  # another community's resident is unknown there
        bank.earning.approvals.approve(
            command(Actor("staff-b", Role.STAFF, uuid4())), beneficiary, version
        )
    assert event_count(bank) == before
    bank.earning.approvals.approve(command(CHECKER), beneficiary, version)
    assert balance(bank, beneficiary) == -5


def test_concurrent_awards_never_pass_a_cap(bank: Services) -> None:
    resident = enrol(bank)

    def award(_: int) -> int:
        try:
            return bank.bank.award(command(MAKER), resident, "VOL", 1, TODAY, "").status
        except CapExceeded:
            return 422

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(award, range(12)))
    assert sorted(statuses) == [201] * 3 + [422] * 9
    assert balance(bank, resident) == 30


def test_a_request_over_a_cap_says_which_cap_its_limit_and_what_the_resident_has(
    bank: Services,
) -> None:
    resident = enrol(bank)
    bank.bank.award(command(MAKER), resident, "VOL", 2, TODAY, "")
    before = event_count(bank)
    with pytest.raises(CapExceeded) as refused:
        bank.bank.award(command(MAKER), resident, "VOL", 2, TODAY, "")
    assert refused.value.extra | {"requested": 20} == {
        "cap": "day", "limit": 30, "already": 20, "requested": 20, "rule_code": "VOL"
    }  # fmt: skip
    assert event_count(bank) == before


def plan(bank: Services, capacity: int = 10) -> UUID:
    outcome = bank.earning.activities.plan(
        command(MAKER), A, "VOL", "清扫楼道", TODAY, "09:00", "3号楼", capacity, "居委会"
    )
    return UUID(outcome.body["activity_id"])


def test_closing_an_activity_awards_every_attendee_once(bank: Services) -> None:
    activity = plan(bank)
    attendees = [enrol(bank) for _ in range(4)]
    staff_resident = Actor("staff-5", Role.STAFF, A, resident_id=attendees[3])
    for resident in attendees:
        bank.earning.activities.sign_up(command(MAKER), activity, resident)
        bank.earning.activities.record_attendance(command(MAKER), activity, resident, None)
    no_show = enrol(bank)
    bank.earning.activities.sign_up(command(MAKER), activity, no_show)
    closed = bank.earning.activities.close(command(staff_resident), activity)
    assert set(closed.body["awarded"]) == {str(r) for r in attendees[:3]}
    assert list(closed.body["refused"]) == [str(attendees[3])]  # nobody awards themselves
    assert [balance(bank, r) for r in [*attendees, no_show]] == [10, 10, 10, 0, 0]
    before = event_count(bank)
    with raises_refusal(Conflict, "conflict.activity-closed"):
        bank.earning.activities.close(command(MAKER), activity)
    with raises_refusal(Conflict, "conflict.activity-closed"):
        bank.earning.activities.record_attendance(command(MAKER), activity, no_show, None)
    assert event_count(bank) == before
    assert [balance(bank, r) for r in attendees] == [10, 10, 10, 0]


def test_the_same_close_retried_replays_and_concurrent_closes_award_once(bank: Services) -> None:
    activity = plan(bank)
    residents = [enrol(bank) for _ in range(3)]
    for resident in residents:
        bank.earning.activities.record_attendance(command(MAKER), activity, resident, None)

    def close(n: int) -> Outcome | None:
        try:
            return bank.earning.activities.close(command(MAKER, key=f"close-{n % 2}"), activity)
        except Conflict:
            return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = [o for o in pool.map(close, range(8)) if o is not None]
    assert sum(not o.replayed for o in outcomes) == 1
    assert [balance(bank, r) for r in residents] == [10, 10, 10]


def test_a_rule_changed_after_an_award_changes_no_past_award(bank: Services) -> None:
    resident = enrol(bank)
    bank.bank.award(command(MAKER), resident, "VOL", 1, date(2026, 11, 1), "")
    bank.earning.rules.revise(command(ADMIN), "VOL", "志愿服务", 20, TODAY, "提标")
    bank.bank.award(command(MAKER), resident, "VOL", 1, TODAY, "")
    bank.projector.catch_up()
    entries = bank.queries.statement(resident)
    assert [(e["rule_version"], e["points"]) for e in entries] == [(1, 10), (2, 20)]
    bank.projector.rebuild()
    assert balance(bank, resident) == 30


def test_an_award_at_half_past_midnight_on_new_year_belongs_to_the_new_year(
    bank: Services,
) -> None:
    bank.earning.rules.define(command(ADMIN), "YEAR", "年度", Category.CIVIC, 5, Terms(cap_year=5))
    resident = enrol(bank)
    bank.bank.award(command(MAKER), resident, "YEAR", 1, date(2025, 12, 31), "")
    new_year = datetime(2025, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 January in Shanghai
    today = new_year.astimezone(bank.settings.zone).date()
    ctx = Context(actor=MAKER, at=new_year, today=today)
    outcome = bank.bank.award(Command(ctx, "ny", "ny"), resident, "YEAR", 1, ctx.today, "")
    assert outcome.status == 201
    bank.projector.catch_up()
    entries = bank.queries.statement(resident)
    assert [e["occurred_on"] for e in entries] == ["2025-12-31", "2026-01-01"]


def read_models(services: Services) -> dict[str, list[dict[str, Any]]]:
    services.projector.catch_up()
    return {t: services.queries.table_rows(t) for p in PROJECTIONS for t in p.tables}


def test_rebuild_equals_the_live_earning_read_models(bank: Services) -> None:
    residents = [enrol(bank) for _ in range(3)]
    bank.earning.rules.override(command(ADMIN), "VOL", A, {"points": 6}, "本社区")
    bank.earning.rules.configure(command(ADMIN), "FINE", Terms(disqualifies=True), "一票否决")
    activity = plan(bank)
    for resident in residents[:2]:
        bank.earning.activities.record_attendance(command(MAKER), activity, resident, None)
    bank.earning.activities.close(command(MAKER), activity)
    pending = bank.bank.deduct(command(MAKER), residents[2], "FINE", 1, TODAY, "r")
    bank.bank.award(command(MAKER), residents[2], "BIG", 2, TODAY, "")
    bank.earning.approvals.approve(command(CHECKER), residents[2], pending.body["version"])
    live = read_models(bank)
    assert live["activity_attendees"] and live["pending_approvals"] and live["rule_overrides"]
    bank.projector.rebuild()
    assert read_models(bank) == live


def test_bad_input_to_earning_commands_writes_nothing(bank: Services) -> None:
    resident = enrol(bank)
    before = event_count(bank)
    attempts: list[Callable[[], Outcome]] = [
        lambda: bank.bank.award(command(MAKER), resident, "FINE", 1, TODAY, ""),
        lambda: bank.earning.approvals.approve(command(CHECKER), resident, 99),
        lambda: bank.earning.rules.override(command(ADMIN), "VOL", uuid4(), {"points": 2}, "x"),
        lambda: bank.earning.rules.configure(command(MAKER), "VOL", Terms(), "x"),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError):
            attempt()
    assert event_count(bank) == before
