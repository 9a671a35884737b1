"""Maker-checker (双人复核): a second staff member approves or rejects pending awards and
deductions; corrections reverse or adjust an entry with a reason, the original kept beside it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pointsbank.application import Command, Decision, Outcome, PointsBank
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Role
from pointsbank.domain.resident import Resident


class Approvals:
    def __init__(self, bank: PointsBank) -> None:
        self.bank = bank

    def approve(self, cmd: Command, resident_id: UUID, request_version: int) -> Outcome:
        """Approve as checker: not the maker, not the beneficiary, not of their household."""
        return self._decide(cmd, resident_id, 201, lambda r: r.approve(request_version, cmd.ctx))

    def reject(self, cmd: Command, resident_id: UUID, request_version: int, reason: str) -> Outcome:
        return self._decide(
            cmd, resident_id, 200, lambda r: r.refuse(request_version, reason, cmd.ctx)
        )

    def reverse(
        self, cmd: Command, resident_id: UUID, corrects_version: int, reason: str
    ) -> Outcome:
        return self._decide(
            cmd, resident_id, 201, lambda r: r.reverse(corrects_version, reason, cmd.ctx)
        )

    def _decide(self, cmd: Command, resident_id: UUID, status: int, act: Any) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            resident: Resident = self.bank._beneficiary(cmd, resident_id)
            version: int = act(resident)
            return [resident], status, _body(resident, version)

        return self.bank.execute(cmd, decide)


def _body(resident: Resident, version: int) -> dict[str, Any]:
    return {"resident_id": str(resident.id), "version": version, "balance": resident.balance}
