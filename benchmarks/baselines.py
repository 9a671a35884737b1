"""What the machine itself does, measured in the same run as the targets: raw single-row
commits (1 and 16 clients), COPY rows/s, reading and decoding stored events with the
application's own recorder and mapper, and the product's empty endpoint under 32 connections.
"""

from __future__ import annotations

import threading
import time
from typing import Any, cast

import psycopg

from api.services import open_services
from benchmarks.http_load import Load, load
from pointsbank.settings import Settings


def raw_commits(url: str, clients: int, seconds: float = 3.0) -> float:
    """Single-row INSERT + COMMIT per transaction, `clients` connections; commits/s."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute("CREATE TABLE bench_raw (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)")
    counts = [0] * clients
    stop = threading.Event()

    def client(i: int) -> None:
        with psycopg.connect(url) as conn:
            while not stop.is_set():
                conn.execute("INSERT INTO bench_raw (v) VALUES (%s)", ("x" * 40,))
                conn.commit()
                counts[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - started)


def copy_rows(url: str, rows: int = 200_000) -> float:
    """COPY of award-sheet-like rows into a table; rows/s."""
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute(
            "CREATE TABLE bench_copy (id BIGINT PRIMARY KEY, resident TEXT, rule TEXT, "
            "quantity INTEGER, occurred_on TEXT)"
        )
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_copy FROM STDIN") as copy:
            for i in range(rows):
                copy.write_row((i, f"resident-{i}", "VOL", 1 + i % 3, "2025-05-01"))
        conn.commit()
        return rows / (time.perf_counter() - started)


def read_decode(url: str, limit: int = 300_000) -> float:
    """Stored events read page by page and decoded with the application's mapper; events/s."""
    services = open_services(Settings(database_url=url, inprocess_projector=False))
    try:
        recorder, mapper = services.bank.recorder, services.bank.mapper
        started, done, start = time.perf_counter(), 0, 1
        while done < limit:
            page = recorder.select_notifications(start=start, limit=5000)
            if not page:
                break
            for notification in page:
                mapper.to_domain_event(notification)
            done += len(page)
            start = cast(Any, page[-1]).id + 1
        return done / (time.perf_counter() - started)
    finally:
        services.close()


def empty_endpoint(base: str, connections: int = 32, requests: int = 20_000) -> Load:
    """The product's cheapest endpoint (`/healthz`) under `connections` keep-alive clients."""
    load(base, ["/healthz"] * 200, connections, seconds=2)  # warm up
    return load(base, ["/healthz"] * requests, connections, seconds=8)
