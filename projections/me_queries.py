"""What a resident reads about themselves (我的积分): whose records they may see (their own and
their present household's), the household's place in the community's ranking, and the names
of the rules and of the people who recorded each statement entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from pointsbank.db import Database, Row
from projections.queries import STATEMENT_COLUMNS, Queries


class MyPoints:
    def __init__(self, db: Database) -> None:
        self.db = db

    def circle(self, resident_id: UUID) -> list[Row]:
        """The resident and the present members of their household, the resident first."""
        return self.db.query(
            "SELECT r.resident_id, p.name FROM residents r "
            "LEFT JOIN personal_data p ON p.resident_id = r.resident_id "
            "WHERE r.resident_id = ? OR r.household_id = "
            "(SELECT household_id FROM residents WHERE resident_id = ?) "
            "ORDER BY CASE WHEN r.resident_id = ? THEN 0 ELSE 1 END, p.name, r.resident_id",
            (str(resident_id),) * 3,
        )

    def may_read(self, reader: UUID, resident_id: UUID) -> bool:
        return any(row["resident_id"] == str(resident_id) for row in self.circle(reader))

    def household_place(self, household_id: UUID, year: int) -> tuple[int, int | None]:
        """The household's points in the year and its competition rank in its community (None
        before it has any points): one plus the households with more, from the score table."""
        row = self.db.query_one(
            "SELECT community_id, points FROM annual_households WHERE household_id = ? "
            "AND year = ?",
            (str(household_id), year),
        )
        if row is None:
            return 0, None
        above = self.db.query_one(
            "SELECT COALESCE(SUM(households), 0) AS n FROM annual_household_scores "
            "WHERE year = ? AND community_id = ? AND points > ?",
            (year, row["community_id"], row["points"]),
        )
        return int(row["points"]), 1 + int(above["n"] if above else 0)

    def statement(self, resident_id: UUID, after: int, limit: int) -> list[Row]:
        """A keyset page of the statement (the API's paging), with rule and recorder names."""
        return self._named(Queries(self.db).statement(resident_id, 0, limit, after))

    def latest(self, resident_id: UUID, limit: int) -> list[Row]:
        """The newest entries, newest first, with rule and recorder names."""
        rows = self.db.query(
            f"SELECT {STATEMENT_COLUMNS} FROM statement_entries WHERE resident_id = ? "
            "ORDER BY version DESC LIMIT ?",
            (str(resident_id), limit),
        )
        return self._named(rows)

    def _named(self, rows: list[Row]) -> list[Row]:
        rules = self._names("SELECT code AS k, name FROM rules", ())
        who = self._recorders(row["actor_id"] for row in rows)
        for row in rows:
            row["rule_name"] = rules.get(row["rule_code"] or "", "")
            row["recorded_by"] = who.get(row["actor_id"], "")
        return rows

    def _recorders(self, actor_ids: Iterable[str]) -> dict[str, str]:
        ids = sorted(set(actor_ids))
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        sql = f"SELECT user_id AS k, display_name AS name FROM accounts WHERE user_id IN ({marks})"
        return self._names(sql, ids)

    def _names(self, sql: str, params: Iterable[object]) -> dict[str, str]:
        return {str(row["k"]): str(row["name"]) for row in self.db.query(sql, list(params))}
