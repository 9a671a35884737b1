"""Queries on a real PostgreSQL streaming replica, commands on the primary, read-your-writes by
log position: replay is paused on the replica to make it lag on purpose."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.positions import REQUEST_HEADER, RESPONSE_HEADER
from api.services import Services, open_services
from pointsbank.reads import ReplicaReads
from pointsbank.settings import Settings
from tests.pgserver import PostgresServer
from tests.street import Street, build_street


def _wait_for_database(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2) as conn:
                conn.execute("SELECT position FROM projection_tracking").fetchall()
                return
        except psycopg.Error:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture
def replicated(pg_server: PostgresServer, pg_replica: PostgresServer) -> Iterator[Services]:
    url = pg_server.create_database(f"replicated_{uuid.uuid4().hex[:8]}")
    read_url = url.replace(f":{pg_server.port}/", f":{pg_replica.port}/")
    settings = Settings(database_url=url, read_database_url=read_url, read_wait_seconds=0.3)
    services = open_services(settings)
    _wait_for_database(read_url)
    yield services
    services.close()


def replay(replica: PostgresServer, action: str) -> None:
    with psycopg.connect(replica.url, autocommit=True) as conn:
        conn.execute(f"SELECT pg_wal_replay_{action}()")


def caught_up(primary: PostgresServer, replica: PostgresServer) -> None:
    """Wait until the replica has replayed everything the primary has written so far, so that the
    test starts its pause from a known state however loaded the machine is."""
    # The insert position, not the write position: with synchronous_commit off (as the tests run
    # the server) a commit's WAL may still sit in the buffers, before `pg_current_wal_lsn()`.
    with psycopg.connect(primary.url, autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]  # type: ignore[index]
    deadline = time.monotonic() + 30
    with psycopg.connect(replica.url, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
            ).fetchone()
            if row and row[0]:
                return
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.05)


def award(street: Street, resident: str) -> int:
    body = {"rule_code": "VOL", "occurred_on": "2025-03-01", "quantity": 1}
    response = street.call("POST", f"/residents/{resident}/awards", "staff_a", body)
    assert response.status_code == 201, response.text
    return int(response.headers[RESPONSE_HEADER])


def balance(street: Street, resident: str, after: int | None = None) -> int:
    headers = {"Authorization": f"Bearer {street.tokens['staff_a']}"}
    if after is not None:
        headers[REQUEST_HEADER] = str(after)
    response = street.client.get(f"/residents/{resident}/balance", headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["balance"])


def test_reads_that_name_a_write_see_it_while_others_read_the_lagging_replica(
    replicated: Services, pg_server: PostgresServer, pg_replica: PostgresServer
) -> None:
    reads = replicated.reads
    assert isinstance(reads, ReplicaReads)
    with TestClient(create_app(replicated.settings, replicated)) as client:
        street = build_street(client, replicated)
        resident = street.enrol()
        assert balance(street, resident, award(street, resident)) == 10
        caught_up(pg_server, pg_replica)
        replay(pg_replica, "pause")
        try:
            fallbacks = reads.fallbacks
            position = award(street, resident)
            assert balance(street, resident) == 10  # the replica answered, as it stands
            assert balance(street, resident, position) == 20  # the primary, after the wait
            assert reads.fallbacks == fallbacks + 1
            reads.wait_seconds = 10
            position = award(street, resident)
            threading.Timer(0.3, replay, (pg_replica, "resume")).start()
            assert balance(street, resident, position) == 30  # the replica, once it replayed
            assert reads.fallbacks == fallbacks + 1
        finally:
            replay(pg_replica, "resume")
