"""Signing in and out, the home page of each role, one's own password and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import metrics
from api.auth import (
    COOKIE,
    Authenticated,
    authenticate,
    clear_session_cookie,
    client_address,
    require_same_origin,
    set_session_cookie,
)
from api.deps import ServicesDep
from api.pages import HOME, PageUser, check_form, command, field_errors, render, settle
from api.services import Services
from pointsbank.domain.common import DomainError, Role
from pointsbank.signin import LockedOut

router = APIRouter(prefix="/ui", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
OptionalText = Annotated[str, Form(max_length=200)]


@router.get("/", response_model=None)
def ui_home(request: Request, services: ServicesDep) -> Response:
    """Where `/` leads: the role's home page, or the sign-in page."""
    auth = authenticate(request, services)
    if auth is None or auth.session is None:
        return RedirectResponse("/ui/login", status_code=303)
    return RedirectResponse(HOME[auth.actor.role], status_code=303)


@router.get("/login")
def login_page(request: Request, services: ServicesDep) -> HTMLResponse:
    return render(request, services, "login.html", None, username="")


@router.post("/login", response_model=None)
def login(request: Request, services: ServicesDep, username: Text, password: Text) -> Response:
    require_same_origin(request)
    now = services.now()
    try:
        session = services.sign_in.sign_in(username, password, client_address(request), now)
    except DomainError as exc:
        status = 429 if isinstance(exc, LockedOut) else 401
        metrics.sign_in("locked-out" if status == 429 else "failure")
        return render(
            request, services, "login.html", None, status, username=username, error=exc.detail
        )
    metrics.sign_in("success")
    account = services.accounts.find(session.user_id)
    assert account is not None
    to = "/ui/password" if account.must_change_password else HOME[account.role]
    response = RedirectResponse(to, status_code=303)
    set_session_cookie(response, session, services)
    return response


@router.post("/logout")
def logout(
    request: Request, services: ServicesDep, user: PageUser, csrf_token: OptionalText = ""
) -> RedirectResponse:
    check_form(request, user, csrf_token)
    assert user.session is not None
    services.sign_in.sign_out(user.session, client_address(request), services.now())
    response = RedirectResponse("/ui/login", status_code=303)
    clear_session_cookie(response, services)
    return response


@router.get("/home")
def home(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    readers = (Role.ADMIN, Role.AUDITOR)
    sign_ins = services.account_queries.sign_ins(50) if user.actor.role in readers else None
    return render(request, services, "home.html", user, sign_ins=sign_ins)


@router.get("/password")
def password_page(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    return render(
        request, services, "password.html", user, must_change=user.account.must_change_password
    )


@router.post("/password", response_model=None)
def change_password(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    current_password: Text,
    new_password: Text,
    csrf_token: OptionalText = "",
    idempotency_key: OptionalText = "",
) -> Response:
    check_form(request, user, csrf_token)
    cmd = command(services, user, idempotency_key, {"change": "password"})
    try:
        outcome = services.accounts.change_password(
            cmd, current_password, new_password, request.cookies.get(COOKIE)
        )
        settle(services, outcome)
    except DomainError as exc:
        field = (
            "current_password" if exc.extra.get("field") == "current_password" else "new_password"
        )
        errors = {field: exc.detail}
        must = user.account.must_change_password
        return render(
            request, services, "password.html", user, 422, errors=errors, must_change=must
        )
    return RedirectResponse(HOME[user.actor.role], status_code=303)


@router.get("/tokens")
def tokens_page(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    return _tokens(request, services, user)


@router.post("/tokens")
def create_token(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    label: Annotated[str, Form(min_length=1, max_length=60)],
    days: Annotated[int, Form(ge=0, le=3650)] = 0,
    csrf_token: OptionalText = "",
    idempotency_key: OptionalText = "",
) -> HTMLResponse:
    check_form(request, user, csrf_token)
    label = label.strip()
    cmd = command(services, user, idempotency_key, {"label": label, "days": days})
    expires = cmd.ctx.at + timedelta(days=days) if days else None
    try:
        outcome = services.accounts.create_token(cmd, label, expires)
    except DomainError as exc:
        return _tokens(request, services, user, 422, errors=field_errors(exc, "label"))
    secret = outcome.body.get("token")
    # A resubmitted form replays its key: the same token, whose secret was shown the first time.
    notice = "令牌已创建：它只显示这一次，请立即复制保存。"
    if not secret:
        notice = "这个令牌已经创建过：密钥只在第一次显示。"
    return _tokens(request, services, user, created=secret, notice=notice)


@router.post("/tokens/revoke", response_model=None)
def revoke_token(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    token_id: Annotated[str, Form(max_length=40)],
    csrf_token: OptionalText = "",
    idempotency_key: OptionalText = "",
) -> Response:
    check_form(request, user, csrf_token)
    cmd = command(services, user, idempotency_key, {"revoke": token_id})
    try:
        services.accounts.revoke_token(cmd, UUID(token_id))
    except (ValueError, DomainError):
        return _tokens(request, services, user, 404, error="没有这个令牌")
    return RedirectResponse("/ui/tokens", status_code=303)


def _tokens(
    request: Request, services: Services, user: Authenticated, status: int = 200, **context: Any
) -> HTMLResponse:
    rows = services.accounts.tokens.of(user.actor.user_id)
    context.setdefault("created", None)
    return render(request, services, "tokens.html", user, status, tokens=rows, **context)
