"""互助: residents' needs and offers on a phone — the community's open needs and offers (the
reader's grid first, newest first, by category and grid), posting a need or an offer, taking a
need, confirming it done or not. A need's contact details are shown only to the neighbour who
took it and to staff; to anyone else they are unknown (404), like another community's need.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ServicesDep
from api.pages import (
    HOME,
    PageUser,
    SignInRequired,
    check_form,
    command,
    field_errors,
    render,
    settle,
)
from api.services import Services
from pointsbank.application import Outcome, unknown
from pointsbank.domain.common import DomainError, Role
from pointsbank.domain.masking import mask_name
from pointsbank.domain.need import CATEGORIES, OFFER_KINDS, OFFER_TERMS, NeedState
from pointsbank.registry import PostText

router = APIRouter(prefix="/ui/help", include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
Filter = Annotated[str, Query(max_length=40)]
NOTICES = {"offer": "服务已发布", "withdrawn": "服务已撤回"}
STATES = {
    "open": "待帮忙", "taken": "已有人接", "done": "已完成", "not-done": "未完成",
    "withdrawn": "已撤回", "hidden": "已隐藏",
}  # fmt: skip


def _resident(user: PageUser) -> UUID:
    if user.actor.role is not Role.RESIDENT or user.actor.resident_id is None:
        raise SignInRequired(HOME[user.actor.role])
    return user.actor.resident_id


def _me(services: Services, user: PageUser) -> dict[str, Any]:
    row = services.queries.resident(_resident(user))
    if row is None:
        raise unknown("resident", _resident(user))
    return row


def _grids(services: Services, community_id: str) -> dict[str, str]:
    rows = services.read_db.query(
        "SELECT code, name FROM grids WHERE community_id = ? ORDER BY code", (community_id,)
    )
    return {r["code"]: r["name"] for r in rows}


def _labels(services: Services, me: dict[str, Any]) -> dict[str, Any]:
    return {
        "categories": CATEGORIES, "kinds": OFFER_KINDS, "terms": OFFER_TERMS, "states": STATES,
        "grids": _grids(services, me["community_id"]), "mask": mask_name,
    }  # fmt: skip


@router.get("")
def help_list(
    request: Request, services: ServicesDep, user: PageUser, category: Filter = "",
    grid: Filter = "",
) -> HTMLResponse:  # fmt: skip
    me = _me(services, user)
    reads = services.sharing_queries
    community, near = UUID(me["community_id"]), grid or me["grid"]
    chosen = category if category in CATEGORIES else None
    needs = reads.needs(community, near, chosen, only_grid=grid or None)
    offers = reads.offers(community, near, chosen, only_grid=grid or None)
    return render(
        request, services, "help/index.html", user, needs=needs, offers=offers,
        mine=reads.mine(_resident(user)), me=me, category=category, grid=grid,
        notice=NOTICES.get(request.query_params.get("posted", ""), ""),
        **_labels(services, me),
    )  # fmt: skip


@router.get("/needs/new")
def new_need(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    me = _me(services, user)
    return render(request, services, "help/new_need.html", user, form={}, **_labels(services, me))


@router.get("/offers/new")
def new_offer(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    me = _me(services, user)
    return render(request, services, "help/new_offer.html", user, form={}, **_labels(services, me))


@router.post("/needs", response_model=None)
def post_need(
    request: Request, services: ServicesDep, user: PageUser, category: Text = "",
    description: Text = "", when: Text = "", where: Text = "", csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:  # fmt: skip
    check_form(request, user, csrf_token)
    form = {"category": category, "description": description, "when": when, "where": where}
    try:
        text = PostText(description.strip(), when.strip(), where.strip())
        outcome = services.bank.post_need(
            command(services, user, idempotency_key, form), category, text
        )
    except DomainError as exc:
        me = _me(services, user)
        return render(
            request, services, "help/new_need.html", user, 422, form=form,
            errors=field_errors(exc, "description"), **_labels(services, me),
        )  # fmt: skip
    return _to_need(services, outcome, outcome.body["need_id"])


@router.post("/offers", response_model=None)
def post_offer(
    request: Request, services: ServicesDep, user: PageUser, category: Text = "",
    kind: Text = "", terms: Text = "", description: Text = "", csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:  # fmt: skip
    check_form(request, user, csrf_token)
    form = {"category": category, "kind": kind, "terms": terms, "description": description}
    try:
        outcome = services.bank.post_offer(
            command(services, user, idempotency_key, form), category, kind, terms,
            PostText(description.strip()),
        )  # fmt: skip
    except DomainError as exc:
        me = _me(services, user)
        return render(
            request, services, "help/new_offer.html", user, 422, form=form,
            errors=field_errors(exc, "description"), **_labels(services, me),
        )  # fmt: skip
    settle(services, outcome)
    return RedirectResponse("/ui/help?posted=offer", status_code=303)


def _to_need(services: Services, outcome: Outcome, need_id: str) -> RedirectResponse:
    settle(services, outcome)
    return RedirectResponse(f"/ui/help/needs/{need_id}", status_code=303)


def _visible_need(services: Services, user: PageUser, need_id: UUID) -> dict[str, Any]:
    """The need if the reader's community holds it and it is not hidden (else unknown)."""
    row = services.sharing_queries.need(need_id)
    if row is None or row["community_id"] != str(user.actor.community_id):
        raise unknown("need", need_id)
    if row["state"] == NeedState.HIDDEN and user.actor.role is Role.RESIDENT:
        raise unknown("need", need_id)
    return row


