"""One resident's page: balance, this year's points, household, flags, statement, receipts,
and the printable resident card whose QR code carries the card code (see projections/cards.py).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from api.deps import ServicesDep, visible
from api.exports import KINDS, Format, export
from api.pages import PageUser, render
from api.pages.residents import refused, scope, today
from api.services import Services
from pointsbank.domain.common import Role
from pointsbank.inputs import InputRefused, parse_day
from projections.resident_queries import STATEMENT_KINDS, ResidentQueries

router = APIRouter(prefix="/ui/residents", include_in_schema=False)
PAGE_SIZE = 20
KIND_NAMES = {**KINDS, "redemption": "兑换", "refund": "兑换撤销退回"}
STATEMENT_COLUMNS = [
    ("序号", "version"),
    ("发生日期", "occurred_on"),
    ("类型", "kind_name"),
    ("规则", "rule_code"),
    ("积分", "points"),
    ("余额", "balance_after"),
    ("原因", "reason"),
    ("记录时间", "recorded_at"),
]
Day = Annotated[str, Query(alias="from", max_length=10)]


class Filters:
    """The statement's filters from the query string; bad ones give a message, not an error."""

    def __init__(self, first: str, last: str, kind: str) -> None:
        self.text = {"from": first, "to": last, "kind": kind if kind in STATEMENT_KINDS else ""}
        self.errors: dict[str, str] = {}
        self.span = (self._day("from", first), self._day("to", last))

    def _day(self, name: str, text: str) -> date | None:
        if not text.strip():
            return None
        try:
            return parse_day(text)
        except InputRefused as exc:
            self.errors[name] = refused(exc)
            return None

    @property
    def kind(self) -> str | None:
        return self.text["kind"] or None

    def query(self) -> str:
        return "&".join(f"{k}={v}" for k, v in self.text.items() if v)


def _resident(services: Services, user: PageUser, resident_id: UUID) -> dict[str, Any]:
    scope(user)
    row = ResidentQueries(services.db).resident(resident_id)
    return visible(user.actor, row, "resident", resident_id)


@router.get("/{resident_id}")
def resident_page(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    resident_id: UUID,
    first: Day = "",
    last: Annotated[str, Query(alias="to", max_length=10)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    enrolled: Annotated[int, Query(ge=0, le=1)] = 0,
) -> HTMLResponse:
    resident = _resident(services, user, resident_id)
    queries = ResidentQueries(services.db)
    filters = Filters(first, last, kind)
    offset = (page - 1) * PAGE_SIZE
    entries, total = queries.statement_page(
        resident_id, filters.span, filters.kind, offset, PAGE_SIZE
    )
    year = today(services).year
    receipts = services.counter_queries.receipts(None, resident_id, None)[:20]
    return render(
        request,
        services,
        "residents/resident.html",
        user,
        r=resident,
        year=year,
        year_points=queries.year_points(resident_id, year),
        totals=services.queries.balance(resident_id)["totals"],  # type: ignore[index]
        entries=entries,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        filters=filters,
        errors=filters.errors,
        kind_names=KIND_NAMES,
        kind_options=[("", "全部"), *((k, KIND_NAMES[k]) for k in STATEMENT_KINDS)],
        receipts=receipts,
        is_staff=user.actor.role is Role.STAFF,
        notice="居民已登记" if enrolled else "",
    )


@router.get("/{resident_id}/statement/{fmt}", response_model=None)
def export_statement(
    services: ServicesDep,
    user: PageUser,
    resident_id: UUID,
    fmt: Format,
    first: Day = "",
    last: Annotated[str, Query(alias="to", max_length=10)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
) -> StreamingResponse:
    """The filtered statement as CSV or XLSX, through the product's one export code."""
    resident = _resident(services, user, resident_id)
    filters = Filters(first, last, kind)
    rows = ResidentQueries(services.db).statement_rows(resident_id, filters.span, filters.kind)
    for row in rows:
        row["kind_name"] = KIND_NAMES.get(row["kind"], row["kind"])
    name = f"积分明细-{resident['name'] or resident['card_code']}"
    return export(fmt, name, "积分明细", STATEMENT_COLUMNS, rows)


@router.get("/{resident_id}/card")
def card(
    request: Request, services: ServicesDep, user: PageUser, resident_id: UUID
) -> HTMLResponse:
    """The printable resident card: the QR code carries the card code the counter looks up."""
    resident = _resident(services, user, resident_id)
    qr = segno.make(resident["card_code"], error="m").svg_inline(scale=6, title="居民卡二维码")
    community = next(
        (
            c["name"]
            for c in services.queries.communities()
            if c["community_id"] == resident["community_id"]
        ),
        "",
    )
    return render(
        request, services, "residents/card.html", user, r=resident, qr=qr, community=community
    )
