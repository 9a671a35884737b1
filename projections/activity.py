"""Who did what, when: every event an actor caused, indexed by actor and recording time.

Unlike the other read models it has no handler per event type: any event that names its actor
(invariant 4) is recorded, so events added by later features are covered without a change.
Idempotency records are bookkeeping of the command loop, not acts, and are left out.
"""

from __future__ import annotations

from typing import Any

from pointsbank.db import Cursor, insert_rows
from pointsbank.domain.idempotency import IdempotencyRecord
from projections.projector import Events, Projection

COLUMNS = (
    "position", "actor_id", "actor_role", "recorded_at", "occurred_on", "event",
    "originator_id", "originator_version", "reason",
)  # fmt: skip


class ActorActivity(Projection):
    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        self.apply_run(cur, [(position, event)])

    def applies_in_runs(self, event_type: type) -> bool:
        return True

    def apply_run(self, cur: Cursor, events: Events) -> None:
        insert_rows(cur, "actor_activity", COLUMNS, [
            _row(position, event) for position, event in events
            if getattr(event, "actor_id", None) is not None
            and not isinstance(event, IdempotencyRecord.Recorded)
        ])  # fmt: skip


def _row(position: int, event: Any) -> tuple[Any, ...]:
    occurred_on = getattr(event, "occurred_on", None)
    return (
        position,
        event.actor_id,
        str(getattr(event, "actor_role", "")),
        event.timestamp.isoformat(),
        occurred_on.isoformat() if occurred_on is not None else None,
        type(event).__qualname__,
        str(event.originator_id),
        event.originator_version,
        getattr(event, "reason", None),
    )


activity = ActorActivity("actor_activity", tables=("actor_activity",))
