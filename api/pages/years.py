"""Closing a year (年度结算): staff close their community's year after typing the year to confirm;
the street admin reopens a closed year with a reason. Both are audited events."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep
from api.pages import PageUser, check_form, command, field_errors, render, settle
from api.pages.rankings import Year, scope_of, this_year
from api.services import Services
from pointsbank.domain.common import DomainError, Forbidden, Role
from pointsbank.domain.year import FIRST_YEAR, LAST_YEAR
from pointsbank.inputs import NOTE, InputRefused, clean_text

router = APIRouter(prefix="/ui/years", include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
FormYear = Annotated[int, Form(ge=FIRST_YEAR, le=LAST_YEAR)]


def _page(
    request: Request,
    services: Services,
    user: PageUser,
    year: int,
    community: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    community_id, communities = scope_of(services, user, community)
    if community_id is None and communities:
        community_id, community = communities[0]["community_id"], communities[0]["code"]
    name = next((c["name"] for c in communities if c["community_id"] == community_id), "")
    state = services.statements.year_status(str(community_id), year) if community_id else {}
    options = [(c["code"], c["name"]) for c in communities]
    return render(
        request,
        services,
        "years/index.html",
        user,
        status,
        year=year,
        community=community,
        community_id=community_id,
        community_name=name,
        community_options=options,
        state=state,
        can_close=user.actor.role in (Role.STAFF, Role.ADMIN),
        can_reopen=user.actor.role is Role.ADMIN,
        **context,
    )


@router.get("")
def years_page(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    year: Year = None,
    community: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    return _page(request, services, user, year or this_year(services), community)


@router.post("/close", response_model=None)
def close(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    year: FormYear,
    community: Text = "",
    confirm_year: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Close the year only when the user typed the year itself: a deliberate, second step."""
    check_form(request, user, csrf_token)
    community_id, _ = scope_of(services, user, community)
    if community_id is None:
        errors = {"community": "请选择社区"}
        return _page(request, services, user, year, community, 422, errors=errors)
    if confirm_year.strip() != str(year):
        errors = {"confirm_year": f"请输入“{year}”以确认关闭；关闭后这一年的积分和排名将被冻结"}
        return _page(request, services, user, year, community, 422, errors=errors)
    try:
        cmd = command(services, user, idempotency_key, {"year": year, "community": community})
        settle(services, services.years.close(cmd, UUID(str(community_id)), year))
    except DomainError as exc:
        return _page(request, services, user, year, community, 409, error=exc.detail)
    return _page(
        request, services, user, year, community, notice=f"{year} 年度已关闭，排名已冻结。"
    )


@router.post("/reopen", response_model=None)
def reopen(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    year: FormYear,
    community: Text = "",
    reason: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Reopen a closed year (the street admin only), with the reason on record."""
    check_form(request, user, csrf_token)
    if user.actor.role is not Role.ADMIN:
        raise Forbidden("只有街道管理员可以重新开放年度")
    community_id, _ = scope_of(services, user, community)
    try:
        text = clean_text(reason, kind=NOTE)
    except InputRefused:
        text = ""
    if not text:
        errors = {"reason": "请写明重新开放的原因（例如：补录遗漏的议事会积分）"}
        return _page(request, services, user, year, community, 422, errors=errors)
    try:
        cmd = command(services, user, idempotency_key, {"year": year, "reason": text})
        settle(services, services.years.reopen(cmd, UUID(str(community_id)), year, text))
    except DomainError as exc:
        return _page(
            request, services, user, year, community, 409, errors=field_errors(exc, "reason")
        )
    return _page(request, services, user, year, community, notice=f"{year} 年度已重新开放。")
