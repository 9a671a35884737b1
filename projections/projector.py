"""Follows the event log and keeps the read models current, exactly once, in batches.

Each batch is one transaction: the tracking position moves first (a conditional update, which
serialises rival projectors across processes), then every event of the batch is applied.
An event that cannot be projected stops the projector just before it, loudly: it keeps the
failure (readiness reports it), logs it once, and retries until the event projects.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pointsbank.application import PointsBank
from pointsbank.db import Cursor, Database

Handler = Callable[[Cursor, Any, int], None]
TRACKING_NAME = "read_models"
log = logging.getLogger("pointsbank.projector")


@dataclass(frozen=True)
class ProjectionFailure:
    """The event the read models cannot get past, and why."""

    position: int
    reason: str

    def __str__(self) -> str:
        return f"event {self.position} cannot be projected: {self.reason}"


class ProjectionFailed(Exception):
    def __init__(self, failure: ProjectionFailure) -> None:
        super().__init__(str(failure))
        self.failure = failure


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
        self.failure: ProjectionFailure | None = None
        self._lock = threading.Lock()

    def position(self) -> int:
        return tracked_position(self.db, TRACKING_NAME)

    def run_once(self) -> int:
        """Project the next batch; returns how many events it applied (0 when none or raced).

        Raises ProjectionFailed when an event cannot be projected, after projecting the events
        before it."""
        start = self.position()
        notifications = self.app.recorder.select_notifications(
            start=start + 1, limit=self.batch_size
        )
        events: list[tuple[int, Any]] = []
        try:
            for notification in notifications:
                events.append((notification.id, _decoded(self.app, notification)))
            applied = self._project(start, events)
        except ProjectionFailed as failed:
            self._failed(failed.failure)
            self._project(start, [e for e in events if e[0] < failed.failure.position])
            raise
        if self.failure is not None and self.position() >= self.failure.position:
            log.info("read models projected past event %d again", self.failure.position)
            self.failure = None
        return applied

    def _project(self, start: int, events: Sequence[tuple[int, Any]]) -> int:
        if not events:
            return 0
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE projection_tracking SET position = ? WHERE name = ? AND position = ?",
                (events[-1][0], TRACKING_NAME, start),
            )
            if cur.rowcount != 1:
                return 0
            for position, event in events:
                for projection in self.projections:
                    try:
                        projection.apply(cur, event, position)
                    except Exception as exc:
                        raise ProjectionFailed(_failure(position, exc)) from exc
        return len(events)

    def _failed(self, failure: ProjectionFailure) -> None:
        """Say why once: the projector retries the same event until it projects."""
        if failure != self.failure:
            log.error("read models stopped: %s; retrying", failure)
        self.failure = failure

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


def _decoded(app: PointsBank, notification: Any) -> Any:
    try:
        return app.mapper.to_domain_event(notification)
    except Exception as exc:
        raise ProjectionFailed(_failure(notification.id, exc)) from exc


def _failure(position: int, exc: Exception) -> ProjectionFailure:
    return ProjectionFailure(position, f"{type(exc).__name__}: {exc}")
