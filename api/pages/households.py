"""Households (家庭): create one named by its door number, add and remove members on effective
dates, move a resident from one household to another in one step, members over time and the
year's points. Staff only, inside their community.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ServicesDep, visible
from api.pages import PageUser, check_form, command, field_errors, render, settle
from api.pages.residents import refused, scope, today
from api.services import Services
from pointsbank.application import Outcome
from pointsbank.domain.common import DomainError, Role
from pointsbank.inputs import NAME, InputRefused, clean_text, parse_day
from projections.resident_queries import ResidentQueries

router = APIRouter(prefix="/ui/households", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
Year = Annotated[int | None, Query(ge=2000, le=2100)]


class Refused(Exception):
    """Bad input on a household form: Chinese messages beside the fields."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _day(text: str, name: str) -> date:
    try:
        return parse_day(text)
    except InputRefused as exc:
        raise Refused({name: refused(exc)}) from None


def _resident(services: Services, community: UUID | None, text: str, name: str) -> UUID:
    """The one resident a name, phone, ID-card tail or card code points to."""
    text = text.strip()[:64]
    found = ResidentQueries(services.db).search(community, text, 6) if text else []
    if not found:
        raise Refused({name: "没有找到这位居民：请输入姓名、电话或居民卡号"})
    if len(found) > 1:
        names = "、".join(f"{r['name']}（卡号 {r['card_code']}）" for r in found[:5])
        raise Refused({name: f"找到多位居民：{names}，请输入电话或卡号"})
    return UUID(found[0]["resident_id"])


def _household(services: Services, community: UUID | None, text: str, name: str) -> UUID:
    """The household a door number names: the exact name, or the only one containing it."""
    text = text.strip()[:100]
    rows = ResidentQueries(services.db).households(community, text, 0) if text else []
    exact = [h for h in rows if h["name"] == text]
    if len(exact) == 1 or len(rows) == 1:
        return UUID((exact or rows)[0]["household_id"])
    if not rows:
        raise Refused({name: "没有这个门牌号的家庭：请先新建家庭"})
    raise Refused({name: "有多个家庭符合，请输入完整的门牌号"})


@router.get("")
def list_page(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    q: Annotated[str, Query(max_length=64)] = "",
    year: Year = None,
) -> HTMLResponse:
    return _list(request, services, user, q=q, year=year or today(services).year)


def _list(
    request: Request, services: Services, user: PageUser, status: int = 200, **context: Any
) -> HTMLResponse:
    community = scope(user, Role.STAFF)
    year = context.pop("year", today(services).year)
    q = context.pop("q", "")
    rows = ResidentQueries(services.db).households(community, q.strip(), year)
    return render(
        request, services, "households/list.html", user, status,
        households=rows, q=q, year=year, form=context.pop("form", {}), **context,
    )  # fmt: skip