@router.get("/needs/{need_id}")
def need_page(
    request: Request, services: ServicesDep, user: PageUser, need_id: UUID
) -> HTMLResponse:
    return _need_page(request, services, user, need_id)


def _need_page(
    request: Request, services: Services, user: PageUser, need_id: UUID, **ctx: Any
) -> HTMLResponse:
    me = _me(services, user)
    need = _visible_need(services, user, need_id)
    own = need["poster_id"] == me["resident_id"]
    matches = []
    if own and need["state"] == NeedState.OPEN:
        ids = services.sharing_queries.matches(
            UUID(me["community_id"]), need["category"], need["grid"], UUID(me["resident_id"])
        )
        matches = [services.registry.get(UUID(i)) for i in ids]
    return render(
        request, services, "help/need.html", user, ctx.pop("status", 200), need=need, own=own,
        helper=need["helper_id"] == me["resident_id"], matches=[m for m in matches if m],
        contact=_contact(services, user, need), **_labels(services, me), **ctx,
    )  # fmt: skip


def _contact(services: Services, user: PageUser, need: dict[str, Any]) -> Any:
    """The poster's name and phone: for the neighbour who took the need and for staff."""
    helper = need["helper_id"] is not None and need["helper_id"] == str(user.actor.resident_id)
    if not helper and user.actor.role is not Role.STAFF:
        return None
    return services.registry.get(UUID(need["poster_id"]))


@router.get("/needs/{need_id}/contact")
def need_contact(
    request: Request, services: ServicesDep, user: PageUser, need_id: UUID
) -> HTMLResponse:
    """The contact card alone: unknown to everyone but the helper and staff."""
    contact = _contact(services, user, _visible_need(services, user, need_id))
    if contact is None:
        raise unknown("need", need_id)
    return render(request, services, "help/contact.html", user, contact=contact)


@router.post("/needs/{need_id}/{action}", response_model=None)
def act_on_need(
    request: Request, services: ServicesDep, user: PageUser, need_id: UUID, action: str,
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Take it (a neighbour), confirm done or not done, or withdraw it (the poster)."""
    check_form(request, user, csrf_token)
    cmd = command(services, user, idempotency_key, {"need": str(need_id), "action": action})
    bank = services.bank
    acts = {
        "take": lambda: bank.take_need(cmd, need_id),
        "done": lambda: bank.confirm_need(cmd, need_id, True),
        "not-done": lambda: bank.confirm_need(cmd, need_id, False),
        "withdraw": lambda: bank.withdraw_need(cmd, need_id),
    }
    if action not in acts:
        raise unknown("need", need_id)
    try:
        outcome = acts[action]()
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _need_page(request, services, user, need_id, status=422, error=exc.detail)
    return _to_need(services, outcome, str(need_id))


@router.post("/offers/{offer_id}/withdraw", response_model=None)
def withdraw_offer(
    request: Request, services: ServicesDep, user: PageUser, offer_id: UUID,
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """The poster takes their offer back."""
    check_form(request, user, csrf_token)
    cmd = command(services, user, idempotency_key, {"offer": str(offer_id)})
    settle(services, services.bank.withdraw_offer(cmd, offer_id))
    return RedirectResponse("/ui/help?posted=withdrawn", status_code=303)
