"""Server-rendered pages under /ui/: one module per area, one base template, shared components.

Pages call the same application services as the JSON API and show the same domain errors in
Chinese beside the field they concern. They are signed in by the session cookie only.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict

from api.auth import Authenticated, authenticate, require_csrf
from api.deps import ServicesDep, fingerprint, withheld
from api.services import Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import DomainError, Role

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
ROLE_NAMES = {
    "admin": "街道管理员",
    "staff": "社区工作人员",
    "clerk": "超市柜台",
    "auditor": "审计",
    "resident": "居民",
}
HOME = {
    Role.ADMIN: "/ui/accounts",
    Role.STAFF: "/ui/desk",
    Role.CLERK: "/ui/counter",
    Role.AUDITOR: "/ui/home",
    Role.RESIDENT: "/ui/me",
}
NAV: dict[Role, list[tuple[str, str]]] = {
    Role.ADMIN: [
        ("/ui/accounts", "账号管理"),
        ("/ui/communities", "社区"),
        ("/ui/rules", "规则"),
        ("/ui/goods", "商品"),
        ("/ui/rankings", "排名"),
        ("/ui/home", "登录记录"),
    ],
    Role.STAFF: [
        ("/ui/residents", "居民"),
        ("/ui/households", "家庭"),
        ("/ui/points", "积分"),
        ("/ui/approvals", "审批"),
        ("/ui/activities", "活动"),
        ("/ui/imports", "导入"),
        ("/ui/rankings", "排名"),
        ("/ui/notices", "公示管理"),
        ("/ui/goods", "商品"),
        ("/ui/counter/receipts", "小票"),
        ("/ui/desk", "服务台"),
        ("/ui/accounts", "居民账户"),
        ("/ui/sharing", "互助管理"),
    ],
    Role.CLERK: [("/ui/counter", "兑换"), ("/ui/counter/receipts", "小票"), ("/ui/goods", "商品")],
    Role.AUDITOR: [("/ui/audit", "审计"), ("/ui/rankings", "排名"), ("/ui/home", "登录记录")],
    Role.RESIDENT: [("/ui/me", "我的积分"), ("/ui/help", "互助"), ("/ui/notice", "公示")],
}
COMMON_NAV = [("/ui/password", "修改密码"), ("/ui/tokens", "API 令牌")]


class SignInRequired(Exception):
    """The page needs a signed-in user; answered by a redirect to the sign-in page."""

    def __init__(self, to: str = "/ui/login") -> None:
        super().__init__(to)
        self.to = to


def get_page_user(request: Request, services: ServicesDep) -> Authenticated:
    auth = authenticate(request, services)
    if auth is None or auth.session is None:
        raise SignInRequired()
    if auth.account.must_change_password and request.url.path not in ("/ui/password",):
        raise SignInRequired("/ui/password")
    return auth


PageUser = Annotated[Authenticated, Depends(get_page_user)]


class Posted(BaseModel):
    """A page's form as posted (FastAPI reads it into a subclass that names its fields): text
    fields of at most 200 characters, blank when left out."""

    model_config = ConfigDict(str_max_length=200)
    csrf_token: str = ""
    idempotency_key: str = ""

    def fields(self) -> dict[str, str]:
        """What was filled in, as the page shows it back and the command is fingerprinted."""
        return self.model_dump(exclude={"csrf_token", "idempotency_key"})


def check_form(request: Request, user: Authenticated, csrf_token: str | None) -> None:
    """Every form post: same origin and the session's CSRF token."""
    require_csrf(request, user, csrf_token)


def render(
    request: Request,
    services: Services,
    template: str,
    user: Authenticated | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    nav = (NAV[user.actor.role] + COMMON_NAV) if user else []
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "user": user.account if user else None,
            "csrf_token": user.session.csrf_token if user and user.session else "",
            "nav": nav,
            "active": request.url.path,
            "street": services.settings.street_name,
            "role_names": ROLE_NAMES,
            "notice": "",
            "error": "",
            "errors": {},
            "idempotency_key": str(uuid.uuid4()),
            **context,
        },
        status_code=status_code,
    )


def command(services: Services, user: Authenticated, key: str, fields: dict[str, Any]) -> Command:
    """The command envelope for a form post; secrets stay out of the fingerprint, as for JSON."""
    return Command(
        services.context(user.actor),
        key=key or str(uuid.uuid4()),
        fingerprint=fingerprint(withheld(fields)),
    )


def settle(services: Services, outcome: Outcome) -> None:
    """Mark a recorded change for read-your-writes: this request's later reads, and the next
    page (by the position cookie the response sets), wait for the read models to show it."""
    services.written(outcome.position)


def field_errors(exc: DomainError, default: str) -> dict[str, str]:
    """A domain error as a message beside the field it names (or beside `default`)."""
    return {str(exc.extra.get("field", default)): exc.detail}


def install(app: FastAPI) -> None:
    from api.pages import (
        accounts,
        activation,
        activities,
        approvals,
        audit,
        corrections,
        counter,
        desk,
        goods,
        households,
        imports,
        me,
        neighbours,
        notice,
        notices,
        points,
        rankings,
        resident,
        residents,
        rules,
        session,
        sharing,
        street,
        years,
    )

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> RedirectResponse:
        return RedirectResponse(exc.to, status_code=303)

    # `residents` before `resident`: /ui/residents/new is not a resident id.
    areas = (residents, resident, households, points, corrections, approvals, activities)
    shop = (counter, goods, street, rules)
    reports = (imports, rankings, years, audit, notices, notice)
    residents_channel = (activation, me, neighbours, sharing)
    for module in (session, accounts, desk, *areas, *shop, *reports, *residents_channel):
        app.include_router(module.router)
