"""Schemathesis against the live app, on both stores: no input answers 5xx, and every response
is one the OpenAPI document promises (status code, content type, headers, schema).

It runs schemathesis' own engine (the phases of `schemathesis run`: explicit examples, boundary
coverage, fuzzing) in process against the ASGI app, as the street's administrator, with a fresh
Idempotency-Key on every request. Examples are bounded and the seed fixed so CI is stable;
`make fuzz` runs the same test with many more examples and the stateful phase.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis import engine
from schemathesis.config import HealthCheck
from schemathesis.engine import events

from api.services import Services
from tests.street import Street, build_street

SEED = 20261123
EXAMPLES = int(os.environ.get("POINTSBANK_FUZZ_EXAMPLES", "3"))
PHASES = os.environ.get("POINTSBANK_FUZZ_PHASES", "examples,coverage,fuzzing").split(",")
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]


@dataclass
class Run:
    """What one schemathesis run did: requests by status code, and each distinct failure."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)

    def record(self, recorder: Any) -> None:
        for interaction in recorder.interactions.values():
            if interaction.response is not None:
                self.statuses[interaction.response.status_code] += 1
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.failure_info is None:
                    continue
                failure = check.failure_info.failure
                key = (recorder.label, failure.title)
                self.failures.setdefault(key, f"{failure.message}\n{self.curl(recorder, case_id)}")

    @staticmethod
    def curl(recorder: Any, case_id: str) -> str:
        interaction = recorder.interactions.get(case_id)
        if interaction is None:
            return ""
        request = interaction.request
        return f"{request.method} {request.uri} {(request.body or b'')[:300]!r}"


@schemathesis.hook
def before_call(context: Any, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    """A fresh key per request: a reused one would replay an earlier answer instead."""
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())


def fuzz(app: Any, token: str) -> Run:
    config = schemathesis.Config(seed=SEED, suppress_health_check=list(HealthCheck))
    project = config.projects.default
    project.update(headers={"Authorization": f"Bearer {token}"})
    project.generation.update(max_examples=EXAMPLES)
    project.checks.update(included_check_names=CHECKS)
    project.phases.update(phases=PHASES)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    run = Run()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            run.record(event.recorder)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            run.failures[("engine", type(event).__name__)] = str(event)
    return run


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def test_no_input_gives_a_server_error_or_an_undocumented_answer(street: Street) -> None:
    run = fuzz(street.client.app, street.tokens["admin"])
    print(f"schemathesis: {sum(run.statuses.values())} requests, by status {dict(run.statuses)}")
    assert sum(run.statuses.values()) > 100
    assert not run.failures, "\n\n".join(
        f"{operation}: {title}\n{detail}" for (operation, title), detail in run.failures.items()
    )
