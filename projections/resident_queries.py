"""What the residents' and households' pages read: search, duplicates, statements, history."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pointsbank.db import Database, Row
from projections.cards import card_code, match_clause
from projections.queries import STATEMENT_COLUMNS

STATEMENT_KINDS = ("award", "deduction", "correction", "redemption", "refund")
RESIDENT_COLUMNS = (
    "r.resident_id, r.community_id, r.grid, r.party_member, r.without_hukou, "
    "r.household_id, r.enrolled_on, r.balance, p.name, p.phone, h.name AS household "
)
RESIDENT_FROM = (
    "FROM residents r LEFT JOIN personal_data p ON p.resident_id = r.resident_id "
    "LEFT JOIN households h ON h.household_id = r.household_id "
)


class ResidentQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def search(self, community_id: UUID | None, text: str, limit: int = 30) -> list[Row]:
        sql = f"SELECT {RESIDENT_COLUMNS}{RESIDENT_FROM} WHERE 1 = 1"
        params: list[Any] = []
        if community_id is not None:
            sql += " AND r.community_id = ?"
            params.append(str(community_id))
        if text:
            clause, more = match_clause(text)
            sql += f" AND {clause}"
            params += more
        sql += " ORDER BY p.name, r.resident_id LIMIT ?"
        return [_card(row) for row in self.db.query(sql, [*params, limit])]

    def resident(self, resident_id: UUID) -> Row | None:
        row = self.db.query_one(
            f"SELECT {RESIDENT_COLUMNS}, p.id_card {RESIDENT_FROM} WHERE r.resident_id = ?",
            (str(resident_id),),
        )
        return _card(row) if row else None

    def duplicates(self, community_id: UUID, phone: str | None, id_card: str | None) -> list[Row]:
        """Residents of the community enrolled with the same phone or the same ID card."""
        if not phone and not id_card:
            return []
        sql = f"SELECT {RESIDENT_COLUMNS}{RESIDENT_FROM} WHERE r.community_id = ? AND ("
        sql += "p.phone = ? OR p.id_card = ?) ORDER BY p.name"
        rows = self.db.query(sql, (str(community_id), phone or "", (id_card or "").upper()))
        return [_card(row) for row in rows]

    def year_points(self, resident_id: UUID, year: int) -> int:
        row = self.db.query_one(
            "SELECT points FROM annual_residents WHERE resident_id = ? AND year = ?",
            (str(resident_id), year),
        )
        return int(row["points"]) if row else 0

    def statement(
        self, resident_id: UUID, span: tuple[date | None, date | None], kind: str | None
    ) -> tuple[str, list[Any]]:
        """The SQL (without ORDER/LIMIT) and parameters of a filtered statement."""
        sql = f"SELECT {STATEMENT_COLUMNS} FROM statement_entries WHERE resident_id = ?"
        params: list[Any] = [str(resident_id)]
        first, last = span
        for condition, value in (("occurred_on >= ?", first), ("occurred_on <= ?", last)):
            if value is not None:
                sql += f" AND {condition}"
                params.append(value.isoformat())
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return sql, params

    def statement_page(
        self,
        resident_id: UUID,
        span: tuple[date | None, date | None],
        kind: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[Row], int]:
        sql, params = self.statement(resident_id, span, kind)
        count = self.db.query_one(f"SELECT COUNT(*) AS n FROM ({sql}) AS s", params)
        rows = self.db.query(
            sql + " ORDER BY version DESC LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        return rows, int(count["n"]) if count else 0

    def statement_rows(
        self, resident_id: UUID, span: tuple[date | None, date | None], kind: str | None
    ) -> list[Row]:
        sql, params = self.statement(resident_id, span, kind)
        return self.db.query(sql + " ORDER BY version", params)

    def households(self, community_id: UUID | None, text: str, year: int) -> list[Row]:
        """Households with their present member count and the year's points."""
        sql = (
            "SELECT h.household_id, h.community_id, h.name, h.created_on, "
            "(SELECT COUNT(*) FROM residents r WHERE r.household_id = h.household_id) AS members, "
            "COALESCE(a.points, 0) AS points FROM households h "
            "LEFT JOIN annual_households a ON a.household_id = h.household_id AND a.year = ? "
            "WHERE h.name LIKE ?"
        )
        params: list[Any] = [year, f"%{text}%"]
        if community_id is not None:
            sql += " AND h.community_id = ?"
            params.append(str(community_id))
        return self.db.query(sql + " ORDER BY h.name, h.household_id", params)

    def household_points(self, household_id: UUID, year: int) -> tuple[int, list[Row]]:
        """The household's points in the year, and each member's share (while a member)."""
        rows = self.db.query(
            "SELECT c.resident_id, p.name, SUM(c.points) AS points FROM annual_contributions c "
            "LEFT JOIN personal_data p ON p.resident_id = c.resident_id "
            "WHERE c.household_id = ? AND c.year = ? GROUP BY c.resident_id, p.name "
            "ORDER BY p.name",
            (str(household_id), year),
        )
        return sum(int(r["points"]) for r in rows), rows


def _card(row: Row) -> Row:
    row["party_member"] = bool(row["party_member"])
    row["without_hukou"] = bool(row["without_hukou"])
    row["card_code"] = card_code(row["resident_id"])
    return row
