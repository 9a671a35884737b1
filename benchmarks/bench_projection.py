"""Projection and bulk-import throughput on both stores, each beside its own baseline.

P3: raw read-and-decode of the log (select_notifications + the application's mapper) against
the projector's catch-up, `rebuild` and `audit replay`, with peak memory (RSS high-water mark
and the tracemalloc peak of each phase). P4: a sheet import against a COPY of the same rows.
Prints figures; asserts nothing about time.

`make bench` calls `measure_rebuild` (P3: rebuild and replay of the generated street in a child
process, so its peak RSS is theirs) and `measure_import` (P4: a 100k-row sheet).

Run: .venv/bin/python -m benchmarks.bench_projection [--events N] [--rows N] [--store S]
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from api.services import PROJECTIONS, Services, open_services
from benchmarks.bench_ledger import STAFF, cmd, prepare
from pointsbank.db import PostgresDatabase
from pointsbank.domain.common import Context
from pointsbank.domain.resident import Resident
from pointsbank.imports import Imports
from pointsbank.settings import Settings
from projections.replay import replay
from tests.pgserver import start_postgres

RESIDENTS = 2000
PAGE = 10_000
FIRST_DAY = date(2026, 1, 1)


def seed(services: Services, residents: list[UUID], events: int) -> None:
    """`events` awards spread over the residents, saved many aggregates per transaction."""
    bank, rule = services.bank, services.bank.rule("VOL")
    ctx = Context(STAFF, datetime.now(UTC), date(2026, 11, 22))
    per_resident, chunk = max(1, events // len(residents)), 20
    for i in range(0, len(residents), chunk):
        loaded = [bank.get(Resident, r, "resident") for r in residents[i : i + chunk]]
        for resident in loaded:
            for n in range(per_resident):
                resident.award(rule, 1, FIRST_DAY + timedelta(days=n % 300), "", ctx)
        bank.save(*loaded)


def measured(what: Callable[[], Any], trace: bool) -> tuple[float, float, Any]:
    """Seconds and, when traced (which slows it), the tracemalloc peak (MB) of one phase."""
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = what()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
    tracemalloc.stop()
    return seconds, peak, result


def read_and_decode(services: Services) -> int:
    count, after = 0, 0
    recorder, mapper = services.bank.recorder, services.bank.mapper
    while page := recorder.select_notifications(start=after, limit=PAGE, inclusive_of_start=False):
        for notification in page:
            mapper.to_domain_event(notification)
        count += len(page)
        after = page[-1].id
    return count


def catch_up(services: Services) -> int:
    services.projector.catch_up()
    return services.projector.position()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def projection_figures(
    label: str, services: Services, residents: list[UUID], events: int, trace: bool
) -> None:
    seed(services, residents, events)
    total = services.bank.recorder.max_notification_id() or 0
    rows: list[tuple[str, float, float]] = []
    for name, phase in (
        ("read+decode", lambda: read_and_decode(services)),
        ("catch-up", lambda: catch_up(services)),
        ("rebuild", services.projector.rebuild),
        ("replay", lambda: replay(services.bank, services.db, PROJECTIONS)),
    ):
        seconds, peak, _ = measured(phase, trace)
        rows.append((name, total / seconds, peak))
    base = rows[0][1]
    for name, rate, peak in rows:
        print(
            f"{label:10} {total:8d} events {name:12} {rate:9.0f} events/s "
            f"{rate / base:5.2f}x read+decode | tracemalloc peak {peak:6.1f} MB"
        )
    print(f"{label:10} peak RSS so far {rss_mb():.0f} MB")


def sheet(residents: list[UUID], rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["resident_id", "rule_code", "occurred_on", "quantity"])
    for i in range(rows):
        day = FIRST_DAY + timedelta(days=(i // len(residents)) % 300)
        writer.writerow([residents[i % len(residents)], "VOL", day.isoformat(), 1 + i % 3])
    return out.getvalue().encode()


def copy_rate(services: Services, content: bytes) -> float | None:
    """COPY of the same rows into a plain table: the store's own bulk-load speed."""
    if not isinstance(services.db, PostgresDatabase):
        return None
    lines = content.decode().splitlines()[1:]
    with services.db.pool.connection() as conn, conn.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE sheet_copy (resident_id uuid, rule_code text, occurred_on date, "
            "quantity int)"
        )
        started = time.perf_counter()
        with cur.copy("COPY sheet_copy FROM STDIN WITH (FORMAT csv)") as copy:
            for line in lines:
                copy.write(line + "\n")
        conn.commit()
        return len(lines) / (time.perf_counter() - started)


