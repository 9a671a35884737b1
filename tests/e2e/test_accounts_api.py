"""Accounts over HTTP on both stores: sessions, CSRF, the resident role, tokens, the matrix."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from pointsbank.domain.common import Role
from tests.accounts_helpers import PASSWORD, open_account, sign_in
from tests.conftest import event_count
from tests.street import Street, build_street


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    street = build_street(client, services)
    resident = street.enrol()
    open_account(services, "ju.min", Role.RESIDENT, "a", uuid.UUID(resident))
    for name, role, community in (("boss", Role.ADMIN, None), ("desk.a", Role.STAFF, "a")):
        open_account(services, name, role, community)
    return street


def post(client: TestClient, path: str, body: Any = None, **headers: str) -> Any:
    return client.post(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4()), **headers})


def test_the_session_cookie_reads_and_writes_only_with_the_csrf_token(
    client: TestClient, street: Street, services: Services
) -> None:
    csrf = sign_in(client, "desk.a")
    assert client.get("/me").json()["name"] == "desk.a"
    body = {"community_id": street.communities["a"], "grid": "g1", "name": "李四"}
    before = event_count(services)
    refused = post(client, "/residents", body)
    assert (refused.status_code, refused.json()["type"].rsplit("/", 1)[1]) == (403, "csrf")
    wrong = post(client, "/residents", body, **{"X-CSRF-Token": "forged"})
    cross = post(
        client, "/residents", body, **{"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"}
    )
    elsewhere = post(
        client, "/residents", body, **{"X-CSRF-Token": csrf, "Origin": "http://evil.example"}
    )
    assert [r.status_code for r in (wrong, cross, elsewhere)] == [403, 403, 403]
    assert event_count(services) == before
    assert post(client, "/residents", body, **{"X-CSRF-Token": csrf}).status_code == 201


def test_a_bearer_token_needs_no_csrf_token(street: Street) -> None:
    response = street.call(
        "POST",
        "/residents",
        "staff_a",
        json={"community_id": street.communities["a"], "grid": "g1", "name": "王五"},
    )
    assert response.status_code == 201


def test_sign_out_ends_the_session(client: TestClient, street: Street) -> None:
    csrf = sign_in(client, "desk.a")
    cookie = client.cookies.get("pb_session")
    assert client.post("/ui/logout", data={"csrf_token": csrf}).url.path == "/ui/login"
    client.cookies.set("pb_session", cookie or "")
    assert client.get("/me").status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/communities"),
        ("GET", "/rules"),
        ("GET", "/goods"),
        ("GET", "/approvals"),
        ("POST", "/residents"),
        ("GET", "/accounts"),
        ("GET", "/sign-ins"),
    ],
)
def test_a_resident_account_may_not_use_the_staff_api(
    client: TestClient, street: Street, method: str, path: str
) -> None:
    csrf = sign_in(client, "ju.min")
    response = client.request(
        method, path, json={}, headers={"X-CSRF-Token": csrf, "Idempotency-Key": "k"}
    )
    assert response.status_code == 403, response.text
    assert client.get("/me").json()["role"] == "resident"


MATRIX = {  # who may list accounts / open a staff account / read the sign-in log
    "admin": (200, 201, 200),
    "auditor": (200, 403, 200),
    "staff_a": (200, 403, 403),
    "clerk_a": (403, 403, 403),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_accounts_matrix(street: Street, who: str) -> None:
    listed = street.call("GET", "/accounts", who)
    opened = street.call(
        "POST",
        "/accounts",
        who,
        json={
            "name": f"new.{who}",
            "display_name": "新人",
            "role": "staff",
            "community": "a",
            "password": "a fine long password",
        },
    )
    log = street.call("GET", "/sign-ins", who)
    assert (listed.status_code, opened.status_code, log.status_code) == MATRIX[who], opened.text
    if who == "staff_a":
        communities = {a["community"] for a in listed.json()["accounts"]}
        assert communities == {"a"}


def test_staff_open_and_reset_residents_accounts_of_their_community_only(street: Street) -> None:
    resident_b = street.enrol("staff_b", "b")
    body = {
        "name": "ju.b",
        "display_name": "居民",
        "role": "resident",
        "community": "b",
        "resident_id": resident_b,
        "password": "a fine long password",
    }
    assert street.call("POST", "/accounts", "staff_a", json=body).status_code == 404
    assert street.call("POST", "/accounts", "staff_b", json=body).status_code == 201
    ju_min = street.call("GET", "/accounts?q=ju.min", "staff_a").json()["accounts"][0]["user_id"]
    reset = {"password": "temporary password"}
    assert (
        street.call("POST", f"/accounts/{ju_min}/password-reset", "staff_b", json=reset).status_code
        == 404
    )
    assert (
        street.call("POST", f"/accounts/{ju_min}/password-reset", "staff_a", json=reset).status_code
        == 200
    )


def test_after_a_reset_only_a_password_change_is_possible(
    client: TestClient, street: Street
) -> None:
    desk = street.call("GET", "/accounts?q=desk.a", "admin").json()["accounts"][0]["user_id"]
    reset = street.call(
        "POST", f"/accounts/{desk}/password-reset", "admin", json={"password": "temporary password"}
    )
    assert reset.status_code == 200
    csrf = sign_in(client, "desk.a", "temporary password")
    headers = {"X-CSRF-Token": csrf}
    assert client.get("/communities").json()["type"].endswith("password-change-required")
    change = {"current_password": "temporary password", "new_password": "my very own one"}
    assert post(client, "/account/password", change, **headers).status_code == 200
    assert client.get("/communities").status_code == 200


def test_tokens_are_shown_once_listed_without_secret_and_refused_once_revoked(
    client: TestClient, street: Street
) -> None:
    csrf = sign_in(client, "desk.a")
    created = post(client, "/account/tokens", {"label": "扫码枪"}, **{"X-CSRF-Token": csrf})
    assert created.status_code == 201
    token = created.json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/communities", headers=bearer).status_code == 200
    listed = client.get("/account/tokens").json()
    assert [t["label"] for t in listed] == ["扫码枪"] and token not in str(listed)
    revoke = client.delete(
        f"/account/tokens/{created.json()['token_id']}",
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert revoke.status_code == 204
    assert client.get("/communities", headers=bearer).status_code == 401


def test_disabling_throws_a_signed_in_user_out(client: TestClient, street: Street) -> None:
    sign_in(client, "desk.a")
    desk = street.call("GET", "/accounts?q=desk.a", "admin").json()["accounts"][0]["user_id"]
    assert street.call("POST", f"/accounts/{desk}/disable", "admin").status_code == 200
    assert client.get("/me").status_code == 401
    assert (
        client.post("/ui/login", data={"username": "desk.a", "password": PASSWORD}).status_code
        == 401
    )


def test_root_leads_to_the_sign_in_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.url.path == "/ui/login"
    assert "用户名" in response.text and "密码" in response.text and "登录" in response.text


SESSION_MATRIX = [  # the authorisation matrix again, signed in by the session cookie
    ("sess.staff.a", Role.STAFF, "a", 201, 200),
    ("sess.staff.b", Role.STAFF, "b", 404, 404),  # another community's resident: unknown
    ("sess.clerk.a", Role.CLERK, "a", 403, 200),
    ("sess.auditor", Role.AUDITOR, None, 403, 200),
    ("sess.admin", Role.ADMIN, None, 403, 200),
    ("ju.min", Role.RESIDENT, "a", 403, 404),  # another resident: unknown to a resident
]


def test_the_authorisation_matrix_holds_for_sessions(
    client: TestClient, street: Street, services: Services
) -> None:
    resident = street.enrol()
    body = {"rule_code": "VOL", "occurred_on": "2026-11-01"}
    for name, role, community, award, read in SESSION_MATRIX:
        if role is not Role.RESIDENT:
            open_account(services, name, role, community)
        csrf = sign_in(client, name)
        headers = {"X-CSRF-Token": csrf}
        awarded = post(client, f"/residents/{resident}/awards", body, **headers)
        seen = client.get(f"/residents/{resident}")
        assert (awarded.status_code, seen.status_code) == (award, read), (name, awarded.text)
    assert street.balance(resident) == 10


def test_linking_to_a_missing_or_elsewhere_resident_is_refused_over_http(
    street: Street, services: Services
) -> None:
    resident_b = street.enrol("staff_b", "b")
    before = event_count(services)
    for resident in (str(uuid.uuid4()), resident_b):
        body = {
            "name": "li.na",
            "display_name": "李娜",
            "role": "staff",
            "community": "a",
            "resident_id": resident,
            "password": "a fine long password",
        }
        response = street.call("POST", "/accounts", "admin", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == "resident_id"
    assert event_count(services) == before
    assert street.call("GET", "/accounts?q=li.na", "admin").json()["total"] == 0


def test_control_characters_never_reach_the_store(
    client: TestClient, street: Street, services: Services
) -> None:
    before = event_count(services)
    body = {
        "name": "li.na",
        "display_name": "李\x00娜",
        "role": "admin",
        "password": "a fine pw 123",
    }
    assert street.call("POST", "/accounts", "admin", json=body).status_code == 422
    assert event_count(services) == before
    assert street.call("GET", "/accounts?q=a%00b", "admin").status_code == 200
    login = client.post("/ui/login", data={"username": "de\x00sk.a", "password": "x"})
    assert login.status_code == 401
    csrf = sign_in(client, "desk.a")
    token = post(client, "/account/tokens", {"label": "扫\x00码"}, **{"X-CSRF-Token": csrf})
    assert token.status_code == 422


@pytest.mark.parametrize("https", [False, True])
def test_the_session_cookie_is_httponly_lax_and_secure_over_https(
    client: TestClient, street: Street, services: Services, https: bool
) -> None:
    services.settings = services.settings.model_copy(update={"https": https})
    response = client.post(
        "/ui/login", data={"username": "desk.a", "password": PASSWORD}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("pb_session=") and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert ("Secure" in cookie) is https
    stored = services.db.query("SELECT session_hash FROM sessions")
    session_id = cookie.split(";")[0].split("=", 1)[1]
    assert [row["session_hash"] for row in stored] != [session_id]  # only its hash is kept
