"""Credentials kept in the server process, on both stores: a known token or session is not
looked up again, and anything that takes from a credential is refused on the next request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from pointsbank.db import Database
from pointsbank.domain.common import Role
from pointsbank.domain.community import Community
from tests.accounts_helpers import PASSWORD, issue_token, open_account, operator_command
from tests.integration.test_ledger import enrol, setup_street


class Spy:
    """Counts the statements that read credentials, and account loads, of real stores."""

    def __init__(self, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
        self.credential_reads = 0
        self.account_loads = 0
        db: Database = services.db
        query, find = db.query, services.accounts.find

        def counted_query(sql: str, params: Any = ()) -> Any:
            self.credential_reads += "api_tokens" in sql or "FROM sessions" in sql
            return query(sql, params)

        def counted_find(user_id: str) -> Any:
            self.account_loads += 1
            return find(user_id)

        monkeypatch.setattr(db, "query", counted_query)
        monkeypatch.setattr(services.accounts, "find", counted_find)

    def reads(self, call: Callable[[], Any]) -> tuple[int, int]:
        before = (self.credential_reads, self.account_loads)
        call()
        return self.credential_reads - before[0], self.account_loads - before[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_known_token_is_not_looked_up_again(
    services: Services, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_street(services)
    user_id = open_account(services, "clerk.c", Role.CLERK, "a").body["user_id"]
    token = issue_token(services, user_id).token
    spy = Spy(services, monkeypatch)

    def get() -> None:
        assert client.get("/communities", headers=bearer(token)).status_code == 200

    assert spy.reads(get) == (1, 1)
    assert spy.reads(get) == (0, 0)
    assert spy.reads(get) == (0, 0)


def test_a_known_session_is_not_looked_up_again_until_its_idle_clock_is_due(
    services: Services, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_street(services)
    open_account(services, "clerk.d", Role.CLERK, "a")
    login = {"username": "clerk.d", "password": PASSWORD}
    assert client.post("/ui/login", data=login, follow_redirects=False).status_code == 303
    spy = Spy(services, monkeypatch)

    def get() -> None:
        assert client.get("/me").status_code == 200

    assert spy.reads(get)[0] == 1
    assert spy.reads(get)[0] == 0


def test_every_change_to_a_credential_is_refused_on_the_next_request(
    services: Services, client: TestClient
) -> None:
    setup_street(services)
    user_id = open_account(services, "clerk.e", Role.CLERK, "a").body["user_id"]
    one, two, three = (issue_token(services, user_id, f"t{i}") for i in (1, 2, 3))
    for token in (one, two):
        assert client.get("/me", headers=bearer(token.token)).json()["role"] == "clerk"

    services.accounts.tokens.revoke(user_id, one.token_id, services.now())
    assert client.get("/me", headers=bearer(one.token)).status_code == 401
    assert client.get("/me", headers=bearer(two.token)).status_code == 200

    community = [Community.id_for("a")]
    services.accounts.change_role(operator_command(services), user_id, Role.STAFF, community)
    assert client.get("/me", headers=bearer(two.token)).json()["role"] == "staff"

    services.accounts.disable(operator_command(services), user_id)
    assert client.get("/me", headers=bearer(two.token)).status_code == 401
    assert client.get("/me", headers=bearer(three.token)).status_code == 401


def test_what_a_request_read_before_a_change_counted_meanwhile_is_not_kept(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request reads a token as live; before it keeps it, another process revokes it and
    another request of this process takes that change in: the first must not keep what it
    read, or the revoked token would be served from memory."""
    setup_street(services)
    user_id = open_account(services, "clerk.f", Role.CLERK, "a").body["user_id"]
    racing, other = issue_token(services, user_id, "racing"), issue_token(services, user_id)
    cache, tokens = services.signed_in, services.accounts.tokens
    lookup = tokens.lookup

    def read_then_lose_the_race(token: str) -> Any:
        found = lookup(token)
        monkeypatch.setattr(tokens, "lookup", lookup)
        tokens.revoke(user_id, racing.token_id, services.now())  # in another process
        assert cache.by_token(other.token, services.now()) is not None  # another request
        return found

    monkeypatch.setattr(tokens, "lookup", read_then_lose_the_race)
    assert cache.by_token(racing.token, services.now()) is not None  # as it read it
    assert cache.by_token(racing.token, services.now()) is None


def test_a_write_checks_its_credential_once(
    services: Services, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The auditors' guard and the route both ask who is writing: one answer per request, so
    one read of the change count (the only credential read a known token costs)."""
    staff = setup_street(services)
    resident = enrol(services, staff)
    user_id = open_account(services, "staff.g", Role.STAFF, "a").body["user_id"]
    token = issue_token(services, user_id).token
    assert client.get("/me", headers=bearer(token)).status_code == 200  # now known
    counted = services.signed_in.changes.count
    reads = []

    def count() -> int:
        reads.append(1)
        return counted()

    monkeypatch.setattr(services.signed_in.changes, "count", count)
    sent = client.post(
        f"/residents/{resident}/awards",
        json={"rule_code": "ONE", "quantity": 1},
        headers={**bearer(token), "Idempotency-Key": "k-once"},
    )
    assert sent.status_code == 201, sent.text
    assert len(reads) == 1
