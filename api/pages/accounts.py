"""The accounts page: the admin manages every account; staff their community's residents'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep
from api.pages import ROLE_NAMES, PageUser, check_form, command, field_errors, render, settle
from api.routes.accounts import community_scope, scope_of
from api.services import Services
from pointsbank.application import Outcome
from pointsbank.domain.common import DomainError, Forbidden, Role
from projections.accounts import PAGE_SIZE

router = APIRouter(prefix="/ui/accounts", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
MANAGERS = (Role.ADMIN, Role.STAFF)


def _require_manager(user: PageUser) -> None:
    if user.actor.role not in MANAGERS:
        raise Forbidden("forbidden.manage-accounts")


def _page(
    request: Request, services: Services, user: PageUser, status: int = 200, **context: Any
) -> HTMLResponse:
    q = context.pop("q", request.query_params.get("q", ""))[:64]
    page = int(context.pop("page", 1))
    rows, total = services.account_queries.page(scope_of(user.actor), q, page)
    is_admin = user.actor.role is Role.ADMIN
    roles = list(Role) if is_admin else [Role.RESIDENT]
    communities = services.queries.communities()
    if not is_admin:
        communities = [c for c in communities if c["community_id"] == str(user.actor.community_id)]
    return render(
        request,
        services,
        "accounts.html",
        user,
        status,
        accounts=rows,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        q=q,
        is_admin=is_admin,
        role_options=[(r.value, ROLE_NAMES[r.value]) for r in roles],
        community_options=[("", "全街道（管理员、审计）")] * is_admin
        + [(c["code"], c["name"]) for c in communities],
        form=context.pop("form", {}),
        **context,
    )


@router.get("")
def accounts_page(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    q: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    _require_manager(user)
    return _page(request, services, user, q=q, page=page)


@router.post("", response_model=None)
def open_account(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    name: Text,
    display_name: Text,
    role: Text,
    password: Text,
    community: Text = "",
    resident_id: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    check_form(request, user, csrf_token)
    _require_manager(user)
    form = {
        "name": name,
        "display_name": display_name,
        "role": role,
        "community": community,
        "resident_id": resident_id,
    }
    try:
        resident = _uuid(resident_id)
        chosen = _role(role)
        scope = community_scope(services, community)
        cmd = command(services, user, idempotency_key, form)
        outcome = services.accounts.open(
            cmd, name, display_name.strip(), chosen, scope, resident, password
        )
        settle(services, outcome)
    except DomainError as exc:
        return _page(request, services, user, 422, errors=field_errors(exc, "name"), form=form)
    return _page(request, services, user, notice=f"已开设账户 {name}")


def _act(
    request: Request,
    services: Services,
    user: PageUser,
    csrf_token: str,
    key: str,
    act: Callable[..., Outcome],
    done: str,
) -> Response:
    check_form(request, user, csrf_token)
    _require_manager(user)
    try:
        outcome = act(command(services, user, key, {"path": request.url.path}))
        settle(services, outcome)
    except DomainError as exc:
        return _page(request, services, user, 422, error=exc.detail)
    return _page(request, services, user, notice=done)


@router.post("/{user_id}/disable", response_model=None)
def disable(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    user_id: UUID,
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    act = lambda cmd: services.accounts.disable(cmd, str(user_id))  # noqa: E731
    return _act(request, services, user, csrf_token, idempotency_key, act, "账户已停用")


@router.post("/{user_id}/enable", response_model=None)
def enable(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    user_id: UUID,
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    act = lambda cmd: services.accounts.enable(cmd, str(user_id))  # noqa: E731
    return _act(request, services, user, csrf_token, idempotency_key, act, "账户已重新启用")


@router.post("/{user_id}/reset", response_model=None)
def reset(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    user_id: UUID,
    password: Text,
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    act = lambda cmd: services.accounts.reset_password(cmd, str(user_id), password)  # noqa: E731
    return _act(
        request,
        services,
        user,
        csrf_token,
        idempotency_key,
        act,
        "密码已重置：下次登录时须修改密码",
    )


@router.post("/{user_id}/role", response_model=None)
def change_role(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    user_id: UUID,
    role: Text,
    community: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    def act(cmd: Any) -> Outcome:
        scope = community_scope(services, community)
        return services.accounts.change_role(cmd, str(user_id), _role(role), scope)

    return _act(request, services, user, csrf_token, idempotency_key, act, "角色已修改")


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise DomainError("invalid-command.role-unknown", field="role") from None


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value.strip()) if value.strip() else None
    except ValueError:
        raise DomainError("invalid-command.resident-id-format", field="resident_id") from None
