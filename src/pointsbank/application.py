"""The points bank's application service: load aggregates, decide, save atomically.

Every command runs under an idempotency key that is saved in the same transaction as the
events it guards; a version conflict reloads and decides again (never replays old writes).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding

from pointsbank.domain.authority import (
    can_see,
    require_community,
    require_disinterested,
    require_not_own_household,
    require_role,
)
from pointsbank.domain.common import Actor, Conflict, Context, DomainError, NotFound, Role
from pointsbank.domain.community import Community
from pointsbank.domain.goods import Goods
from pointsbank.domain.household import Household
from pointsbank.domain.idempotency import IdempotencyRecord, KeyReused
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Category, Rule
from pointsbank.keylocks import KeyLocks
from pointsbank.registry import PersonalData, PersonalDataRegistry
from pointsbank.years import require_year_open, require_year_open_for, require_years_open_from

A = TypeVar("A", bound=Aggregate)
RESIDENT_NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/resident")
HOUSEHOLD_NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/household")
MAX_ATTEMPTS = 30
log = logging.getLogger("pointsbank.commands")


class Busy(DomainError):
    status = 503
    code = "busy"


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass(frozen=True)
class Command:
    """The envelope of every state-changing request."""

    ctx: Context
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any]
    position: int | None
    replayed: bool = False


Decision = tuple[Sequence[Aggregate], int, dict[str, Any]]


class PointsBank(Application[UUID]):
    name = "PointsBank"
    snapshotting_intervals = {Resident: 100, Goods: 100}  # noqa: RUF012

    def __init__(self, env: dict[str, str], registry: PersonalDataRegistry) -> None:
        super().__init__(env)
        self.registry = registry
        self._key_locks = KeyLocks()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # -- the command loop ---------------------------------------------------------------------

    def execute(
        self,
        cmd: Command,
        decide: Callable[[], Decision],
        before_save: Callable[[], None] | None = None,
    ) -> Outcome:
        """Decide and save under `cmd.key`; a retry of the same request returns the first result."""
        key_id = IdempotencyRecord.id_for(cmd.ctx.actor.user_id, cmd.key)
        # Copies of one request in this process take turns, so only the first of them decides;
        # copies in other processes are answered by the re-checks in `_attempt`.
        with self._key_locks.hold(key_id):
            for attempt in range(MAX_ATTEMPTS):
                outcome = self._attempt(cmd, key_id, decide, before_save)
                if outcome is not None:
                    return outcome
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise Busy("the ledger is busy with concurrent changes; please retry")

    def _attempt(
        self,
        cmd: Command,
        key_id: UUID,
        decide: Callable[[], Decision],
        before_save: Callable[[], None] | None,
    ) -> Outcome | None:
        """Load, decide and save once; None when a rival's write came first."""
        if (first := self._replay(cmd, key_id)) is not None:
            return first
        try:
            aggregates, status, body = decide()
        except DomainError:
            # Refused by a state a copy of this request may have just made: answer as it did.
            if (first := self._replay(cmd, key_id)) is not None:
                return first
            raise
        record = IdempotencyRecord.record(
            cmd.ctx.actor.user_id, cmd.key, cmd.fingerprint, status, body, cmd.ctx
        )
        if before_save is not None:
            before_save()
        try:
            recordings = self.save(record, *aggregates)
        except IntegrityError:
            return None  # decide again against the rival's write, or replay the copy that won
        except Exception:
            # The events commit before the library takes snapshots: a failure after that
            # must not report a recorded command as failed.
            if (first := self._replay(cmd, key_id)) is None:
                raise
            log.exception("command under key %r recorded, then saving failed", cmd.key)
            return first
        return Outcome(status, body, recordings[-1].notification.id)

    def _replay(self, cmd: Command, key_id: UUID) -> Outcome | None:
        """The first result recorded under this key, if any (refused if the request differs)."""
        first = self.find(IdempotencyRecord, key_id)
        if first is None:
            return None
        status, body = first.replay(cmd.fingerprint)
        return Outcome(status, body, None, replayed=True)

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def get(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        aggregate = self.find(cls, aggregate_id)
        if aggregate is None:
            raise unknown(what, aggregate_id)
        return aggregate

    def load(self, actor: Actor, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """A record as the actor may see it: another community's answers exactly as an unknown
        id does (invariant 12), wherever the reference comes from."""
        aggregate = self.get(cls, aggregate_id, what)
        if not can_see(actor, getattr(aggregate, "community_id", None)):
            raise unknown(what, aggregate_id)
        return aggregate

    def rule(self, code: str) -> Rule:
        rule = self.find(Rule, Rule.id_for(code))
        if rule is None:
            raise NotFound(f"unknown rule {code}", rule_code=code)
        return rule

    # -- street, communities, grids, rules ----------------------------------------------------

    def register_community(self, cmd: Command, code: str, name: str) -> Outcome:
        require_role(cmd.ctx.actor, Role.ADMIN)

        def decide() -> Decision:
            if self.find(Community, Community.id_for(code)) is not None:
                raise Conflict(f"community {code} already exists", code=code)
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
                raise Conflict(f"rule {code} already exists", rule_code=code)
            rule = Rule.define(code, name, category, points, cmd.ctx)
            return [rule], 201, {"rule_code": code, "rule_version": rule.revision}

        return self.execute(cmd, decide)

    # -- residents and households -------------------------------------------------------------

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
                "this Idempotency-Key already enrolled a resident with other personal data; "
                "use a new key for a new request"
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

    # -- points -------------------------------------------------------------------------------

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

        return self.execute(cmd, decide)

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

        return self.execute(cmd, decide)

    def correct(
        self, cmd: Command, resident_id: UUID, corrects_version: int, points: int, reason: str
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.STAFF)

        def decide() -> Decision:
            resident = self.beneficiary(cmd, resident_id, version=corrects_version)
            require_year_open_for(self, resident, corrects_version)
            version = resident.correct(corrects_version, points, reason, cmd.ctx)
            return [resident], 201, _entry_body(resident, version)

        return self.execute(cmd, decide)

    def beneficiary(
        self,
        cmd: Command,
        resident_id: UUID,
        occurred_on: date | None = None,
        *,
        version: int | None = None,
    ) -> Resident:
        """Load the resident whose points change, checking the actor may change them: the
        entry is dated `occurred_on`, or is the entry or request at `version`."""
        actor = cmd.ctx.actor
        resident = self.load(actor, Resident, resident_id, "resident")
        if version is not None:
            occurred_on = resident.dated(version)
        require_disinterested(actor, resident, self.actor_resident(actor), occurred_on)
        return resident

    def actor_resident(self, actor: Actor) -> Resident | None:
        """The resident a staff account is linked to, if any."""
        return None if actor.resident_id is None else self.find(Resident, actor.resident_id)

    def require_membership_change(
        self, cmd: Command, resident: Resident, household: Household, effective_on: date
    ) -> None:
        """Membership changes are refused to a member of the household, and inside closed years."""
        actor = cmd.ctx.actor
        own = self.actor_resident(actor)
        require_not_own_household(actor, resident.id, household.id, own, effective_on)
        require_years_open_from(self, household.community_id, effective_on, cmd.ctx.today)


def unknown(what: str, aggregate_id: UUID) -> NotFound:
    """The one answer for an id the actor may not know of, whether or not it exists."""
    return NotFound(f"unknown {what} {aggregate_id}", **{f"{what}_id": str(aggregate_id)})


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
