"""Wires one store into the application service, projector, queries and registries."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg

from pointsbank.accounts import Accounts
from pointsbank.activation_codes import ActivationCodes
from pointsbank.activations import Activations
from pointsbank.application import PointsBank
from pointsbank.counter import Counter
from pointsbank.credential_cache import CredentialCache
from pointsbank.credentials import PasswordStore, SessionLimits, SessionStore, TokenStore
from pointsbank.db import Database, open_database
from pointsbank.domain.common import Actor, Context, DomainError
from pointsbank.earning import Earning
from pointsbank.notices import NoticeBook
from pointsbank.reads import ProjectedReads, ReplicaReads, projecting, require_position
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
from projections.notice_queries import NoticeQueries
from projections.notices import notices
from projections.projector import Projection, ProjectionFailed, Projector
from projections.queries import Queries
from projections.rankings import Rankings, freeze
from projections.sharing import SharingQueries, sharing
from projections.statements import AnnualStatements

log = logging.getLogger("pointsbank.projector")
PROJECTIONS: tuple[Projection, ...] = (
    ledger,
    earning,
    counter,
    annual,
    activity,
    accounts,
    notices,
    sharing,
)


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
    _written: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    signed_in: CredentialCache = field(init=False)  # who a request's credential belongs to

    def __post_init__(self) -> None:
        self.signed_in = CredentialCache(self.accounts, self.accounts.changes)

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
        return datetime.now(UTC) + timedelta(days=self.settings.clock_shift_days)

    def context(self, actor: Actor, at: datetime | None = None) -> Context:
        """Who acts, now (or `at`), as every command of every entry point records it."""
        return self.settings.context(actor, at or self.now())

    def written(self, position: int | None) -> None:
        """A command recorded a change at `position`: this request's reads from here on, and
        its response's position, include it; the in-process projector starts on it at once
        rather than at its next poll. The write itself waits for no read model."""
        if position is not None:
            require_position(position)
            self._written.set()

    def settle_reads(self, position: int) -> bool:
        """Bounded wait until the read models include `position` (or the log's end, if the
        position named is beyond it); False when they cannot get there in time."""
        if self.projector.position() >= position:
            return True
        position = min(position, self.bank.recorder.max_notification_id() or 0)
        if not self.settings.inprocess_projector:
            return self.projector.wait_for(position, self.settings.read_wait_seconds)
        try:
            self.projector.catch_up(until=position)
        except ProjectionFailed:
            return False  # the projector has said why; the response says the reads lag
        return self.projector.position() >= position

    def projected(self, position: int | None) -> None:
        """Read-your-writes: return once `position` is visible in the read models.

        Raises ReadModelsBehind when they cannot get there (a failing projection, a timeout)."""
        if position is None:
            return
        require_position(position)  # and this request's reads, on a replica too
        projecting(position)
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

    @property
    def notices(self) -> NoticeBook:
        return NoticeBook(self.bank, self.candidates)

    @property
    def notice_queries(self) -> NoticeQueries:
        return NoticeQueries(self.read_db)

    def candidates(self, community_id: UUID, year: int, top: int) -> list[dict[str, Any]]:
        """The year's top civilised-family candidates once everything now in the log is
        projected, as a public notice publishes them."""
        self.projected(self.bank.recorder.max_notification_id() or None)
        found = Rankings(self.db).candidates(str(community_id), year, top, None)
        return [
            {
                "household_id": str(row["household_id"]),
                "name": row["name"],
                "points": int(row["points"]),
                "rank": int(row["rank"]),
            }
            for row in found["candidates"]
        ]

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
            if any(stalled):  # back off; a write must not hurry a failing projection on
                stop.wait(self.settings.projector_poll_seconds * 5)
            else:
                self._written.wait(self.settings.projector_poll_seconds)
                self._written.clear()

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
        self._written.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.bank.close()
        if self.reads is not None and self.reads is not self.db:
            self.reads.close()
        self.db.close()


STARTUP_LOCK = 0x706F696E7473  # "points": one advisory lock key for starting servers


@contextmanager
def one_start_at_a_time(url: str) -> Iterator[None]:
    """Servers (or workers) starting together on PostgreSQL create the event tables one at a
    time: concurrent `CREATE ... IF NOT EXISTS` race in the catalogue ("tuple concurrently
    updated") and one of them would fail to start."""
    if not url.startswith("postgres"):
        yield
        return
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (STARTUP_LOCK,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (STARTUP_LOCK,))


def open_services(settings: Settings, *, apply_migrations: bool = True) -> Services:
    pool = (settings.db_pool_min_size, settings.db_pool_max_size)
    db = open_database(settings.database_url, *pool)
    reads = db
    if settings.read_database_url:
        replica = open_database(settings.read_database_url, *pool)
        reads = ReplicaReads(db, replica, settings.read_wait_seconds)
    registry = PersonalDataRegistry(db)
    events = event_store_env(
        settings.database_url, settings.event_pool_size, settings.event_pool_max_overflow
    )
    with one_start_at_a_time(settings.database_url):
        bank = PointsBank(events, registry)
        if apply_migrations:
            migrate(settings.database_url)
    services = Services(
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
    db.before_read = ProjectedReads(services.settle_reads)
    return services


def session_limits(settings: Settings) -> SessionLimits:
    return SessionLimits(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )
