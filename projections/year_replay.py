"""Reproduces a closed year's ranking from the event log alone, for auditors.

Every event up to the frozen log position is projected afresh into a scratch SQLite database
(through the same projections as the live read models), and the ranking is read there with
the same code that froze it; equal digests prove the published ranking follows from the log.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from pointsbank.application import PointsBank
from pointsbank.db import open_database
from pointsbank.registry import PersonalDataRegistry
from pointsbank.store import event_store_env
from pointsbank.years import FrozenRanking
from projections.migrate import migrate
from projections.projector import TRACKING_NAME, Projection
from projections.rankings import freeze

BATCH = 1000


def reproduce(
    source: PointsBank,
    projections: Sequence[Projection],
    community_id: str,
    year: int,
    up_to_position: int,
) -> FrozenRanking:
    """The community's ranking for `year` as the log up to `up_to_position` determines it."""
    with tempfile.TemporaryDirectory(prefix="pointsbank-replay-") as folder:
        url = f"sqlite:///{Path(folder) / 'replay.sqlite3'}"
        db = open_database(url)
        scratch = PointsBank(event_store_env(url), PersonalDataRegistry(db))  # creates the log
        try:
            migrate(url)
            start = 1
            while start <= up_to_position:
                batch = source.recorder.select_notifications(
                    start=start, limit=BATCH, stop=up_to_position
                )
                if not batch:
                    break
                with db.transaction() as cur:
                    for notification in batch:
                        event = source.mapper.to_domain_event(notification)
                        for projection in projections:
                            projection.apply(cur, event, notification.id)
                start = batch[-1].id + 1
            db.execute(
                "UPDATE projection_tracking SET position = ? WHERE name = ?",
                (up_to_position, TRACKING_NAME),
            )
            return freeze(db, community_id, year)
        finally:
            scratch.close()
            db.close()
