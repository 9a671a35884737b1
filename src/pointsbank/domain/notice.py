"""The public notice of a year's civilised-family candidates (公示) and its objections (异议).

Staff publish the candidate list for a notice period; any resident of the community may lodge
an objection against a listed household while the period runs; staff record one finding per
objection (upheld: the household leaves the list, with the finding's reason; dismissed: it
stays); once the period has ended and every objection has a finding, staff finalise and the
list is final. One notice per community and year. The objection's own words are the
resident's personal data and never enter an event: only its id, household and author do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import (
    Conflict,
    Context,
    DomainError,
    LedgerCreated,
    LedgerEvent,
    NotFound,
    require,
)

NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/notice")
DEFAULT_DAYS, MAX_DAYS = 7, 30


class Notice(Aggregate):
    class Published(LedgerCreated):
        community_id: UUID
        year: int
        households: list[dict[str, Any]]  # household_id, name, points, rank: as published
        ends_at: datetime

    class ObjectionLodged(LedgerEvent):
        objection_id: UUID
        household_id: UUID
        resident_id: UUID

        def apply(self, aggregate: Notice) -> None:
            aggregate.objections[str(self.objection_id)] = {
                "objection_id": str(self.objection_id),
                "household_id": str(self.household_id),
                "resident_id": str(self.resident_id),
                "lodged_at": self.timestamp.isoformat(),
                "upheld": None,
                "finding": "",
            }

    class FindingRecorded(LedgerEvent):
        objection_id: UUID
        upheld: bool

        def apply(self, aggregate: Notice) -> None:
            objection = aggregate.objections[str(self.objection_id)]
            objection.update(upheld=self.upheld, finding=self.reason)
            if self.upheld:
                aggregate.removed.setdefault(objection["household_id"], self.reason)

    class Finalised(LedgerEvent):
        households: list[str]  # the final list's household ids, in rank order

        def apply(self, aggregate: Notice) -> None:
            aggregate.final = True

    def __init__(
        self, community_id: UUID, year: int, households: list[dict[str, Any]], ends_at: datetime
    ) -> None:
        self.community_id = community_id
        self.year = year
        self.households = households
        self.ends_at = ends_at
        self.objections: dict[str, dict[str, Any]] = {}
        self.removed: dict[str, str] = {}  # household id -> the upholding finding's reason
        self.final = False

    @staticmethod
    def id_for(community_id: UUID, year: int) -> UUID:
        return uuid5(NAMESPACE, f"{community_id}/{year}")

    @staticmethod
    def objection_id_for(user_id: str, key: str) -> UUID:
        """Stable across retries of one request, so its text is kept once under one id."""
        return uuid5(NAMESPACE, f"objection\x00{user_id}\x00{key}")

    @classmethod
    def publish(
        cls,
        community_id: UUID,
        year: int,
        households: list[dict[str, Any]],
        days: int,
        ctx: Context,
    ) -> Notice:
        require(
            1 <= days <= MAX_DAYS,
            DomainError("invalid-command.notice-days", {"max": MAX_DAYS}, field="days"),
        )
        require(bool(households), DomainError("invalid-command.notice-empty", field="year"))
        return cls._create(
            cls.Published,
            id=cls.id_for(community_id, year),
            community_id=community_id,
            year=year,
            households=households,
            ends_at=ctx.at + timedelta(days=days),
            **ctx.meta(ctx.today, f"{year} 年度文明家庭候选公示 {days} 天"),
        )

    def open_objections(self) -> list[dict[str, Any]]:
        return [o for o in self.objections.values() if o["upheld"] is None]

    def final_list(self) -> list[dict[str, Any]]:
        """The published households less those an upheld objection removed."""
        return [h for h in self.households if h["household_id"] not in self.removed]

    def lodge_objection(
        self, objection_id: UUID, household_id: UUID, resident_id: UUID, ctx: Context
    ) -> None:
        self._require_not_final()
        if ctx.at >= self.ends_at:
            raise Conflict("conflict.notice-period-ended")
        listed = {h["household_id"] for h in self.final_list()}  # a removed one is off it
        require(
            str(household_id) in listed,
            DomainError("invalid-command.notice-not-listed", field="household"),
        )
        self.trigger_event(
            self.ObjectionLodged,
            objection_id=objection_id,
            household_id=household_id,
            resident_id=resident_id,
            **ctx.meta(ctx.today, "objection lodged"),
        )

    def record_finding(self, objection_id: UUID, upheld: bool, reason: str, ctx: Context) -> None:
        self._require_not_final()
        objection = self.objections.get(str(objection_id))
        if objection is None:
            raise NotFound("not-found.objection", objection_id=str(objection_id))
        if objection["upheld"] is not None:
            raise Conflict("conflict.finding-recorded")
        require(bool(reason.strip()), DomainError("invalid-command.finding-reason", field="reason"))
        self.trigger_event(
            self.FindingRecorded,
            objection_id=objection_id,
            upheld=upheld,
            **ctx.meta(ctx.today, reason),
        )

    def finalise(self, ctx: Context) -> None:
        self._require_not_final()
        if ctx.at < self.ends_at:
            raise Conflict("conflict.notice-period-running")
        if self.open_objections():
            raise Conflict(
                "conflict.notice-open-objections", {"count": len(self.open_objections())}
            )
        self.trigger_event(
            self.Finalised,
            households=[h["household_id"] for h in self.final_list()],
            **ctx.meta(ctx.today, f"{self.year} 年度文明家庭名单定稿"),
        )

    def _require_not_final(self) -> None:
        if self.final:
            raise Conflict("conflict.notice-final", {"year": self.year})