def import_figures(
    label: str, services: Services, residents: list[UUID], rows: int, trace: bool
) -> None:
    services.projector.catch_up()
    content = sheet(residents, rows)
    imports = Imports(services.bank)
    seconds, peak, outcome = measured(lambda: imports.apply(cmd(STAFF), content), trace)
    assert outcome.status == 201, outcome.body
    rate = rows / seconds
    base = copy_rate(services, content)
    ratio = f"{rate / base:6.3f}x COPY ({base:8.0f} rows/s)" if base else "(no COPY on sqlite)"
    print(
        f"{label:10} import {rows:7d} rows {rate:8.0f} rows/s {ratio} | "
        f"tracemalloc peak {peak:6.1f} MB"
    )
    pending = (services.bank.recorder.max_notification_id() or 0) - services.projector.position()
    seconds, _, _ = measured(services.projector.catch_up, False)
    print(f"{label:10} projection lag after the import: {pending} events, {seconds:.2f} s")


def run(label: str, url: str, args: argparse.Namespace) -> None:
    services = open_services(Settings(database_url=url, inprocess_projector=False))
    try:
        residents = prepare(services, args.residents)
        if args.events:
            projection_figures(label, services, residents, args.events, args.memory)
        if args.rows:
            import_figures(label, services, residents, args.rows, args.memory)
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=0, help="sheet rows to import (0: skip)")
    parser.add_argument("--residents", type=int, default=RESIDENTS)
    parser.add_argument("--memory", action="store_true", help="trace peak memory (slower)")
    parser.add_argument("--store", choices=("both", "sqlite", "postgresql"), default="both")
    args = parser.parse_args()
    if args.store in ("both", "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            run("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args)
    if args.store in ("both", "postgresql"):
        with start_postgres() as server:
            run("postgresql", server.create_database(f"bench{uuid4().hex[:6]}"), args)


if __name__ == "__main__":
    main()


def _rebuild_in_child(url: str, out: Any) -> None:
    """Rebuild and replay the street in a fresh process, so its peak RSS is theirs alone."""
    services = open_services(Settings(database_url=url, inprocess_projector=False))
    try:
        total = services.bank.recorder.max_notification_id() or 0
        rebuild, _, _ = measured(services.projector.rebuild, False)
        replayed, _, report = measured(
            lambda: replay(services.bank, services.db, PROJECTIONS), False
        )
        out.put((total, total / rebuild, total / replayed, report.ok, rss_mb()))
    finally:
        services.close()


def measure_rebuild(bench: Any) -> list[Any]:
    """P3 hook for `make bench`: rebuild and audit replay of the generated street against the
    raw read-and-decode rate measured in the same run; peak RSS of the process doing them."""
    from benchmarks.run import Figure, at_least

    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_rebuild_in_child, args=(bench.data.url, out))
    child.start()
    total, rebuild, replayed, ok, peak = out.get()
    child.join()
    base = bench.baselines["read+decode events/s"]
    return [
        at_least("P3", "rebuild events/s", rebuild, "ev/s", "read+decode", base, 0.5),
        at_least("P3", "audit replay events/s", replayed, "ev/s", "read+decode", base, 0.5),
        Figure("P3", "peak RSS, rebuild + replay", peak, "MB",
               note=f"{total:,} events; replay {'equal' if ok else 'DIFFERS'}"),
    ]  # fmt: skip


def measure_import(bench: Any, rows: int = 100_000) -> list[Any]:
    """P4 hook for `make bench`: a `rows`-row sheet over 2,000 residents in a fresh database,
    against the COPY rate measured in the same run."""
    from benchmarks.run import at_least

    name = f"bench_import_{uuid4().hex[:6]}"
    services = open_services(
        Settings(database_url=bench.server.create_database(name), inprocess_projector=False)
    )
    try:
        residents = prepare(services, RESIDENTS)
        content = sheet(residents, rows)
        seconds, _, outcome = measured(
            lambda: Imports(services.bank).apply(cmd(STAFF), content), False
        )
        assert outcome.status == 201, outcome.body
    finally:
        services.close()
    base = bench.baselines["COPY rows/s"]
    return [
        at_least("P4", f"import {rows:,}-row sheet", rows / seconds, "rows/s", "COPY", base, 0.2)
    ]
