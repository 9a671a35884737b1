"""商品: the goods catalogue — prices, stock, household monthly limits, restocking, price changes,
withdrawal and low-stock warnings. Clerks read it; staff keep their community's, the admin all."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ServicesDep
from api.pages import HOME, PageUser, Posted, check_form, command, field_errors, render, settle
from api.services import Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import DomainError, Role

HAN = re.compile(r"[\u4e00-\u9fff]")
router = APIRouter(prefix="/ui/goods", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
LOW_STOCK = 10
READERS = (Role.ADMIN, Role.STAFF, Role.CLERK)
KEEPERS = (Role.ADMIN, Role.STAFF)
MOVES = {"listed": "上架", "restock": "入库", "redemption": "兑换", "return": "撤销退回"}


def _scope(user: PageUser) -> UUID | None:
    return None if user.actor.role is Role.ADMIN else user.actor.community_id


def _number(value: str, field: str, low: int, high: int, label: str) -> int:
    text = value.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise DomainError(f"{label}须为 {low} 到 {high} 之间的整数", field=field)
    return int(text)


def _list(request: Request, services: Services, user: PageUser, **ctx: Any) -> HTMLResponse:
    q = str(ctx.pop("q", "")).strip()
    rows = services.counter_queries.goods(_scope(user), include_withdrawn=True)
    rows = [r for r in rows if q in r["name"]]
    names = {c["community_id"]: c["name"] for c in services.queries.communities()}
    for row in rows:
        row["owner"] = names.get(row["community_id"], "全街道")
        row["low"] = row["active"] and row["stock"] <= LOW_STOCK
    low = [r for r in rows if r["low"]]
    communities = [("", "全街道")] + [(k, v) for k, v in names.items()]
    return render(
        request,
        services,
        "goods/list.html",
        user,
        ctx.pop("status", 200),
        rows=rows,
        low=low,
        q=q,
        can_keep=user.actor.role in KEEPERS,
        is_admin=user.actor.role is Role.ADMIN,
        communities=communities,
        form=ctx.pop("form", {}),
        low_stock=LOW_STOCK,
        **ctx,
    )


@router.get("", response_model=None)
def goods_list(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    q: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The catalogue with stock, limits and the items running low."""
    if user.actor.role not in READERS:
        return RedirectResponse(HOME[user.actor.role], status_code=303)
    return _list(request, services, user, q=q)


@router.post("", response_model=None)
def list_item(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    name: Text = "",
    price: Text = "",
    stock: Text = "0",
    household_limit: Text = "0",
    community: Text = "",
    csrf_token: Text = "",
    idempotency_key: Text = "",
) -> Response:
    """Put a new item on the shelf."""
    check_form(request, user, csrf_token)
    form = {
        "name": name,
        "price": price,
        "stock": stock,
        "household_limit": household_limit,
        "community": community,
    }
    try:
        if not name.strip():
            raise DomainError("请填写物品名称", field="name")
        numbers = (
            _number(price, "price", 1, 10_000, "价格"),
            _number(stock, "stock", 0, 100_000, "库存"),
            _number(household_limit, "household_limit", 0, 100_000, "每户每月限量"),
        )
        where = UUID(community) if user.actor.role is Role.ADMIN and community else _scope(user)
        cmd = command(services, user, idempotency_key, form)
        settle(services, services.counter.list_item(cmd, where, name.strip(), *numbers))
    except DomainError as exc:
        return _list(
            request,
            services,
            user,
            status=422,
            form=form,
            errors=field_errors(exc, "name"),
            error="未能上架：见表单中的说明",
        )
    return _list(request, services, user, notice=f"已上架：{name.strip()}")


