"""The counter's read models: the goods catalogue, receipts and every stock movement."""

from __future__ import annotations

from pointsbank.db import Cursor
from pointsbank.domain.common import LedgerCreated, LedgerEvent
from pointsbank.domain.goods import Goods
from pointsbank.domain.receipt import Receipt
from projections.projector import Projection

counter = Projection("counter", tables=("goods", "receipts", "receipt_lines", "stock_movements"))


@counter.on(Goods.Listed)
def _listed(cur: Cursor, e: Goods.Listed, position: int) -> None:
    cur.execute(
        "INSERT INTO goods (goods_id, community_id, name, price, stock, household_limit, active, "
        "listed_on, version) VALUES (?, ?, ?, ?, 0, ?, 1, ?, ?)",
        (
            str(e.originator_id),
            str(e.community_id) if e.community_id else None,
            e.name,
            e.price,
            e.household_limit,
            e.occurred_on.isoformat(),
            e.originator_version,
        ),
    )
    _movement(cur, e, position, "listed", e.stock, None)


@counter.on(Goods.Restocked)
def _restocked(cur: Cursor, e: Goods.Restocked, position: int) -> None:
    _movement(cur, e, position, "restock", e.quantity, None)


@counter.on(Goods.Taken)
def _taken(cur: Cursor, e: Goods.Taken, position: int) -> None:
    _movement(cur, e, position, "redemption", -e.quantity, e.receipt_id)


@counter.on(Goods.Returned)
def _returned(cur: Cursor, e: Goods.Returned, position: int) -> None:
    _movement(cur, e, position, "return", e.quantity, e.receipt_id)


@counter.on(Goods.PriceChanged)
def _price(cur: Cursor, e: Goods.PriceChanged, position: int) -> None:
    _set_goods(cur, e, "price = ?", e.price)


@counter.on(Goods.Withdrawn)
def _withdrawn(cur: Cursor, e: Goods.Withdrawn, position: int) -> None:
    _set_goods(cur, e, "active = ?", 0)


@counter.on(Receipt.Issued)
def _issued(cur: Cursor, e: Receipt.Issued, position: int) -> None:
    receipt_id = str(e.originator_id)
    cur.execute(
        "INSERT INTO receipts (receipt_id, number, community_id, resident_id, clerk_id, "
        "issued_at, issued_on, points, balance_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            receipt_id,
            e.number,
            str(e.community_id),
            str(e.resident_id),
            e.actor_id,
            e.timestamp.isoformat(),
            e.occurred_on.isoformat(),
            e.points,
            e.balance_after,
        ),
    )
    cur.executemany(
        "INSERT INTO receipt_lines (receipt_id, line, goods_id, name, quantity, price, points) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (receipt_id, n, li["goods_id"], li["name"], li["quantity"], li["price"], li["points"])
            for n, li in enumerate(e.lines, start=1)
        ],
    )


@counter.on(Receipt.Cancelled)
def _cancelled(cur: Cursor, e: Receipt.Cancelled, position: int) -> None:
    cur.execute(
        "UPDATE receipts SET cancelled_on = ?, cancelled_at = ?, cancelled_by = ?, "
        "cancel_reason = ? WHERE receipt_id = ?",
        (
            e.occurred_on.isoformat(),
            e.timestamp.isoformat(),
            e.actor_id,
            e.reason,
            str(e.originator_id),
        ),
    )


def _set_goods(cur: Cursor, e: LedgerEvent | LedgerCreated, assignment: str, value: object) -> None:
    cur.execute(
        f"UPDATE goods SET {assignment}, version = ? WHERE goods_id = ?",
        (value, e.originator_version, str(e.originator_id)),
    )


def _movement(
    cur: Cursor,
    e: LedgerEvent | LedgerCreated,
    position: int,
    kind: str,
    quantity: int,
    receipt_id: str | None,
) -> None:
    """Record a stock movement with the stock after it, and move the stock."""
    goods_id = str(e.originator_id)
    cur.execute("SELECT stock FROM goods WHERE goods_id = ?", (goods_id,))
    stock = int(cur.fetchone()["stock"]) + quantity
    cur.execute(
        "INSERT INTO stock_movements (goods_id, version, position, kind, quantity, stock_after, "
        "receipt_id, occurred_on, recorded_at, actor_id, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            goods_id,
            e.originator_version,
            position,
            kind,
            quantity,
            stock,
            receipt_id,
            e.occurred_on.isoformat(),
            e.timestamp.isoformat(),
            e.actor_id,
            e.reason,
        ),
    )
    _set_goods(cur, e, "stock = ?", stock)
