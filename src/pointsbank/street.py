"""The street's structure: communities, their grids, and the rules catalogue's first entries."""

from __future__ import annotations

from uuid import UUID

from pointsbank.commands import Command, CommandLoop, Decision, Outcome
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Conflict, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category, Rule


class StreetCommands(CommandLoop):
    def register_community(self, cmd: Command, code: str, name: str) -> Outcome:
        require_role(cmd.ctx.actor, Role.ADMIN)

        def decide() -> Decision:
            if self.find(Community, Community.id_for(code)) is not None:
                raise Conflict("conflict.community-exists", code=code)
            community = Community.register(code, name, cmd.ctx)
            return [community], 201, {"community_id": str(community.id), "code": code}

        return self.execute(cmd, decide)

    def add_grid(self, cmd: Command, community_id: UUID, code: str, name: str) -> Outcome:
        require_role(cmd.ctx.actor, Role.ADMIN)

        def decide() -> Decision:
            community = self.get(Community, community_id, "community")
            community.add_grid(code, name, cmd.ctx)
            return [community], 201, {"community_id": str(community_id), "grid": code}

        return self.execute(cmd, decide)

    def define_rule(
        self, cmd: Command, code: str, name: str, category: Category, points: int
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.ADMIN)

        def decide() -> Decision:
            if self.find(Rule, Rule.id_for(code)) is not None:
                raise Conflict("conflict.rule-exists", rule_code=code)
            rule = Rule.define(code, name, category, points, cmd.ctx)
            return [rule], 201, {"rule_code": code, "rule_version": rule.revision}

        return self.execute(cmd, decide)
