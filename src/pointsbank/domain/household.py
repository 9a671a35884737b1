"""A household (家庭/户): the unit ranked for the civilised-family evaluation."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import Context, LedgerCreated


class Household(Aggregate):
    class Created(LedgerCreated):
        community_id: UUID
        name: str

    def __init__(self, community_id: UUID, name: str) -> None:
        self.community_id = community_id
        self.name = name

    @classmethod
    def create(cls, household_id: UUID, community_id: UUID, name: str, ctx: Context) -> Household:
        return cls._create(
            cls.Created,
            id=household_id,
            community_id=community_id,
            name=name,
            **ctx.meta(ctx.today, "household created"),
        )
