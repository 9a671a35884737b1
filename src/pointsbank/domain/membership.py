"""Which household a resident belongs to, and belonged to on a day: joins and leaves with
their effective dates, kept as a history so that points go to the household of their day.

A part of `Resident` (its events are `Resident.JoinedHousehold/LeftHousehold`), kept apart so
that each module reads as one concern.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from pointsbank.domain.common import Context, DomainError, LedgerEvent, check_occurred_on, require
from pointsbank.domain.household import Household

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate as Part
else:
    Part = object


class Membership(Part):
    if TYPE_CHECKING:
        community_id: UUID
        household_id: UUID | None
        household_since: date | None
        household_left_on: date | None
        membership_history: list[dict[str, str | None]]
        JoinedHousehold: type[LedgerEvent]
        LeftHousehold: type[LedgerEvent]

    def memberships(self) -> list[dict[str, str | None]]:
        """Every household the resident belonged to: joined_on inclusive, left_on exclusive."""
        # Snapshots taken before the history was kept know only the current household.
        if "membership_history" not in self.__dict__:
            since = self.household_since
            self.membership_history = (
                [{"household_id": str(self.household_id), "joined_on": str(since), "left_on": None}]
                if self.household_id is not None and since is not None
                else []
            )
        return self.membership_history

    def households(self, on: date | None = None) -> set[UUID]:
        """The household the resident belongs to now, and those they belonged to `on` a day."""
        now = {self.household_id} if self.household_id is not None else set()
        if on is None:
            return now
        day = on.isoformat()
        return now | {
            UUID(str(m["household_id"]))
            for m in self.memberships()
            if str(m["joined_on"]) <= day and (m["left_on"] is None or day < str(m["left_on"]))
        }

    def join_household(self, household: Household, joined_on: date, ctx: Context) -> None:
        require(
            household.community_id == self.community_id,
            DomainError("invalid-command.household-other-community", field="household_id"),
        )
        require(
            self.household_id is None,
            DomainError("invalid-command.already-in-household"),
        )
        check_occurred_on(joined_on, ctx, field="joined_on")
        require(
            self.household_left_on is None or joined_on >= self.household_left_on,
            DomainError("invalid-command.joined-before-left"),
        )
        self.trigger_event(
            self.JoinedHousehold, household_id=household.id, **ctx.meta(joined_on, "joined")
        )

    def leave_household(self, household_id: UUID, left_on: date, ctx: Context) -> None:
        if self.household_id != household_id:
            raise DomainError("invalid-command.not-a-member")
        check_occurred_on(left_on, ctx, field="left_on")
        assert self.household_since is not None
        require(
            left_on > self.household_since,
            DomainError("invalid-command.left-before-joined", {"joined": self.household_since}),
        )
        self.trigger_event(
            self.LeftHousehold, household_id=self.household_id, **ctx.meta(left_on, "left")
        )
