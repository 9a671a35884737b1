"""The rules catalogue (积分细则) as the street administrator keeps it: define, configure,
override per community, revise and retire. Each change is a new rule version; past awards keep
the version they were computed under."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pointsbank.application import Command, Decision, Outcome, PointsBank
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Conflict, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category, Rule
from pointsbank.domain.terms import Terms


class RuleBook:
    def __init__(self, bank: PointsBank) -> None:
        self.bank = bank

    def define(
        self, cmd: Command, code: str, name: str, category: Category, points: int, terms: Terms
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.ADMIN)

        def decide() -> Decision:
            if self.bank.find(Rule, Rule.id_for(code)) is not None:
                raise Conflict("conflict.rule-exists", rule_code=code)
            rule = Rule.establish(code, name, category, points, terms, cmd.ctx)
            return [rule], 201, _body(rule)

        return self.bank.execute(cmd, decide)

    def configure(self, cmd: Command, code: str, terms: Terms, reason: str) -> Outcome:
        return self._change(cmd, code, lambda rule: rule.configure(terms, reason, cmd.ctx))

    def override(
        self,
        cmd: Command,
        code: str,
        community_id: UUID,
        overrides: dict[str, Any],
        reason: str,
    ) -> Outcome:
        def change(rule: Rule) -> None:
            self.bank.get(Community, community_id, "community")
            rule.override(community_id, overrides, reason, cmd.ctx)

        return self._change(cmd, code, change)

    def revise(
        self, cmd: Command, code: str, name: str, points: int, effective_on: date, reason: str
    ) -> Outcome:
        return self._change(
            cmd, code, lambda rule: rule.revise(name, points, effective_on, reason, cmd.ctx)
        )

    def retire(self, cmd: Command, code: str, reason: str) -> Outcome:
        return self._change(cmd, code, lambda rule: rule.retire(reason, cmd.ctx))

    def _change(self, cmd: Command, code: str, change: Any) -> Outcome:
        require_role(cmd.ctx.actor, Role.ADMIN)

        def decide() -> Decision:
            rule = self.bank.rule(code)
            change(rule)
            return [rule], 200, _body(rule)

        return self.bank.execute(cmd, decide)


def _body(rule: Rule) -> dict[str, Any]:
    return {"rule_code": rule.code, "rule_version": rule.revision, "active": rule.active}
