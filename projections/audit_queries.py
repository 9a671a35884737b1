"""The auditor's read side: balances and statements as of a point, and what an actor did.

Plain SQL over projected tables (`statement_entries` keeps each entry's log position and
recording time; `actor_activity` is indexed by actor and time); nothing here replays events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pointsbank.db import Database, Row
from projections.queries import STATEMENT_COLUMNS


@dataclass(frozen=True)
class AsOf:
    """A point in the history: an event position, or a moment (entries recorded up to it)."""

    position: int | None = None
    at: datetime | None = None

    def clause(self) -> tuple[str, object]:
        if self.position is not None:
            return "position <= ?", self.position
        if self.at is None:
            return "1 = ?", 1
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=UTC)
        return "recorded_at <= ?", at.astimezone(UTC).isoformat()

    def describe(self) -> dict[str, Any]:
        return {"position": self.position, "at": self.at.isoformat() if self.at else None}


class AuditQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def position_of(self, as_of: AsOf, current: int) -> int:
        """The log position a point names: itself, the last event recorded by a moment, or now."""
        if as_of.position is not None:
            return min(as_of.position, current)
        if as_of.at is None:
            return current
        clause, bound = as_of.clause()
        row = self.db.query_one(
            f"SELECT MAX(position) AS position FROM actor_activity WHERE {clause}", (bound,)
        )
        return int(row["position"]) if row and row["position"] is not None else 0

    def balance_as_of(self, resident_id: UUID, as_of: AsOf) -> Row | None:
        resident = self.db.query_one(
            "SELECT resident_id, community_id FROM residents WHERE resident_id = ?",
            (str(resident_id),),
        )
        if resident is None:
            return None
        clause, bound = as_of.clause()
        last = self.db.query_one(
            f"SELECT balance_after, position FROM statement_entries WHERE resident_id = ? "
            f"AND {clause} ORDER BY version DESC LIMIT 1",
            (str(resident_id), bound),
        )
        totals = self.db.query(
            f"SELECT kind, SUM(points) AS points FROM statement_entries "
            f"WHERE resident_id = ? AND {clause} GROUP BY kind",
            (str(resident_id), bound),
        )
        return {
            **resident,
            "as_of": as_of.describe(),
            "balance": int(last["balance_after"]) if last else 0,
            "last_position": int(last["position"]) if last else None,
            "totals": {t["kind"]: int(t["points"]) for t in totals},
        }

    def statement_as_of(self, resident_id: UUID, as_of: AsOf, limit: int = 1000) -> list[Row]:
        clause, bound = as_of.clause()
        return self.db.query(
            f"SELECT {STATEMENT_COLUMNS} FROM statement_entries WHERE resident_id = ? "
            f"AND {clause} ORDER BY version LIMIT ?",
            (str(resident_id), bound, limit),
        )

    def activity(
        self, actor_id: str, since: datetime, until: datetime, after: int = 0, limit: int = 500
    ) -> list[Row]:
        """What `actor_id` did from `since` (inclusive) to `until` (exclusive), oldest first."""
        return self.db.query(
            "SELECT position, recorded_at, occurred_on, actor_role, event, originator_id, "
            "originator_version, reason FROM actor_activity "
            "WHERE actor_id = ? AND recorded_at >= ? AND recorded_at < ? AND position > ? "
            "ORDER BY position LIMIT ?",
            (actor_id, _utc(since), _utc(until), after, limit),
        )

    def chain_hash(self, position: int) -> str | None:
        row = self.db.query_one("SELECT hash FROM audit_chain WHERE position = ?", (position,))
        return str(row["hash"]) if row else None


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
