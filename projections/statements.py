"""Annual statements (年度积分明细) of a resident and of a household, and a year's status.

A statement lists every entry counted in the year's points, by date, with the running annual
total, and totals by category (and, for a household, by member).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from pointsbank.db import Database, Row
from projections.annual import ENTRY_COLUMNS, ENTRY_JOINS, KINDS_SQL, year_bounds

ORDER = " ORDER BY e.occurred_on, e.position"


def with_running_total(entries: Iterable[Row]) -> Iterator[Row]:
    running = 0
    for entry in entries:
        running += int(entry["points"])
        entry["running_total"] = running
        yield entry


class AnnualStatements:
    def __init__(self, db: Database) -> None:
        self.db = db

    def resident_entries(self, resident_id: str, year: int) -> Iterator[Row]:
        first, last = year_bounds(year)
        rows = self.db.query(
            ENTRY_COLUMNS
            + "FROM statement_entries e "
            + ENTRY_JOINS
            + f"WHERE e.kind IN {KINDS_SQL} AND e.resident_id = ? "
            "AND e.occurred_on BETWEEN ? AND ?" + ORDER,
            (resident_id, first, last),
        )
        return with_running_total(rows)

    def household_entries(self, household_id: str, year: int) -> Iterator[Row]:
        """Each member's entries dated while they belonged to the household."""
        first, last = year_bounds(year)
        rows = self.db.query(
            ENTRY_COLUMNS + ", p.name FROM household_members m "
            "JOIN statement_entries e ON e.resident_id = m.resident_id "
            + ENTRY_JOINS
            + "LEFT JOIN personal_data p ON p.resident_id = e.resident_id "
            f"WHERE m.household_id = ? AND e.kind IN {KINDS_SQL} "
            "AND e.occurred_on BETWEEN ? AND ? AND e.occurred_on >= m.joined_on "
            "AND (m.left_on IS NULL OR e.occurred_on < m.left_on)" + ORDER,
            (household_id, first, last),
        )
        return with_running_total(rows)

    def resident(self, resident_id: str, year: int) -> dict[str, Any]:
        categories = self.db.query(
            "SELECT category, points FROM annual_resident_categories "
            "WHERE resident_id = ? AND year = ? ORDER BY category",
            (resident_id, year),
        )
        entries = list(self.resident_entries(resident_id, year))
        return {
            "resident_id": resident_id,
            "year": year,
            "points": sum(int(c["points"]) for c in categories),
            "by_category": {c["category"]: int(c["points"]) for c in categories},
            "entries": entries,
        }

    def household(self, household_id: str, year: int) -> dict[str, Any]:
        rows = self.db.query(
            "SELECT resident_id, category, points FROM annual_contributions "
            "WHERE household_id = ? AND year = ? ORDER BY resident_id, category",
            (household_id, year),
        )
        by_category: dict[str, int] = {}
        by_member: dict[str, int] = {}
        for row in rows:
            points = int(row["points"])
            by_category[row["category"]] = by_category.get(row["category"], 0) + points
            by_member[row["resident_id"]] = by_member.get(row["resident_id"], 0) + points
        return {
            "household_id": household_id,
            "year": year,
            "points": sum(by_member.values()),
            "by_category": by_category,
            "by_member": by_member,
            "entries": list(self.household_entries(household_id, year)),
        }

    def year_status(self, community_id: str, year: int) -> dict[str, Any]:
        """Open or closed; if closed, the frozen digest and entries recorded after the freeze."""
        row = self.db.query_one(
            "SELECT closed, digest, up_to_position, summary, changed_at, changed_by, reason "
            "FROM community_years WHERE community_id = ? AND year = ?",
            (community_id, year),
        )
        status: dict[str, Any] = {"community_id": community_id, "year": year, "closed": False}
        if row is None:
            return status
        status.update(row, closed=bool(row["closed"]), summary=json.loads(row["summary"]))
        if status["closed"]:
            status["late_entries"] = self.late_entries(community_id, year, row["up_to_position"])
        return status

    def late_entries(self, community_id: str, year: int, up_to: int) -> list[Row]:
        """Entries dated in a closed year that the frozen ranking does not include."""
        first, last = year_bounds(year)
        return self.db.query(
            "SELECT e.resident_id, e.version, e.position, e.kind, e.points, e.occurred_on "
            "FROM statement_entries e JOIN residents r ON r.resident_id = e.resident_id "
            f"WHERE r.community_id = ? AND e.kind IN {KINDS_SQL} "
            "AND e.occurred_on BETWEEN ? AND ? AND e.position > ? ORDER BY e.position",
            (community_id, first, last, up_to),
        )
