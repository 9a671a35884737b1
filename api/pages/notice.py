"""The public notice for residents (公示), phone first: the community's candidate list with
names masked and door numbers, the end of the period, its state, and a form to object; a
resident reads the words of their own objections only. Staff's side: api/pages/notices.py."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep
from api.pages import PageUser, check_form, command, field_errors, render, settle
from api.pages.notices import Year, board, find_notice, latest_year, objections
from api.services import Services
from pointsbank.domain.common import DomainError, Forbidden, Role
from pointsbank.domain.year import FIRST_YEAR, LAST_YEAR

router = APIRouter(prefix="/ui/notice", include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
FormYear = Annotated[int, Form(ge=FIRST_YEAR, le=LAST_YEAR)]


def _community(user: PageUser) -> UUID:
    if user.actor.role is not Role.RESIDENT or user.actor.community_id is None:
        raise Forbidden("公示页面供本社区居民查看；工作人员请使用“公示管理”")
    return user.actor.community_id


def _page(
    request: Request,
    services: Services,
    user: PageUser,
    year: int | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    community_id = _community(user)
    year = year or latest_year(services, community_id)
    notice = find_notice(services, community_id, year)
    shown: dict[str, Any] = {"board": None, "mine": []}
    if notice is not None:  # a resident reads the words of their own objections only
        shown["board"] = board(services, notice)
        shown["mine"] = objections(services, notice, user.actor.resident_id or UUID(int=0))
    return render(
        request, services, "notices/resident.html", user, status, year=year, **{**shown, **context}
    )


@router.get("")
def notice_page(
    request: Request, services: ServicesDep, user: PageUser, year: Year = None
) -> HTMLResponse:
    """The community's current public notice of civilised-family candidates (or a year's)."""
    return _page(request, services, user, year)


@router.post("/objections", response_model=None)
def lodge(
    request: Request, services: ServicesDep, user: PageUser, year: FormYear,
    household: Text = "", reason: Text = "", csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Object to a listed household with a reason, while the notice period runs."""
    check_form(request, user, csrf_token)
    _community(user)
    form = {"household": household, "reason": reason}
    try:
        try:
            household_id = UUID(household)
        except ValueError:
            raise DomainError("请选择名单上的家庭", field="household") from None
        cmd = command(services, user, idempotency_key, {"year": year, **form})
        settle(services, services.notices.object(cmd, year, household_id, reason))
    except DomainError as exc:
        errors = field_errors(exc, "reason")
        return _page(request, services, user, year, 422, errors=errors, form=form)
    done = "异议已提交，社区工作人员核查后会在这里答复。"
    return _page(request, services, user, year, notice=done)
