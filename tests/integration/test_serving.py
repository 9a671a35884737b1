"""How `pointsbank serve` serves: accepted connections keep TCP_NODELAY with any number of
workers (uvicorn issue #3149), on both event loops, and two workers really answer."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import httpx
import pytest
import uvloop
from anyio import to_thread
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict
from starlette.middleware.base import BaseHTTPMiddleware

from api import routes
from api.app import create_app
from api.services import open_services
from api.serving import config
from pointsbank.db import PostgresDatabase
from pointsbank.settings import Settings
from tests.integration.test_counter_processes import ROOT, free_port, wait_until_up
from tests.pgserver import PostgresServer

Runner = Callable[[Coroutine[Any, Any, tuple[int, int]]], tuple[int, int]]


def in_own_thread(run: Runner) -> Runner:
    """Run the loop on a thread of its own: in a whole test run, Playwright's sync API keeps an
    event loop running on the main thread, where asyncio.run() refuses to start another."""

    def runner(coro: Coroutine[Any, Any, tuple[int, int]]) -> tuple[int, int]:
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(run, coro).result()

    return runner


LOOPS: dict[str, Runner] = {
    "asyncio": in_own_thread(asyncio.run),
    "uvloop": in_own_thread(uvloop.run),
}


async def accepted_socket_options(listener: socket.socket) -> tuple[int, int]:
    """(proto, TCP_NODELAY) of a connection accepted from `listener` by the running loop."""
    loop = asyncio.get_running_loop()
    accepted: asyncio.Future[tuple[int, int]] = loop.create_future()

    class Report(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            nodelay = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            accepted.set_result((sock.proto, nodelay))
            transport.close()

    server = await loop.create_server(Report, sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname())
    try:
        return await asyncio.wait_for(accepted, 10)
    finally:
        writer.close()
        server.close()


@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_the_listener_of_several_workers_keeps_nagle_off(loop: str) -> None:
    listener = config("127.0.0.1", 0, workers=2).bind_socket()
    assert listener.proto == socket.IPPROTO_TCP
    assert LOOPS[loop](accepted_socket_options(listener))[1] == 1


def test_serve_with_two_workers_answers_over_keep_alive(tmp_path: Any) -> None:
    port = free_port()
    env = {"POINTSBANK_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    serve = [sys.executable, "-c", "from api.cli import main; main()", "serve"]
    process = subprocess.Popen(
        [*serve, "--port", str(port), "--workers", "2", "--no-access-log"],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        with httpx.Client(base_url=base) as client:  # one connection, kept alive
            assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_no_middleware_is_a_base_http_middleware(tmp_path: Any) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    classes: list[object] = [m.cls for m in app.user_middleware]
    assert classes and BaseHTTPMiddleware not in classes


def test_connection_pools_are_sized_from_settings(pg_server: PostgresServer) -> None:
    url = pg_server.create_database(f"pools_{uuid.uuid4().hex[:8]}")
    settings = Settings(
        database_url=url,
        db_pool_min_size=2,
        db_pool_max_size=7,
        event_pool_size=3,
        event_pool_max_overflow=4,
    )
    services = open_services(settings)
    try:
        assert isinstance(services.db, PostgresDatabase)
        assert (services.db.pool.min_size, services.db.pool.max_size) == (2, 7)
        events = services.bank.recorder.datastore.pool  # type: ignore[attr-defined]
        assert (events.min_size, events.max_size) == (3, 7)
    finally:
        services.close()


def test_plain_routes_run_on_as_many_threads_as_the_settings_say(tmp_path: Any) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", worker_threads=3)
    with TestClient(create_app(settings)) as client:
        assert client.portal is not None
        tokens = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
        assert client.get("/healthz").json() == {"status": "ok"}
    assert tokens == 3


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")
    resident_id: UUID
    points: int


def test_a_get_route_answers_its_model_validated_in_its_own_thread() -> None:
    app = FastAPI()
    router = routes.router()
    threads: dict[str, int] = {}

    @router.get("/answer", response_model=Answer)
    def answer() -> dict[str, Any]:
        threads["route"] = threading.get_ident()
        return {"resident_id": str(UUID(int=7)), "points": "12", "note": "kept"}

    @router.get("/wrong", response_model=Answer)
    def wrong() -> dict[str, Any]:
        return {"resident_id": "not an id", "points": 1}

    @router.post("/made", response_model=Answer, status_code=201)
    def made() -> dict[str, Any]:
        return {"resident_id": str(UUID(int=8)), "points": 2}

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        got = client.get("/answer")
        assert (got.status_code, got.json()) == (
            200,
            {"resident_id": str(UUID(int=7)), "points": 12, "note": "kept"},
        )
        assert got.headers["content-type"] == "application/json"
        assert client.get("/wrong").status_code == 500  # never an answer its model does not allow
        assert client.post("/made").status_code == 201  # only plain GETs are wrapped
    wrapped = next(r for r in router.routes if getattr(r, "path", "") == "/answer")
    assert isinstance(wrapped, routes.AnsweredInThread)
    assert getattr(wrapped.endpoint, "__wrapped__", None) is answer
