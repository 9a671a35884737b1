"""A volunteer activity or residents' council meeting (志愿活动 / 居民议事会) held under a rule:
sign-ups, attendance, and one close that awards every attendee."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import (
    Conflict,
    Context,
    DomainError,
    LedgerCreated,
    LedgerEvent,
    check_occurred_on,
    require,
)
from pointsbank.domain.rule import Rule

MAX_CAPACITY = 10_000


class Activity(Aggregate):
    class Created(LedgerCreated):
        community_id: UUID
        rule_code: str
        kind: str
        title: str
        starts_at: str
        place: str
        capacity: int
        organiser: str

    class SignedUp(LedgerEvent):
        resident_id: str

        def apply(self, aggregate: Activity) -> None:
            aggregate.signed_up.append(self.resident_id)

    class AttendanceRecorded(LedgerEvent):
        resident_id: str
        minutes: int | None

        def apply(self, aggregate: Activity) -> None:
            aggregate.attendance[self.resident_id] = self.minutes

    class Closed(LedgerEvent):
        """Every attendee awarded (resident → entry version) or refused (resident → why)."""

        awarded: dict[str, int]
        refused: dict[str, str]

        def apply(self, aggregate: Activity) -> None:
            aggregate.closed = True

    def __init__(
        self,
        community_id: UUID,
        rule_code: str,
        kind: str,
        title: str,
        starts_at: str,
        place: str,
        capacity: int,
        organiser: str,
        occurred_on: date,
    ) -> None:
        self.community_id = community_id
        self.rule_code = rule_code
        self.kind = kind
        self.title = title
        self.starts_at = starts_at
        self.place = place
        self.capacity = capacity
        self.organiser = organiser
        self.held_on = occurred_on
        self.signed_up: list[str] = []
        self.attendance: dict[str, int | None] = {}
        self.closed = False

    @classmethod
    def plan(
        cls,
        activity_id: UUID,
        community_id: UUID,
        rule: Rule,
        title: str,
        held_on: date,
        starts_at: str,
        place: str,
        capacity: int,
        organiser: str,
        ctx: Context,
    ) -> Activity:
        require(
            rule.active,
            DomainError(
                "invalid-command.rule-retired", {"rule_code": rule.code}, field="rule_code"
            ),
        )
        require(
            not rule.is_deduction,
            DomainError(
                "invalid-command.rule-is-deduction", {"rule_code": rule.code}, field="rule_code"
            ),
        )
        require(
            0 < capacity <= MAX_CAPACITY,
            DomainError("invalid-command.capacity", {"max": MAX_CAPACITY}, field="capacity"),
        )
        return cls._create(
            cls.Created,
            id=activity_id,
            community_id=community_id,
            rule_code=rule.code,
            kind=rule.category.value,
            title=title,
            starts_at=starts_at,
            place=place,
            capacity=capacity,
            organiser=organiser,
            **ctx.meta(held_on, "activity planned"),
        )

    def sign_up(self, resident_id: UUID, ctx: Context) -> None:
        self.require_open()
        require(
            str(resident_id) not in self.signed_up,
            Conflict("conflict.already-signed-up", field="resident_id"),
        )
        self._require_room(len(self.signed_up))
        self.trigger_event(
            self.SignedUp, resident_id=str(resident_id), **ctx.meta(ctx.today, "signed up")
        )

    def record_attendance(self, resident_id: UUID, minutes: int | None, ctx: Context) -> None:
        """Attendance of a signed-up resident or, while there is room, a walk-in."""
        self.require_open()
        check_occurred_on(self.held_on, ctx, field="held_on")
        if str(resident_id) not in self.signed_up and str(resident_id) not in self.attendance:
            self._require_room(len(set(self.signed_up) | set(self.attendance)))
        self.trigger_event(
            self.AttendanceRecorded,
            resident_id=str(resident_id),
            minutes=minutes,
            **ctx.meta(self.held_on, "attended"),
        )

    def close(self, awarded: dict[str, int], refused: dict[str, str], ctx: Context) -> None:
        self.require_open()
        check_occurred_on(self.held_on, ctx, field="held_on")
        self.trigger_event(
            self.Closed, awarded=awarded, refused=refused, **ctx.meta(self.held_on, "closed")
        )

    def require_open(self) -> None:
        require(
            not self.closed,
            Conflict(
                "conflict.activity-closed",
                {"title": self.title},
                activity_id=str(self.id),
            ),
        )

    def _require_room(self, taken: int) -> None:
        require(
            taken < self.capacity,
            DomainError(
                "invalid-command.activity-full", {"capacity": self.capacity}, field="capacity"
            ),
        )
