"""Ledger throughput on both stores: awards per second (1 and 8 threads), projection speed,
and statement read latency. Prints figures; asserts nothing about time.

Run: .venv/bin/python -m benchmarks.bench_ledger [--awards N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from api.services import Services, open_services
from pointsbank.application import Command
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.registry import PersonalData
from pointsbank.settings import Settings
from tests.pgserver import start_postgres

ADMIN = Actor("bench-admin", Role.ADMIN)
STAFF = Actor("bench-staff", Role.STAFF, Community.id_for("bench"))
TODAY = date(2026, 11, 22)


def cmd(actor: Actor) -> Command:
    ctx = Context(actor, datetime.now(UTC), TODAY)
    return Command(ctx, key=str(uuid4()), fingerprint="bench")


def prepare(services: Services, residents: int) -> list[UUID]:
    bank = services.bank
    bank.register_community(cmd(ADMIN), "bench", "基准社区")
    bank.add_grid(cmd(ADMIN), Community.id_for("bench"), "g1", "一网格")
    bank.define_rule(cmd(ADMIN), "VOL", "志愿服务", Category.VOLUNTEER, 10)
    return [
        UUID(
            bank.enrol(
                cmd(STAFF),
                Community.id_for("bench"),
                "g1",
                False,
                False,
                TODAY,
                PersonalData(name=f"居民{i}"),
            ).body["resident_id"]
        )
        for i in range(residents)
    ]


def award(services: Services, resident: UUID) -> None:
    services.bank.award(cmd(STAFF), resident, "VOL", 1, TODAY, "")


def run(label: str, url: str, awards: int) -> None:
    services = open_services(Settings(database_url=url, inprocess_projector=False))
    try:
        residents = prepare(services, 64)
        services.projector.catch_up()
        started = time.perf_counter()
        for i in range(awards):
            award(services, residents[i % len(residents)])
        sequential = awards / (time.perf_counter() - started)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda i: award(services, residents[i % len(residents)]), range(awards)))
        threaded = awards / (time.perf_counter() - started)
        pending = (
            services.bank.recorder.max_notification_id() or 0
        ) - services.projector.position()
        started = time.perf_counter()
        services.projector.catch_up()
        projected = pending / (time.perf_counter() - started)
        latencies = []
        for resident in residents:
            t0 = time.perf_counter()
            services.queries.statement(resident)
            latencies.append((time.perf_counter() - t0) * 1000)
        p95 = statistics.quantiles(latencies, n=20)[-1]
        print(
            f"{label:10} awards/s sequential {sequential:7.0f} | 8 threads {threaded:7.0f} | "
            f"projector {projected:7.0f} events/s | statement p50 "
            f"{statistics.median(latencies):.2f} ms p95 {p95:.2f} ms"
        )
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--awards", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.awards)
    with start_postgres() as server:
        run("postgresql", server.create_database("bench"), args.awards)


if __name__ == "__main__":
    main()
