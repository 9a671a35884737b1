"""How far the read models trail the event log: in events, and in the age of the oldest
event not yet projected (what readiness and the metrics report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projections.projector import Projector


@dataclass(frozen=True)
class Lag:
    log_position: int
    projected_position: int
    seconds: float  # 0.0 when nothing waits

    @property
    def events(self) -> int:
        """Positions behind; PostgreSQL may leave gaps in positions, so this is an upper bound."""
        return max(0, self.log_position - self.projected_position)


def projection_lag(projector: Projector, now: datetime) -> Lag:
    """The log's end, the projected position, and how long the next event has waited."""
    projected = projector.position()
    recorder = projector.app.recorder
    log_end = recorder.max_notification_id() or 0
    seconds = 0.0
    if log_end > projected:
        waiting = recorder.select_notifications(start=projected + 1, limit=1)
        if waiting:
            event: Any = projector.app.mapper.to_domain_event(waiting[0])
            seconds = max(0.0, (now - event.timestamp).total_seconds())
    return Lag(log_end, projected, seconds)
