"""P5: reads at a generated street's size, over HTTP on a real server, one client and many.

Balance, a statement page and a community ranking page (the first page and pages deep in the
ranking, by keyset cursor) for residents and communities picked at random.

Run: .venv/bin/python -m benchmarks.bench_reads [--residents 100000]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from benchmarks.generate import BENCH_DIR, Generated, Spec, generated
from benchmarks.http_load import Load, load, serving

REQUESTS = 2000
LOADS = (1, 4, 16, 32)


@dataclass(frozen=True)
class ReadPaths:
    balance: list[str]
    statement: list[str]
    ranking: list[str]

    def mixed(self) -> list[str]:
        return [
            p for trio in zip(self.balance, self.statement, self.ranking, strict=True) for p in trio
        ]


def read_paths(data: Generated, count: int = REQUESTS, seed: int = 14) -> ReadPaths:
    """Random residents, and ranking pages at random depths of random communities."""
    rng = random.Random(seed)
    with psycopg.connect(data.url) as conn:
        residents = [
            str(r[0])
            for r in conn.execute(
                "SELECT resident_id FROM residents TABLESAMPLE SYSTEM (5) LIMIT %s", (count,)
            )
        ]
        cursors = []
        for _ in range(count // 10):
            community = rng.choice(data.community_ids)
            depth = rng.randrange(max(1, data.residents // len(data.community_ids) // 3))
            row = conn.execute(
                "SELECT points, household_id FROM annual_households WHERE year = 2025 AND "
                "community_id = %s ORDER BY points DESC, household_id LIMIT 1 OFFSET %s",
                (community, depth),
            ).fetchone()
            after = f"&after={row[0]}:{row[1]}" if row and rng.random() < 0.8 else ""
            cursors.append(f"/rankings/households?year=2025&community_id={community}{after}")
    residents = [rng.choice(residents) for _ in range(count)]
    return ReadPaths(
        balance=[f"/residents/{r}/balance" for r in residents],
        statement=[f"/residents/{r}/statement?limit=50" for r in residents],
        ranking=[rng.choice(cursors) for _ in range(count)],
    )


def single_client(base: str, token: str, paths: ReadPaths) -> dict[str, Load]:
    headers = {"Authorization": f"Bearer {token}"}
    load(base, paths.mixed()[:300], 1, headers, seconds=5)  # warm up
    return {
        name: load(base, getattr(paths, name), 1, headers, seconds=20)
        for name in ("balance", "statement", "ranking")
    }


def under_load(
    base: str, token: str, paths: ReadPaths, loads: Sequence[int] = LOADS
) -> dict[int, Load]:
    headers = {"Authorization": f"Bearer {token}"}
    mixed = paths.mixed()
    return {n: load(base, mixed, n, headers, seconds=8) for n in loads}


def server_env(data: Generated) -> dict[str, str]:
    return {"POINTSBANK_DATABASE_URL": data.url, "POINTSBANK_INPROCESS_PROJECTOR": "false"}


def main() -> None:
    from tests.pgserver import start_postgres

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=100_000)
    args = parser.parse_args()
    server = start_postgres(keep_in=BENCH_DIR / "pg")
    try:
        data = generated(server, Spec(args.residents))
        paths = read_paths(data)
        with serving(server_env(data)) as base:
            for name, figures in single_client(base, data.token, paths).items():
                print(
                    f"{name:<10} p50 {figures.percentile(50):6.2f} ms  "
                    f"p95 {figures.percentile(95):6.2f} ms  p99 {figures.percentile(99):6.2f} ms  "
                    f"({figures.requests} requests, {figures.errors} errors)"
                )
    finally:
        server.stop()


if __name__ == "__main__":
    main()


def ranking_before_after(data: Generated, samples: int = 40, seed: int = 5) -> dict[str, Load]:
    """A household ranking page at random depths, in-process: as it was computed before
    (streamed from the top and sliced) and as it is now (keyset from the index, ranks from
    the score table)."""
    from pointsbank.db import PostgresDatabase
    from projections.rankings import Rankings, Scope

    rng = random.Random(seed)
    db = PostgresDatabase(data.url, max_size=2)
    rankings = Rankings(db)
    per_community = max(1, data.residents // len(data.community_ids) // 3)
    timings: dict[str, list[float]] = {"before": [], "after": []}
    try:
        for _ in range(samples):
            scope = Scope(2025, rng.choice(data.community_ids))
            offset = rng.randrange(per_community)
            started = time.perf_counter()
            old = rankings.page(rankings.households(scope), offset, 100)
            timings["before"].append(time.perf_counter() - started)
            started = time.perf_counter()
            new = rankings.household_page(scope, offset, 100)
            timings["after"].append(time.perf_counter() - started)
            assert [r["rank"] for r in old] == [r["rank"] for r in new]
    finally:
        db.close()
    return {k: Load(samples, sum(v), sorted(v), 0) for k, v in timings.items()}
