"""互助管理: staff see their community's needs and offers, the counts per month and category
(a bar per row), hide an improper post with a reason, and export the needs as CSV or XLSX.
The export carries categories, grids, states and dates, not what residents wrote."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from api.deps import ServicesDep
from api.exports import Format, export
from api.pages import PageUser, check_form, command, field_errors, render, settle
from api.pages.neighbours import STATES
from api.pages.points import require_staff
from api.services import Services
from pointsbank.domain.common import DomainError
from pointsbank.domain.need import CATEGORIES, OFFER_KINDS, OFFER_TERMS

router = APIRouter(prefix="/ui/sharing", include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
COLUMNS = (
    ("发布日期", "posted_on"), ("类别", "category_name"), ("网格", "grid_name"),
    ("状态", "state_name"), ("结束日期", "closed_on"), ("隐藏原因", "hidden_reason"),
)  # fmt: skip


def _community(user: PageUser) -> UUID:
    require_staff(user)
    assert user.actor.community_id is not None
    return user.actor.community_id


def _grids(services: Services, community: UUID) -> dict[str, str]:
    rows = services.read_db.query(
        "SELECT code, name FROM grids WHERE community_id = ?", (str(community),)
    )
    return {r["code"]: r["name"] for r in rows}


def _named(rows: list[dict[str, Any]], grids: dict[str, str]) -> list[dict[str, Any]]:
    for row in rows:
        row["category_name"] = CATEGORIES.get(row["category"], row["category"])
        row["grid_name"] = grids.get(row["grid"], row["grid"])
        row["state_name"] = STATES.get(row["state"], row["state"])
    return rows


def _page(
    request: Request, services: Services, user: PageUser, status: int = 200, **ctx: Any
) -> HTMLResponse:
    community = _community(user)
    reads, grids = services.sharing_queries, _grids(services, community)
    counts = reads.monthly_counts(community)
    most = max((c["needs"] for c in counts), default=1)
    return render(
        request, services, "help/staff.html", user, status,
        needs=_named(reads.needs(community, "", open_only=False), grids),
        offers=_named(reads.offers(community, "", open_only=False), grids),
        counts=_named([{**c, "grid": "", "state": ""} for c in counts], grids), most=most,
        kinds=OFFER_KINDS, terms=OFFER_TERMS, **ctx,
    )  # fmt: skip


@router.get("", response_model=None)
def sharing_page(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    return _page(request, services, user)


@router.get("/export.{fmt}", response_model=None)
def sharing_export(services: ServicesDep, user: PageUser, fmt: Format) -> StreamingResponse:
    community = _community(user)
    rows = services.sharing_queries.needs(community, "", open_only=False)
    named = _named(rows, _grids(services, community))
    return export(fmt, "互助需求", "互助需求", COLUMNS, named)


@router.post("/{post_id}/hide", response_model=None)
def hide(
    request: Request, services: ServicesDep, user: PageUser, post_id: UUID, reason: Text = "",
    csrf_token: Text = "", idempotency_key: Text = "",
) -> Response:  # fmt: skip
    """Hide an improper need or offer; the reason is kept with the post."""
    check_form(request, user, csrf_token)
    _community(user)
    fields = {"post": str(post_id), "reason": reason}
    try:
        cmd = command(services, user, idempotency_key, fields)
        settle(services, services.bank.hide_post(cmd, post_id, reason.strip()))
    except DomainError as exc:
        if exc.status == 404:
            raise
        errors = {str(post_id): field_errors(exc, "reason").popitem()[1]}
        return _page(request, services, user, 422, row_errors=errors)
    return _page(request, services, user, notice="已隐藏")
