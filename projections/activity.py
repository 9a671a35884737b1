"""Who did what, when: every event an actor caused, indexed by actor and recording time.

Unlike the other read models it has no handler per event type: any event that names its actor
(invariant 4) is recorded, so events added by later features are covered without a change.
Idempotency records are bookkeeping of the command loop, not acts, and are left out.
"""

from __future__ import annotations

from typing import Any

from pointsbank.db import Cursor
from pointsbank.domain.idempotency import IdempotencyRecord
from projections.projector import Projection


class ActorActivity(Projection):
    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        actor_id = getattr(event, "actor_id", None)
        if actor_id is None or isinstance(event, IdempotencyRecord.Recorded):
            return
        occurred_on = getattr(event, "occurred_on", None)
        cur.execute(
            "INSERT INTO actor_activity (position, actor_id, actor_role, recorded_at, "
            "occurred_on, event, originator_id, originator_version, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                position,
                actor_id,
                str(getattr(event, "actor_role", "")),
                event.timestamp.isoformat(),
                occurred_on.isoformat() if occurred_on is not None else None,
                type(event).__qualname__,
                str(event.originator_id),
                event.originator_version,
                getattr(event, "reason", None),
            ),
        )


activity = ActorActivity("actor_activity", tables=("actor_activity",))
