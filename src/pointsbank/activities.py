"""Running activities and council meetings: plan, sign up, record attendance, and close, which
awards every attendee in one atomic decision (the activity and every resident saved together)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from pointsbank.application import Command, Decision, Outcome, PointsBank
from pointsbank.domain.activity import Activity
from pointsbank.domain.authority import require_community, require_role
from pointsbank.domain.common import DomainError, Role
from pointsbank.domain.community import Community
from pointsbank.domain.resident import Resident
from pointsbank.years import require_year_open

ACTIVITY_NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/activity")


class Activities:
    def __init__(self, bank: PointsBank) -> None:
        self.bank = bank

    def plan(
        self,
        cmd: Command,
        community_id: UUID,
        rule_code: str,
        title: str,
        held_on: date,
        starts_at: str,
        place: str,
        capacity: int,
        organiser: str,
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)
        activity_id = uuid5(ACTIVITY_NAMESPACE, f"{cmd.ctx.actor.user_id}\x00{cmd.key}")

        def decide() -> Decision:
            community = self.bank.get(Community, community_id, "community")
            require_community(cmd.ctx.actor, community.id)
            rule = self.bank.rule(rule_code)
            activity = Activity.plan(
                activity_id, community.id, rule, title, held_on, starts_at, place, capacity,
                organiser, cmd.ctx,
            )  # fmt: skip
            return [activity], 201, {"activity_id": str(activity_id)}

        return self.bank.execute(cmd, decide)

    def sign_up(self, cmd: Command, activity_id: UUID, resident_id: UUID) -> Outcome:
        def act(activity: Activity, resident: Resident) -> None:
            activity.sign_up(resident.id, cmd.ctx)

        return self._attend(cmd, activity_id, resident_id, act)

    def record_attendance(
        self, cmd: Command, activity_id: UUID, resident_id: UUID, minutes: int | None
    ) -> Outcome:
        def act(activity: Activity, resident: Resident) -> None:
            # Attendance is what the close awards: vouching for one's own household is refused.
            self.bank.beneficiary(cmd, resident.id, activity.held_on)
            rule = self.bank.rule(activity.rule_code)
            rule.quantity_for(resident.community_id, 1, minutes)
            activity.record_attendance(resident.id, minutes, cmd.ctx)

        return self._attend(cmd, activity_id, resident_id, act)

    def _attend(self, cmd: Command, activity_id: UUID, resident_id: UUID, act: Any) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            activity = self._activity(cmd, activity_id)
            resident = self.bank.load(cmd.ctx.actor, Resident, resident_id, "resident")
            act(activity, resident)
            body = {"activity_id": str(activity_id), "resident_id": str(resident_id)}
            return [activity], 201, body

        return self.bank.execute(cmd, decide)

    def close(self, cmd: Command, activity_id: UUID) -> Outcome:
        """Award every attendee at once; an attendee who may not be awarded is reported."""
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            activity = self._activity(cmd, activity_id)
            activity.require_open()
            require_year_open(self.bank, activity.community_id, activity.held_on)
            rule = self.bank.rule(activity.rule_code)
            residents: list[Resident] = []
            awarded: dict[str, int] = {}
            refused: dict[str, str] = {}
            for resident_id, minutes in activity.attendance.items():
                try:
                    resident = self.bank.beneficiary(cmd, UUID(resident_id), activity.held_on)
                    quantity = rule.quantity_for(resident.community_id, 1, minutes)
                    awarded[resident_id] = resident.award(
                        rule, quantity, activity.held_on, activity.title, cmd.ctx
                    )
                    residents.append(resident)
                except DomainError as refusal:
                    refused[resident_id] = refusal.detail
            activity.close(awarded, refused, cmd.ctx)
            pending = [r for r in residents if r.is_pending(awarded[str(r.id)])]
            body = {
                "activity_id": str(activity_id),
                "awarded": awarded,
                "pending": [str(r.id) for r in pending],
                "refused": refused,
            }
            return [activity, *residents], 200, body

        return self.bank.execute(cmd, decide)

    def _activity(self, cmd: Command, activity_id: UUID) -> Activity:
        return self.bank.load(cmd.ctx.actor, Activity, activity_id, "activity")