@router.post("", response_model=None)
def create(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    name: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    check_form(request, user, csrf_token)
    community = scope(user, Role.STAFF)
    assert community is not None
    form = {"name": name}
    try:
        door = clean_text(name, NAME)
    except InputRefused as exc:
        errors = {"name": "门牌号" + refused(exc)}
        return _list(request, services, user, 422, errors=errors, form=form)
    if any(h["name"] == door for h in ResidentQueries(services.db).households(community, door, 0)):
        errors = {"name": "这个门牌号已经有家庭了"}
        return _list(request, services, user, 409, errors=errors, form=form)
    try:
        cmd = command(services, user, idempotency_key, form)
        outcome = services.bank.create_household(cmd, community, door)
        settle(services, outcome)
    except DomainError as exc:
        return _list(request, services, user, 422, errors=field_errors(exc, "name"), form=form)
    to = f"/ui/households/{outcome.body['household_id']}?created=1"
    return RedirectResponse(to, status_code=303)


@router.get("/move")
def move_form(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    resident: Annotated[UUID | None, Query()] = None,
) -> HTMLResponse:
    scope(user, Role.STAFF)
    form = {"moved_on": str(today(services))}
    if resident is not None:
        row = ResidentQueries(services.db).resident(resident)
        if row is not None and visible(user.actor, row, "resident", resident):
            form["resident"] = row["card_code"]
            form["who"] = f"{row['name']}（{row['household'] or '未加入家庭'}）"
    return _move_page(request, services, user, form=form)


def _move_page(
    request: Request, services: Services, user: PageUser, status: int = 200, **context: Any
) -> HTMLResponse:
    community = scope(user, Role.STAFF)
    doors = [h["name"] for h in ResidentQueries(services.db).households(community, "", 0)]
    return render(request, services, "households/move.html", user, status, doors=doors, **context)


@router.post("/move", response_model=None)
def move(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    resident: Text = "",
    household: Text = "",
    moved_on: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    check_form(request, user, csrf_token)
    community = scope(user, Role.STAFF)
    form = {"resident": resident, "household": household, "moved_on": moved_on}
    try:
        who, to, day = _move_inputs(services, community, form)
        cmd = command(services, user, idempotency_key, form)
        settle(services, services.bank.move_household(cmd, who, to, day))
    except Refused as exc:
        key = idempotency_key
        return _move_page(request, services, user, 422, errors=exc.errors, form=form,
                          idempotency_key=key)  # fmt: skip
    except DomainError as exc:
        errors = field_errors(exc, "moved_on")
        return _move_page(request, services, user, 422, errors=errors, form=form)
    return RedirectResponse(f"/ui/households/{to}?moved=1", status_code=303)


def _move_inputs(
    services: Services, community: UUID | None, form: dict[str, str]
) -> tuple[UUID, UUID, date]:
    """Every field checked, so that each bad one gets its message at once."""
    errors: dict[str, str] = {}
    checks: list[Callable[[], Any]] = [
        lambda: _resident(services, community, form["resident"], "resident"),
        lambda: _household(services, community, form["household"], "household"),
        lambda: _day(form["moved_on"], "moved_on"),
    ]
    values = []
    for check in checks:
        try:
            values.append(check())
        except Refused as exc:
            errors |= exc.errors
    if errors:
        raise Refused(errors)
    return values[0], values[1], values[2]


@router.get("/{household_id}")
def household_page(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    household_id: UUID,
    year: Year = None,
    created: Annotated[int, Query(ge=0, le=1)] = 0,
    moved: Annotated[int, Query(ge=0, le=1)] = 0,
) -> HTMLResponse:
    notice = "家庭已新建" if created else ("已迁入本家庭" if moved else "")
    return _household_page(request, services, user, household_id, year=year, notice=notice)


def _household_page(
    request: Request,
    services: Services,
    user: PageUser,
    household_id: UUID,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    scope(user, Role.STAFF)
    row = visible(user.actor, services.queries.household(household_id), "household", household_id)
    year = context.pop("year", None) or today(services).year
    points, shares = ResidentQueries(services.db).household_points(household_id, year)
    return render(
        request, services, "households/household.html", user, status,
        h=row, year=year, points=points, shares=shares, today=today(services),
        form=context.pop("form", {}), **context,
    )  # fmt: skip


def _member_change(
    request: Request,
    services: Services,
    user: PageUser,
    household_id: UUID,
    form: dict[str, str],
    act: Callable[[Any], Outcome],
) -> Response:
    key = form.pop("idempotency_key")
    try:
        outcome = act(command(services, user, key, form))
        settle(services, outcome)
    except Refused as exc:
        return _household_page(request, services, user, household_id, 422, errors=exc.errors,
                               form=form, idempotency_key=key)  # fmt: skip
    except DomainError as exc:
        errors = field_errors(exc, next(iter(form)))
        return _household_page(request, services, user, household_id, 422, errors=errors, form=form)
    return RedirectResponse(f"/ui/households/{household_id}", status_code=303)


@router.post("/{household_id}/members", response_model=None)
def add_member(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    household_id: UUID,
    resident: Text = "",
    joined_on: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    check_form(request, user, csrf_token)
    community = scope(user, Role.STAFF)
    form = {"joined_on": joined_on, "resident": resident, "idempotency_key": idempotency_key}

    def act(cmd: Any) -> Outcome:
        day = _day(joined_on, "joined_on")
        who = _resident(services, community, resident, "resident")
        return services.bank.join_household(cmd, household_id, who, day)

    return _member_change(request, services, user, household_id, form, act)


@router.post("/{household_id}/members/{resident_id}/leave", response_model=None)
def remove_member(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    household_id: UUID,
    resident_id: UUID,
    left_on: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    check_form(request, user, csrf_token)
    scope(user, Role.STAFF)
    form = {"left_on": left_on, "resident_id": str(resident_id), "idempotency_key": idempotency_key}

    def act(cmd: Any) -> Outcome:
        return services.bank.leave_household(
            cmd, household_id, resident_id, _day(left_on, "left_on")
        )

    return _member_change(request, services, user, household_id, form, act)
