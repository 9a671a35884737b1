"""Operations over HTTP on both stores: /metrics (route templates, no personal data, who may
read it, redemptions and sign-ins), readiness with projection lag, and JSON logs with a
request id on every line of a request."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.services import Services, open_services
from pointsbank.domain.common import Role
from pointsbank.settings import Settings
from tests.accounts_helpers import PASSWORD, open_account
from tests.e2e.test_counter_api import basket, list_goods
from tests.street import Street, build_street

LOOPBACK = ("127.0.0.1", 50000)
PHONE = "13912345678"


@pytest.fixture
def street(settings: Settings, services: Services) -> Iterator[Street]:
    with TestClient(create_app(settings, services), client=LOOPBACK) as client:
        yield build_street(client, services)


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def sample(metrics: Samples, name: str, **labels: str) -> float:
    return metrics.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_time_requests_by_route_template_and_never_name_a_person(street: Street) -> None:
    resident = street.enrol()
    path = f"/residents/{resident}/balance?q={PHONE}"
    before = scrape(street.client)
    for _ in range(3):
        assert street.call("GET", path, "staff_a").status_code == 200
    street.client.get(f"/no/such/{PHONE}")
    text = street.client.get("/metrics").text
    after = scrape(street.client)

    count = "pointsbank_http_request_duration_seconds_count"
    labels = {"method": "GET", "route": "/residents/{resident_id}/balance", "status": "200"}
    assert sample(after, count, **labels) - sample(before, count, **labels) == 3
    assert sample(after, count, method="GET", route="unmatched", status="404") >= 1
    assert resident not in text and PHONE not in text and "王芳" not in text
    log_end = street.services.bank.recorder.max_notification_id()
    assert sample(after, "pointsbank_events_appended_total") == log_end
    assert ("pointsbank_projection_lag_events", ()) in after
    assert ("pointsbank_projection_lag_seconds", ()) in after


def test_redemptions_and_sign_ins_are_counted(street: Street) -> None:
    rice, resident = list_goods(street), street.enrol()
    street.award(resident, quantity=3)
    open_account(street.services, "desk.ops", Role.CLERK, "a")
    before = scrape(street.client)
    key = "redeem-once"
    for _ in range(2):  # a retry is not a second redemption
        sent = street.call("POST", "/redemptions", "clerk_a", basket(resident, rice), key=key)
        assert sent.status_code == 201, sent.text
    receipt = sent.json()["receipt_id"]
    street.ok("POST", f"/receipts/{receipt}/cancellation", "clerk_a", {"reason": "拿错了"})
    form = {"username": "desk.ops", "password": PASSWORD}
    assert street.client.post("/ui/login", data={**form, "password": "wrong"}).status_code == 401
    assert street.client.post("/ui/login", data=form).status_code == 200
    after = scrape(street.client)

    def delta(name: str, outcome: str) -> float:
        return sample(after, name, outcome=outcome) - sample(before, name, outcome=outcome)

    assert delta("pointsbank_redemptions_total", "redeemed") == 1
    assert delta("pointsbank_redemptions_total", "cancelled") == 1
    assert delta("pointsbank_sign_ins_total", "success") == 1
    assert delta("pointsbank_sign_ins_total", "failure") == 1


def test_metrics_answer_loopback_or_the_configured_token_only(
    settings: Settings, services: Services
) -> None:
    with TestClient(create_app(settings, services)) as remote:  # client "testclient"
        assert remote.get("/metrics").status_code == 404
    services.settings = settings.model_copy(update={"metrics_token": "s3cret"})
    with TestClient(create_app(services.settings, services), client=LOOPBACK) as local:
        assert local.get("/metrics").status_code == 404  # with a token, loopback needs it too
        wrong = {"Authorization": "Bearer guess"}
        assert local.get("/metrics", headers=wrong).status_code == 404
        right = {"Authorization": "Bearer s3cret"}
        assert local.get("/metrics", headers=right).status_code == 200


def test_readiness_reports_projection_lag_and_fails_over_the_threshold(
    settings: Settings,
) -> None:
    lagging = settings.model_copy(update={"inprocess_projector": False})
    services = open_services(lagging)
    try:
        with TestClient(create_app(lagging, services)) as client:
            services.projector.catch_up()
            ready = client.get("/readyz").json()
            assert (ready["lag_events"], ready["lag_seconds"]) == (0, 0)
            for name in ("late-1", "late-2"):
                services.accounts.issue(name, Role.ADMIN, services.now())
            time.sleep(0.05)
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.text
            body = ready.json()
            assert body["lag_events"] >= 2 and body["lag_seconds"] >= 0.05
            assert body["log_position"] - body["projected_position"] == body["lag_events"]

            services.settings = lagging.model_copy(update={"ready_max_lag_seconds": 0.01})
            behind = client.get("/readyz")
            assert behind.status_code == 503
            problem = behind.json()
            assert problem["type"].endswith("/not-ready") and problem["lag_events"] >= 2
            services.settings = lagging.model_copy(update={"ready_max_lag_events": 1})
            assert client.get("/readyz").status_code == 503

            services.projector.catch_up()
            caught_up = client.get("/readyz")
            assert caught_up.status_code == 200 and caught_up.json()["lag_events"] == 0
    finally:
        services.close()


def test_every_log_line_of_a_request_carries_its_request_id(
    settings: Settings, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(settings, services)

    @app.get("/test-log")
    def logs_inside() -> dict[str, str]:  # a plain def: runs in a worker thread
        logging.getLogger("pointsbank.test").warning("inside the request")
        return {}

    with TestClient(app) as client:
        capsys.readouterr()
        given = client.get("/test-log", headers={"X-Request-ID": "lb-1234.abc"})
        assert given.headers["X-Request-ID"] == "lb-1234.abc"
        insane = client.get("/test-log", headers={"X-Request-ID": 'x" forged\tline'})
        generated = insane.headers["X-Request-ID"]
        assert generated != 'x" forged\tline' and len(generated) == 32
        assert client.get("/healthz").headers["X-Request-ID"] not in ("", generated)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    inside = [line for line in lines if line.get("event") == "inside the request"]
    assert [line["request_id"] for line in inside] == ["lb-1234.abc", generated]
    assert all(line["level"] == "warning" and line["timestamp"] for line in inside)
