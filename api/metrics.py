"""Prometheus metrics (prometheus-client): request latency by route template, events in the
log, projection lag, redemptions and sign-ins; served at /metrics by a pure ASGI middleware.

Labels never carry personal data or raw paths: a route is its template (`/residents/{resident_id}`),
never the path with ids or a query string. With several worker processes, prometheus-client's
multiprocess mode (PROMETHEUS_MULTIPROC_DIR) sums every worker's counts at each scrape.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from collections.abc import Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.services import Services
from pointsbank.application import Outcome
from projections.lag import projection_lag

PATH = "/metrics"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
log = logging.getLogger("pointsbank.metrics")

REQUEST_SECONDS = Histogram(
    "pointsbank_http_request_duration_seconds",
    "HTTP request latency, by method, route template and status",
    ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REDEMPTIONS = Counter(
    "pointsbank_redemptions", "Redemptions recorded at the counter, and cancelled", ["outcome"]
)
SIGN_INS = Counter(
    "pointsbank_sign_ins", "Sign-ins by outcome: success, failure or locked-out", ["outcome"]
)


def redemption(outcome: Outcome, kind: str) -> Outcome:
    """Count a recorded redemption (`redeemed` or `cancelled`), not a replayed retry."""
    if not outcome.replayed:
        REDEMPTIONS.labels(kind).inc()
    return outcome


def sign_in(outcome: str) -> None:
    SIGN_INS.labels(outcome).inc()


class StoreCollector(Collector):
    """Figures of the shared database, read at each scrape (the same in every worker)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterable[Metric]:
        try:
            lag = projection_lag(self.services.projector, self.services.now())
        except Exception:
            log.warning("metrics: the store does not answer", exc_info=True)
            return
        yield CounterMetricFamily(
            "pointsbank_events_appended",
            "Events appended to the log by every process (the log's last position)",
            value=lag.log_position,
        )
        yield GaugeMetricFamily(
            "pointsbank_projection_lag_events",
            "Events in the log not yet in the read models",
            value=lag.events,
        )
        yield GaugeMetricFamily(
            "pointsbank_projection_lag_seconds",
            "How long the oldest event not yet in the read models has waited",
            value=lag.seconds,
        )


def exposition(services: Services) -> bytes:
    """The text format for one scrape: this process's metrics, or every worker's."""
    registry = CollectorRegistry()
    if services.settings.metrics_dir:
        multiprocess.MultiProcessCollector(  # type: ignore[no-untyped-call]
            registry, path=services.settings.metrics_dir
        )
    else:
        registry.register(_Forward(REGISTRY))
    registry.register(StoreCollector(services))
    return generate_latest(registry)


class _Forward(Collector):
    """This process's own metrics inside a per-scrape registry."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterable[Metric]:
        return self.source.collect()


def route_of(scope: Scope) -> str:
    """The matched route's template; never the raw path (ids, search text)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "unmatched"


def allowed(scope: Scope, token: str | None) -> bool:
    """With a token configured, only a scraper that sends it; otherwise loopback clients only
    (metrics name no person, but they show volumes and timings to anyone who can read them)."""
    if token:
        headers = dict(scope.get("headers") or [])
        sent = headers.get(b"authorization", b"").decode("latin-1")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    client = scope.get("client")
    try:
        return client is not None and ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False


class Metrics:
    """Pure ASGI middleware: times every HTTP request and answers GET /metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == PATH:
            await self._expose(scope, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            REQUEST_SECONDS.labels(method, route_of(scope), str(status)).observe(
                time.perf_counter() - started
            )

    async def _expose(self, scope: Scope, send: Send) -> None:
        services: Services = scope["app"].state.services
        if not allowed(scope, services.settings.metrics_token):
            await _respond(send, 404, b"Not Found", "text/plain; charset=utf-8")
            return
        body = await run_in_threadpool(exposition, services)  # it asks the database
        await _respond(send, 200, body, CONTENT_TYPE_LATEST)


async def _respond(send: Send, status: int, body: bytes, content_type: str) -> None:
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": status, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
