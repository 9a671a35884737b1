"""A read model that cannot project an event: the write still answers its own result, a read
that must see it says the read models lag, readiness names the event and why, the log says so
once, and the projector catches up once it can."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import PROJECTIONS, Services
from pointsbank.db import Cursor
from pointsbank.domain.resident import Resident
from pointsbank.settings import Settings
from projections.projector import Projection, ProjectionFailed, Projector
from tests.conftest import reading_own_writes
from tests.street import Street, build_street

AWARD = {"rule_code": "VOL", "occurred_on": "2026-11-01", "quantity": 1}


class Fault:
    """Makes the fragile read model fail on every award to one chosen resident, until cleared."""

    resident: UUID | None = None


@pytest.fixture
def fault() -> Fault:
    return Fault()


@pytest.fixture
def street(settings: Settings, services: Services, fault: Fault) -> Iterator[Street]:
    fragile = Projection("fragile", ())

    @fragile.on(Resident.PointsAwarded)
    def project(cur: Cursor, event: Any, position: int) -> None:
        if event.originator_id == fault.resident:
            raise ValueError(f"cannot project an award to {event.originator_id}")

    services.projector = Projector(services.bank, services.db, (*PROJECTIONS, fragile))
    with TestClient(create_app(settings, services)) as client:
        yield build_street(reading_own_writes(client), services)


def wait_until_ready(street: Street, timeout: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (ready := street.client.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, ready.text
        time.sleep(0.1)
    body: dict[str, Any] = ready.json()
    return body


def test_a_failing_projection_is_loud_and_never_fails_a_recorded_write(
    street: Street, services: Services, fault: Fault, caplog: pytest.LogCaptureFixture
) -> None:
    healthy, doomed = street.enrol(), street.enrol()
    fault.resident = UUID(doomed)

    written = street.call("POST", f"/residents/{doomed}/awards", "staff_a", AWARD)
    assert written.status_code == 201, written.text
    assert written.json()["balance"] == 10
    assert "Read-Models-Lagging" not in written.headers  # the write waits for no read model
    lagging = street.call("GET", f"/residents/{doomed}/balance", "staff_a")  # carries the position
    assert lagging.status_code == 200 and lagging.headers["Read-Models-Lagging"] == "true"
    failing = services.bank.recorder.max_notification_id() or 0
    later = street.call("POST", f"/residents/{healthy}/awards", "staff_a", AWARD)
    assert later.status_code == 201, later.text

    for _ in range(3):
        with pytest.raises(ProjectionFailed):
            services.projector.catch_up()
    ready = street.client.get("/readyz")
    assert ready.status_code == 503
    problem = ready.json()
    assert problem["type"].endswith("/not-ready") and problem["failed_position"] == failing
    assert str(failing) in problem["detail"] and "cannot project an award" in problem["detail"]
    assert services.projector.position() == failing - 1  # everything before it is projected
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, errors
    assert str(failing) in errors[0] and "cannot project an award" in errors[0]
    end = services.bank.recorder.max_notification_id() or 0
    deadline = time.monotonic() + 15
    while services.chain.position() < end and time.monotonic() < deadline:
        time.sleep(0.1)
    assert services.chain.position() == end  # the evidence keeps up while the views are stuck

    fault.resident = None
    caught_up = wait_until_ready(street)
    assert caught_up["projected_position"] == caught_up["log_position"]
    assert street.balance(doomed) == 10 and street.balance(healthy) == 10
