"""Wires one store into the application service, projector, queries and registries."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pointsbank.accounts import Accounts
from pointsbank.application import PointsBank
from pointsbank.db import Database, open_database
from pointsbank.registry import PersonalDataRegistry
from pointsbank.settings import Settings
from pointsbank.store import event_store_env
from projections.activity import activity
from projections.audit_queries import AuditQueries
from projections.chain import ChainFollower
from projections.ledger import ledger
from projections.migrate import migrate
from projections.projector import Projection, Projector
from projections.queries import Queries

PROJECTIONS: tuple[Projection, ...] = (ledger, activity)


@dataclass
class Services:
    settings: Settings
    db: Database
    bank: PointsBank
    projector: Projector
    queries: Queries
    accounts: Accounts
    registry: PersonalDataRegistry
    chain: ChainFollower
    audit: AuditQueries
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def now(self) -> datetime:
        return datetime.now(UTC)

    def projected(self, position: int | None) -> None:
        """Read-your-writes: return once `position` is visible in the read models."""
        if position is None:
            return
        if self.settings.inprocess_projector:
            self.projector.catch_up(until=position)
        else:
            self.projector.wait_for(position)

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
            self.projector.catch_up()
            self.chain.catch_up()
            stop.wait(self.settings.projector_poll_seconds)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.bank.close()
        self.db.close()


def open_services(settings: Settings, *, apply_migrations: bool = True) -> Services:
    db = open_database(settings.database_url)
    registry = PersonalDataRegistry(db)
    bank = PointsBank(event_store_env(settings.database_url), registry)
    if apply_migrations:
        migrate(settings.database_url)
    return Services(
        settings=settings,
        db=db,
        bank=bank,
        projector=Projector(bank, db, PROJECTIONS),
        queries=Queries(db),
        accounts=Accounts(db),
        registry=registry,
        chain=ChainFollower(bank, db),
        audit=AuditQueries(db),
    )
