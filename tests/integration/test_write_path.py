"""The write path without waiting on the projector: writes answer from the command's own result,
reads carrying a write's position see it, contended commands end in clean answers, and every
acknowledged award survives a kill -9 exactly once (real server processes, both stores)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.positions import COOKIE, REQUEST_HEADER, RESPONSE_HEADER
from api.services import Services, open_services
from pointsbank import commands
from pointsbank.domain.common import Role
from pointsbank.domain.resident import Resident
from tests.accounts_helpers import open_account, sign_in
from tests.conftest import stored_events
from tests.integration.test_counter import COMMUNITY, TODAY, Shop, command
from tests.integration.test_counter_processes import start_server, wait_until_up
from tests.integration.test_ledger import setup_street

AWARD = {"rule_code": "ONE", "quantity": 1}


def bearer(services: Services, role: Role) -> dict[str, str]:
    token = services.accounts.issue(f"{role.value}-{uuid4().hex[:6]}", role, datetime.now(UTC),
                                    COMMUNITY).token  # fmt: skip
    return {"Authorization": f"Bearer {token}"}


def test_a_write_answers_without_projecting_and_a_read_with_its_position_sees_it(
    services: Services,
) -> None:
    shop = Shop(services, setup_street(services))
    resident = shop.resident(5)
    services.projector.catch_up()
    headers = bearer(services, Role.STAFF)
    # The projector runs elsewhere (`pointsbank project`); here: this test, when it says so.
    apart = {"inprocess_projector": False, "read_wait_seconds": 30.0}
    server = open_services(services.settings.model_copy(update=apart), apply_migrations=False)
    path = f"/residents/{resident}/awards"
    try:
        with TestClient(create_app(server.settings, server)) as client:
            written = client.post(path, json=AWARD, headers={**headers, "Idempotency-Key": "k"})
            assert written.status_code == 201, written.text
            assert written.json()["balance"] == 6  # the aggregate's own balance
            position = written.headers[RESPONSE_HEADER]
            assert int(position) == services.bank.recorder.max_notification_id()

            as_it_stands = client.get(f"/residents/{resident}/balance", headers=headers)
            assert as_it_stands.json()["balance"] == 5  # the write waited for no projection
            threading.Timer(0.3, services.projector.catch_up).start()
            asked = {**headers, REQUEST_HEADER: position}
            mine = client.get(f"/residents/{resident}/balance", headers=asked)
    finally:
        server.close()
    assert mine.status_code == 200 and mine.json()["balance"] == 6
    assert "Read-Models-Lagging" not in mine.headers


def test_a_replayed_answer_carries_a_position_its_reads_wait_for(services: Services) -> None:
    """The first answer was lost on the network; the retry (same key) is answered from the
    record, and a read carrying its position still sees the change."""
    shop = Shop(services, setup_street(services))
    resident = shop.resident(5)
    services.projector.catch_up()
    headers = {**bearer(services, Role.STAFF), "Idempotency-Key": "lost"}
    apart = {"inprocess_projector": False, "read_wait_seconds": 30.0}
    server = open_services(services.settings.model_copy(update=apart), apply_migrations=False)
    path = f"/residents/{resident}/awards"
    try:
        with TestClient(create_app(server.settings, server)) as client:
            first = client.post(path, json=AWARD, headers=headers)
            retry = client.post(path, json=AWARD, headers=headers)
            assert retry.headers["Idempotent-Replayed"] == "true"
            position = retry.headers[RESPONSE_HEADER]
            assert int(position) >= int(first.headers[RESPONSE_HEADER])
            threading.Timer(0.3, services.projector.catch_up).start()
            asked = {"Authorization": headers["Authorization"], REQUEST_HEADER: position}
            mine = client.get(f"/residents/{resident}/balance", headers=asked)
    finally:
        server.close()
    assert mine.status_code == 200 and mine.json()["balance"] == 6


def test_a_read_naming_a_position_past_the_log_waits_no_longer_than_the_log(
    services: Services,
) -> None:
    shop = Shop(services, setup_street(services))
    resident = shop.resident(5)
    headers = {**bearer(services, Role.STAFF), REQUEST_HEADER: str(10**15)}
    with TestClient(create_app(services.settings, services)) as client:
        read = client.get(f"/residents/{resident}/balance", headers=headers)
    assert read.status_code == 200 and read.json()["balance"] == 5


def test_a_conflict_that_outlasts_every_retry_is_a_clean_409_in_chinese(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = Shop(services, setup_street(services))
    resident = shop.resident(5)
    monkeypatch.setattr(commands, "MAX_ATTEMPTS", 3)
    elsewhere = open_services(services.settings, apply_migrations=False)  # another process
    rivals = []

    def rival_first() -> None:  # a rival's award lands between this load and save, every time
        rivals.append(elsewhere.bank.award(command(shop.staff), resident, "ONE", 1, TODAY, ""))

    def decide() -> commands.Decision:
        loaded = services.bank.get(Resident, resident, "resident")
        loaded.redeem(uuid4(), 1, "兑换", command(shop.staff).ctx)
        return [loaded], 201, {}

    try:
        with pytest.raises(commands.Busy) as refused:
            services.bank.execute(command(shop.staff), decide, rival_first)
    finally:
        elsewhere.close()
    assert refused.value.status == 409 and len(rivals) == 3
    assert "同一记录正被其他同时提交的操作修改" in refused.value.detail
    assert shop.balance(resident) == 5 + 3  # the rivals' awards, and nothing of this command


def concurrently(calls: list[Callable[[], httpx.Response]], threads: int = 16) -> list[int]:
    start = threading.Barrier(threads)

    def run(call: Callable[[], httpx.Response]) -> int:
        start.wait(timeout=10)
        return call().status_code

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, calls))


def test_contended_redemptions_succeed_exactly_as_far_as_points_and_stock_go(
    services: Services,
) -> None:
    shop = Shop(services, setup_street(services))
    scarce = shop.goods("油", price=1, stock=7)
    dear = shop.goods("米", price=10, stock=1000)
    buyers = [shop.resident(100) for _ in range(4)]
    poor = shop.resident(55)  # five of `dear`
    headers = bearer(services, Role.CLERK)
    process, base = start_server(services.settings.database_url)
    try:
        wait_until_up(base, process)

        def redeem(resident: UUID, goods: UUID) -> Callable[[], httpx.Response]:
            items = [{"goods_id": str(goods), "quantity": 1}]
            body = {"resident_id": str(resident), "items": items}
            key = {"Idempotency-Key": str(uuid4())}
            return lambda: httpx.post(
                f"{base}/redemptions", json=body, headers={**headers, **key}, timeout=60
            )

        on_stock = concurrently([redeem(buyers[i % 4], scarce) for i in range(32)])
        on_balance = concurrently([redeem(poor, dear) for _ in range(32)])
    finally:
        process.terminate()
        process.wait(timeout=20)
    for statuses, affordable in ((on_stock, 7), (on_balance, 5)):
        assert statuses.count(201) == affordable, statuses
        assert set(statuses) <= {201, 409, 422}, statuses  # never a 503
    assert shop.stock(scarce) == 0 and shop.balance(poor) == 5


def test_every_acknowledged_award_is_recorded_exactly_once_after_a_kill_9(
    services: Services,
) -> None:
    shop = Shop(services, setup_street(services))
    residents = [shop.resident(0) for _ in range(4)]
    before = awards_in_log(services)
    headers = bearer(services, Role.STAFF)
    sent: dict[str, UUID] = {}
    acknowledged: dict[str, dict[str, Any]] = {}
    process, base = start_server(services.settings.database_url)
    wait_until_up(base, process)
    stop = threading.Event()

    def award_until_killed(worker: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while not stop.is_set():
                key, resident = str(uuid4()), residents[worker % len(residents)]
                sent[key] = resident
                try:
                    r = client.post(f"/residents/{resident}/awards", json=AWARD,
                                    headers={"Idempotency-Key": key})  # fmt: skip
                except httpx.TransportError:
                    return  # the server died mid-request: this one is unacknowledged
                assert r.status_code == 201, r.text
                acknowledged[key] = r.json()

    with ThreadPoolExecutor(8) as pool:
        running = [pool.submit(award_until_killed, i) for i in range(8)]
        while len(acknowledged) < 40:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
        stop.set()
        for done in running:
            done.result()

    process, base = start_server(services.settings.database_url)
    try:
        wait_until_up(base, process)
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for key, resident in sent.items():  # every request once more, as a client retries
                r = client.post(f"/residents/{resident}/awards", json=AWARD,
                                headers={"Idempotency-Key": key})  # fmt: skip
                assert r.status_code == 201, r.text
                if key in acknowledged:
                    assert r.headers.get("Idempotent-Replayed") == "true"
                    assert r.json() == acknowledged[key]
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert awards_in_log(services) - before == len(sent)  # each key once, acknowledged or not
    assert len(acknowledged) >= 40


def awards_in_log(services: Services) -> int:
    return sum(isinstance(e, Resident.PointsAwarded) for e in stored_events(services))


def test_a_page_that_records_a_change_shows_it_and_hands_its_position_to_the_next_page(
    services: Services,
) -> None:
    shop = Shop(services, setup_street(services))
    resident = shop.resident(5)
    open_account(services, "desk.w", Role.STAFF, "a")
    apart = {"inprocess_projector": False, "read_wait_seconds": 30.0}
    server = open_services(services.settings.model_copy(update=apart), apply_migrations=False)
    form = {"resident": str(resident), "rule_code": "ONE", "quantity": "1", "idempotency_key": "k",
            "occurred_on": TODAY.isoformat()}  # fmt: skip
    try:
        with TestClient(create_app(server.settings, server)) as client:
            csrf = sign_in(client, "desk.w")
            threading.Timer(0.5, services.projector.catch_up).start()  # the projector, elsewhere
            page = client.post("/ui/points/award", data={**form, "csrf_token": csrf})
    finally:
        server.close()
    assert page.status_code == 200, page.text
    assert '<strong id="balance">6</strong>' in page.text  # the read model, after the write
    position = services.bank.recorder.max_notification_id()
    assert f"{COOKIE}={position}" in page.headers["set-cookie"]
