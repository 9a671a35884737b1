"""Fixtures shared by every test: both stores, the services over them, an HTTP client.

PostgreSQL is started once per run (never skipped); each test gets a fresh database on it.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import Browser, sync_playwright

from api.app import create_app
from api.positions import REQUEST_HEADER, RESPONSE_HEADER
from api.services import Services, open_services
from pointsbank.settings import Settings
from tests.browser import CHROMIUM_ARGS, DemoSite, seed_demo, serving
from tests.pgserver import PostgresServer, start_postgres, start_replica

hypothesis_settings.register_profile("ci", max_examples=25, deadline=None)
hypothesis_settings.load_profile("ci")

STORES = ["sqlite", "postgresql"]
_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_replica(pg_server: PostgresServer) -> Iterator[PostgresServer]:
    """A streaming replica of `pg_server`, started once per session when a test asks."""
    replica = start_replica(pg_server)
    yield replica
    replica.stop()


@pytest.fixture(params=STORES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pointsbank.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(f"t{next(_numbers)}_{uuid.uuid4().hex[:8]}")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, inprocess_projector=True)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    opened = open_services(settings)
    yield opened
    opened.close()


def reading_own_writes(client: TestClient) -> TestClient:
    """A client that needs read-your-writes, as the API offers it: it sends back the highest
    `Pointsbank-Position` it was answered with, so its reads wait for its own writes."""
    seen = [0]

    def remember(response: httpx.Response) -> None:
        seen[0] = max(seen[0], int(response.headers.get(RESPONSE_HEADER, 0)))

    def send_back(request: httpx.Request) -> None:
        if seen[0] and REQUEST_HEADER not in request.headers:
            request.headers[REQUEST_HEADER] = str(seen[0])

    client.event_hooks = {"request": [send_back], "response": [remember]}
    return client


@pytest.fixture
def client(settings: Settings, services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(settings, services)) as test_client:
        yield reading_own_writes(test_client)


def event_count(services: Services) -> int:
    return len(services.bank.recorder.select_notifications(start=1, limit=10**9))


def stored_events(services: Services) -> list[Any]:
    notifications = services.bank.recorder.select_notifications(start=1, limit=10**9)
    return [services.bank.mapper.to_domain_event(n) for n in notifications]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole run; each test opens its own context."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _close_browser_contexts(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each page test's browser contexts end with it, or renderers pile up across the run."""
    yield
    if "browser" in request.fixturenames:
        browser: Browser = request.getfixturevalue("browser")
        for context in browser.contexts:
            context.close()


@pytest.fixture(scope="module", params=STORES)
def demo_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoSite]:
    """The demo street served by a real server process, once per test module and store.
    Tests sharing it must not depend on each other's changes (use distinct residents)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'pointsbank.sqlite3'}"
    else:
        server: PostgresServer = request.getfixturevalue("pg_server")
        url = server.create_database(f"demo{next(_numbers)}_{uuid.uuid4().hex[:8]}")
    seed_demo(url)
    with serving(url) as base:
        yield DemoSite(base, url)
