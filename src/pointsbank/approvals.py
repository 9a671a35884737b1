"""Maker-checker (双人复核): a second staff member approves or rejects pending awards and
deductions; corrections reverse or adjust an entry with a reason, the original kept beside it."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pointsbank.application import Command, Decision, Outcome, PointsBank
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Role
from pointsbank.domain.resident import Resident
from pointsbank.years import require_year_open, require_year_open_for


class Approvals:
    def __init__(self, bank: PointsBank) -> None:
        self.bank = bank

    def approve(self, cmd: Command, resident_id: UUID, request_version: int) -> Outcome:
        """Approve as checker: not the maker, not the beneficiary, not of their household.

        The points land in the year of the request's occurred_on, which must still be open;
        the rule's terms as they are now decide whether a deduction disqualifies."""

        def approve(resident: Resident) -> int:
            request = resident.pending_request(request_version)
            occurred_on = date.fromisoformat(request["occurred_on"])
            require_year_open(self.bank, resident.community_id, occurred_on)
            rule = self.bank.rule(request["rule_code"])
            return resident.approve(request_version, rule, cmd.ctx)

        return self._decide(cmd, resident_id, request_version, 201, approve)

    def reject(self, cmd: Command, resident_id: UUID, request_version: int, reason: str) -> Outcome:
        return self._decide(
            cmd,
            resident_id,
            request_version,
            200,
            lambda r: r.refuse(request_version, reason, cmd.ctx),
        )

    def reverse(
        self, cmd: Command, resident_id: UUID, corrects_version: int, reason: str
    ) -> Outcome:

        def reverse(resident: Resident) -> int:
            require_year_open_for(self.bank, resident, corrects_version)
            return resident.reverse(corrects_version, reason, cmd.ctx)

        return self._decide(cmd, resident_id, corrects_version, 201, reverse)

    def _decide(
        self, cmd: Command, resident_id: UUID, version: int, status: int, act: Any
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            resident: Resident = self.bank.beneficiary(cmd, resident_id, version=version)
            recorded: int = act(resident)
            return [resident], status, _body(resident, recorded)

        return self.bank.execute(cmd, decide)


def _body(resident: Resident, version: int) -> dict[str, Any]:
    return {"resident_id": str(resident.id), "version": version, "balance": resident.balance}
