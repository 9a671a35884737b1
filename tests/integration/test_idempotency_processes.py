"""Copies of one request under one Idempotency-Key sent at once to two real server processes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from uuid import UUID

import httpx
import pytest

from api.services import Services
from pointsbank.domain.common import Role
from tests.integration.test_counter import COMMUNITY, Shop
from tests.integration.test_counter_processes import servers  # noqa: F401  (fixture)
from tests.integration.test_idempotency_races import COPIES, redemptions
from tests.integration.test_ledger import setup_street
from tests.pgserver import PostgresServer


def error_lines_since(request: pytest.FixtureRequest, services: Services, mark: int) -> list[str]:
    """ERROR lines the PostgreSQL server logged after `mark` (none to read on SQLite)."""
    if not services.settings.database_url.startswith("postgresql"):
        return []
    server: PostgresServer = request.getfixturevalue("pg_server")
    with server.log_path.open("rb") as log:
        log.seek(mark)
        return [
            line for line in log.read().decode(errors="replace").splitlines() if "ERROR" in line
        ]


def log_mark(request: pytest.FixtureRequest, services: Services) -> int:
    if not services.settings.database_url.startswith("postgresql"):
        return 0
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.log_path.stat().st_size


def test_copies_sent_to_two_processes_execute_once_and_answer_alike(
    request: pytest.FixtureRequest,
    services: Services,
    servers: list[str],  # noqa: F811
) -> None:
    shop = Shop(services, setup_street(services))
    token = services.accounts.issue("clerk", Role.CLERK, datetime.now(UTC), COMMUNITY).token
    last, scarce = shop.goods("油", price=10, stock=1), shop.goods("米", price=10, stock=1)
    residents = [shop.resident(10), shop.resident(10), shop.resident(10)]
    mark = log_mark(request, services)
    start = threading.Barrier(COPIES)

    def send(i: int, key: str, resident: UUID, goods: UUID) -> tuple[int, str]:
        body = {"resident_id": str(resident), "items": [{"goods_id": str(goods), "quantity": 1}]}
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        start.wait()
        response = httpx.post(
            f"{servers[i % 2]}/redemptions", json=body, headers=headers, timeout=60
        )
        return response.status_code, response.text

    with ThreadPoolExecutor(max_workers=COPIES) as pool:
        same = list(pool.map(lambda i: send(i, "one-basket", residents[0], last), range(COPIES)))
    assert len(set(same)) == 1 and same[0][0] == 201, same

    def rival_bodies(i: int) -> tuple[int, str]:
        return send(i, "shared-key", residents[1 + (i % 4 < 2)], scarce)

    with ThreadPoolExecutor(max_workers=COPIES) as pool:
        mixed = list(pool.map(rival_bodies, range(COPIES)))
    groups = [{mixed[i] for i in range(COPIES) if (i % 4 < 2) == flag} for flag in (True, False)]
    statuses = sorted(next(iter(g))[0] for g in groups)
    assert [len(g) for g in groups] == [1, 1] and statuses == [201, 422], mixed
    assert all("idempotency-key-reused" in text for status, text in mixed if status == 422)
    assert redemptions(services) == 2
    assert (shop.stock(last), shop.stock(scarce)) == (0, 0)
    assert error_lines_since(request, services, mark) == []
