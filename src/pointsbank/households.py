"""Residents and households: enrolment, erasure of personal data, membership over time."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from pointsbank.commands import Command, CommandLoop, Decision, Outcome
from pointsbank.domain.authority import require_community, require_not_own_household, require_role
from pointsbank.domain.common import DomainError, Role
from pointsbank.domain.community import Community
from pointsbank.domain.household import Household
from pointsbank.domain.idempotency import KeyReused
from pointsbank.domain.resident import Resident
from pointsbank.registry import PersonalData
from pointsbank.years import require_years_open_from

RESIDENT_NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/resident")
HOUSEHOLD_NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/household")


class HouseholdCommands(CommandLoop):
    def enrol(
        self,
        cmd: Command,
        community_id: UUID,
        grid: str,
        party_member: bool,
        without_hukou: bool,
        enrolled_on: date,
        personal: PersonalData,
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)
        # Derived from the key, so a retried enrolment files personal data under the same id.
        resident_id = uuid5(RESIDENT_NAMESPACE, f"{cmd.ctx.actor.user_id}\x00{cmd.key}")

        def decide() -> Decision:
            community = self.get(Community, community_id, "community")
            require_community(cmd.ctx.actor, community.id)
            community.require_grid(grid)
            resident = Resident.enrol(
                resident_id, community.id, grid, party_member, without_hukou, enrolled_on, cmd.ctx
            )
            return [resident], 201, {"resident_id": str(resident_id)}

        try:
            outcome = self.execute(cmd, decide, lambda: self.registry.keep(resident_id, personal))
        except Exception:
            if self.find(Resident, resident_id) is None:
                self.registry.forget(resident_id)  # no resident was saved: keep no orphan data
            raise
        if outcome.replayed and not self.registry.matches(resident_id, personal):
            raise KeyReused(
                "idempotency-key-reused.enrolment"
            )
        return outcome

    def erase_personal_data(self, cmd: Command, resident_id: UUID) -> Outcome:
        """Erase name, phone and ID card from the registry and record that it was done."""
        require_role(cmd.ctx.actor, Role.ADMIN)

        def decide() -> Decision:
            resident = self.get(Resident, resident_id, "resident")
            resident.record_erasure(cmd.ctx)
            return [resident], 200, {"resident_id": str(resident_id), "erased": True}

        def erase() -> None:
            self.registry.erase(resident_id, cmd.ctx.at)

        outcome = self.execute(cmd, decide, erase)
        self.registry.compact()  # also on a retry: it finishes a compaction that gave up
        return outcome

    def create_household(self, cmd: Command, community_id: UUID, name: str) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)
        household_id = uuid5(HOUSEHOLD_NAMESPACE, f"{cmd.ctx.actor.user_id}\x00{cmd.key}")

        def decide() -> Decision:
            community = self.get(Community, community_id, "community")
            require_community(cmd.ctx.actor, community.id)
            household = Household.create(household_id, community.id, name, cmd.ctx)
            return [household], 201, {"household_id": str(household_id)}

        return self.execute(cmd, decide)

    def join_household(
        self, cmd: Command, household_id: UUID, resident_id: UUID, joined_on: date
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            household = self.load(cmd.ctx.actor, Household, household_id, "household")
            resident = self.load(cmd.ctx.actor, Resident, resident_id, "resident")
            self.require_membership_change(cmd, resident, household, joined_on)
            resident.join_household(household, joined_on, cmd.ctx)
            body = {"household_id": str(household_id), "resident_id": str(resident_id)}
            return [resident], 201, body

        return self.execute(cmd, decide)

    def leave_household(
        self, cmd: Command, household_id: UUID, resident_id: UUID, left_on: date
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            resident = self.load(cmd.ctx.actor, Resident, resident_id, "resident")
            household = self.load(cmd.ctx.actor, Household, household_id, "household")
            self.require_membership_change(cmd, resident, household, left_on)
            resident.leave_household(household.id, left_on, cmd.ctx)
            body = {"household_id": str(household_id), "resident_id": str(resident_id)}
            return [resident], 200, body

        return self.execute(cmd, decide)

    def require_membership_change(
        self, cmd: Command, resident: Resident, household: Household, effective_on: date
    ) -> None:
        """Membership changes are refused to a member of the household, and inside closed years."""
        actor = cmd.ctx.actor
        own = self.actor_resident(actor)
        require_not_own_household(actor, resident.id, household.id, own, effective_on)
        require_years_open_from(self, household.community_id, effective_on, cmd.ctx.today)

    def move_household(
        self, cmd: Command, resident_id: UUID, to_household_id: UUID, moved_on: date
    ) -> Outcome:
        """Leave the present household and join another on the same day, in one save."""
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            resident = self.load(cmd.ctx.actor, Resident, resident_id, "resident")
            if resident.household_id is None:
                raise DomainError("invalid-command.move-without-household", field="resident")
            if resident.household_id == to_household_id:
                raise DomainError("invalid-command.move-to-same-household", field="household")
            leaving = self.load(cmd.ctx.actor, Household, resident.household_id, "household")
            joining = self.load(cmd.ctx.actor, Household, to_household_id, "household")
            for household in (leaving, joining):
                self.require_membership_change(cmd, resident, household, moved_on)
            resident.leave_household(leaving.id, moved_on, cmd.ctx)
            resident.join_household(joining, moved_on, cmd.ctx)
            body = {
                "resident_id": str(resident_id),
                "from_household_id": str(leaving.id),
                "household_id": str(to_household_id),
            }
            return [resident], 200, body

        return self.execute(cmd, decide)
