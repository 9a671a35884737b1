"""Follows the event log and keeps the read models current, exactly once, in batches.

Each batch is one transaction: the tracking position moves first (a conditional update, which
serialises rival projectors across processes), then every event of the batch is applied.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from pointsbank.application import PointsBank
from pointsbank.db import Cursor, Database

Handler = Callable[[Cursor, Any, int], None]
TRACKING_NAME = "read_models"


class Projection:
    """A read model: the tables it owns and a handler per event type."""

    def __init__(self, name: str, tables: Sequence[str]) -> None:
        self.name = name
        self.tables = tuple(tables)
        self.handlers: dict[type, Handler] = {}

    def on(self, *event_types: type) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for event_type in event_types:
                self.handlers[event_type] = handler
            return handler

        return register

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(cur, event, position)


def tracked_position(db: Database, name: str) -> int:
    """How far the follower called `name` has processed the log."""
    row = db.query_one("SELECT position FROM projection_tracking WHERE name = ?", (name,))
    return int(row["position"]) if row else 0


class Projector:
    def __init__(
        self,
        app: PointsBank,
        db: Database,
        projections: Sequence[Projection],
        batch_size: int = 500,
    ) -> None:
        self.app = app
        self.db = db
        self.projections = projections
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def position(self) -> int:
        return tracked_position(self.db, TRACKING_NAME)

    def run_once(self) -> int:
        """Project the next batch; returns how many events it applied (0 when none or raced)."""
        start = self.position()
        notifications = self.app.recorder.select_notifications(
            start=start + 1, limit=self.batch_size
        )
        if not notifications:
            return 0
        events = [(n.id, self.app.mapper.to_domain_event(n)) for n in notifications]
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE projection_tracking SET position = ? WHERE name = ? AND position = ?",
                (notifications[-1].id, TRACKING_NAME, start),
            )
            if cur.rowcount != 1:
                return 0
            for position, event in events:
                for projection in self.projections:
                    projection.apply(cur, event, position)
        return len(events)

    def catch_up(self, until: int | None = None) -> None:
        """Project until the log is exhausted, or until `until` has been projected."""
        with self._lock:
            while until is None or self.position() < until:
                if self.run_once() == 0 and (until is None or self._log_end() <= self.position()):
                    return

    def _log_end(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def wait_for(self, position: int, timeout: float = 10.0) -> bool:
        """For a server whose projector runs elsewhere: wait until `position` is projected."""
        deadline = time.monotonic() + timeout
        while self.position() < position:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def run_forever(self, stop: threading.Event, poll_seconds: float) -> None:
        while not stop.is_set():
            self.catch_up()
            stop.wait(poll_seconds)

    def rebuild(self) -> int:
        """Empty every read model and project the whole log again; returns the end position."""
        with self._lock, self.db.transaction() as cur:
            for projection in self.projections:
                for table in projection.tables:
                    cur.execute(f"DELETE FROM {table}")
            cur.execute(
                "UPDATE projection_tracking SET position = 0 WHERE name = ?", (TRACKING_NAME,)
            )
        self.catch_up()
        return self.position()
