"""Two real server processes redeeming against one database (invariant 2 across processes)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest

from api.services import Services
from pointsbank.domain.common import Role
from pointsbank.domain.goods import Goods
from pointsbank.domain.resident import Resident
from tests.conftest import stored_events
from tests.integration.test_counter import COMMUNITY, Shop
from tests.integration.test_ledger import setup_street

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "POINTSBANK_DATABASE_URL": database_url}
    uvicorn = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"]
    process = subprocess.Popen(
        [*uvicorn, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server process exited"
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"server at {base} did not start")


@pytest.fixture
def servers(services: Services) -> Iterator[list[str]]:
    started = [start_server(services.settings.database_url) for _ in range(2)]
    try:
        for process, base in started:
            wait_until_up(base, process)
        yield [base for _, base in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_two_server_processes_never_overdraw_points_or_stock(
    services: Services, servers: list[str]
) -> None:
    shop = Shop(services, setup_street(services))
    rice, oil = shop.goods("大米", price=5, stock=1000), shop.goods("油", price=1, stock=6)
    rich, poor = shop.resident(1000), shop.resident(5 * 8 + 4)
    token = services.accounts.issue("clerk", Role.CLERK, datetime.now(UTC), COMMUNITY).token

    def redeem(resident: UUID, goods: UUID, server: int, key: str | None = None) -> httpx.Response:
        body = {"resident_id": str(resident), "items": [{"goods_id": str(goods), "quantity": 1}]}
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key or str(uuid4())}
        url = f"{servers[server % 2]}/redemptions"
        return httpx.post(url, json=body, headers=headers, timeout=60)

    def attempt(i: int) -> httpx.Response:
        # Alternate residents, and send each resident's requests to both processes.
        return redeem(*((poor, rice) if i % 2 else (rich, oil)), server=i // 2)

    with ThreadPoolExecutor(max_workers=64) as pool:
        responses = list(pool.map(attempt, range(64)))
    assert {r.status_code for r in responses} <= {201, 409, 422}, [r.text for r in responses]
    poor_ok = [r for i, r in enumerate(responses) if i % 2 and r.status_code == 201]
    rich_ok = [r for i, r in enumerate(responses) if not i % 2 and r.status_code == 201]
    assert (len(poor_ok), len(rich_ok)) == (8, 6)
    refusals = {r.json()["type"].rsplit("/", 1)[1] for r in responses if r.status_code != 201}
    assert refusals == {"insufficient-points", "out-of-stock"}
    bank = services.bank
    assert (
        bank.get(Resident, poor, "resident").balance,
        bank.get(Resident, rich, "resident").balance,
    ) == (4, 994)
    assert (bank.get(Goods, oil, "goods").stock, bank.get(Goods, rice, "goods").stock) == (0, 992)

    with ThreadPoolExecutor(max_workers=16) as pool:
        retries = list(pool.map(lambda i: redeem(rich, rice, i, key="dropped"), range(16)))
    assert {r.status_code for r in retries} == {201}
    assert len({r.json()["receipt_id"] for r in retries}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in retries) == 15
    redeemed = [e for e in stored_events(services) if isinstance(e, Resident.PointsRedeemed)]
    assert len(redeemed) == 8 + 6 + 1
    assert bank.get(Resident, rich, "resident").balance == 989
