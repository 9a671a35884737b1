"""The service supermarket counter: goods, redemptions, receipts, cancellations, reports."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import Field

from api import outcomes, routes, views
from api.deps import ActorDep, Body, CommanderDep, ReaderDep, ServicesDep, readable, visible
from api.fields import Day, Name, Note, Whole
from api.metrics import redemption
from api.openapi import refusals
from pointsbank.counter import MAX_BASKET_LINES
from pointsbank.domain.authority import require_community, require_role
from pointsbank.domain.common import Actor, DomainError, Role
from pointsbank.domain.goods import MAX_LINE_QUANTITY, MAX_PRICE, MAX_STOCK

router = routes.router(tags=["counter"])
Price = Annotated[int, Whole(1, MAX_PRICE)]
Stock = Annotated[int, Whole(0, MAX_STOCK)]


class NewGoods(Body):
    community_id: UUID | None = Field(None, description="null for goods of the whole street")
    name: Name
    price: Price
    stock: Stock = 0
    household_limit: Stock = Field(
        0, description="most a household may take a month; 0 for no limit"
    )


class Restock(Body):
    quantity: Annotated[int, Whole(1, MAX_STOCK)]
    note: Note = ""


class PriceChange(Body):
    price: Price
    reason: Note = "调价 price change"


class Withdrawal(Body):
    reason: Note = "下架 withdrawn"


class BasketLine(Body):
    goods_id: UUID
    quantity: Annotated[int, Whole(1, MAX_LINE_QUANTITY)] = 1


class Redemption(Body):
    resident_id: UUID
    items: Annotated[list[BasketLine], Field(min_length=1, max_length=MAX_BASKET_LINES)]


class Cancellation(Body):
    reason: Note = ""


def _own_community(actor: Actor) -> UUID | None:
    return actor.community_id if actor.role in (Role.STAFF, Role.CLERK) else None


@router.get("/goods", response_model=list[views.Goods])
def list_goods(
    services: ServicesDep,
    actor: ActorDep,
    community_id: UUID | None = None,
    include_withdrawn: bool = False,
) -> list[dict[str, Any]]:
    """The goods catalogue: the community's own goods and the street-wide ones."""
    return services.counter_queries.goods(_own_community(actor) or community_id, include_withdrawn)


@router.get("/goods/{goods_id}", response_model=views.GoodsDetail)
def get_goods(goods_id: UUID, services: ServicesDep, actor: ActorDep) -> dict[str, Any]:
    """One item with its stock movements."""
    row = visible(actor, services.counter_queries.goods_item(goods_id), "goods", goods_id)
    row["movements"] = services.counter_queries.stock_movements(goods_id, _own_community(actor))
    return row


@router.post("/goods", status_code=201, response_model=outcomes.GoodsState)
def list_item(body: NewGoods, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Put an item on the shelf (admin street-wide, staff in their own community)."""
    outcome = services.counter.list_item(
        cmd(body), body.community_id, body.name, body.price, body.stock, body.household_limit
    )
    return cmd.respond(outcome)


@router.post("/goods/{goods_id}/restocks", response_model=outcomes.GoodsState)
def restock(
    goods_id: UUID, body: Restock, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Add stock."""
    return cmd.respond(services.counter.restock(cmd(body), goods_id, body.quantity, body.note))


@router.post("/goods/{goods_id}/price", response_model=outcomes.GoodsState)
def change_price(
    goods_id: UUID, body: PriceChange, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Change the price; past redemptions keep the price they were made at."""
    return cmd.respond(services.counter.change_price(cmd(body), goods_id, body.price, body.reason))


@router.post("/goods/{goods_id}/withdrawal", response_model=outcomes.GoodsState)
def withdraw(
    goods_id: UUID, body: Withdrawal, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Take an item off the shelf for good."""
    return cmd.respond(services.counter.withdraw(cmd(body), goods_id, body.reason))


@router.post("/redemptions", status_code=201, response_model=outcomes.Redeemed)
def redeem(body: Redemption, services: ServicesDep, cmd: CommanderDep) -> JSONResponse:
    """Redeem a basket for a resident, atomically; answers with the receipt."""
    basket = [(line.goods_id, line.quantity) for line in body.items]
    outcome = services.counter.redeem(cmd(body), body.resident_id, basket)
    return cmd.respond(redemption(outcome, "redeemed"))


@router.get("/receipts", response_model=list[views.ReceiptSummary])
def list_receipts(
    services: ServicesDep,
    actor: ReaderDep,
    resident_id: UUID | None = None,
    day: Day | None = None,
) -> list[dict[str, Any]]:
    """Receipts, newest first, by resident or by day (a resident: own and household's)."""
    if actor.role is Role.RESIDENT:
        resident_id = resident_id or actor.resident_id
        assert resident_id is not None  # a resident account is always linked
        readable(services, actor, resident_id, "resident", resident_id)
    return services.counter_queries.receipts(_own_community(actor), resident_id, day)


@router.get("/receipts/{receipt_id}", response_model=views.Receipt)
def get_receipt(receipt_id: UUID, services: ServicesDep, actor: ReaderDep) -> dict[str, Any]:
    """A receipt with its items, for reprinting (a resident: own and household's)."""
    row = visible(actor, services.counter_queries.receipt(receipt_id), "receipt", receipt_id)
    readable(services, actor, UUID(row["resident_id"]), "receipt", receipt_id)
    return row


@router.post("/receipts/{receipt_id}/cancellation", response_model=outcomes.RedemptionCancelled)
def cancel(
    receipt_id: UUID, body: Cancellation, services: ServicesDep, cmd: CommanderDep
) -> JSONResponse:
    """Cancel a redemption: clerks the same day, staff later with a reason."""
    outcome = services.counter.cancel(cmd(body), receipt_id, body.reason)
    return cmd.respond(redemption(outcome, "cancelled"))


@router.get("/counter/reports", response_model=views.CounterReports, responses=refusals(403))
def counter_reports(
    services: ServicesDep,
    actor: ActorDep,
    day: Day,
    community_id: UUID | None = None,
    counter: Annotated[Name | None, Query()] = None,
) -> dict[str, Any]:
    """A day's counter reports, one per counter, reconciled with stock and points movements."""
    require_role(actor, Role.CLERK, Role.STAFF, Role.ADMIN, Role.AUDITOR)
    community = _own_community(actor) or community_id
    if community is None:
        raise DomainError("invalid-command.community-required", field="community_id")
    require_community(actor, community)
    queries = services.counter_queries
    counters = [counter] if counter else queries.counters_on(community, day)
    reports = [queries.counter_report(community, day, c) for c in counters]
    return {"community_id": str(community), "day": day.isoformat(), "counters": reports}
