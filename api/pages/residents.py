"""Residents (居民): search as one types, and enrolment with a duplicate check.

Staff search and enrol in their own community; clerks search (read-only) for the counter.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import Authenticated
from api.deps import ServicesDep
from api.pages import PageUser, check_form, command, field_errors, render, settle
from api.services import Services
from pointsbank.domain.common import DomainError, Forbidden, Role
from pointsbank.inputs import PERSON_NAME, InputRefused, clean_text, parse_day
from pointsbank.registry import PersonalData
from projections.resident_queries import ResidentQueries

router = APIRouter(prefix="/ui/residents", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
PHONE = re.compile(r"\+?[0-9 -]{5,20}", re.ASCII)
ID_CARD = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
READERS = (Role.STAFF, Role.CLERK, Role.ADMIN, Role.AUDITOR)


def scope(user: Authenticated, *roles: Role) -> UUID | None:
    """The community the user works in (None: the whole street); refuses other roles."""
    if user.actor.role not in (roles or READERS):
        raise Forbidden("forbidden.page-role")
    if user.actor.role in (Role.STAFF, Role.CLERK):
        return user.actor.community_id
    return None


def refused(exc: InputRefused) -> str:
    """An input-policy message in Chinese (pages have no English yet)."""
    return exc.text("zh")


def today(services: Services) -> date:
    return services.now().astimezone(services.settings.zone).date()


@router.get("")
def search(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    q: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    community = scope(user)
    rows = ResidentQueries(services.db).search(community, q.strip()) if q.strip() else []
    return render(
        request,
        services,
        "residents/search.html",
        user,
        q=q,
        residents=rows,
        can_enrol=user.actor.role is Role.STAFF,
    )


@router.get("/new")
def enrol_form(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    scope(user, Role.STAFF)
    return _enrol_page(request, services, user, form={"enrolled_on": str(today(services))})


def _enrol_page(
    request: Request, services: Services, user: PageUser, status: int = 200, **context: Any
) -> HTMLResponse:
    grids = _grids(services, user)
    return render(
        request, services, "residents/enrol.html", user, status, grid_options=grids, **context
    )


def _grids(services: Services, user: PageUser) -> list[tuple[str, str]]:
    mine = str(user.actor.community_id)
    for community in services.queries.communities():
        if community["community_id"] == mine:
            return [(g["code"], g["name"]) for g in community["grids"]]
    return []


def _personal(form: dict[str, str]) -> tuple[PersonalData, dict[str, str]]:
    """The personal data a form gives, and a Chinese message beside each bad field."""
    errors: dict[str, str] = {}
    name = ""
    try:
        name = clean_text(form["name"], PERSON_NAME)
    except InputRefused as exc:
        errors["name"] = "姓名" + refused(exc)
    phone = form["phone"].strip() or None
    if phone and not PHONE.fullmatch(phone):
        errors["phone"] = "电话号码应为 5 至 20 位数字（可含空格、短横线）"
    id_card = form["id_card"].strip().upper() or None
    if id_card and not ID_CARD.fullmatch(id_card):
        errors["id_card"] = "身份证号应为 18 位（最后一位可以是字母），请核对"
    return PersonalData(name=name, phone=phone, id_card=id_card), errors


@router.post("", response_model=None)
def enrol(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    name: Text = "",
    phone: Text = "",
    id_card: Text = "",
    grid: Text = "",
    enrolled_on: Text = "",
    party_member: Text = "",
    without_hukou: Text = "",
    confirm_duplicate: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    check_form(request, user, csrf_token)
    community = scope(user, Role.STAFF)
    assert community is not None
    form = {
        "name": name,
        "phone": phone,
        "id_card": id_card,
        "grid": grid,
        "enrolled_on": enrolled_on,
        "party_member": party_member,
        "without_hukou": without_hukou,
    }
    personal, errors = _personal(form)
    day = today(services)
    try:
        day = parse_day(enrolled_on)
    except InputRefused as exc:
        errors["enrolled_on"] = refused(exc)
    if grid not in dict(_grids(services, user)):
        errors["grid"] = "请选择居民所在的网格"
    page = {"form": form, "idempotency_key": idempotency_key}
    if errors:
        return _enrol_page(request, services, user, 422, errors=errors, **page)
    same = ResidentQueries(services.db).duplicates(community, personal.phone, personal.id_card)
    if same and not confirm_duplicate:
        return _enrol_page(request, services, user, 409, duplicates=same, **page)
    try:
        cmd = command(services, user, idempotency_key, form)
        outcome = services.bank.enrol(
            cmd, community, grid, bool(party_member), bool(without_hukou), day, personal
        )
        settle(services, outcome)
    except DomainError as exc:
        errors = field_errors(exc, "name")  # a fresh key: the refusal may be kept under the old
        return _enrol_page(request, services, user, 422, errors=errors, form=form)
    resident_id = outcome.body["resident_id"]
    return RedirectResponse(f"/ui/residents/{resident_id}?enrolled=1", status_code=303)