def _item(services: Services, user: PageUser, goods_id: UUID) -> dict[str, Any] | None:
    row = services.counter_queries.goods_item(goods_id)
    scope = _scope(user)
    if row is None or (scope is not None and row["community_id"] not in (None, str(scope))):
        return None
    moves = services.counter_queries.stock_movements(goods_id, scope)
    for move in moves:
        move["kind_name"] = MOVES.get(move["kind"], move["kind"])
        # The domain's own default reasons are English words; the kind says the same in Chinese.
        move["reason"] = move["reason"] if HAN.search(move["reason"] or "") else ""
    row["movements"] = list(reversed(moves))
    row["low"] = row["active"] and row["stock"] <= LOW_STOCK
    return row


def _item_page(
    request: Request, services: Services, user: PageUser, goods_id: UUID, **ctx: Any
) -> Response:
    row = _item(services, user, goods_id)
    if row is None:
        return RedirectResponse("/ui/goods", status_code=303)
    may_keep = user.actor.role is Role.ADMIN or (
        user.actor.role is Role.STAFF and row["community_id"] is not None
    )
    return render(
        request,
        services,
        "goods/item.html",
        user,
        ctx.pop("status", 200),
        item=row,
        can_keep=may_keep and row["active"],
        form=ctx.pop("form", {}),
        **ctx,
    )


@router.get("/{goods_id}", response_model=None)
def item(request: Request, services: ServicesDep, user: PageUser, goods_id: UUID) -> Response:
    """One item: restock, change the price, withdraw; its stock movements."""
    if user.actor.role not in READERS:
        return RedirectResponse(HOME[user.actor.role], status_code=303)
    return _item_page(request, services, user, goods_id)


class RestockForm(Posted):
    quantity: str = ""
    note: str = ""


class PriceForm(Posted):
    price: str = ""
    reason: str = ""


class WithdrawForm(Posted):
    withdraw_reason: str = ""


def _change(
    request: Request,
    services: Services,
    user: PageUser,
    goods_id: UUID,
    posted: Posted,
    act: Callable[[Command], Outcome],
    done: str,
) -> Response:
    check_form(request, user, posted.csrf_token)
    form, key = posted.fields(), posted.idempotency_key
    try:
        settle(services, act(command(services, user, key, {**form, "goods": str(goods_id)})))
    except DomainError as exc:
        return _item_page(
            request,
            services,
            user,
            goods_id,
            status=422,
            form=form,
            errors=field_errors(exc, next(iter(form))),
            error="未能保存：见表单中的说明",
        )
    return _item_page(request, services, user, goods_id, notice=done)


@router.post("/{goods_id}/restock", response_model=None)
def restock(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    goods_id: UUID,
    posted: Annotated[RestockForm, Form()],
) -> Response:
    """Add stock."""

    def act(cmd: Command) -> Outcome:
        amount = _number(posted.quantity, "quantity", 1, 100_000, "入库数量")
        return services.counter.restock(cmd, goods_id, amount, posted.note.strip() or "入库")

    done = f"已入库 {posted.quantity.strip()} 件"
    return _change(request, services, user, goods_id, posted, act, done)


@router.post("/{goods_id}/price", response_model=None)
def change_price(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    goods_id: UUID,
    posted: Annotated[PriceForm, Form()],
) -> Response:
    """Change the price; past receipts keep theirs."""

    def act(cmd: Command) -> Outcome:
        value = _number(posted.price, "price", 1, 10_000, "价格")
        reason = posted.reason.strip() or "调价"
        return services.counter.change_price(cmd, goods_id, value, reason)

    done = f"价格已改为 {posted.price.strip()} 分"
    return _change(request, services, user, goods_id, posted, act, done)


@router.post("/{goods_id}/withdraw", response_model=None)
def withdraw(
    request: Request,
    services: ServicesDep,
    user: PageUser,
    goods_id: UUID,
    posted: Annotated[WithdrawForm, Form()],
) -> Response:
    """Take an item off the shelf for good."""

    def act(cmd: Command) -> Outcome:
        if not posted.withdraw_reason.strip():
            raise DomainError("请填写下架原因", field="withdraw_reason")
        return services.counter.withdraw(cmd, goods_id, posted.withdraw_reason.strip())

    return _change(request, services, user, goods_id, posted, act, "已下架")
