"""The HTTP edge keeps its promises: problems never clash; the OpenAPI document tells the truth."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from api.problems import problem
from api.services import Services
from tests.conftest import event_count
from tests.street import Street, build_street

PROBLEM = "application/problem+json"
PROBLEM_TYPE = "https://pointsbank.example/problems/"
COMMAND_REFUSALS = {"400", "401", "403", "404", "409", "422", "503"}


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    from api.app import create_app

    document: dict[str, Any] = create_app().openapi()
    return document


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def test_a_duplicate_community_code_is_a_409_problem_not_a_500(
    street: Street, services: Services
) -> None:
    before = event_count(services)
    response = street.call("POST", "/communities", "admin", {"code": "a", "name": "又一个"})
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 409 and body["type"].endswith("/conflict")
    assert body["code"] == "a"
    assert event_count(services) == before


def test_extension_members_never_replace_the_problems_own_members() -> None:
    request = Request({"type": "http", "method": "POST", "path": "/x", "headers": []})
    extensions = {
        "code": "a",
        "status": 500,
        "type": "x",
        "on": date(2026, 1, 1),
        "id": UUID(int=1),
    }
    response = problem(request, 409, "conflict", "冲突", "already there", extensions)
    body = json.loads(bytes(response.body))
    assert (body["status"], body["type"], body["instance"]) == (
        409,
        PROBLEM_TYPE + "conflict",
        "/x",
    )
    assert (body["code"], body["on"], body["id"]) == ("a", "2026-01-01", str(UUID(int=1)))


def test_every_operation_documents_its_problems_as_problem_json(spec: dict[str, Any]) -> None:
    assert {"type", "title", "status", "detail", "instance"} <= set(
        spec["components"]["schemas"]["Problem"]["required"]
    )
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert set(response["content"]) == {PROBLEM}, (method, path, status)
                schema = response["content"][PROBLEM]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}
        if method != "GET":
            assert set(operation["responses"]) >= COMMAND_REFUSALS, (method, path)


def test_every_read_documents_refusals_it_really_gives(spec: dict[str, Any]) -> None:
    resident = spec["paths"]["/residents/{resident_id}"]["get"]["responses"]
    assert {"401", "404", "422"} <= set(resident)
    assert {"401", "403"} <= set(spec["paths"]["/audit/verify"]["get"]["responses"])
    assert "503" in spec["paths"]["/readyz"]["get"]["responses"]
    assert "401" not in spec["paths"]["/healthz"]["get"]["responses"]


def test_every_success_has_a_real_schema(spec: dict[str, Any]) -> None:
    """A model per 2xx (a list of models for a list), never a bare object; files by media type."""
    for method, path, operation in operations(spec):
        successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert successes, (method, path)
        for status, response in successes.items():
            if status == "204":
                continue
            assert response.get("content"), (method, path, status)
            for media_type, content in response["content"].items():
                schema = content["schema"]
                if media_type == "application/json":
                    named = schema.get("items", schema) if schema.get("type") == "array" else schema
                    assert "$ref" in named, (method, path, status, schema)
                else:
                    assert schema == {"type": "string", "format": "binary"}, (method, path)


def test_the_idempotency_key_is_required_on_every_change(
    spec: dict[str, Any], street: Street
) -> None:
    for method, path, operation in operations(spec):
        keys = [p for p in operation.get("parameters", []) if p["name"] == "Idempotency-Key"]
        if method == "GET":
            assert not keys, path
        else:
            assert [(k["in"], k["required"]) for k in keys] == [("header", True)], (method, path)
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    assert "Idempotent-Replayed" in response["headers"], (method, path)
    response = street.client.post(
        "/communities",
        json={"code": "c", "name": "社区c"},
        headers={"Authorization": f"Bearer {street.tokens['admin']}"},
    )
    assert response.status_code == 400 and response.headers["content-type"] == PROBLEM


def test_docs_assets_come_from_the_product(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "cdn" not in html.lower() and "https://" not in html, page
        assets = [part.split('"')[0] for part in html.split('src="')[1:]]
        assert assets, page
        for asset in assets:
            assert client.get(asset).status_code == 200, asset


def integer_schemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    options = schema.get("anyOf", [schema])
    return [option for option in options if option.get("type") == "integer"]


def test_every_integer_in_a_path_or_query_is_bounded(spec: dict[str, Any]) -> None:
    """A number from the URL reaches a store's integer column; unbounded, 2^63 overflowed it."""
    for method, path, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            for schema in integer_schemas(parameter["schema"]):
                bounds = ("minimum" in schema, "maximum" in schema)
                assert bounds == (True, True), (method, path, parameter["name"])
                assert schema["maximum"] < 2**63, (method, path, parameter["name"])


@pytest.mark.parametrize(
    "path",
    [
        f"/audit/export?start={2**63}",
        f"/audit/export?stop={2**63}",
        f"/audit/actors/admin/activity?since=2026-01-01&until=2026-01-02&after={2**63}",
    ],
)
def test_a_position_beyond_any_store_is_a_422_problem(street: Street, path: str) -> None:
    response = street.call("GET", path, "auditor")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM


def test_a_version_beyond_any_store_is_a_422_problem(street: Street) -> None:
    resident = street.enrol()
    response = street.call("POST", f"/approvals/{resident}/{2**63}/approve", "staff_a2")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
