"""Tokens and passwords as commands, on both stores: a retried token request makes no second
token, a replay never shows the secret again, and no secret or hash enters the event log."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Body
from api.services import Services
from pointsbank.credentials import digest
from pointsbank.domain.account import Account
from pointsbank.domain.common import Role
from tests.accounts_helpers import PASSWORD, csrf_of, issue_token, open_account, sign_in
from tests.conftest import event_count, stored_events
from tests.street import Street, build_street


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    street = build_street(client, services)
    open_account(services, "desk.a", Role.STAFF, "a")
    return street


def stored_bytes(services: Services) -> bytes:
    """Every event in the log (idempotency records included), as the store holds it."""
    notifications = services.bank.recorder.select_notifications(start=1, limit=10**9)
    return b"\n".join(n.state for n in notifications)


def assert_never_stored(services: Services, *secrets: str) -> None:
    log = stored_bytes(services)
    for secret in secrets:
        assert secret.encode() not in log, secret
        assert secret.encode("unicode_escape") not in log, secret


def tokens(client: TestClient, csrf: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = client.get(
        "/account/tokens", headers={"X-CSRF-Token": csrf}
    ).json()
    return listed


def create(client: TestClient, csrf: str, key: str, label: str = "扫码枪") -> Any:
    headers = {"X-CSRF-Token": csrf, "Idempotency-Key": key}
    return client.post("/account/tokens", json={"label": label}, headers=headers)


def test_a_retried_token_request_answers_the_same_token_without_its_secret(
    client: TestClient, street: Street, services: Services
) -> None:
    csrf = sign_in(client, "desk.a")
    first = create(client, csrf, "token-1")
    assert first.status_code == 201, first.text
    secret = first.json()["token"]
    before = event_count(services)
    retry = create(client, csrf, "token-1")
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["token_id"] == first.json()["token_id"]
    assert retry.json()["label"] == "扫码枪" and "token" not in retry.json()
    assert event_count(services) == before
    assert [t["token_id"] for t in tokens(client, csrf)] == [first.json()["token_id"]]
    assert client.get("/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    other = create(client, csrf, "token-1", label="另一个")
    assert other.status_code == 422 and event_count(services) == before


def test_no_token_secret_or_its_hash_enters_an_event_or_an_idempotency_record(
    client: TestClient, street: Street, services: Services
) -> None:
    csrf = sign_in(client, "desk.a")
    created = create(client, csrf, "token-2").json()
    user_id = str(Account.id_for("desk.a"))
    issued = issue_token(services, user_id, "cli")
    issued_events = [e for e in stored_events(services) if isinstance(e, Account.ApiTokenIssued)]
    assert str(uuid.UUID(created["token_id"])) in {str(e.token_id) for e in issued_events}
    for secret in (created["token"], issued.token):
        assert_never_stored(services, secret, digest(secret))


def test_a_retried_revocation_is_idempotent_and_anothers_token_is_unknown(
    client: TestClient, street: Street, services: Services
) -> None:
    csrf = sign_in(client, "desk.a")
    created = create(client, csrf, "token-3").json()
    bearer = {"Authorization": f"Bearer {created['token']}"}
    path = f"/account/tokens/{created['token_id']}"
    headers = {"X-CSRF-Token": csrf, "Idempotency-Key": "revoke-3"}
    assert client.delete(path, headers=headers).status_code == 204
    before = event_count(services)
    again = client.delete(path, headers=headers)
    assert again.status_code == 204 and again.headers["Idempotent-Replayed"] == "true"
    assert event_count(services) == before
    assert client.get("/me", headers=bearer).status_code == 401
    fresh = {**headers, "Idempotency-Key": "revoke-3-again"}
    assert client.delete(path, headers=fresh).status_code == 404  # no longer live
    mine = create(client, csrf, "token-4").json()["token_id"]
    assert street.call("DELETE", f"/account/tokens/{mine}", "admin").status_code == 404
    assert street.call("DELETE", f"/account/tokens/{uuid.uuid4()}", "admin").status_code == 404
    assert event_count(services) == before + 2  # token-4 and its key's record, nothing more
    assert [t["revoked_at"] is None for t in tokens(client, csrf)] == [True, False]


def test_a_resubmitted_token_form_makes_one_token_and_shows_its_secret_once(
    client: TestClient, street: Street, services: Services
) -> None:
    sign_in(client, "desk.a")
    page = client.get("/ui/tokens").text
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    form = {"label": "门禁", "days": "0", "csrf_token": csrf_of(page), "idempotency_key": key}
    first = client.post("/ui/tokens", data=form)
    assert first.status_code == 200 and 'id="new-token"' in first.text
    again = client.post("/ui/tokens", data=form)
    assert again.status_code == 200 and 'id="new-token"' not in again.text
    assert len(services.accounts.tokens.of(str(Account.id_for("desk.a")))) == 1


def test_passwords_and_their_hashes_never_enter_an_event(
    client: TestClient, street: Street, services: Services
) -> None:
    body = {"name": "li.si", "display_name": "李四", "role": "staff", "password": PASSWORD}
    body["community"] = "a"
    user_id = street.ok("POST", "/accounts", "admin", body)["user_id"]
    hashes = [services.accounts.passwords.hash_of(user_id)]
    reset = {"password": "temporary pass 1"}
    street.ok("POST", f"/accounts/{user_id}/password-reset", "admin", reset)
    hashes.append(services.accounts.passwords.hash_of(user_id))
    csrf = sign_in(client, "li.si", "temporary pass 1")
    change = {"current_password": "temporary pass 1", "new_password": "my very own one"}
    changed = client.post(
        "/account/password",
        json=change,
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert changed.status_code == 200, changed.text
    hashes.append(services.accounts.passwords.hash_of(user_id))
    page = client.get("/ui/password").text
    form = {
        "current_password": "my very own one",
        "new_password": "and yet another",
        "csrf_token": csrf_of(page),
    }
    assert client.post("/ui/password", data=form).status_code == 200
    hashes.append(services.accounts.passwords.hash_of(user_id))
    assert all(h and h.startswith("$argon2") for h in hashes) and len(set(hashes)) == 4
    secrets = [PASSWORD, "temporary pass 1", "my very own one", "and yet another"]
    assert_never_stored(services, *secrets, *[h for h in hashes if h])


def test_a_password_never_enters_a_fingerprint_whichever_entry_point(
    street: Street, services: Services
) -> None:
    """A retry that differs only in its password is the same request: the first answer."""
    body = {"name": "wang.wu", "display_name": "王五", "role": "auditor", "password": PASSWORD}
    first = street.call("POST", "/accounts", "admin", body, key="open-wang")
    assert first.status_code == 201, first.text
    retry = street.call("POST", "/accounts", "admin", {**body, "password": "x" * 20}, "open-wang")
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    create_app()  # every route's Body is defined
    bodies = list(_subclasses(Body))
    secret_fields = {(b.__name__, f) for b in bodies for f in b.model_fields if "password" in f}
    assert len(secret_fields) >= 4
    for cls, field in secret_fields:
        assert field in next(b for b in bodies if b.__name__ == cls).personal_fields

    class Forgetful(Body):  # a future body that forgets to declare its secret
        name: str
        old_password: str

    assert Forgetful(name="a", old_password="p").fingerprinted() == {"name": "a"}


def _subclasses(cls: type[Body]) -> list[type[Body]]:
    found: list[type[Body]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_entry_point_builds_a_commands_context_alike(services: Services) -> None:
    """The JSON API, the pages, the CLI and the operator's tokens all know the street's zone
    and first day: one place builds a command's context."""
    from api import account_cli, pages
    from api.auth import Authenticated

    account = services.accounts.find(open_account(services, "au.di", Role.AUDITOR).body["user_id"])
    assert account is not None
    actor = services.accounts.actor_of(account)
    user = Authenticated(actor, account, None)
    contexts = [
        pages.command(services, user, "k", {}).ctx,
        account_cli.command(services, "what").ctx,
        services.context(actor),
    ]
    opened_on = services.settings.street_opened_on
    for ctx in contexts:
        assert ctx.opened_on == opened_on
        assert ctx.today == ctx.at.astimezone(services.settings.zone).date()
