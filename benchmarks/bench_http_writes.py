"""P1: awards over HTTP from 32 connections against raw commits and the empty endpoint, and
the projection lag under that load.

Every award has its own key; afterwards each acknowledged award must be in the log exactly
once. Served as production runs on PostgreSQL: BENCH_WORKERS server processes and a
`pointsbank project` process beside them; the lag sampled during the load is what a reader
carrying the write's position would wait for.

Run alone on a small street: .venv/bin/python -m benchmarks.bench_http_writes --residents 20000
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import deque
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import psycopg

from benchmarks import baselines
from benchmarks.cpu import cores_used, describe
from benchmarks.generate import BENCH_DIR, Generated, Spec, _uuid, generated
from benchmarks.http_load import Post, Posted, post_load, serving
from pointsbank.domain.common import Role

if TYPE_CHECKING:
    from benchmarks.run import Bench, Figure

CONNECTIONS = 32
AWARDS = 6000
SECONDS = 12.0
_runs: dict[int, dict[str, float]] = {}  # one load per bench, shared by measure and measure_lag


def writer_env(data: Generated) -> dict[str, str]:
    return {"POINTSBANK_DATABASE_URL": data.url}


def issue_token(data: Generated, role: Role, community: str) -> str:
    from api.services import open_services
    from pointsbank.settings import Settings

    services = open_services(
        Settings(database_url=data.url, inprocess_projector=False), apply_migrations=False
    )
    try:
        name = f"bench-{role.value}-{uuid4().hex[:8]}"
        return services.accounts.issue(name, role, datetime.now(UTC), UUID(community)).token
    finally:
        services.close()


def residents_of_first_community(data: Generated, count: int) -> list[UUID]:
    """Residents the generator put in `community_ids[0]` (household numbers ≡ 0 mod communities)."""
    step = len(data.community_ids)
    households = range(0, data.residents // 3, step)
    return [_uuid(f"r{n}:{k}") for n in households for k in range(3)][:count]


def award_posts(residents: list[UUID], count: int) -> list[Post]:
    body = json.dumps({"rule_code": "VOL", "quantity": 1}).encode()
    return [
        Post(f"/residents/{residents[i % len(residents)]}/awards", body, str(uuid4()))
        for i in range(count)
    ]


def _scalar(url: str, sql: str, *args: object) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql, args).fetchone()
        return int(row[0]) if row and row[0] is not None else 0


class LagSampler(threading.Thread):
    """How long each position the log reached took to show in the read models."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.lags: list[float] = []

    def run(self) -> None:
        pending: deque[tuple[float, int]] = deque()
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.wait(0.05):
                now = time.monotonic()
                top = conn.execute("SELECT MAX(notification_id) FROM pointsbank_events")
                tracked = conn.execute(
                    "SELECT position FROM projection_tracking WHERE name = 'read_models'"
                )
                pending.append((now, int(top.fetchone()[0] or 0)))  # type: ignore[index]
                at = int(tracked.fetchone()[0] or 0)  # type: ignore[index]
                while pending and pending[0][1] <= at:
                    self.lags.append(now - pending.popleft()[0])


def run_awards(data: Generated, base: str) -> tuple[Posted, int, list[float], dict[str, float]]:
    """Awards under load; the acknowledged count found in the log, and the lags sampled."""
    token = issue_token(data, Role.STAFF, data.community_ids[0])
    posts = award_posts(residents_of_first_community(data, 3000), AWARDS)
    start = _scalar(data.url, "SELECT MAX(notification_id) FROM pointsbank_events")
    sampler = LagSampler(data.url)
    sampler.start()
    with cores_used(urlsplit(data.url).port or 5432) as cores:
        posted = post_load(base, posts, CONNECTIONS, {"Authorization": f"Bearer {token}"}, SECONDS)
    time.sleep(1.0)  # let the sampler see the tail projected
    sampler.stop.set()
    sampler.join()
    found = _scalar(
        data.url,
        "SELECT COUNT(*) FROM pointsbank_events WHERE notification_id > %s AND topic LIKE %s",
        start,
        "%PointsAwarded",
    )
    return posted, found, sampler.lags, cores


def figures_of(data: Generated, base: str) -> dict[str, float]:
    posted, found, lags, cores = run_awards(data, base)
    acknowledged = posted.count(201)
    lags.sort()
    return {
        "rate": acknowledged / posted.load.seconds,
        "p50": posted.load.percentile(50),
        "p99": posted.load.percentile(99),
        "acknowledged": acknowledged,
        "found": found,
        "errors": posted.load.errors,
        "other": len(posted.statuses) - acknowledged,
        "lag_max": lags[-1] if lags else float("nan"),
        "lag_p99": lags[min(len(lags) - 1, int(len(lags) * 0.99))] if lags else float("nan"),
        **{f"cores {kind}": used for kind, used in cores.items()},
    }


def _run(bench: Bench) -> dict[str, float]:
    if id(bench) not in _runs:
        with serving(writer_env(bench.data), projector=True) as base:
            _runs[id(bench)] = figures_of(bench.data, base)
    return _runs[id(bench)]


def measure(bench: Bench) -> list[Figure]:
    from benchmarks.run import Figure, at_least

    f = _run(bench)
    exact = f["found"] == f["acknowledged"] and f["other"] == 0
    note = (
        f"p50 {f['p50']:.0f} ms, p99 {f['p99']:.0f} ms; {f['acknowledged']:.0f} acknowledged, "
        f"{f['found']:.0f} in the log, {f['other']:.0f} not 201"
    )
    cores = {k.removeprefix("cores "): v for k, v in f.items() if k.startswith("cores ")}
    raw = bench.baselines["raw commits/s, 16 clients"]
    empty = bench.baselines["empty endpoint req/s, 32 conn"]
    return [
        at_least("P1", "awards/s vs raw commits", f["rate"], "/s", "raw commits 16", raw, 0.5),
        at_least("P1", "awards/s vs empty endpoint", f["rate"], "/s", "empty endpoint", empty, 0.5),
        Figure("P1", "each acknowledged award once", passed=exact, note=note),
        Figure("P1", "where the CPU went", note=describe(cores)),
    ]


def measure_lag(bench: Bench) -> list[Figure]:
    from benchmarks.run import Figure

    f = _run(bench)
    return [
        Figure("lag", "projection lag under P1, max", f["lag_max"] * 1000, "ms",
               passed=f["lag_max"] < 1.0, note=f"need < 1 s (p99 {f['lag_p99'] * 1000:.0f} ms)")
    ]  # fmt: skip


def main() -> None:
    from tests.pgserver import start_postgres

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=20_000)
    args = parser.parse_args()
    server = start_postgres(keep_in=BENCH_DIR / "pg")
    try:
        data = generated(server, Spec(args.residents))
        url = server.create_database(f"p1_baselines_{uuid4().hex[:6]}")
        out: dict[str, Any] = {"raw commits/s, 16 clients": baselines.raw_commits(url, 16)}
        with serving(writer_env(data), projector=True) as base:
            out["empty endpoint req/s, 32 conn"] = baselines.empty_endpoint(base).rate
            out.update(figures_of(data, base))
    finally:
        server.stop()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
