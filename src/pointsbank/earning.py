"""The earning side of the bank, wired over one `PointsBank`: rules catalogue, approvals,
activities and bulk import."""

from __future__ import annotations

from dataclasses import dataclass

from pointsbank.activities import Activities
from pointsbank.application import PointsBank
from pointsbank.approvals import Approvals
from pointsbank.imports import Imports
from pointsbank.rulebook import RuleBook


@dataclass(frozen=True)
class Earning:
    rules: RuleBook
    approvals: Approvals
    activities: Activities
    imports: Imports

    @classmethod
    def over(cls, bank: PointsBank) -> Earning:
        return cls(RuleBook(bank), Approvals(bank), Activities(bank), Imports(bank))
