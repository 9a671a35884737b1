"""A year at a glance for the rankings page: points by category, points and participation by
month, read from the annual tables and the statement (never by replaying events)."""

from __future__ import annotations

from typing import Any

from pointsbank.db import Database
from projections.annual import KINDS_SQL, year_bounds


class YearCharts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def by_category(self, year: int, community_id: str | None) -> list[dict[str, Any]]:
        where, params = _community("a.community_id", community_id)
        return self.db.query(
            "SELECT c.category, SUM(c.points) AS points FROM annual_resident_categories c "
            "JOIN annual_residents a ON a.resident_id = c.resident_id AND a.year = c.year "
            f"WHERE c.year = ?{where} GROUP BY c.category ORDER BY c.category",
            [year, *params],
        )

    def by_month(self, year: int, community_id: str | None) -> list[dict[str, Any]]:
        """Each month's net points and how many residents earned or lost any (participation)."""
        first, last = year_bounds(year)
        where, params = _community("r.community_id", community_id)
        rows = self.db.query(
            "SELECT SUBSTR(e.occurred_on, 6, 2) AS month, SUM(e.points) AS points, "
            "COUNT(DISTINCT e.resident_id) AS residents FROM statement_entries e "
            "JOIN residents r ON r.resident_id = e.resident_id "
            f"WHERE e.kind IN {KINDS_SQL} AND e.occurred_on BETWEEN ? AND ?{where} "
            "GROUP BY SUBSTR(e.occurred_on, 6, 2)",
            [first, last, *params],
        )
        found = {int(row["month"]): row for row in rows}
        return [
            {
                "month": month,
                "points": int(found[month]["points"]) if month in found else 0,
                "residents": int(found[month]["residents"]) if month in found else 0,
            }
            for month in range(1, 13)
        ]

    def residents(self, community_id: str | None) -> int:
        where, params = _community("community_id", community_id)
        row = self.db.query_one(
            f"SELECT COUNT(*) AS n FROM residents WHERE 1 = 1{where}", params
        )
        return int(row["n"]) if row else 0


def _community(column: str, community_id: str | None) -> tuple[str, list[Any]]:
    return (f" AND {column} = ?", [community_id]) if community_id else ("", [])
