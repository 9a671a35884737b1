"""Reproduces rankings from the event log alone, for auditors: a closed year's frozen ranking,
or any year's rankings as of a log position.

Every event up to the frozen log position is projected afresh into a scratch SQLite database
(through the same projections as the live read models), and the ranking is read there with
the same code that froze it; equal digests prove the published ranking follows from the log.
Verifying a closed year also projects the rest of the log and reads the year again: a closed
year's figures must be what the events determine today too, so a later event that changed
them (however it got in) makes the verification fail instead of agreeing with the freeze.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pointsbank.application import PointsBank
from pointsbank.db import Database, open_database
from pointsbank.registry import PersonalDataRegistry
from pointsbank.store import event_store_env
from pointsbank.years import FrozenRanking
from projections.migrate import migrate
from projections.projector import TRACKING_NAME, Projection
from projections.rankings import Rankings, Scope, freeze

BATCH = 1000


@contextmanager
def replayed(
    source: PointsBank, projections: Sequence[Projection], up_to_position: int
) -> Iterator[Database]:
    """A scratch copy of the read models, projected from the log alone up to a position."""
    with tempfile.TemporaryDirectory(prefix="pointsbank-replay-") as folder:
        url = f"sqlite:///{Path(folder) / 'replay.sqlite3'}"
        db = open_database(url)
        scratch = PointsBank(event_store_env(url), PersonalDataRegistry(db))  # creates the log
        try:
            migrate(url)
            project(source, projections, db, 1, up_to_position)
            yield db
        finally:
            scratch.close()
            db.close()


def project(
    source: PointsBank, projections: Sequence[Projection], db: Database, start: int, stop: int
) -> None:
    """Project the log's events from `start` to `stop` into `db`, and track `stop`."""
    while start <= stop:
        batch = source.recorder.select_notifications(start=start, limit=BATCH, stop=stop)
        if not batch:
            break
        with db.transaction() as cur:
            for notification in batch:
                event = source.mapper.to_domain_event(notification)
                for projection in projections:
                    projection.apply(cur, event, notification.id)
        start = batch[-1].id + 1
    db.execute("UPDATE projection_tracking SET position = ? WHERE name = ?", (stop, TRACKING_NAME))


def reproduce(
    source: PointsBank,
    projections: Sequence[Projection],
    community_id: str,
    year: int,
    up_to_position: int,
) -> FrozenRanking:
    """The community's ranking for `year` as the log up to `up_to_position` determines it."""
    with replayed(source, projections, up_to_position) as db:
        return freeze(db, community_id, year)


def reproduce_now(
    source: PointsBank,
    projections: Sequence[Projection],
    community_id: str,
    year: int,
    up_to_position: int,
) -> tuple[FrozenRanking, FrozenRanking]:
    """The community's ranking for `year` as the log up to the freeze determines it, and as
    the whole log determines it now; one replay serves both."""
    with replayed(source, projections, up_to_position) as db:
        at_freeze = freeze(db, community_id, year)
        head = max(source.recorder.max_notification_id() or 0, up_to_position)
        project(source, projections, db, up_to_position + 1, head)
        return at_freeze, freeze(db, community_id, year)


def rankings_as_of(
    source: PointsBank,
    projections: Sequence[Projection],
    scope: Scope,
    up_to_position: int,
    offset: int = 0,
    limit: int = 100,
) -> dict[str, Any]:
    """Household and resident rankings as the log up to `up_to_position` determines them."""
    with replayed(source, projections, up_to_position) as db:
        rankings = Rankings(db)
        return {
            "up_to_position": up_to_position,
            "year": scope.year,
            "community_id": scope.community_id,
            "households": rankings.page(rankings.households(scope), offset, limit),
            "residents": rankings.page(rankings.residents(scope), offset, limit),
        }
