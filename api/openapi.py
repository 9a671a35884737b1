"""What the OpenAPI document says about every operation, set in one place at app creation.

Each operation's refusals are inferred from what it depends on: a command (it takes the
`Idempotency-Key` envelope) can answer 400/401/403/404/409/422/503, a read behind a token 401
and 403 (an account whose password must be changed first), a path with ids 404, any parameter
422. All of them are RFC 9457 problem+json. Routes add only
what cannot be inferred (`refusals(403)` on a read that checks a role) and their 2xx model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from api.deps import MAX_KEY_LENGTH
from api.problems import MEDIA_TYPE, PROBLEM_BASE, TITLES

IDEMPOTENCY_HEADER = "Idempotency-Key"
COMMAND_REFUSALS = (400, 401, 403, 404, 409, 422, 503)
WHY = {
    400: "the Idempotency-Key header is missing or malformed, or the request is unreadable",
    401: "no bearer token, or an unknown or revoked one",
    403: "the account's role or community may not do this, or its password must be changed "
    "first",
    404: "no such record, or one in another community (they answer alike)",
    409: "the request conflicts with the ledger's state, or other requests kept changing the "
    "same records meanwhile (nothing recorded; retry with the same Idempotency-Key)",
    422: "the request is invalid, or a rule of the ledger refuses it",
    503: "the read models are not ready; retry with the same Idempotency-Key",
}
Responses = dict[int | str, dict[str, Any]]
REPLAYED = {
    "Idempotent-Replayed": {
        "description": "present when this answers a retry of an Idempotency-Key: the first "
        "result, with nothing written again",
        "schema": {"type": "string", "enum": ["true"]},
    }
}


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem detail; extension members (such as `errors`, `field`) may follow."""

    model_config = ConfigDict(extra="allow", title="Problem")
    type: str = Field(description=f"a URI under {PROBLEM_BASE} naming the refusal")
    title: str
    status: int
    detail: str
    instance: str = Field(description="the request path")
    errors: list[ValidationIssue] = Field(
        default=[], description="for invalid requests: each invalid part of the request"
    )


def refusals(*statuses: int) -> Responses:
    """The documented problem+json responses for these statuses (for a route's `responses=`)."""
    responses: Responses = {}
    for status in statuses:
        response: dict[str, Any] = {
            "description": f"{TITLES[status]}: {WHY[status]}",
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        responses[status] = response
    return responses


def files(*media_types: str) -> Responses:
    """A 200 that is a downloaded file in one of these media types."""
    content = {m: {"schema": {"type": "string", "format": "binary"}} for m in media_types}
    return {200: {"description": "the file", "content": content}}


def _inferred(operation: dict[str, Any]) -> Iterator[int]:
    """The refusals an operation gives by what it takes: the envelope of a change, a token,
    ids in its path, any input at all."""
    parameters = operation.get("parameters", [])
    places = {p["in"] for p in parameters}
    if any(p["name"] == IDEMPOTENCY_HEADER for p in parameters):
        yield from COMMAND_REFUSALS
    elif operation.get("security"):
        yield from (401, 403)
    if "path" in places:
        yield 404
    if parameters or "requestBody" in operation:
        yield 422


def install(app: FastAPI) -> None:
    """Complete the generated document once, where it is generated: every operation's problems,
    the Problem schema, and the Idempotency-Key required where the runtime requires it."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        for item in document["paths"].values():
            for operation in item.values():
                _document_refusals(operation)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        definitions = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(definitions.pop("$defs"))
        schemas["Problem"] = definitions
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _document_refusals(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if "HTTPValidationError" in str(responses.get("422")):
        del responses["422"]  # FastAPI's default; ours answers problem+json
    for status, response in refusals(*_inferred(operation)).items():
        responses.setdefault(str(status), response)
    operation["responses"] = dict(sorted(responses.items()))
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"] == IDEMPOTENCY_HEADER:
            # Optional to the framework only so that its absence answers 400 problem+json
            # rather than a validation error; to clients it is required on every change.
            parameter["required"] = True
            parameter["schema"] = {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH}
            for status, response in responses.items():
                if status.startswith("2"):
                    response.setdefault("headers", {}).update(REPLAYED)
