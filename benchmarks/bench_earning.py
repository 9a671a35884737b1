"""Prints how long a bulk import and an activity close take on SQLite and PostgreSQL.

Run: .venv/bin/python -m benchmarks.bench_earning [rows]
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID, uuid4

from api.services import Services, open_services
from pointsbank.application import Command
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.domain.terms import Terms
from pointsbank.registry import PersonalData
from pointsbank.settings import Settings
from tests.pgserver import start_postgres

TODAY = date(2026, 11, 22)
A = Community.id_for("a")
STAFF = Actor("staff-1", Role.STAFF, A)


def command(actor: Actor) -> Command:
    ctx = Context(actor, datetime(2026, 11, 22, 1, tzinfo=UTC), TODAY)
    return Command(ctx, str(uuid4()), str(uuid4()))


def prepare(services: Services, residents: int) -> list[UUID]:
    admin = Actor("admin", Role.ADMIN)
    services.bank.register_community(command(admin), "a", "社区a")
    services.bank.add_grid(command(admin), A, "g1", "一网格")
    services.earning.rules.define(command(admin), "VOL", "志愿", Category.VOLUNTEER, 1, Terms())
    return [
        UUID(
            services.bank.enrol(
                command(STAFF), A, "g1", False, False, TODAY, PersonalData(name="x")
            ).body["resident_id"]
        )
        for _ in range(residents)
    ]


def run(label: str, url: str, rows: int) -> None:
    services = open_services(Settings(database_url=url))
    residents = prepare(services, 200)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["居民", "规则", "日期", "数量"])
    for i in range(rows):
        writer.writerow([residents[i % len(residents)], "VOL", "2026-11-01", 1 + i % 3])
    started = time.perf_counter()
    services.earning.imports.apply(command(STAFF), out.getvalue().encode())
    imported = time.perf_counter() - started
    activity = UUID(
        services.earning.activities.plan(
            command(STAFF), A, "VOL", "清扫", TODAY, "09:00", "楼道", 1000, "居委会"
        ).body["activity_id"]
    )
    for resident in residents:
        services.earning.activities.record_attendance(command(STAFF), activity, resident, None)
    started = time.perf_counter()
    services.earning.activities.close(command(STAFF), activity)
    closed = time.perf_counter() - started
    started = time.perf_counter()
    services.projector.catch_up()
    projected = time.perf_counter() - started
    print(
        f"{label:10} import {rows} rows: {imported:.2f}s ({rows / imported:.0f} rows/s); "
        f"close with {len(residents)} attendees: {closed:.2f}s; projecting all: {projected:.2f}s"
    )
    services.close()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", rows)
    with start_postgres() as server:
        run("postgresql", server.create_database("bench"), rows)


if __name__ == "__main__":
    main()
