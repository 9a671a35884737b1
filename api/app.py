"""The FastAPI application: `create_app(settings)` wires services, routers and error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from api import docs, logs, metrics, openapi, pages, problems
from api.positions import ReadAfterPositions
from api.routes import (
    accounts,
    activities,
    annual,
    audit,
    catalogue,
    counter,
    earning,
    health,
    households,
    imports,
    residents,
    session,
    years,
)
from api.services import Services, open_services
from pointsbank.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"
DESCRIPTION = """
积分银行 pointsbank — 社区志愿服务积分的事件溯源账本。

Every award, deduction and correction is an immutable event; balances and statements are
projections. Authenticate with `Authorization: Bearer <token>` (a personal API token created on
the page /ui/tokens or by `pointsbank token create`); pages sign in at /ui/login with a cookie,
and send a fresh `Idempotency-Key` header with every change: resending the same key after a
dropped response returns the first result and writes nothing.
"""


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or Settings()
    logs.install(settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = services is None
        app.state.services = services or open_services(
            settings, apply_migrations=settings.database_url.startswith("sqlite:")
        )
        app.state.services.start_projecting()
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        try:
            yield
        finally:
            if own:
                app.state.services.close()

    app = FastAPI(
        title="pointsbank 积分银行",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    problems.install(app)
    audit.install_read_only_guard(app)
    app.add_middleware(ReadAfterPositions)  # every request's reads and writes
    app.add_middleware(metrics.Metrics)  # times all of the above
    app.add_middleware(logs.RequestId)  # outermost: every log line of the request has its id
    for router in (
        health.router,
        session.router,
        accounts.router,
        catalogue.router,
        residents.router,
        households.router,
        earning.router,
        activities.router,
        imports.router,
        counter.router,
        annual.router,
        years.router,
        audit.router,
    ):
        app.include_router(router)
    pages.install(app)
    openapi.install(app)
    docs.install(app)
    app.mount("/ui", StaticFiles(directory=STATIC), name="ui")

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=303)

    return app
