"""An item of the service supermarket (党群服务超市): price, stock and household monthly limit.

The aggregate also counts what each household took per month, so the limit is decided under
the same version check as the stock, never from a read model.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import (
    Conflict,
    Context,
    DomainError,
    LedgerCreated,
    LedgerEvent,
    copy_sharing,
)

MAX_PRICE = 10_000
MAX_STOCK = 100_000
MAX_LINE_QUANTITY = 100


class OutOfStock(Conflict):
    code = "out-of-stock"


class OverHouseholdLimit(Conflict):
    code = "over-household-limit"


class GoodsWithdrawn(Conflict):
    code = "goods-withdrawn"


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def check_range(value: int, low: int, high: int, field: str) -> None:
    if not low <= value <= high:
        raise DomainError("invalid-command.goods-range", {"low": low, "high": high}, field=field)


class Goods(Aggregate):
    class Listed(LedgerCreated):
        community_id: UUID | None
        name: str
        price: int
        stock: int
        household_limit: int

    class Restocked(LedgerEvent):
        quantity: int

        def apply(self, aggregate: Goods) -> None:
            aggregate.stock += self.quantity

    class PriceChanged(LedgerEvent):
        price: int

        def apply(self, aggregate: Goods) -> None:
            aggregate.price = self.price

    class Withdrawn(LedgerEvent):
        def apply(self, aggregate: Goods) -> None:
            aggregate.active = False

    class Taken(LedgerEvent):
        receipt_id: str
        quantity: int
        points: int
        household: str
        month: str

        def apply(self, aggregate: Goods) -> None:
            aggregate.stock -= self.quantity
            aggregate.count_taken(self.month, self.household, self.quantity)

    class Returned(LedgerEvent):
        receipt_id: str
        quantity: int
        household: str
        month: str

        def apply(self, aggregate: Goods) -> None:
            aggregate.stock += self.quantity
            aggregate.count_taken(self.month, self.household, -self.quantity)

    def __init__(
        self, community_id: UUID | None, name: str, price: int, stock: int, household_limit: int
    ) -> None:
        self.community_id = community_id
        self.name = name
        self.price = price
        self.stock = stock
        self.household_limit = household_limit
        self.active = True
        self.taken: dict[str, dict[str, int]] = {}

    @classmethod
    def list_item(
        cls,
        goods_id: UUID,
        community_id: UUID | None,
        name: str,
        price: int,
        stock: int,
        household_limit: int,
        ctx: Context,
    ) -> Goods:
        check_range(price, 1, MAX_PRICE, "price")
        check_range(stock, 0, MAX_STOCK, "stock")
        check_range(household_limit, 0, MAX_STOCK, "household_limit")
        return cls._create(
            cls.Listed,
            id=goods_id,
            community_id=community_id,
            name=name,
            price=price,
            stock=stock,
            household_limit=household_limit,
            **ctx.meta(ctx.today, "listed"),
        )

    def count_taken(self, month: str, household: str, quantity: int) -> None:
        # A month's counts are replaced, never changed in place: see __deepcopy__.
        by_household = self.taken.get(month, {})
        self.taken[month] = {**by_household, household: by_household.get(household, 0) + quantity}

    def __deepcopy__(self, memo: dict[int, Any]) -> Goods:
        """The working copy a redemption gets from the aggregate cache, made in a time that does
        not grow with the months and households the item has served: each month's counts are
        shared (`count_taken` replaces them), only the map of months is copied."""
        return copy_sharing(self, memo, frozenset({"taken"}))

    def restock(self, quantity: int, note: str, ctx: Context) -> None:
        check_range(quantity, 1, MAX_STOCK - self.stock, "quantity")
        self.trigger_event(self.Restocked, quantity=quantity, **ctx.meta(ctx.today, note or "入库"))

    def change_price(self, price: int, reason: str, ctx: Context) -> None:
        check_range(price, 1, MAX_PRICE, "price")
        if price == self.price:
            raise DomainError("invalid-command.price-unchanged", {"price": price}, field="price")
        self.trigger_event(self.PriceChanged, price=price, **ctx.meta(ctx.today, reason))

    def withdraw(self, reason: str, ctx: Context) -> None:
        if not self.active:
            raise GoodsWithdrawn(
                "goods-withdrawn.already", {"name": self.name}, goods_id=str(self.id)
            )
        self.trigger_event(self.Withdrawn, **ctx.meta(ctx.today, reason))

    def take(self, receipt_id: UUID, quantity: int, household: str, ctx: Context) -> int:
        """Take goods off the shelf for a redemption; returns the points they cost."""
        goods_id = str(self.id)
        check_range(quantity, 1, MAX_LINE_QUANTITY, "quantity")
        if not self.active:
            raise GoodsWithdrawn("goods-withdrawn", {"name": self.name}, goods_id=goods_id)
        if quantity > self.stock:
            raise OutOfStock(
                "out-of-stock",
                {"name": self.name},
                goods_id=goods_id,
                stock=self.stock,
            )
        month = month_of(ctx.today)
        already = self.taken.get(month, {}).get(household, 0)
        if self.household_limit and already + quantity > self.household_limit:
            raise OverHouseholdLimit(
                "over-household-limit",
                {"name": self.name},
                goods_id=goods_id,
                limit=self.household_limit,
                taken=already,
            )
        points = self.price * quantity
        self.trigger_event(
            self.Taken,
            receipt_id=str(receipt_id),
            quantity=quantity,
            points=points,
            household=household,
            month=month,
            **ctx.meta(ctx.today, "兑换 redemption"),
        )
        return points

    def give_back(
        self, receipt_id: UUID, quantity: int, household: str, month: str, ctx: Context
    ) -> None:
        """Put cancelled goods back on the shelf and into the household's monthly allowance."""
        self.trigger_event(
            self.Returned,
            receipt_id=str(receipt_id),
            quantity=quantity,
            household=household,
            month=month,
            **ctx.meta(ctx.today, "撤销兑换 redemption cancelled"),
        )

    def available_in(self, community_id: UUID) -> bool:
        return self.community_id is None or self.community_id == community_id
