"""Wires one store into the application service, projector, queries and registries."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from pointsbank.accounts import Accounts
from pointsbank.activation_codes import ActivationCodes
from pointsbank.activations import Activations
from pointsbank.application import PointsBank
from pointsbank.counter import Counter
from pointsbank.credentials import PasswordStore, SessionLimits, SessionStore, TokenStore
from pointsbank.db import Database, open_database
from pointsbank.domain.common import Actor, Context, DomainError
from pointsbank.earning import Earning
from pointsbank.reads import ReplicaReads, require_position
from pointsbank.registry import PersonalDataRegistry
from pointsbank.settings import Settings
from pointsbank.signin import SignIn, Throttle
from pointsbank.store import event_store_env
from pointsbank.years import FrozenRanking, YearBook
from projections.accounts import AccountQueries, accounts
from projections.activity import activity
from projections.annual import annual
from projections.audit_queries import AuditQueries
from projections.chain import ChainFollower
from projections.counter import counter
from projections.counter_queries import CounterQueries
from projections.earning import earning
from projections.ledger import ledger
from projections.migrate import migrate
from projections.projector import Projection, ProjectionFailed, Projector
from projections.queries import Queries
from projections.rankings import Rankings, freeze
from projections.sharing import SharingQueries, sharing
from projections.statements import AnnualStatements

log = logging.getLogger("pointsbank.projector")
PROJECTIONS: tuple[Projection, ...] = (
    ledger, earning, counter, annual, activity, accounts, sharing,
)  # fmt: skip


class ReadModelsBehind(DomainError):
    """The read models cannot show a recorded change yet; the change itself stands."""

    status = 503
    code = "read-models-behind"


@dataclass
class Services:
    settings: Settings
    db: Database
    bank: PointsBank
    projector: Projector
    queries: Queries
    accounts: Accounts
    registry: PersonalDataRegistry
    earning: Earning
    chain: ChainFollower
    audit: AuditQueries
    reads: Database | None = None  # queries' database: a replica, or None for `db`
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def sign_in(self) -> SignIn:
        s = self.settings
        throttle = Throttle(
            s.sign_in_max_failures,
            s.sign_in_max_failures_per_address,
            timedelta(minutes=s.sign_in_window_minutes),
            timedelta(minutes=s.sign_in_lock_minutes),
        )
        return SignIn(self.db, self.accounts, self.accounts.sessions, throttle)

    @property
    def activations(self) -> Activations:
        codes = ActivationCodes(self.db)
        return Activations(self.bank, self.accounts, codes, self.sign_in, self.settings.context)

    @property
    def read_db(self) -> Database:
        return self.reads or self.db

    @property
    def account_queries(self) -> AccountQueries:
        return AccountQueries(self.db)

    @property
    def counter(self) -> Counter:
        return Counter(self.bank)

    @property
    def sharing_queries(self) -> SharingQueries:
        return SharingQueries(self.read_db)

    @property
    def counter_queries(self) -> CounterQueries:
        return CounterQueries(self.read_db)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def context(self, actor: Actor, at: datetime | None = None) -> Context:
        """Who acts, now (or `at`), as every command of every entry point records it."""
        return self.settings.context(actor, at or self.now())

    def projected(self, position: int | None) -> None:
        """Read-your-writes: return once `position` is visible in the read models.

        Raises ReadModelsBehind when they cannot get there (a failing projection, a timeout)."""
        if position is None:
            return
        require_position(position)  # and this request's reads, on a replica too
        if self.settings.inprocess_projector:
            try:
                self.projector.catch_up(until=position)
            except ProjectionFailed as failed:
                at = failed.failure.position
                raise ReadModelsBehind(
                    "read-models-behind.failed", {"problem": str(failed)}, failed_position=at
                ) from None
        elif not self.projector.wait_for(position):
            raise ReadModelsBehind("read-models-behind", {"position": position})

    @property
    def rankings(self) -> Rankings:
        return Rankings(self.read_db)

    @property
    def statements(self) -> AnnualStatements:
        return AnnualStatements(self.read_db)

    @property
    def years(self) -> YearBook:
        return YearBook(self.bank, self.freeze)

    def freeze(self, community_id: UUID, year: int) -> FrozenRanking:
        """The community's ranking once everything now in the log is projected."""
        self.projected(self.bank.recorder.max_notification_id() or None)
        return freeze(self.db, str(community_id), year)

    def start_projecting(self) -> None:
        if not self.settings.inprocess_projector or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self.follow_log,
            args=(self._stop,),
            name="projector",
            daemon=True,
        )
        self._thread.start()

    def follow_log(self, stop: threading.Event) -> None:
        """Keep the read models and the audit hash chain current until `stop` is set."""
        while not stop.is_set():
            # Each follower on its own: a stuck projection must not hold the evidence back.
            stalled = [self._follow(follower.catch_up) for follower in (self.projector, self.chain)]
            stop.wait(self.settings.projector_poll_seconds * (5 if any(stalled) else 1))

    @staticmethod
    def _follow(catch_up: Callable[[], object]) -> bool:
        """Run one follower's catch-up; True when it failed and should back off."""
        try:
            catch_up()
        except ProjectionFailed:
            return True  # the projector has said why, once; readiness reports it
        except Exception:
            # Keep following: a store hiccup must not silently end the updates.
            log.exception("following the log failed; retrying")
            return True
        return False

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.bank.close()
        if self.reads is not None and self.reads is not self.db:
            self.reads.close()
        self.db.close()


def open_services(settings: Settings, *, apply_migrations: bool = True) -> Services:
    db = open_database(settings.database_url)
    reads = db
    if settings.read_database_url:
        replica = open_database(settings.read_database_url)
        reads = ReplicaReads(db, replica, settings.read_wait_seconds)
    registry = PersonalDataRegistry(db)
    bank = PointsBank(event_store_env(settings.database_url), registry)
    if apply_migrations:
        migrate(settings.database_url)
    return Services(
        settings=settings,
        db=db,
        bank=bank,
        projector=Projector(bank, db, PROJECTIONS),
        queries=Queries(reads),
        accounts=Accounts(
            bank,
            PasswordStore(db),
            SessionStore(db, session_limits(settings)),
            TokenStore(db),
            settings.context,
        ),
        registry=registry,
        earning=Earning.over(bank),
        chain=ChainFollower(bank, db),
        audit=AuditQueries(reads),
        reads=reads,
    )


def session_limits(settings: Settings) -> SessionLimits:
    return SessionLimits(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )
