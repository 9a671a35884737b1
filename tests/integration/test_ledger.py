"""The ledger against each real store: idempotency, concurrency, conservation, rebuilds."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.services import PROJECTIONS, Services, open_services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import Actor, Context, DomainError, Role
from pointsbank.domain.community import Community
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Category
from pointsbank.registry import PersonalData
from pointsbank.settings import Settings
from pointsbank.store import events_table
from projections.projector import Projector
from tests.conftest import event_count, stored_events
from tests.refusals import raises_refusal

ADMIN = Actor("admin-1", Role.ADMIN)
TODAY = date(2026, 11, 22)


def command(actor: Actor, key: str | None = None, fingerprint: str = "f") -> Command:
    ctx = Context(actor=actor, at=datetime(2026, 11, 22, 1, 0, tzinfo=UTC), today=TODAY)
    return Command(ctx=ctx, key=key or str(uuid4()), fingerprint=fingerprint)


def setup_street(services: Services) -> Actor:
    bank = services.bank
    bank.register_community(command(ADMIN), "a", "社区a")
    community_id = Community.id_for("a")
    bank.add_grid(command(ADMIN), community_id, "g1", "一网格")
    bank.define_rule(command(ADMIN), "VOL", "志愿服务", Category.VOLUNTEER, 10)
    bank.define_rule(command(ADMIN), "ONE", "一分", Category.CIVIC, 1)
    bank.define_rule(command(ADMIN), "FINE", "扣分", Category.DEDUCTION, 1)
    return Actor("staff-1", Role.STAFF, community_id)


def enrol(services: Services, staff: Actor) -> UUID:
    outcome = services.bank.enrol(
        command(staff), Community.id_for("a"), "g1", False, False, TODAY, PersonalData(name="测试")
    )
    return UUID(outcome.body["resident_id"])


def approve(services: Services, resident: UUID, request_version: int) -> Outcome:
    checker = Actor("staff-2", Role.STAFF, Community.id_for("a"))
    return services.earning.approvals.approve(command(checker), resident, request_version)


def read_models(services: Services) -> dict[str, list[dict[str, Any]]]:
    return {
        table: services.queries.table_rows(table)
        for projection in PROJECTIONS
        for table in projection.tables
    }


def test_the_database_refuses_to_update_or_delete_events(services: Services) -> None:
    staff = setup_street(services)
    enrol(services, staff)
    table = events_table(services.settings.database_url)
    for statement in (f"UPDATE {table} SET topic = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(Exception, match="never"):
            services.db.execute(statement)
    assert event_count(services) > 0


def test_concurrent_retries_of_one_key_write_once(services: Services) -> None:
    staff = setup_street(services)
    resident = enrol(services, staff)
    before = event_count(services)

    def award() -> Outcome:
        cmd = command(staff, key="same-key", fingerprint="same-body")
        return services.bank.award(cmd, resident, "VOL", 1, TODAY, "")

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: award(), range(16)))
    assert len({(o.status, str(o.body)) for o in outcomes}) == 1
    assert sum(not o.replayed for o in outcomes) == 1
    assert event_count(services) == before + 2
    resident_events = [e for e in stored_events(services) if e.originator_id == resident]
    assert sum(isinstance(e, Resident.PointsAwarded) for e in resident_events) == 1


def test_same_key_with_a_different_request_is_refused(services: Services) -> None:
    staff = setup_street(services)
    resident = enrol(services, staff)
    services.bank.award(command(staff, "k", "body-1"), resident, "VOL", 1, TODAY, "")
    before = event_count(services)
    with raises_refusal(DomainError, "idempotency-key-reused"):
        services.bank.award(command(staff, "k", "body-2"), resident, "VOL", 2, TODAY, "")
    assert event_count(services) == before


def test_concurrent_awards_to_one_resident_all_count(services: Services) -> None:
    staff = setup_street(services)
    resident = enrol(services, staff)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(
            pool.map(
                lambda _: services.bank.award(command(staff), resident, "VOL", 1, TODAY, ""),
                range(24),
            )
        )
    services.projector.catch_up()
    balance = services.queries.balance(resident)
    assert balance is not None and balance["balance"] == 240
    versions = [e["version"] for e in services.queries.statement(resident)]
    assert versions == list(range(2, 26))


def test_rival_projectors_apply_each_event_exactly_once(services: Services) -> None:
    staff = setup_street(services)
    residents = [enrol(services, staff) for _ in range(5)]
    for i in range(60):
        services.bank.award(command(staff), residents[i % 5], "ONE", 1 + i % 3, TODAY, "")
    rivals = [
        Projector(services.bank, services.db, PROJECTIONS, batch_size=7),
        Projector(services.bank, open_services(services.settings).db, PROJECTIONS, batch_size=5),
    ]
    errors: list[BaseException] = []

    def run(projector: Projector) -> None:
        try:
            projector.catch_up()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in rivals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert services.projector.position() == services.bank.recorder.max_notification_id()
    total = sum(1 + i % 3 for i in range(60))
    balances = [services.queries.balance(r) for r in residents]
    assert sum(b["balance"] for b in balances if b) == total
    rivals[1].db.close()


def test_rebuild_equals_the_live_read_models(services: Services) -> None:
    staff = setup_street(services)
    residents = [enrol(services, staff) for _ in range(3)]
    household = services.bank.create_household(command(staff), Community.id_for("a"), "王家")
    household_id = UUID(household.body["household_id"])
    services.bank.join_household(command(staff), household_id, residents[0], date(2026, 1, 1))
    services.bank.leave_household(command(staff), household_id, residents[0], date(2026, 6, 1))
    services.bank.join_household(command(staff), household_id, residents[1], date(2026, 2, 1))
    award = services.bank.award(command(staff), residents[2], "VOL", 2, TODAY, "")
    services.bank.correct(command(staff), residents[2], award.body["version"], -5, "half")
    deduction = services.bank.deduct(command(staff), residents[1], "FINE", 2, TODAY, "噪音")
    approve(services, residents[1], deduction.body["version"])
    services.projector.catch_up()
    live = read_models(services)
    assert live["statement_entries"] and live["household_members"]
    services.projector.rebuild()
    assert read_models(services) == live


entries = st.lists(
    st.tuples(
        st.sampled_from(["award", "deduct", "correct"]), st.integers(1, 50), st.integers(-400, 400)
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_services(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('h') / 'db.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_database(f"h{uuid4().hex[:10]}")
    opened = open_services(Settings(database_url=url))
    staff = setup_street(opened)
    yield opened, staff
    opened.close()


def correct_some_entry(
    services: Services, staff: Actor, resident: UUID, pick: int, delta: int
) -> Outcome:
    bank = services.bank
    versions = sorted(int(v) for v in bank.get(Resident, resident, "resident").entries)
    if not versions:
        raise DomainError("nothing to correct yet")
    return bank.correct(command(staff), resident, versions[pick % len(versions)], delta or 1, "fix")


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=entries)
def test_balance_is_the_sum_of_events_and_equals_a_rebuild(
    shared_services: tuple[Services, Actor], steps: list[tuple[str, int, int]]
) -> None:
    services, staff = shared_services
    resident = enrol(services, staff)
    bank = services.bank
    for kind, quantity, delta in steps:
        with contextlib.suppress(DomainError):
            if kind == "award":
                bank.award(command(staff), resident, "ONE", quantity, TODAY, "")
            elif kind == "deduct":
                request = bank.deduct(command(staff), resident, "FINE", quantity, TODAY, "r")
                approve(services, resident, request.body["version"])
            else:
                correct_some_entry(services, staff, resident, quantity, delta)
    services.projector.catch_up()
    events = [e for e in stored_events(services) if e.originator_id == resident]
    expected = sum(
        e.points
        if isinstance(e, (Resident.PointsAwarded, Resident.PointsCorrected))
        else -e.points
        if isinstance(e, Resident.ApprovalGranted) and e.kind == "deduction"
        else 0
        for e in events
    )
    live = services.queries.balance(resident)
    assert (
        live is not None
        and live["balance"] == expected == bank.get(Resident, resident, "resident").balance
    )
    assert sum(live["totals"].values()) == expected
    statement = services.queries.statement(resident)
    assert (statement[-1]["balance_after"] if statement else 0) == expected
    before = read_models(services)
    services.projector.rebuild()
    assert read_models(services) == before
