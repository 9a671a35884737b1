"""Two real server processes on one database: a revoked token, a disabled account's session and
tokens, a session signed out, a changed role or password, reach the other process at once,
though each keeps the credentials it has seen in memory (`pointsbank.credential_cache`)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import pytest

from api.auth import COOKIE
from api.services import Services
from pointsbank.credentials import OpenSession
from pointsbank.domain.common import Role
from tests.accounts_helpers import PASSWORD, issue_token, open_account
from tests.integration.test_counter_processes import start_server, wait_until_up
from tests.integration.test_ledger import setup_street


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


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_revocation_and_disabling_reach_every_process_at_once(
    services: Services, servers: list[str]
) -> None:
    setup_street(services)
    user_id = open_account(services, "clerk.a", Role.CLERK, "a").body["user_id"]
    admin = issue_token(services, open_account(services, "boss", Role.ADMIN).body["user_id"]).token
    one, two = (issue_token(services, user_id, f"t{i}") for i in (1, 2))
    a, b = servers
    assert [httpx.get(f"{s}/me", headers=bearer(one.token)).status_code for s in servers] == [
        200,
        200,
    ]
    revoked = httpx.delete(
        f"{a}/account/tokens/{one.token_id}",
        headers={**bearer(two.token), "Idempotency-Key": "revoke-one"},
    )
    assert revoked.status_code == 204
    assert httpx.get(f"{b}/me", headers=bearer(one.token)).status_code == 401

    with httpx.Client(base_url=b) as browser:
        signed_in = browser.post("/ui/login", data={"username": "clerk.a", "password": PASSWORD})
        assert signed_in.status_code == 303
        assert browser.get("/me").json()["name"] == "clerk.a"
        disabled = httpx.post(
            f"{a}/accounts/{user_id}/disable",
            headers={**bearer(admin), "Idempotency-Key": "disable-clerk"},
        )
        assert disabled.status_code == 200, disabled.text
        assert browser.get("/me").status_code == 401
    assert httpx.get(f"{b}/me", headers=bearer(two.token)).status_code == 401


def test_sign_out_role_and_password_changes_reach_a_warm_process_at_once(
    services: Services, servers: list[str]
) -> None:
    """Process B has the session and the token in memory; the changes come from process A
    and from this (third) process, and B's very next request sees each of them."""
    setup_street(services)
    admin = issue_token(services, open_account(services, "boss", Role.ADMIN).body["user_id"]).token
    user_id = open_account(services, "clerk.b", Role.CLERK, "a").body["user_id"]
    token = issue_token(services, user_id).token
    a, b = servers
    login = {"username": "clerk.b", "password": PASSWORD}

    with httpx.Client(base_url=b) as browser:
        assert browser.post("/ui/login", data=login).status_code == 303
        assert [browser.get("/me").status_code for _ in range(2)] == [200, 200]
        session = OpenSession(browser.cookies[COOKIE], user_id, "")
        services.sign_in.sign_out(session, "test", services.now())
        assert browser.get("/me").status_code == 401

    assert [httpx.get(f"{b}/me", headers=bearer(token)).json()["role"] for _ in range(2)] == [
        "clerk",
        "clerk",
    ]
    changed = httpx.post(
        f"{a}/accounts/{user_id}/role",
        json={"role": "staff", "community": "a"},
        headers={**bearer(admin), "Idempotency-Key": "promote"},
    )
    assert changed.status_code == 200, changed.text
    assert httpx.get(f"{b}/me", headers=bearer(token)).json()["role"] == "staff"

    with httpx.Client(base_url=b) as browser:
        assert browser.post("/ui/login", data=login).status_code == 303
        assert [browser.get("/me").status_code for _ in range(2)] == [200, 200]
        new = {"current_password": PASSWORD, "new_password": "another fine passphrase"}
        changed = httpx.post(
            f"{a}/account/password",
            json=new,
            headers={**bearer(token), "Idempotency-Key": "new-password"},
        )
        assert changed.status_code == 200, changed.text
        assert browser.get("/me").status_code == 401
