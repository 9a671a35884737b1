"""Copies of one request racing under one Idempotency-Key, at the limits (invariant 3).

Two `Services` over one database stand for two server processes: each has its own in-process
state, so copies race both inside a process and through the store.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from api.services import Services, open_services
from pointsbank.application import Outcome
from pointsbank.domain.common import DomainError
from pointsbank.domain.idempotency import IdempotencyRecord
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Category
from pointsbank.domain.terms import Terms
from pointsbank.settings import Settings
from tests.conftest import event_count, stored_events
from tests.integration.test_counter import CLERK, Shop, command
from tests.integration.test_ledger import ADMIN, TODAY, enrol, setup_street
from tests.pgserver import PostgresServer

COPIES = 16
ROUNDS = 6  # each race is short; a few rounds make a lost race show on the first run
Answer = tuple[int, str]


def answer(call: Callable[[], Outcome]) -> Answer:
    """What a client sees: the status and body, or the refusal's status and problem type."""
    try:
        outcome = call()
    except DomainError as refusal:
        return refusal.status, refusal.code
    return outcome.status, json.dumps(outcome.body, sort_keys=True)


def race(calls: Sequence[Callable[[], Outcome]]) -> list[Answer]:
    """Start every call at the same moment, each on its own thread."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Outcome]) -> Answer:
        start.wait()
        return answer(call)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def rival(services: Services) -> Iterator[Services]:
    """A second 'server process' over the same database."""
    other = open_services(services.settings, apply_migrations=False)
    yield other
    other.close()


@pytest.fixture
def shop(services: Services) -> Shop:
    return Shop(services, setup_street(services))


def redemptions(services: Services) -> int:
    return sum(isinstance(e, Resident.PointsRedeemed) for e in stored_events(services))


def awards(services: Services, resident: UUID) -> int:
    return sum(
        isinstance(e, Resident.PointsAwarded) and e.originator_id == resident
        for e in stored_events(services)
    )


@pytest.mark.parametrize("limit", ["last-item-in-stock", "last-points-of-balance"])
def test_copies_of_a_redemption_at_the_limit_all_get_the_first_answer(
    shop: Shop, rival: Services, limit: str
) -> None:
    stock, points = (1, 100) if limit == "last-item-in-stock" else (100, 10)
    apps = [shop.services, rival]

    def play(round_: int) -> None:
        goods, resident = shop.goods("油", price=10, stock=stock), shop.resident(points)
        cmd = command(CLERK, key=f"basket-{round_}", fingerprint="same-body")
        answers = race(
            [
                partial(apps[i % 2].counter.redeem, cmd, resident, [(goods, 1)])
                for i in range(COPIES)
            ]
        )
        assert len(set(answers)) == 1, answers
        assert answers[0][0] == 201
        assert (shop.stock(goods), shop.balance(resident)) == (stock - 1, points - 10)

    for round_ in range(ROUNDS):
        play(round_)
    assert redemptions(shop.services) == ROUNDS


def test_copies_of_an_award_taking_the_last_room_under_a_cap_all_get_the_first_answer(
    shop: Shop, rival: Services
) -> None:
    bank, staff = shop.services.bank, shop.staff
    shop.services.earning.rules.define(
        command(ADMIN), "CAP", "限额", Category.CIVIC, 5, Terms(cap_day=10)
    )
    apps = [shop.services, rival]

    def play(round_: int) -> None:
        resident = shop.resident(0)
        bank.award(command(staff), resident, "CAP", 1, TODAY, "")
        cmd = command(staff, key=f"last-room-{round_}", fingerprint="same-body")
        answers = race(
            [
                partial(apps[i % 2].bank.award, cmd, resident, "CAP", 1, TODAY, "")
                for i in range(COPIES)
            ]
        )
        assert len(set(answers)) == 1, answers
        assert answers[0][0] == 201
        assert awards(shop.services, resident) == 2 and shop.balance(resident) == 10

    for round_ in range(ROUNDS):
        play(round_)


def test_one_key_with_two_different_requests_at_once_executes_one_and_refuses_the_other(
    shop: Shop, rival: Services
) -> None:
    apps = [shop.services, rival]

    def play(round_: int) -> None:
        goods = shop.goods("油", price=10, stock=1)
        residents = {"first": shop.resident(10), "second": shop.resident(10)}
        bodies = ["first" if i % 4 < 2 else "second" for i in range(COPIES)]
        calls = [
            partial(
                apps[i % 2].counter.redeem,
                command(CLERK, key=f"shared-{round_}", fingerprint=body),
                residents[body],
                [(goods, 1)],
            )
            for i, body in enumerate(bodies)
        ]
        answers = race(calls)
        by_body = {
            b: {a for a, body in zip(answers, bodies, strict=True) if body == b} for b in residents
        }
        executed = [body for body, seen in by_body.items() if next(iter(seen))[0] == 201]
        assert len(executed) == 1, answers
        refused = "second" if executed == ["first"] else "first"
        assert len(by_body[executed[0]]) == 1, answers
        assert by_body[refused] == {(422, "idempotency-key-reused")}, answers
        assert shop.stock(goods) == 0

    for round_ in range(ROUNDS):
        play(round_)
    assert redemptions(shop.services) == ROUNDS


def test_a_save_that_loses_a_race_writes_none_of_its_events(services: Services) -> None:
    """The idempotency record and the events it guards commit together or not at all."""
    staff = setup_street(services)
    bank, ctx = services.bank, command(staff).ctx
    resident = enrol(services, staff)
    mine, rivals = (bank.get(Resident, resident, "resident") for _ in range(2))
    rivals.award(bank.rule("VOL"), 10, TODAY, "", ctx)
    bank.save(rivals)
    mine.award(bank.rule("VOL"), 10, TODAY, "", ctx)
    record = IdempotencyRecord.record(staff.user_id, "lost-race", "f", 201, {}, ctx)
    before = event_count(services)
    with pytest.raises(IntegrityError):
        bank.save(record, mine)
    assert event_count(services) == before
    assert bank.find(IdempotencyRecord, record.id) is None


@pytest.fixture
def pg_pair(pg_server: PostgresServer) -> Iterator[tuple[Services, Services]]:
    url = pg_server.create_database(f"quiet_{uuid.uuid4().hex[:8]}")
    settings = Settings(database_url=url, inprocess_projector=True)
    first = open_services(settings)
    second = open_services(settings, apply_migrations=False)
    yield first, second
    second.close()
    first.close()


@pytest.mark.parametrize("keys", ["one-key", "a-key-each"])
def test_expected_races_leave_no_error_in_the_postgresql_log(
    pg_server: PostgresServer, pg_pair: tuple[Services, Services], keys: str
) -> None:
    shop = Shop(pg_pair[0], setup_street(pg_pair[0]))
    goods = shop.goods("油", price=1, stock=1 if keys == "one-key" else COPIES)
    resident = shop.resident(100)
    log_before = pg_server.log_path.stat().st_size

    def copy(i: int) -> Callable[[], Outcome]:
        key = "one-basket" if keys == "one-key" else f"basket-{i}"
        cmd = command(CLERK, key=key, fingerprint="same-body")
        return lambda: pg_pair[i % 2].counter.redeem(cmd, resident, [(goods, 1)])

    answers = race([copy(i) for i in range(COPIES)])
    assert {status for status, _ in answers} == {201}
    assert redemptions(shop.services) == (1 if keys == "one-key" else COPIES)
    with pg_server.log_path.open("rb") as log:
        log.seek(log_before)
        written = log.read().decode(errors="replace")
    assert [line for line in written.splitlines() if "ERROR" in line] == []
