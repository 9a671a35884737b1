"""Points by rule: awards, deductions (pending approval) and corrections."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pointsbank.commands import Command, CommandLoop, Decision, Outcome
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Role
from pointsbank.domain.resident import Resident
from pointsbank.years import require_year_open, require_year_open_for


class PointsCommands(CommandLoop):
    def award(
        self,
        cmd: Command,
        resident_id: UUID,
        rule_code: str,
        quantity: int,
        occurred_on: date,
        note: str,
        minutes: int | None = None,
    ) -> Outcome:
        """Award points; above the rule's approval threshold they wait for a second staff member."""
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            resident = self.beneficiary(cmd, resident_id, occurred_on)
            require_year_open(self, resident.community_id, occurred_on)
            rule = self.rule(rule_code)
            amount = rule.quantity_for(resident.community_id, quantity, minutes)
            version = resident.award(rule, amount, occurred_on, note, cmd.ctx)
            return [resident], _entry_status(resident, version), _entry_body(resident, version)

        return self.execute(cmd, decide, serial=[resident_id])

    def deduct(
        self,
        cmd: Command,
        resident_id: UUID,
        rule_code: str,
        quantity: int,
        occurred_on: date,
        reason: str,
    ) -> Outcome:
        """Request a deduction: it waits for a second staff member's approval."""
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            resident = self.beneficiary(cmd, resident_id, occurred_on)
            require_year_open(self, resident.community_id, occurred_on)
            rule = self.rule(rule_code)
            version = resident.deduct(rule, quantity, occurred_on, reason, cmd.ctx)
            return [resident], _entry_status(resident, version), _entry_body(resident, version)

        return self.execute(cmd, decide, serial=[resident_id])

    def correct(
        self, cmd: Command, resident_id: UUID, corrects_version: int, points: int, reason: str
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            resident = self.beneficiary(cmd, resident_id, version=corrects_version)
            require_year_open_for(self, resident, corrects_version)
            version = resident.correct(corrects_version, points, reason, cmd.ctx)
            return [resident], 201, _entry_body(resident, version)

        return self.execute(cmd, decide, serial=[resident_id])


def _entry_body(resident: Resident, version: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resident_id": str(resident.id),
        "version": version,
        "balance": resident.balance,
    }
    if resident.is_pending(version):
        body["pending"] = True
    return body


def _entry_status(resident: Resident, version: int) -> int:
    """202 Accepted while the entry awaits approval, 201 Created once it counts."""
    return 202 if resident.is_pending(version) else 201
