"""The command loop every application service shares: load, decide, save atomically.

Every command runs under an idempotency key that is saved in the same transaction as the
events it guards; a version conflict reloads and decides again (never replays old writes).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProjectorFunction,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from eventsourcing.utils import strtobool

from pointsbank.domain.authority import can_see, require_disinterested
from pointsbank.domain.common import Actor, Conflict, Context, DomainError, NotFound
from pointsbank.domain.idempotency import IdempotencyRecord
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Rule
from pointsbank.keylocks import KeyLocks
from pointsbank.registry import PersonalDataRegistry

A = TypeVar("A", bound=Aggregate)
MAX_ATTEMPTS = 30
log = logging.getLogger("pointsbank.commands")


class Busy(Conflict):
    """Rivals kept changing the same records first, every attempt: nothing was recorded, and
    the same request may be sent again."""


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


def project_unsnapshotted(aggregate: Any, events: Iterable[Any]) -> Any:
    """The library's projector, marking a load of a kind that never snapshots."""
    return project_aggregate(aggregate, events)


class KindAwareRepository(Repository[UUID]):
    """The library's repository asks the snapshot store first on every load that misses the
    cache. Idempotency records and community years never snapshot, and are looked up (mostly
    absent) by every command: for them that query is a wasted round trip, skipped here."""

    def _reconstruct_aggregate(
        self, aggregate_id: UUID, version: int | None, projector_func: ProjectorFunction[Any, Any]
    ) -> Any:
        if projector_func is not project_unsnapshotted:
            return super()._reconstruct_aggregate(aggregate_id, version, projector_func)
        events = self.event_store.get(originator_id=aggregate_id, lte=version)
        aggregate = projector_func(None, events)
        if aggregate is None:
            raise AggregateNotFoundError(f"Aggregate {aggregate_id!r} version {version!r}")
        return aggregate


class CommandLoop(Application[UUID]):
    """Runs commands under idempotency keys and loads records as the acting user may see them."""

    def __init__(self, env: dict[str, str], registry: PersonalDataRegistry) -> None:
        super().__init__(env)
        self.registry = registry
        self._key_locks = KeyLocks()
        self._aggregate_locks = KeyLocks()

    def construct_repository(self) -> Repository[UUID]:
        """As the library's, with the snapshot query skipped where it cannot find anything."""
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return KindAwareRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(
                self.env.get(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")
            ),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")),
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def execute(
        self,
        cmd: Command,
        decide: Callable[[], Decision],
        before_save: Callable[[], None] | None = None,
        *,
        serial: Iterable[UUID] = (),
    ) -> Outcome:
        """Decide and save under `cmd.key`; a retry of the same request returns the first result.

        Commands on the aggregates named in `serial` take turns in this process, so that they
        do not meet as version conflicts; one that still meets a rival's write (from another
        process, or on an aggregate it did not name) waits its turn on the aggregates it
        decided about, and decides again."""
        key_id = IdempotencyRecord.id_for(cmd.ctx.actor.user_id, cmd.key)
        serialised = set(serial)
        # Copies of one request in this process take turns, so only the first of them decides;
        # copies in other processes are answered by the re-checks in `_attempt`.
        with self._key_locks.hold(key_id):
            for attempt in range(MAX_ATTEMPTS):
                with self._aggregate_locks.hold_all(serialised):
                    outcome = self._attempt(cmd, key_id, decide, before_save)
                if isinstance(outcome, Outcome):
                    return outcome
                serialised |= outcome
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise Busy("conflict.busy")

    def _attempt(
        self,
        cmd: Command,
        key_id: UUID,
        decide: Callable[[], Decision],
        before_save: Callable[[], None] | None,
    ) -> Outcome | set[UUID]:
        """Load, decide and save once; when a rival's write came first, the aggregates decided
        about."""
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
            # Decide again against the rival's write, or replay the copy that won.
            return {aggregate.id for aggregate in aggregates}
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
        # The first answer's own position is not kept; the log's end now is at or after it,
        # so a read that waits for it sees the change (a retry after a lost response reads
        # its own write like the first would have).
        return Outcome(status, body, self.recorder.max_notification_id(), replayed=True)

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        snapshotted = self.snapshotting_intervals or {}
        never = not any(issubclass(kind, cls) for kind in snapshotted)
        try:
            aggregate: Aggregate = self.repository.get(
                aggregate_id, projector_func=project_unsnapshotted if never else project_aggregate
            )
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
            raise NotFound("not-found.rule", rule_code=code)
        return rule

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


def unknown(what: str, aggregate_id: UUID) -> NotFound:
    """The one answer for an id the actor may not know of, whether or not it exists."""
    return NotFound(f"not-found.{what}", **{f"{what}_id": str(aggregate_id)})
