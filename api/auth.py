"""Who is asking: a bearer token (scripts, devices) or the session cookie (pages), and CSRF.

A request authenticated by the cookie that changes state must carry the session's CSRF token
(header X-CSRF-Token, or form field csrf_token) and must not come from another site; a bearer
token is never sent by a browser on its own, so it needs neither.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request, Response

from api.problems import ApiProblem
from api.services import Services
from pointsbank.credentials import OpenSession
from pointsbank.domain.account import Account
from pointsbank.domain.common import Actor

COOKIE = "pb_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# While a password must be changed, only these paths answer (and the pages that lead there).
WHILE_MUST_CHANGE = frozenset({"/me", "/account/password", "/ui/password", "/ui/logout"})
# Requests about one's own sign-in, which even the read-only auditor makes.
SELF_SERVICE_PATHS = WHILE_MUST_CHANGE | {"/ui/login", "/ui/tokens", "/ui/tokens/revoke"}


AUTHENTICATED = "pointsbank.authenticated"


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    account: Account
    session: OpenSession | None  # None when a bearer token was presented


def authenticate(request: Request, services: Services) -> Authenticated | None:
    """The enabled account behind the request's bearer token or session cookie (from this
    process's memory while no credential changed anywhere: `pointsbank.credential_cache`),
    never a resident whose personal data was erased. Once per request: the auditors' guard
    and the route's dependency share the answer (the request's own scope keeps it)."""
    state = request.scope.setdefault("state", {})
    if AUTHENTICATED not in state:
        state[AUTHENTICATED] = _authenticate(request, services)
    answer: Authenticated | None = state[AUTHENTICATED]
    return answer


def _authenticate(request: Request, services: Services) -> Authenticated | None:
    now = services.now()
    header = request.headers.get("Authorization", "")
    session: OpenSession | None = None
    if header.lower().startswith("bearer "):
        account = services.signed_in.by_token(header[7:].strip(), now)
    elif cookie := request.cookies.get(COOKIE):
        found = services.signed_in.by_session(cookie, now)
        account, session = found if found else (None, None)
    else:
        return None
    # Erasure is looked up on every request (one read, residents' accounts only), not kept.
    if account is None or services.sign_in.erased_resident(account):
        return None
    return Authenticated(services.accounts.actor_of(account), account, session)


def require_same_origin(request: Request) -> None:
    """Refuse a state-changing request that a page of another site made the browser send."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise ApiProblem(403, "csrf.cross-site", {"site": fetch_site})
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("Host"):
        raise ApiProblem(403, "csrf.cross-origin")


def require_csrf(request: Request, auth: Authenticated, token: str | None) -> None:
    """For cookie-authenticated changes: same origin, and the session's CSRF token."""
    if auth.session is None or request.method in SAFE_METHODS:
        return
    require_same_origin(request)
    if not token or not hmac.compare_digest(token, auth.session.csrf_token):
        raise ApiProblem(403, "csrf.token")


def set_session_cookie(response: Response, session: OpenSession, services: Services) -> None:
    response.set_cookie(
        COOKIE,
        session.session_id,
        max_age=services.settings.session_absolute_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=services.settings.https,
        path="/",
    )


def clear_session_cookie(response: Response, services: Services) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=services.settings.https
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
