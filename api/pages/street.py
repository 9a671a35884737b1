"""社区 and 规则: the street administrator's communities and grids, and the rules catalogue
(define with full terms, revise, reconfigure, retire, community overrides)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ServicesDep
from api.pages import HOME, PageUser, check_form, command, field_errors, render, settle
from api.services import Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import DomainError, Role

router = APIRouter(prefix="/ui", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
CATEGORIES = [
    ("volunteer", "志愿服务"),
    ("council", "议事协商"),
    ("neighbourly", "邻里互助"),
    ("civic", "文明守法"),
    ("deduction", "扣分"),
    ("other", "其他"),
]
MODES = [
    ("fixed", "按次（固定分值）"),
    ("per_hour", "按小时（填分钟数）"),
    ("per_attendance", "按出席"),
]


def _code(value: str, field: str = "code") -> str:
    code = value.strip()
    if not code or len(code) > 32 or not set(code) <= CODE_CHARS:
        raise DomainError("编码须为 1 到 32 位字母、数字、下划线或连字符", field=field)
    return code


def _name(value: str, field: str = "name") -> str:
    if not value.strip():
        raise DomainError("请填写名称", field=field)
    return value.strip()


def _admin_only(user: PageUser) -> Response | None:
    if user.actor.role is Role.ADMIN:
        return None
    return RedirectResponse(HOME[user.actor.role], status_code=303)


def _run(
    services: Services,
    user: PageUser,
    key: str,
    form: dict[str, Any],
    act: Callable[[Command], Outcome],
) -> None:
    settle(services, act(command(services, user, key, form)))


# -- communities and grids ------------------------------------------------------------------


def _communities(request: Request, services: Services, user: PageUser, **ctx: Any) -> HTMLResponse:
    return render(
        request,
        services,
        "admin/communities.html",
        user,
        ctx.pop("status", 200),
        communities=services.queries.communities(),
        form=ctx.pop("form", {}),
        **ctx,
    )


@router.get("/communities", response_model=None)
def communities(request: Request, services: ServicesDep, user: PageUser) -> Response:
    """The street's communities and their grids."""
    return _admin_only(user) or _communities(request, services, user)


@router.post("/communities", response_model=None)
def register_community(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    code: Text = "",
    name: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Register a community."""
    check_form(request, user, csrf_token)
    form = {"code": code, "name": name}
    try:
        checked = (_code(code), _name(name))
        _run(
            services,
            user,
            idempotency_key,
            form,
            lambda cmd: services.bank.register_community(cmd, *checked),
        )
    except DomainError as exc:
        return _communities(
            request,
            services,
            user,
            status=422,
            form=form,
            errors=field_errors(exc, "code"),
            error="未能新建社区：见表单中的说明",
        )
    return _communities(request, services, user, notice=f"已新建社区：{name.strip()}")


@router.post("/communities/{community_id}/grids", response_model=None)
def add_grid(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    community_id: UUID,
    grid_code: Text = "",
    grid_name: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Add a grid to a community."""
    check_form(request, user, csrf_token)
    form = {"grid_code": grid_code, "grid_name": grid_name, "community": str(community_id)}
    try:
        checked = (_code(grid_code, "grid_code"), _name(grid_name, "grid_name"))
        _run(
            services,
            user,
            idempotency_key,
            form,
            lambda cmd: services.bank.add_grid(cmd, community_id, *checked),
        )
    except DomainError as exc:
        errors = field_errors(exc, "grid_code")
        if "code" in errors:
            errors = {"grid_code": "这个社区已有同样编码的网格：请换一个编码"}
        return _communities(
            request,
            services,
            user,
            status=422,
            form=form,
            errors=errors,
            grid_for=str(community_id),
            error="未能添加网格：见表单中的说明",
        )
    return _communities(request, services, user, notice=f"已添加网格：{grid_name.strip()}")
