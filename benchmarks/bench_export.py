"""Export speed and memory for a street of ~100,000 residents (CSV and XLSX, streamed).

Seeds the annual read-model tables directly (not through events), then streams the
street-wide residents' ranking and the households' ranking and prints time and peak Python
memory (tracemalloc) for 10,000 and for 100,000 residents: flat memory means streaming works.

    .venv/bin/python -m benchmarks.bench_export            # SQLite in a temp folder
    POINTSBANK_DATABASE_URL=postgresql://… .venv/bin/python -m benchmarks.bench_export
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from api.exports import csv_chunks, xlsx_chunks
from api.routes.annual import HOUSEHOLD_COLUMNS, RESIDENT_COLUMNS
from api.services import Services, open_services
from pointsbank.settings import Settings
from projections.rankings import Scope

YEAR = 2025
BATCH = 5000
COMMUNITIES = [f"c{n:02d}" for n in range(10)]


def seed(services: Services, residents: int) -> None:
    with services.db.transaction() as cur:
        for table in ("annual_residents", "annual_households", "households", "personal_data"):
            cur.execute(f"DELETE FROM {table}")
    for start in range(0, residents, BATCH):
        people, names, houses = [], [], []
        for n in range(start, min(start + BATCH, residents)):
            community = COMMUNITIES[n % len(COMMUNITIES)]
            rid = f"r{n:07d}"
            people.append((rid, YEAR, community, f"g{n % 7}", n % 5 == 0, n % 11 == 0, n % 997))
            names.append((rid, f"居民{n}", f"138{n:08d}"))
            if n % 3 == 0:
                houses.append((f"h{n:07d}", community, f"第{n}户", f"{YEAR}-01-01"))
        with services.db.transaction() as cur:
            cur.executemany(
                "INSERT INTO annual_residents (resident_id, year, community_id, grid, "
                "party_member, without_hukou, points) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(*p[:4], int(p[4]), int(p[5]), p[6]) for p in people],
            )
            cur.executemany(
                "INSERT INTO personal_data (resident_id, name, phone) VALUES (?, ?, ?)", names
            )
            cur.executemany(
                "INSERT INTO households (household_id, community_id, name, created_on) "
                "VALUES (?, ?, ?, ?)",
                houses,
            )
            cur.executemany(
                "INSERT INTO annual_households (household_id, year, community_id, points) "
                "VALUES (?, ?, ?, ?)",
                [(h[0], YEAR, h[1], int(h[0][1:]) % 1499) for h in houses],
            )


def measure(label: str, chunks: Iterator[bytes], *, trace: bool) -> None:
    """Time without tracing (tracemalloc slows openpyxl many times over); peak with it."""
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    size = sum(len(chunk) for chunk in chunks)
    seconds = time.perf_counter() - began
    peak = f"peak {tracemalloc.get_traced_memory()[1] / 1e6:6.1f} MB" if trace else ""
    tracemalloc.stop()
    rate = f"{seconds:7.2f} s" if not trace else "(traced)"
    print(f"  {label:<20} {rate:>10}  {size / 1e6:6.1f} MB out  {peak}  maxrss {_rss()} MB")


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get(
            "POINTSBANK_DATABASE_URL", f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        )
        services = open_services(Settings(database_url=url))
        try:
            for residents in (10_000, 100_000):
                seed(services, residents)
                print(f"{residents} residents ({services.db.dialect}):")
                street = Scope(YEAR)
                ranked = services.rankings.residents
                for trace in (False, True):
                    measure(
                        "residents CSV", csv_chunks(RESIDENT_COLUMNS, ranked(street)), trace=trace
                    )
                measure(
                    "residents XLSX",
                    xlsx_chunks(RESIDENT_COLUMNS, ranked(street), "排名"),
                    trace=False,
                )
                houses = services.rankings.households(street)
                measure(
                    "households XLSX", xlsx_chunks(HOUSEHOLD_COLUMNS, houses, "排名"), trace=False
                )
            small = Scope(YEAR, COMMUNITIES[0])
            rows = services.rankings.residents(small)
            measure("1 community XLSX", xlsx_chunks(RESIDENT_COLUMNS, rows, "排名"), trace=True)
        finally:
            services.close()


if __name__ == "__main__":
    main()
