"""Needs and offers of each community, for the residents' list and the staff's counts; and the
queries over them, joined with the erasable texts (which a rebuild leaves alone)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pointsbank.db import Cursor, Database, Row
from pointsbank.domain.need import Need, NeedState, Offer
from projections.projector import Projection

sharing = Projection("sharing", tables=("needs", "offers"))
LIST_SIZE = 50


@sharing.on(Need.Posted)
def _need_posted(cur: Cursor, e: Need.Posted, position: int) -> None:
    cur.execute(
        "INSERT INTO needs (need_id, community_id, grid, category, poster_id, state, posted_at, "
        "posted_on) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
        (str(e.originator_id), str(e.community_id), e.grid, e.category, str(e.poster_id),
         e.timestamp.isoformat(), e.occurred_on.isoformat()),
    )  # fmt: skip


@sharing.on(Need.Taken)
def _need_taken(cur: Cursor, e: Need.Taken, position: int) -> None:
    cur.execute(
        "UPDATE needs SET state = 'taken', helper_id = ? WHERE need_id = ?",
        (str(e.helper_id), str(e.originator_id)),
    )


@sharing.on(Need.Closed, Offer.Closed)
def _closed(cur: Cursor, e: Need.Closed | Offer.Closed, position: int) -> None:
    table, key = ("needs", "need_id") if isinstance(e, Need.Closed) else ("offers", "offer_id")
    hidden = e.reason if e.state == NeedState.HIDDEN else None
    closed = ", closed_on = ?" if table == "needs" else ""
    params: tuple[Any, ...] = (e.state, hidden)
    params += (e.occurred_on.isoformat(),) if closed else ()
    cur.execute(
        f"UPDATE {table} SET state = ?, hidden_reason = ?{closed} WHERE {key} = ?",
        (*params, str(e.originator_id)),
    )


@sharing.on(Offer.Posted)
def _offer_posted(cur: Cursor, e: Offer.Posted, position: int) -> None:
    cur.execute(
        "INSERT INTO offers (offer_id, community_id, grid, category, kind, terms, poster_id, "
        "state, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
        (str(e.originator_id), str(e.community_id), e.grid, e.category, e.kind, e.terms,
         str(e.poster_id), e.timestamp.isoformat()),
    )  # fmt: skip


TEXT = (
    "t.description, t.when_text, t.where_text FROM {table} p "
    "LEFT JOIN sharing_texts t ON t.post_id = p.{key}"
)


class SharingQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def needs(
        self, community_id: UUID, grid: str, category: str | None = None, *, open_only: bool = True,
        only_grid: str | None = None,
    ) -> list[Row]:  # fmt: skip
        """Needs of the community (open ones unless told): the reader's grid first, newest first."""
        return self._list("needs", "need_id", community_id, grid, category, open_only, only_grid)

    def offers(
        self, community_id: UUID, grid: str, category: str | None = None, *, open_only: bool = True,
        only_grid: str | None = None,
    ) -> list[Row]:  # fmt: skip
        return self._list("offers", "offer_id", community_id, grid, category, open_only, only_grid)

    def _list(
        self, table: str, key: str, community_id: UUID, grid: str, category: str | None,
        open_only: bool, only_grid: str | None,
    ) -> list[Row]:  # fmt: skip
        where, params = "p.community_id = ?", [str(community_id)]
        if open_only:
            where += " AND p.state = 'open'"
        for column, value in (("category", category), ("grid", only_grid)):
            if value:
                where, params = f"{where} AND p.{column} = ?", [*params, value]
        return self.db.query(
            f"SELECT p.*, {TEXT.format(table=table, key=key)} WHERE {where} "
            f"ORDER BY CASE WHEN p.grid = ? THEN 0 ELSE 1 END, p.posted_at DESC LIMIT {LIST_SIZE}",
            [*params, grid],
        )

    def need(self, need_id: UUID) -> Row | None:
        return self.db.query_one(
            f"SELECT p.*, {TEXT.format(table='needs', key='need_id')} WHERE p.need_id = ?",
            (str(need_id),),
        )

    def mine(self, resident_id: UUID) -> list[Row]:
        """Needs the resident posted or took, newest first, whatever their state."""
        return self.db.query(
            f"SELECT p.*, {TEXT.format(table='needs', key='need_id')} "
            "WHERE p.poster_id = ? OR p.helper_id = ? ORDER BY p.posted_at DESC",
            (str(resident_id), str(resident_id)),
        )

    def matches(self, community_id: UUID, category: str, grid: str, poster_id: UUID) -> list[str]:
        """智能对接: residents with an open offer of the category, the need's grid first."""
        rows = self.db.query(
            "SELECT poster_id, MIN(CASE WHEN grid = ? THEN 0 ELSE 1 END) AS far FROM offers "
            "WHERE community_id = ? AND category = ? AND state = 'open' AND poster_id <> ? "
            "GROUP BY poster_id ORDER BY far, poster_id",
            (grid, str(community_id), category, str(poster_id)),
        )
        return [row["poster_id"] for row in rows]

    def monthly_counts(self, community_id: UUID) -> list[Row]:
        """Needs per month and category, and how many were confirmed done."""
        return self.db.query(
            "SELECT SUBSTR(posted_on, 1, 7) AS month, category, COUNT(*) AS needs, "
            "SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END) AS done FROM needs "
            "WHERE community_id = ? GROUP BY SUBSTR(posted_on, 1, 7), category "
            "ORDER BY month DESC, category",
            (str(community_id),),
        )
