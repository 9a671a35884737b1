"""The counter's queries: goods, receipts and the daily counter report, plain SQL."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pointsbank.db import Database, Row

GOODS_COLUMNS = (
    "goods_id, community_id, name, price, stock, household_limit, active, listed_on, version"
)
RECEIPT_COLUMNS = (
    "r.receipt_id, r.number, r.community_id, r.resident_id, r.clerk_id, a.name AS clerk, "
    "a.display_name AS clerk_name, "
    "r.issued_at, r.issued_on, r.points, r.balance_after, r.cancelled_on, r.cancelled_at, "
    "r.cancelled_by, r.cancel_reason"
)
RECEIPTS = (
    f"SELECT {RECEIPT_COLUMNS} FROM receipts r LEFT JOIN accounts a ON a.user_id = r.clerk_id"
)
ITEMS = (
    "SELECT l.goods_id, l.name, SUM(l.quantity) AS quantity, SUM(l.points) AS points "
    "FROM receipts r JOIN receipt_lines l ON l.receipt_id = r.receipt_id "
    "WHERE r.community_id = ? AND r.{day} = ? AND r.{who} = ? GROUP BY l.goods_id, l.name"
)


class CounterQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def goods(self, community_id: UUID | None, include_withdrawn: bool = False) -> list[Row]:
        """The catalogue: a community's own goods and the street-wide ones."""
        sql = f"SELECT {GOODS_COLUMNS} FROM goods WHERE 1 = 1"
        params: list[Any] = []
        if community_id is not None:
            sql += " AND (community_id = ? OR community_id IS NULL)"
            params.append(str(community_id))
        if not include_withdrawn:
            sql += " AND active = 1"
        return [_active(row) for row in self.db.query(sql + " ORDER BY name, goods_id", params)]

    def goods_item(self, goods_id: UUID) -> Row | None:
        row = self.db.query_one(
            f"SELECT {GOODS_COLUMNS} FROM goods WHERE goods_id = ?", (str(goods_id),)
        )
        return _active(row) if row else None

    def stock_movements(
        self, goods_id: UUID, community_id: UUID | None = None, limit: int = 200
    ) -> list[Row]:
        """An item's movements; given a community, other communities' redemptions of a
        street-wide item show only as quantities, without receipt or clerk."""
        rows = self.db.query(
            "SELECT m.version, m.kind, m.quantity, m.stock_after, m.receipt_id, m.occurred_on, "
            "m.recorded_at, m.actor_id, m.reason, r.community_id FROM stock_movements m "
            "LEFT JOIN receipts r ON r.receipt_id = m.receipt_id "
            "WHERE m.goods_id = ? ORDER BY m.version LIMIT ?",
            (str(goods_id), limit),
        )
        for row in rows:
            owner = row.pop("community_id")
            if community_id is not None and owner is not None and owner != str(community_id):
                row.update(receipt_id=None, actor_id=None, reason="其他社区兑换 other community")
        return rows

    def receipt(self, receipt_id: UUID) -> Row | None:
        row = self.db.query_one(f"{RECEIPTS} WHERE r.receipt_id = ?", (str(receipt_id),))
        if row is not None:
            row["items"] = self.db.query(
                "SELECT goods_id, name, quantity, price, points FROM receipt_lines "
                "WHERE receipt_id = ? ORDER BY line",
                (str(receipt_id),),
            )
        return row

    def receipts(
        self, community_id: UUID | None, resident_id: UUID | None, day: date | None
    ) -> list[Row]:
        sql = f"{RECEIPTS} WHERE 1 = 1"
        params: list[Any] = []
        for column, value in (
            ("r.community_id", community_id),
            ("r.resident_id", resident_id),
            ("r.issued_on", day),
        ):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(str(value))
        return self.db.query(sql + " ORDER BY r.issued_at DESC LIMIT 500", params)

    def receipts_page(
        self, community_id: UUID, day: date | None, text: str, page: int, size: int = 20
    ) -> tuple[list[Row], int]:
        """A page of the community's receipts, newest first, by day and by number or name."""
        where = " WHERE r.community_id = ?"
        params: list[Any] = [str(community_id)]
        if day is not None:
            where += " AND r.issued_on = ?"
            params.append(day.isoformat())
        if text:
            where += " AND (r.number LIKE ? OR p.name LIKE ?)"
            params += [f"%{text}%", f"%{text}%"]
        joined = (
            f"SELECT {RECEIPT_COLUMNS}, p.name AS resident_name FROM receipts r "
            "LEFT JOIN accounts a ON a.user_id = r.clerk_id "
            "LEFT JOIN personal_data p ON p.resident_id = r.resident_id"
        )
        count = self.db.query_one(
            "SELECT COUNT(*) AS n FROM receipts r "
            f"LEFT JOIN personal_data p ON p.resident_id = r.resident_id{where}",
            params,
        )
        rows = self.db.query(
            joined + where + " ORDER BY r.issued_at DESC, r.number LIMIT ? OFFSET ?",
            [*params, size, (page - 1) * size],
        )
        return rows, int(count["n"]) if count else 0

    def counters_on(self, community_id: UUID, day: date) -> list[str]:
        rows = self.db.query(
            "SELECT clerk_id AS counter FROM receipts WHERE community_id = ? AND issued_on = ? "
            "UNION SELECT cancelled_by FROM receipts WHERE community_id = ? AND cancelled_on = ?",
            (str(community_id), day.isoformat(), str(community_id), day.isoformat()),
        )
        return sorted(str(row["counter"]) for row in rows)

    def _count(self, args: tuple[str, str, str], day: str, who: str) -> int:
        row = self.db.query_one(
            "SELECT COUNT(*) AS n FROM receipts "
            f"WHERE community_id = ? AND {day} = ? AND {who} = ?",
            args,
        )
        return int(row["n"]) if row else 0

    def counter_report(self, community_id: UUID, day: date, counter: str) -> Row:
        """One counter's day: redemptions and cancellations by item, reconciled with the stock
        movements and the points ledger that the same counter caused that day."""
        args = (str(community_id), day.isoformat(), counter)
        redeemed = self.db.query(ITEMS.format(day="issued_on", who="clerk_id"), args)
        cancelled = self.db.query(ITEMS.format(day="cancelled_on", who="cancelled_by"), args)
        moved = {
            row["goods_id"]: -int(row["quantity"])
            for row in self.db.query(
                "SELECT m.goods_id, SUM(m.quantity) AS quantity FROM stock_movements m "
                "JOIN receipts r ON r.receipt_id = m.receipt_id WHERE r.community_id = ? "
                "AND m.occurred_on = ? AND m.actor_id = ? GROUP BY m.goods_id",
                args,
            )
        }
        items = _items(redeemed, cancelled, moved)
        ledger = self.db.query_one(
            "SELECT COALESCE(-SUM(s.points), 0) AS points FROM statement_entries s "
            "JOIN residents p ON p.resident_id = s.resident_id WHERE p.community_id = ? "
            "AND s.occurred_on = ? AND s.actor_id = ? AND s.kind IN ('redemption', 'refund')",
            args,
        )
        points_in = sum(int(item["points_in"]) for item in items)
        ledger_points = int(ledger["points"]) if ledger else 0
        name = self.db.query_one("SELECT name FROM accounts WHERE user_id = ?", (counter,))
        return {
            "day": day.isoformat(),
            "counter": counter,
            "counter_name": name["name"] if name else None,
            "receipts": self._count(args, "issued_on", "clerk_id"),
            "cancellations": self._count(args, "cancelled_on", "cancelled_by"),
            "points_taken": sum(int(row["points"]) for row in redeemed),
            "points_refunded": sum(int(row["points"]) for row in cancelled),
            "points_in": points_in,
            "points_in_ledger": ledger_points,
            "items": items,
            "reconciled": ledger_points == points_in and all(i["reconciled"] for i in items),
        }


def _items(redeemed: list[Row], cancelled: list[Row], moved: dict[str, int]) -> list[Row]:
    names = {row["goods_id"]: row["name"] for row in [*redeemed, *cancelled]}
    out = {row["goods_id"]: row for row in redeemed}
    back = {row["goods_id"]: row for row in cancelled}
    items = []
    for goods_id in sorted(set(names) | set(moved)):
        taken = int(out[goods_id]["quantity"]) if goods_id in out else 0
        returned = int(back[goods_id]["quantity"]) if goods_id in back else 0
        points = int(out[goods_id]["points"]) if goods_id in out else 0
        refunded = int(back[goods_id]["points"]) if goods_id in back else 0
        stock_out = moved.get(goods_id, 0)
        items.append(
            {
                "goods_id": goods_id,
                "name": names.get(goods_id),
                "quantity_redeemed": taken,
                "quantity_returned": returned,
                "points_in": points - refunded,
                "stock_out": stock_out,
                "reconciled": stock_out == taken - returned,
            }
        )
    return items


def _active(row: Row) -> Row:
    row["active"] = bool(row["active"])
    return row
