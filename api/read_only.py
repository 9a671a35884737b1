"""The auditor's read-only guard, as pure ASGI middleware: any request of an auditor's other
than GET/HEAD/OPTIONS is refused (403), whatever the route.

Pure ASGI rather than Starlette's BaseHTTPMiddleware, which wraps every request and response
in extra tasks and streams; a read passes through with one set lookup.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import SELF_SERVICE_PATHS, authenticate
from api.problems import TITLES, language, problem
from pointsbank.domain.common import Role
from pointsbank.domain.messages import render

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class AuditorsReadOnly:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READ_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if await run_in_threadpool(_is_auditor, request):
            detail = render("auditor-read-only", {}, language(request))
            refusal = problem(request, 403, "auditor-read-only", TITLES[403], detail)
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _is_auditor(request: Request) -> bool:
    if request.url.path in SELF_SERVICE_PATHS or request.url.path.startswith("/account/"):
        return False  # signing out and changing one's own password or tokens change no record
    auth = authenticate(request, request.app.state.services)
    return auth is not None and auth.actor.role == Role.AUDITOR
