"""Erased means gone from disk: after `DELETE /residents/{id}/personal-data` the name and phone
are in no byte of the store's files (SQLite file and -wal; PostgreSQL relation files), while
the ledger stays whole and verifiable."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.auditing import verify_all
from api.cli import app as cli
from api.services import Services
from tests.pgserver import PostgresServer
from tests.street import Street, build_street

NAME, PHONE, ID_CARD = "测试抹除甲乙丙", "13912345678", "11010519491231002X"
SECRETS = (NAME, PHONE, ID_CARD)


def _pieces(secret: str) -> list[bytes]:
    """The secret and its fragments: a freed cell loses only its first bytes to a header."""
    width = 2 if not secret.isascii() else 8
    return [secret[i : i + width].encode() for i in range(len(secret) - width + 1)]


def _store_files(services: Services, request: pytest.FixtureRequest) -> list[Path]:
    """Every file that holds this test's database, with all the data flushed into them."""
    url = services.settings.database_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return [path, Path(f"{path}-wal"), Path(f"{path}-journal")]
    server: PostgresServer = request.getfixturevalue("pg_server")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # the shared buffers reach the relation files
        row = conn.execute(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).fetchone()
    assert row is not None
    return sorted((server.data_dir / "base" / str(row[0])).rglob("*"))


def _found(files: list[Path]) -> dict[str, list[str]]:
    """Each secret some piece of which is still on disk, with the files that hold it."""
    where: dict[str, list[str]] = {}
    for file in (f for f in files if f.is_file()):
        raw = file.read_bytes()
        for secret in SECRETS:
            if any(piece in raw for piece in _pieces(secret)):
                where.setdefault(secret, []).append(file.name)
    return where


def _analyze(services: Services) -> None:
    """What autovacuum does on a busy street: collect column statistics of the registry."""
    url = services.settings.database_url
    if not url.startswith("sqlite:///"):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE personal_data")


def _search(street: Street, text: str) -> list[str]:
    found = street.call("GET", f"/residents?q={text}", "staff_a")
    assert found.status_code == 200, found.text
    return [row["name"] for row in found.json()]


def test_erased_personal_data_is_in_no_byte_of_the_store(
    client: TestClient, services: Services, request: pytest.FixtureRequest
) -> None:
    street = build_street(client, services)
    resident = street.enrol(name=NAME, phone=PHONE, id_card=ID_CARD)
    others = [street.enrol(name=f"邻居{i}", phone=f"1380000{i:04d}") for i in range(3)]
    street.award(resident)
    _analyze(services)
    assert _search(street, PHONE) == [NAME]
    assert set(_found(_store_files(services, request))) == set(SECRETS)  # probe works

    for other in others:
        street.award(other)
    erased = street.call("DELETE", f"/residents/{resident}/personal-data", "admin")
    assert erased.status_code == 200, erased.text
    street.award(resident, quantity=2)
    _analyze(services)

    assert _found(_store_files(services, request)) == {}
    assert _search(street, PHONE) == _search(street, NAME[:2]) == []
    assert street.ok("GET", f"/residents/{resident}", "admin")["name"] == "(已删除)"
    assert street.ok("GET", f"/residents/{others[0]}", "admin")["name"] == "邻居0"
    assert street.balance(resident) == 30
    services.chain.catch_up()
    assert verify_all(services).ok


def test_the_erasure_step_can_be_rerun_from_the_command_line(
    client: TestClient,
    services: Services,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    street = build_street(client, services)
    resident = street.enrol(name=NAME, phone=PHONE)
    services.registry.erase(uuid.UUID(resident), services.now())  # as if the step gave up
    monkeypatch.setenv("POINTSBANK_DATABASE_URL", services.settings.database_url)
    done = CliRunner().invoke(cli, ["erase-compact"])
    assert done.exit_code == 0 and "gone from the database files" in done.output, done.output
    assert _found(_store_files(services, request)) == {}


def test_a_reader_open_across_the_erasure_delays_the_step_without_failing_it(
    client: TestClient, services: Services, request: pytest.FixtureRequest
) -> None:
    street = build_street(client, services)
    resident = street.enrol(name=NAME, phone=PHONE)
    with _open_snapshot(services.settings.database_url):
        erased = street.call("DELETE", f"/residents/{resident}/personal-data", "admin")
        assert erased.status_code == 200, erased.text  # recorded, so never reported as failed
        assert not services.registry.compact(wait=0.2)  # the old row is still visible to the reader
    assert NAME in _found(_store_files(services, request))
    assert services.registry.compact()
    assert _found(_store_files(services, request)) == {}


@contextmanager
def _open_snapshot(url: str) -> Iterator[None]:
    """Another session in the middle of a long read that began before the erasure."""
    if url.startswith("sqlite:///"):
        lite = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        lite.execute("BEGIN")
        lite.execute("SELECT count(*) FROM residents").fetchone()
        yield
        lite.rollback()
        lite.close()
        return
    with psycopg.connect(url) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        conn.execute("SELECT count(*) FROM residents").fetchone()
        yield
        conn.rollback()
