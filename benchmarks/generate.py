"""Builds a large street on PostgreSQL in minutes, and keeps it for the next run.

The street's frame (rules, communities, grids, a staff account) goes through the application
as usual. The bulk, households of three residents each enrolled, joined, awarded points and
redeeming some, is built with the domain's own aggregates and encoded with the application's
own mapper (so the events decode and project like real ones), then COPYed into the event table
with the read models the projector would compute (ledger and annual tables), and the tracking
position set to the end. Residents have no personal data and redemptions no receipt aggregate.

The database is named by a fingerprint of the spec and the schema, so a second run reuses it.

Run: .venv/bin/python -m benchmarks.generate --residents 100000 [--events-per-resident 10]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from multiprocessing import Pool
from pathlib import Path
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

import psycopg

from api.services import open_services
from benchmarks.rows import Tables, household_block
from pointsbank.application import Command, PointsBank
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.registry import PersonalDataRegistry
from pointsbank.settings import Settings
from projections.migrate import migrate
from tests.pgserver import PostgresServer

# Bump when the generated events change, or when a migration must backfill from existing events:
# a reused street only has later migrations applied to it (see `generated`), not re-derived.
GENERATOR_VERSION = 2
BENCH_DIR = Path("var/bench")
RULES = (
    ("VOL", "志愿服务", Category.VOLUNTEER, 10),
    ("COUNCIL", "参加居民议事会", Category.COUNCIL, 5),
    ("NEIGHBOUR", "邻里互助", Category.NEIGHBOURLY, 3),
    ("CIVIC", "文明守法表现", Category.CIVIC, 2),
)
CHUNK = 2000  # households per COPY


@dataclass(frozen=True)
class Spec:
    residents: int
    events_per_resident: int = 10  # enrolled, joined, awards, one redemption
    communities: int = 20

    @property
    def households(self) -> int:
        return -(-self.residents // 3)

    def fingerprint(self) -> str:
        text = json.dumps([GENERATOR_VERSION, asdict(self)], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Generated:
    url: str
    token: str
    community_ids: list[str]
    residents: int
    events: int
    seconds: float  # how long building it took (0 when reused)
    reused: bool


def generated(server: PostgresServer, spec: Spec, log: Any = print) -> Generated:
    """The street for `spec` in `server`: reused when built before, else built now."""
    name = f"bench_{spec.fingerprint()}"
    url = server.url.rsplit("/", 1)[0] + f"/{name}"
    meta = _meta(server, name)
    if meta is not None:
        applied = migrate(url)  # new tables of later work; the generated events stay valid
        if applied:
            log(f"reusing {name}, with the migrations added since: {', '.join(applied)}")
        return Generated(url=url, reused=True, seconds=0.0, **meta)
    server.drop_database(name)
    server.create_database(name)
    started = time.perf_counter()
    frame = _frame(url, spec.communities)
    log(f"generating {spec.residents} residents in {spec.communities} communities into {name}")
    events = _bulk(url, spec, frame)
    seconds = time.perf_counter() - started
    meta = {
        "token": frame["token"],
        "community_ids": frame["community_ids"],
        "residents": spec.residents,
        "events": events,
    }
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CREATE TABLE bench_meta (meta TEXT NOT NULL)")
        conn.execute("INSERT INTO bench_meta VALUES (%s)", (json.dumps(meta),))
    return Generated(url=url, reused=False, seconds=seconds, **meta)


def _meta(server: PostgresServer, name: str) -> dict[str, Any] | None:
    url = server.url.rsplit("/", 1)[0] + f"/{name}"
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT meta FROM bench_meta").fetchone()
    except psycopg.Error:
        return None
    return cast(dict[str, Any], json.loads(row[0])) if row else None


def _frame(url: str, communities: int) -> dict[str, Any]:
    """Rules, communities with a grid each and a street-wide admin token, the usual way."""
    services = open_services(Settings(database_url=url, inprocess_projector=True))
    try:
        at = datetime.now(UTC)
        admin = Actor("bench-admin", Role.ADMIN)
        ctx = Context(admin, at, date(2025, 12, 20))

        def cmd(key: str) -> Command:
            return Command(ctx=ctx, key=f"bench:{key}", fingerprint=f"bench:{key}")

        for code, name, category, points in RULES:
            services.bank.define_rule(cmd(f"rule:{code}"), code, name, category, points)
        community_ids = []
        for number in range(communities):
            code = f"c{number:03d}"
            services.bank.register_community(cmd(f"community:{code}"), code, f"社区{number}")
            community_id = Community.id_for(code)
            services.bank.add_grid(cmd(f"grid:{code}"), community_id, "g1", "第一网格")
            community_ids.append(str(community_id))
        token = services.accounts.issue("bench-admin", Role.ADMIN, at).token
        services.projector.catch_up()
        return {"token": token, "community_ids": community_ids}
    finally:
        services.close()


def _bulk(url: str, spec: Spec, frame: dict[str, Any]) -> int:
    """COPY the households' events and read models, in parallel chunks; returns the events."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT COALESCE(MAX(notification_id), 0) FROM pointsbank_events")
        base = int(cast(tuple[int], row.fetchone())[0])
    per_household = 1 + 3 * spec.events_per_resident
    jobs = [
        (url, spec, frame["community_ids"], start, min(start + CHUNK, spec.households), base)
        for start in range(0, spec.households, CHUNK)
    ]
    with Pool(2) as pool:
        for _ in pool.imap_unordered(_copy_chunk, jobs):
            pass
    end = base + spec.households * per_household
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT setval('pointsbank_events_notification_id_seq', %s)", (end,))
        conn.execute("UPDATE projection_tracking SET position = %s", (end,))
    return end


_MAPPER: Any = None


def _mapper() -> Any:
    global _MAPPER
    if _MAPPER is None:  # the application's own mapper, without a store behind it
        app = PointsBank(
            {"PERSISTENCE_MODULE": "eventsourcing.popo"}, cast(PersonalDataRegistry, None)
        )
        _MAPPER = app.mapper
    return _MAPPER


def _copy_chunk(job: tuple[str, Spec, list[str], int, int, int]) -> None:
    url, spec, community_ids, first, last, base = job
    mapper = _mapper()
    tables = Tables()
    per_household = 1 + 3 * spec.events_per_resident
    for number in range(first, last):
        community = community_ids[number % len(community_ids)]
        events = household_block(
            _uuid(f"h{number}"),
            [_uuid(f"r{number}:{k}") for k in range(3)],
            UUID(community),
            number,
            spec.events_per_resident,
        )
        position = base + number * per_household
        for event in events:
            position += 1
            stored = mapper.to_stored_event(event)
            tables.add_event(position, stored)
            tables.project(event, position)
    tables.copy(url)


def _uuid(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"pointsbank-bench:{name}")


def main() -> None:
    from tests.pgserver import start_postgres

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--events-per-resident", type=int, default=10)
    parser.add_argument("--communities", type=int, default=20)
    args = parser.parse_args()
    spec = Spec(args.residents, args.events_per_resident, args.communities)
    server = start_postgres(keep_in=BENCH_DIR / "pg")
    try:
        data = generated(server, spec)
        print(json.dumps({**asdict(data), "token": "…"}, indent=2))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
