"""Read-side queries: plain SQL over the projected tables; nothing here replays events."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pointsbank.db import Database, Row
from projections.cards import id_prefix, match_clause

STATEMENT_COLUMNS = (
    "version, position, kind, rule_code, rule_version, quantity, points, balance_after, "
    "corrects_version, occurred_on, recorded_at, actor_id, actor_role, reason"
)


class Queries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def communities(self) -> list[Row]:
        communities = self.db.query(
            "SELECT community_id, code, name FROM communities ORDER BY code"
        )
        grids = self.db.query("SELECT community_id, code, name FROM grids ORDER BY code")
        for community in communities:
            community["grids"] = [
                {"code": g["code"], "name": g["name"]}
                for g in grids
                if g["community_id"] == community["community_id"]
            ]
        return communities

    def rules(self) -> list[Row]:
        return self.db.query(
            "SELECT code, version, name, category, points, active FROM rules ORDER BY code"
        )

    def resident(self, resident_id: UUID) -> Row | None:
        row = self.db.query_one(
            "SELECT r.resident_id, r.community_id, r.grid, r.party_member, r.without_hukou, "
            "r.household_id, r.enrolled_on, r.balance, p.name, p.phone "
            "FROM residents r LEFT JOIN personal_data p ON p.resident_id = r.resident_id "
            "WHERE r.resident_id = ?",
            (str(resident_id),),
        )
        return _flags(row) if row else None

    def find_residents(
        self, community_id: UUID | None, text: str | None, limit: int = 50
    ) -> list[Row]:
        """Find by name, phone, ID-card tail, door number or card code (the counter's look-up),
        optionally inside one community."""
        sql = (
            "SELECT r.resident_id, r.community_id, r.grid, r.party_member, r.without_hukou, "
            "r.household_id, r.enrolled_on, r.balance, p.name, p.phone "
            "FROM residents r LEFT JOIN personal_data p ON p.resident_id = r.resident_id "
            "WHERE 1 = 1"
        )
        params: list[Any] = []
        if community_id is not None:
            sql += " AND r.community_id = ?"
            params.append(str(community_id))
        if text:
            clause, more = match_clause(text)
            sql += f" AND {clause}"
            params += more
        sql += " ORDER BY p.name, r.resident_id LIMIT ?"
        params.append(limit)
        return [_flags(row) for row in self.db.query(sql, params)]

    def resident_by_card(self, community_id: UUID | None, text: str) -> list[Row]:
        """Residents a scanned or typed card names (its full resident id or card code) and
        nothing else: no name or phone matches mixed in."""
        prefix = id_prefix(text)
        if prefix is None:
            return []
        sql = (
            "SELECT r.resident_id, r.community_id, r.balance, p.name, p.phone FROM residents r "
            "LEFT JOIN personal_data p ON p.resident_id = r.resident_id "
            "WHERE r.resident_id LIKE ?"
        )
        params: list[Any] = [prefix + "%"]
        if community_id is not None:
            sql += " AND r.community_id = ?"
            params.append(str(community_id))
        return self.db.query(sql + " ORDER BY r.resident_id LIMIT 5", params)

    def resident_balance(self, resident_id: UUID) -> Row | None:
        """The balance alone (one primary-key read)."""
        return self.db.query_one(
            "SELECT resident_id, community_id, balance FROM residents WHERE resident_id = ?",
            (str(resident_id),),
        )

    def balance(self, resident_id: UUID) -> Row | None:
        """The balance with its totals by kind of entry, in one statement (one round trip)."""
        rows = self.db.query(
            "SELECT r.resident_id, r.community_id, r.balance, e.kind, SUM(e.points) AS points "
            "FROM residents r LEFT JOIN statement_entries e ON e.resident_id = r.resident_id "
            "WHERE r.resident_id = ? GROUP BY r.resident_id, r.community_id, r.balance, e.kind",
            (str(resident_id),),
        )
        if not rows:
            return None
        totals = {t["kind"]: int(t["points"]) for t in rows if t["kind"] is not None}
        return {k: rows[0][k] for k in ("resident_id", "community_id", "balance")} | {
            "totals": totals
        }

    def statement(
        self, resident_id: UUID, offset: int = 0, limit: int = 200, after: int = 0
    ) -> list[Row]:
        """Entries after version `after` (keyset paging on the primary key), then `offset` on."""
        return self.db.query(
            f"SELECT {STATEMENT_COLUMNS} FROM statement_entries WHERE resident_id = ? "
            "AND version > ? ORDER BY version LIMIT ? OFFSET ?",
            (str(resident_id), after, limit, offset),
        )

    def household(self, household_id: UUID) -> Row | None:
        row = self.db.query_one(
            "SELECT household_id, community_id, name, created_on FROM households "
            "WHERE household_id = ?",
            (str(household_id),),
        )
        if row is None:
            return None
        row["members"] = self.db.query(
            "SELECT m.resident_id, m.joined_on, m.left_on, p.name FROM household_members m "
            "LEFT JOIN personal_data p ON p.resident_id = m.resident_id "
            "WHERE m.household_id = ? ORDER BY m.joined_on, m.resident_id",
            (str(household_id),),
        )
        return row

    def households(self, community_id: UUID | None) -> list[Row]:
        if community_id is None:
            return self.db.query(
                "SELECT household_id, community_id, name, created_on FROM households ORDER BY name"
            )
        return self.db.query(
            "SELECT household_id, community_id, name, created_on FROM households "
            "WHERE community_id = ? ORDER BY name",
            (str(community_id),),
        )

    def table_rows(self, table: str) -> list[Row]:
        """Every row of a read-model table, in a total order (for rebuild comparisons): sorted on
        every column, since the first few do not make a row unique in every table."""
        rows = self.db.query(f"SELECT * FROM {table}")
        return sorted(rows, key=lambda row: [(v is None, str(v)) for v in row.values()])


def _flags(row: Row) -> Row:
    row["party_member"] = bool(row["party_member"])
    row["without_hukou"] = bool(row["without_hukou"])
    return row
