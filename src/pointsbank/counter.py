"""The service supermarket counter: the goods catalogue, redemptions and their cancellation.

A redemption is one decision over the resident, every goods item and the new receipt, saved in
one transaction under the version check: no balance or stock goes below zero under any
concurrency, across any number of server processes (invariant 2).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from pointsbank.application import Command, Decision, Outcome, PointsBank
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Actor, Context, DomainError, Forbidden, NotFound, Role
from pointsbank.domain.community import Community
from pointsbank.domain.goods import Goods
from pointsbank.domain.receipt import Receipt
from pointsbank.domain.resident import Resident

GOODS_NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/goods")
MAX_BASKET_LINES = 50
Basket = Sequence[tuple[UUID, int]]


def household_of(resident: Resident) -> str:
    """Whose monthly allowance a redemption counts against: the household, else the resident."""
    if resident.household_id is not None:
        return f"household:{resident.household_id}"
    return f"resident:{resident.id}"


def merged(basket: Basket) -> dict[UUID, int]:
    if not basket:
        raise DomainError("invalid-command.basket-empty", field="items")
    if len(basket) > MAX_BASKET_LINES:
        raise DomainError(
            "invalid-command.basket-too-long", {"max": MAX_BASKET_LINES}, field="items"
        )
    lines: dict[UUID, int] = {}
    for goods_id, quantity in basket:
        lines[goods_id] = lines.get(goods_id, 0) + quantity
    return lines


class Counter:
    def __init__(self, bank: PointsBank) -> None:
        self.bank = bank

    # -- the catalogue ------------------------------------------------------------------------

    def list_item(
        self,
        cmd: Command,
        community_id: UUID | None,
        name: str,
        price: int,
        stock: int,
        household_limit: int,
    ) -> Outcome:
        actor = cmd.ctx.actor
        require_role(actor, Role.ADMIN, Role.STAFF)
        goods_id = uuid5(GOODS_NAMESPACE, f"{actor.user_id}\x00{cmd.key}")

        def decide() -> Decision:
            _require_catalogue(actor, community_id)
            if community_id is not None:
                self.bank.get(Community, community_id, "community")
            goods = Goods.list_item(
                goods_id, community_id, name, price, stock, household_limit, cmd.ctx
            )
            return [goods], 201, _goods_body(goods)

        return self.bank.execute(cmd, decide)

    def restock(self, cmd: Command, goods_id: UUID, quantity: int, note: str) -> Outcome:
        return self._change(cmd, goods_id, lambda g: g.restock(quantity, note, cmd.ctx))

    def change_price(self, cmd: Command, goods_id: UUID, price: int, reason: str) -> Outcome:
        return self._change(cmd, goods_id, lambda g: g.change_price(price, reason, cmd.ctx))

    def withdraw(self, cmd: Command, goods_id: UUID, reason: str) -> Outcome:
        return self._change(cmd, goods_id, lambda g: g.withdraw(reason, cmd.ctx))

    def _change(self, cmd: Command, goods_id: UUID, change: Callable[[Goods], None]) -> Outcome:
        require_role(cmd.ctx.actor, Role.ADMIN, Role.STAFF)

        def decide() -> Decision:
            goods = self.bank.load(cmd.ctx.actor, Goods, goods_id, "goods")
            _require_catalogue(cmd.ctx.actor, goods.community_id)
            change(goods)
            return [goods], 200, _goods_body(goods)

        return self.bank.execute(cmd, decide)

    # -- redemption and cancellation ----------------------------------------------------------

    def redeem(self, cmd: Command, resident_id: UUID, basket: Basket) -> Outcome:
        """Redeem a basket for a resident: all of it, atomically, or nothing."""
        require_role(cmd.ctx.actor, Role.CLERK, Role.STAFF)
        receipt_id = Receipt.id_for(cmd.ctx.actor.user_id, cmd.key)

        def decide() -> Decision:
            lines = merged(basket)
            resident = self.bank.load(cmd.ctx.actor, Resident, resident_id, "resident")
            household = household_of(resident)
            taken = [
                self._take(goods_id, quantity, resident, household, receipt_id, cmd.ctx)
                for goods_id, quantity in lines.items()
            ]
            receipt_lines = [line for _, line in taken]
            points = sum(int(line["points"]) for line in receipt_lines)
            number = Receipt.number_for(receipt_id, cmd.ctx.today)
            resident.redeem(receipt_id, points, f"兑换 {number}", cmd.ctx)
            receipt = Receipt.issue(
                receipt_id,
                resident.community_id,
                resident.id,
                household,
                receipt_lines,
                resident.balance,
                cmd.ctx,
            )
            goods = [g for g, _ in taken]
            return [resident, *goods, receipt], 201, receipt_body(receipt, cmd.ctx)

        return self.bank.execute(cmd, decide, serial=[resident_id, *(g for g, _ in basket)])

    def _take(
        self,
        goods_id: UUID,
        quantity: int,
        resident: Resident,
        household: str,
        receipt_id: UUID,
        ctx: Context,
    ) -> tuple[Goods, dict[str, Any]]:
        goods = self.bank.get(Goods, goods_id, "goods")
        if not goods.available_in(resident.community_id):
            raise NotFound("not-found.goods", goods_id=str(goods_id))
        points = goods.take(receipt_id, quantity, household, ctx)
        line = {
            "goods_id": str(goods_id),
            "name": goods.name,
            "quantity": quantity,
            "price": goods.price,
            "points": points,
        }
        return goods, line

    def cancel(self, cmd: Command, receipt_id: UUID, reason: str) -> Outcome:
        """Cancel a redemption: points and stock come back by new events, exactly once."""
        actor = cmd.ctx.actor
        require_role(actor, Role.CLERK, Role.STAFF)

        def decide() -> Decision:
            receipt = self.bank.load(actor, Receipt, receipt_id, "receipt")
            why = _cancellation_reason(actor, receipt, reason, cmd.ctx)
            receipt.cancel(why, cmd.ctx)
            resident = self.bank.get(Resident, receipt.resident_id, "resident")
            resident.refund_redemption(receipt.id, receipt.points, why, cmd.ctx)
            goods = []
            for line in receipt.lines:
                item = self.bank.get(Goods, UUID(line["goods_id"]), "goods")
                month = receipt.issued_on.strftime("%Y-%m")
                item.give_back(receipt.id, int(line["quantity"]), receipt.household, month, cmd.ctx)
                goods.append(item)
            body = {
                "receipt_id": str(receipt.id),
                "number": receipt.number,
                "cancelled": True,
                "points_refunded": receipt.points,
                "balance_after": resident.balance,
                "reason": why,
            }
            return [receipt, resident, *goods], 200, body

        return self.bank.execute(cmd, decide)


def _cancellation_reason(actor: Actor, receipt: Receipt, reason: str, ctx: Context) -> str:
    if actor.role is Role.CLERK and receipt.issued_on != ctx.today:
        raise Forbidden(
            "forbidden.clerk-cancel-day", {"number": receipt.number, "issued_on": receipt.issued_on}
        )
    if actor.role is Role.STAFF and not reason.strip():
        raise DomainError("invalid-command.cancel-reason", field="reason")
    return reason.strip() or "当日撤销 same-day cancellation"


def _require_catalogue(actor: Actor, community_id: UUID | None) -> None:
    """Admins keep the whole street's catalogue; staff only their own community's goods."""
    if actor.role is Role.ADMIN:
        return
    if community_id is None or community_id != actor.community_id:
        raise Forbidden("forbidden.other-community-goods")


def _goods_body(goods: Goods) -> dict[str, Any]:
    return {
        "goods_id": str(goods.id),
        "community_id": str(goods.community_id) if goods.community_id else None,
        "name": goods.name,
        "price": goods.price,
        "stock": goods.stock,
        "household_limit": goods.household_limit,
        "active": goods.active,
        "version": goods.version,
    }


def receipt_body(receipt: Receipt, ctx: Context) -> dict[str, Any]:
    return {
        "receipt_id": str(receipt.id),
        "number": receipt.number,
        "resident_id": str(receipt.resident_id),
        "items": receipt.lines,
        "points": receipt.points,
        "balance_after": receipt.balance_after,
        "issued_at": ctx.at.isoformat(),
        "issued_on": receipt.issued_on.isoformat(),
        "clerk": receipt.clerk,
    }
