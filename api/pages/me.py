"""我的积分: the resident's own home on a phone — balance, this year's points, the household's
points and place, the statement, receipts, the card to show at the counter, the goods on offer.
A resident reads their own and their household's records; anything else is unknown (404).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import ServicesDep
from api.pages import HOME, PageUser, SignInRequired, render
from api.pages.resident import KIND_NAMES
from api.pages.residents import today
from api.services import Services
from pointsbank.application import unknown
from pointsbank.domain.common import Role
from pointsbank.domain.masking import mask_name
from projections.me_queries import MyPoints
from projections.resident_queries import ResidentQueries

router = APIRouter(prefix="/ui/me", include_in_schema=False)
STATEMENT_PAGE = 20
After = Annotated[int, Query(ge=0, le=2**31 - 1)]


def _me(user: PageUser) -> UUID:
    """The signed-in resident; other roles go to their own home."""
    if user.actor.role is not Role.RESIDENT or user.actor.resident_id is None:
        raise SignInRequired(HOME[user.actor.role])
    return user.actor.resident_id


def _readable(services: Services, user: PageUser, resident_id: UUID) -> dict[str, Any]:
    """One of the resident's circle (self and household), or unknown."""
    if not MyPoints(services.read_db).may_read(_me(user), resident_id):
        raise unknown("resident", resident_id)
    row = ResidentQueries(services.read_db).resident(resident_id)
    if row is None:
        raise unknown("resident", resident_id)
    return row


@router.get("")
def my_points(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    own = _me(user)
    me = _readable(services, user, own)
    reads = MyPoints(services.read_db)
    year = today(services).year
    household_points, place = (0, None)
    if me["household_id"]:
        household_points, place = reads.household_place(UUID(me["household_id"]), year)
    return render(
        request, services, "me/index.html", user,
        r=me, year=year, year_points=ResidentQueries(services.read_db).year_points(own, year),
        household_points=household_points, place=place, members=reads.circle(own)[1:],
        entries=reads.latest(own, 5),
        receipts=services.counter_queries.receipts(None, own, None)[:5],
        goods=services.counter_queries.goods(UUID(me["community_id"])),
        mask=mask_name, kind_names=KIND_NAMES,
    )


@router.get("/statement/{resident_id}")
def statement(
    request: Request, services: ServicesDep, user: PageUser, resident_id: UUID, after: After = 0
) -> HTMLResponse:
    """Own or a household member's statement, a keyset page at a time."""
    r = _readable(services, user, resident_id)
    entries = MyPoints(services.read_db).statement(resident_id, after, STATEMENT_PAGE)
    following = entries[-1]["version"] if len(entries) == STATEMENT_PAGE else None
    return render(
        request, services, "me/statement.html", user, r=r, entries=entries, after=after,
        following=following, own=str(resident_id) == str(_me(user)), mask=mask_name,
        kind_names=KIND_NAMES,
    )


@router.get("/receipts")
def receipts(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    rows = services.counter_queries.receipts(None, _me(user), None)
    return render(request, services, "me/receipts.html", user, receipts=rows)


@router.get("/receipts/{receipt_id}")
def receipt(
    request: Request, services: ServicesDep, user: PageUser, receipt_id: UUID
) -> HTMLResponse:
    row = services.counter_queries.receipt(receipt_id)
    if row is None or not MyPoints(services.read_db).may_read(_me(user), UUID(row["resident_id"])):
        raise unknown("receipt", receipt_id)
    return render(request, services, "me/receipt.html", user, rc=row)


@router.get("/card")
def card(request: Request, services: ServicesDep, user: PageUser) -> HTMLResponse:
    """The resident's card on the phone: the counter scans the QR code or types the card code."""
    me = _readable(services, user, _me(user))
    qr = segno.make(me["card_code"], error="m").svg_inline(scale=6, title="居民卡二维码")
    masked = mask_name(me["name"])
    return render(request, services, "me/card.html", user, r=me, qr=qr, masked=masked)
