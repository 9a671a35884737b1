"""Audit throughput: chain, verify, replay and export over a seeded log; prints events/s and memory.

    .venv/bin/python -m benchmarks.bench_audit [--events 200000] [--url postgresql://…]

Seeds residents with many awards each (100 events per aggregate, 1,000 per `bank.save`), projects
them, then times each audit pass. Peak resident memory is measured per pass (VmHWM after
resetting it), to show it does not grow with the number of events.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

from api.auditing import verify_all
from api.services import PROJECTIONS, Services, open_services
from pointsbank.application import Command
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.community import Community
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Category
from pointsbank.settings import Settings
from projections.export import export_lines
from projections.replay import replay

DAY = date(2026, 11, 1)
AWARDS_PER_RESIDENT = 99
RESIDENTS_PER_SAVE = 10


def context(role: Role, community: Community | None = None) -> Context:
    actor = Actor(f"bench-{role.value}", role, community.id if community else None)
    return Context(actor=actor, at=datetime.now(UTC), today=DAY)


def seed(services: Services, events: int) -> None:
    bank = services.bank
    admin = context(Role.ADMIN)
    bank.register_community(Command(admin, str(uuid4()), "f"), "bench", "基准社区")
    bank.add_grid(Command(admin, str(uuid4()), "f"), Community.id_for("bench"), "g1", "一网格")
    bank.define_rule(Command(admin, str(uuid4()), "f"), "VOL", "志愿服务", Category.VOLUNTEER, 10)
    community = bank.get(Community, Community.id_for("bench"), "community")
    rule, ctx = bank.rule("VOL"), context(Role.STAFF, community)
    per_save = RESIDENTS_PER_SAVE * (AWARDS_PER_RESIDENT + 1)
    for _ in range(max(1, events // per_save)):
        residents = []
        for _ in range(RESIDENTS_PER_SAVE):
            resident = Resident.enrol(uuid4(), community.id, "g1", False, False, DAY, ctx)
            for _ in range(AWARDS_PER_RESIDENT):
                resident.award(rule, 1, DAY, "", ctx)
            residents.append(resident)
        bank.save(*residents)


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(label: str, events: int, run: Callable[[], object]) -> None:
    Path("/proc/self/clear_refs").write_text("5")
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    print(
        f"{label:<22} {events:>9,} events {seconds:7.1f}s {events / seconds:>10,.0f} events/s"
        f"   peak RSS {peak_mb():6.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        services = open_services(Settings(database_url=url))
        try:
            run(services, args.events)
        finally:
            services.close()


def run(services: Services, wanted: int) -> None:
    print(f"store: {services.db.dialect}")
    started = time.perf_counter()
    seed(services, wanted)
    events = services.bank.recorder.max_notification_id() or 0
    print(f"seeded {events:,} events in {time.perf_counter() - started:.1f}s")
    measure("project (live)", events, services.projector.catch_up)
    measure("chain follower", events, services.chain.catch_up)
    measure("verify", events, lambda: _ok(verify_all(services).ok))
    measure("replay + diff", events, lambda: _replayed(services))
    measure(
        "export (to /dev/null)",
        events,
        lambda: _drain(export_lines(services.bank, services.db, "bench")),
    )


def _replayed(services: Services) -> None:
    assert replay(services.bank, services.db, PROJECTIONS).ok


def _ok(ok: bool) -> None:
    assert ok


def _drain(lines: Iterable[str]) -> None:
    with open("/dev/null", "w") as sink:
        for line in lines:
            sink.write(line)


if __name__ == "__main__":
    main()
