"""A redemption receipt (兑换小票): what a resident took at the counter, and its cancellation."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import Conflict, Context, LedgerCreated, LedgerEvent

NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/receipt")


class AlreadyCancelled(Conflict):
    code = "receipt-cancelled"


class Receipt(Aggregate):
    class Issued(LedgerCreated):
        number: str
        community_id: UUID
        resident_id: UUID
        household: str
        lines: list[dict[str, Any]]
        points: int
        balance_after: int

    class Cancelled(LedgerEvent):
        points: int

        def apply(self, aggregate: Receipt) -> None:
            aggregate.cancelled = True

    def __init__(
        self,
        number: str,
        community_id: UUID,
        resident_id: UUID,
        household: str,
        lines: list[dict[str, Any]],
        points: int,
        balance_after: int,
        occurred_on: date,
        actor_id: str,
    ) -> None:
        self.issued_on = occurred_on
        self.clerk = actor_id
        self.number = number
        self.community_id = community_id
        self.resident_id = resident_id
        self.household = household
        self.lines = lines
        self.points = points
        self.balance_after = balance_after
        self.cancelled = False

    @staticmethod
    def id_for(user_id: str, key: str) -> UUID:
        return uuid5(NAMESPACE, f"{user_id}\x00{key}")

    @staticmethod
    def number_for(receipt_id: UUID, day: date) -> str:
        return f"{day:%Y%m%d}-{receipt_id.hex[:8].upper()}"

    @classmethod
    def issue(
        cls,
        receipt_id: UUID,
        community_id: UUID,
        resident_id: UUID,
        household: str,
        lines: list[dict[str, Any]],
        balance_after: int,
        ctx: Context,
    ) -> Receipt:
        number = cls.number_for(receipt_id, ctx.today)
        return cls._create(
            cls.Issued,
            id=receipt_id,
            number=number,
            community_id=community_id,
            resident_id=resident_id,
            household=household,
            lines=lines,
            points=sum(int(line["points"]) for line in lines),
            balance_after=balance_after,
            **ctx.meta(ctx.today, f"兑换 {number}"),
        )

    def cancel(self, reason: str, ctx: Context) -> None:
        if self.cancelled:
            raise AlreadyCancelled(
                "receipt-cancelled", {"number": self.number},
                receipt_id=str(self.id),
            )
        self.trigger_event(self.Cancelled, points=self.points, **ctx.meta(ctx.today, reason))
