"""A community's year (社区年度): closed once its ranking is published, reopened only by an admin.

While a year is closed, no award, deduction or correction dated in it is accepted for a
resident of that community, nor a household membership change effective in or before it; the
frozen ranking is recorded with its digest and the log position it was computed at, so it can
be reproduced exactly from the log.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import Conflict, Context, DomainError, LedgerCreated, LedgerEvent

NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/community-year")
FIRST_YEAR, LAST_YEAR = 2000, 2100


class YearClosed(Conflict):
    code = "year-closed"


class CommunityYear(Aggregate):
    class Started(LedgerCreated):
        community_id: UUID
        year: int

    class Closed(LedgerEvent):
        community_id: UUID
        year: int
        digest: str
        up_to_position: int
        summary: dict[str, Any]

        def apply(self, aggregate: CommunityYear) -> None:
            aggregate.closed = True
            aggregate.digest = self.digest
            aggregate.up_to_position = self.up_to_position

    class Reopened(LedgerEvent):
        community_id: UUID
        year: int

        def apply(self, aggregate: CommunityYear) -> None:
            aggregate.closed = False

    def __init__(self, community_id: UUID, year: int) -> None:
        self.community_id = community_id
        self.year = year
        self.closed = False
        self.digest = ""
        self.up_to_position = 0

    @staticmethod
    def id_for(community_id: UUID, year: int) -> UUID:
        return uuid5(NAMESPACE, f"{community_id}/{year}")

    @classmethod
    def start(cls, community_id: UUID, year: int, ctx: Context) -> CommunityYear:
        check_year(year)
        return cls._create(
            cls.Started,
            id=cls.id_for(community_id, year),
            community_id=community_id,
            year=year,
            **ctx.meta(ctx.today, f"year {year} opened for closing"),
        )

    def close(
        self, digest: str, up_to_position: int, summary: dict[str, Any], ctx: Context
    ) -> None:
        if self.closed:
            raise Conflict("conflict.year-already-closed", {"year": self.year})
        if self.year >= ctx.today.year:
            raise DomainError(
                "invalid-command.year-not-ended", {"year": self.year, "today": ctx.today},
                field="year",
            )
        self.trigger_event(
            self.Closed,
            community_id=self.community_id,
            year=self.year,
            digest=digest,
            up_to_position=up_to_position,
            summary=summary,
            **ctx.meta(ctx.today, f"year {self.year} closed"),
        )

    def reopen(self, reason: str, ctx: Context) -> None:
        if not self.closed:
            raise Conflict("conflict.year-not-closed", {"year": self.year})
        if not reason.strip():
            raise DomainError("invalid-command.reopen-reason", field="reason")
        self.trigger_event(
            self.Reopened,
            community_id=self.community_id,
            year=self.year,
            **ctx.meta(ctx.today, reason),
        )


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(
            "invalid-command.year-range", {"first": FIRST_YEAR, "last": LAST_YEAR}, field="year"
        )


def require_open(year: CommunityYear | None, occurred_on: date, what: str = "entries") -> None:
    """Refuse a command that would change a closed year's figures: a points entry dated in it
    (the year of its local `occurred_on`), or a membership change effective on or before it."""
    if year is not None and year.closed:
        raise YearClosed(
            "year-closed",
            {"what": what},
            year=year.year,
            occurred_on=occurred_on.isoformat(),
        )
