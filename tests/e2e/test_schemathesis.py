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
from schemathesis.engine import events

from api.services import Services
from tests.street import Street, build_street

SEED = 20261123
EXAMPLES = int(os.environ.get("POINTSBANK_FUZZ_EXAMPLES", "3"))
ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")
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


@dataclass
class Identities:
    """Whom the requests are sent as, in turn: the administrator, and the staff member and the
    clerk of community a, so that commands only they may give reach the ledger too."""

    tokens: list[str] = field(default_factory=list)
    sent: int = 0

    def next(self) -> str:
        self.sent += 1
        return self.tokens[self.sent % len(self.tokens)]


IDENTITIES = Identities()


@schemathesis.hook
def before_call(context: Any, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    """Sign each request in, with a fresh Idempotency-Key where the operation takes one (a
    reused key would replay an earlier answer instead of running the command)."""
    case.headers["Authorization"] = f"Bearer {IDENTITIES.next()}"
    if "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())


def config(records: dict[str, list[str]]) -> schemathesis.Config:
    """The run's settings; ids of real records stand in for most generated ones, so requests
    reach the ledger rather than stopping at 404."""
    dictionaries = {name: {"values": values} for name, values in records.items()}
    parameters = {
        f"{place}.{name}": {"dictionary": name, "probability": 0.8}
        for name in records
        for place in ("path", "query", "body")
    }
    parameters["body.rule_code"] = {"dictionary": "code", "probability": 0.8}
    parameters["body.items[*].goods_id"] = {"dictionary": "goods_id", "probability": 0.8}
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["all"],
            "generation": {"max-examples": EXAMPLES},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "phases": {phase: {"enabled": phase in PHASES} for phase in ALL_PHASES},
            "dictionaries": dictionaries,
            "parameters": parameters,
        }
    )


def fuzz(app: Any, tokens: list[str], records: dict[str, list[str]]) -> Run:
    IDENTITIES.tokens = tokens
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config(records))
    run = Run()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            run.record(event.recorder)
        elif isinstance(event, events.NonFatalError):
            # An exception the app let escape: a 5xx the client would have seen.
            run.failures[(event.label, type(event.value).__name__)] = str(event.value)
        elif isinstance(event, events.FatalError):
            run.failures[("engine", type(event.exception).__name__)] = str(event.exception)
    return run


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def seed_records(street: Street) -> dict[str, list[str]]:
    """One of each kind of record in community a, named as the API's parameters name them."""
    resident = street.enrol(phone="13800001111")
    street.award(resident, quantity=5)
    community = street.communities["a"]
    household = street.ok(
        "POST", "/households", "staff_a", {"community_id": community, "name": "王家"}
    )
    household_id = household["household_id"]
    join = {"resident_id": resident, "joined_on": "2026-01-01"}
    street.ok("POST", f"/households/{household_id}/members", "staff_a", join)
    goods = {"community_id": community, "name": "大米", "price": 10, "stock": 5}
    goods_id = street.ok("POST", "/goods", "staff_a", goods)["goods_id"]
    basket = {"resident_id": resident, "items": [{"goods_id": goods_id, "quantity": 1}]}
    receipt = street.ok("POST", "/redemptions", "clerk_a", basket)["receipt_id"]
    activity = {
        "community_id": community,
        "rule_code": "VOL",
        "title": "扫雪",
        "held_on": "2026-11-01",
        "starts_at": "09:00",
        "place": "小区广场",
        "capacity": 10,
        "organiser": "居委会",
    }
    activity_id = street.ok("POST", "/activities", "staff_a", activity)["activity_id"]
    return {
        "community_id": [community],
        "resident_id": [resident],
        "household_id": [household_id],
        "goods_id": [goods_id],
        "receipt_id": [receipt],
        "activity_id": [activity_id],
        "code": ["VOL", "LITTER"],
        "actor_id": ["admin", "staff_a"],
    }


def test_no_input_gives_a_server_error_or_an_undocumented_answer(street: Street) -> None:
    tokens = [street.tokens[name] for name in ("admin", "staff_a", "clerk_a")]
    run = fuzz(street.client.app, tokens, seed_records(street))
    print(f"schemathesis: {sum(run.statuses.values())} requests, by status {dict(run.statuses)}")
    assert sum(run.statuses.values()) > 100
    failures = [
        f"{operation}: {title}\n{detail}" for (operation, title), detail in run.failures.items()
    ]
    assert not failures, "\n\n".join(failures)
