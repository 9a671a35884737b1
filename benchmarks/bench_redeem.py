"""Redemptions per second at the counter, on SQLite and PostgreSQL, sequential and threaded.

Run: `.venv/bin/python -m benchmarks.bench_redeem` (starts its own PostgreSQL, as the tests do).
Each redemption is one decision saving resident, goods and receipt with the key's record; the
read models are not waited for (that is the projector's cost, measured after the run).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from uuid import UUID, uuid4

from api.services import Services, open_services
from pointsbank.application import Command
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.registry import PersonalData
from pointsbank.settings import Settings
from tests.pgserver import start_postgres

ADMIN = Actor("admin", Role.ADMIN)
COMMUNITY = Community.id_for("a")
STAFF = Actor("staff", Role.STAFF, COMMUNITY)
CLERK = Actor("clerk", Role.CLERK, COMMUNITY)
THREADS = 8
PER_RUN = 240


def command(actor: Actor) -> Command:
    at = datetime.now(UTC)
    return Command(Context(actor=actor, at=at, today=at.date()), str(uuid4()), "bench")


def prepare(services: Services) -> tuple[list[UUID], list[UUID]]:
    bank, counter = services.bank, services.counter
    bank.register_community(command(ADMIN), "a", "社区a")
    bank.add_grid(command(ADMIN), COMMUNITY, "g1", "一网格")
    bank.define_rule(command(ADMIN), "BIG", "大额", Category.OTHER, 1000)
    residents = []
    for _ in range(THREADS):
        enrolled = bank.enrol(
            command(STAFF),
            COMMUNITY,
            "g1",
            False,
            False,
            datetime.now(UTC).date(),
            PersonalData(name="测试"),
        )
        resident = UUID(enrolled.body["resident_id"])
        bank.award(command(STAFF), resident, "BIG", 10, datetime.now(UTC).date(), "")
        residents.append(resident)
    goods = [
        UUID(counter.list_item(command(ADMIN), COMMUNITY, f"g{i}", 1, 100_000, 0).body["goods_id"])
        for i in range(THREADS)
    ]
    return residents, goods


def rate(threads: int, work: Callable[[int], None]) -> float:
    started = time.perf_counter()
    if threads == 1:
        for i in range(PER_RUN):
            work(i)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(work, range(PER_RUN)))
    return PER_RUN / (time.perf_counter() - started)


def bench(name: str, url: str) -> None:
    services = open_services(Settings(database_url=url, inprocess_projector=False))
    try:
        residents, goods = prepare(services)
        counter = services.counter

        def own_item(i: int) -> None:
            k = i % THREADS
            counter.redeem(command(CLERK), residents[k], [(goods[k], 1)])

        def shared_item(i: int) -> None:
            counter.redeem(command(CLERK), residents[i % THREADS], [(goods[0], 1)])

        figures = {
            "sequential": rate(1, own_item),
            f"{THREADS} threads, own items": rate(THREADS, own_item),
            f"{THREADS} threads, one shared item": rate(THREADS, shared_item),
        }
        started = time.perf_counter()
        services.projector.catch_up()
        projected = (time.perf_counter() - started) * 1000
        for label, value in figures.items():
            print(f"{name:10} {label:32} {value:7.0f} redemptions/s")
        print(
            f"{name:10} {'projecting ' + str(3 * PER_RUN) + ' redemptions':32} {projected:7.0f} ms"
        )
    finally:
        services.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench("sqlite", f"sqlite:///{tmp}/bench.sqlite3")
    server = start_postgres()
    try:
        bench("postgresql", server.create_database("bench_redeem"))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
