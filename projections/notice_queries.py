"""Reads of public notices (公示) for the pages: a community's notice of a year with its
households and objections, over the notices read model (projections/notices.py)."""

from __future__ import annotations

from typing import Any

from pointsbank.db import Database, Row


class NoticeQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def notice(self, community_id: str, year: int) -> Row | None:
        """The notice with its households in rank order and its objections, oldest first."""
        notice = self.db.query_one(
            "SELECT notice_id, community_id, year, ends_at, published_at, final, finalised_at "
            "FROM notices WHERE community_id = ? AND year = ?",
            (community_id, year),
        )
        if notice is None:
            return None
        notice_id = notice["notice_id"]
        notice["final"] = bool(notice["final"])
        notice["households"] = self.db.query(
            "SELECT household_id, name, points, rank, removed_reason FROM notice_households "
            "WHERE notice_id = ? ORDER BY rank, household_id",
            (notice_id,),
        )
        notice["objections"] = [
            _objection(row)
            for row in self.db.query(
                "SELECT objection_id, household_id, resident_id, lodged_at, upheld, finding "
                "FROM notice_objection_states WHERE notice_id = ? "
                "ORDER BY position",
                (notice_id,),
            )
        ]
        return notice

    def latest_year(self, community_id: str, years: tuple[int, ...]) -> int | None:
        """The first of `years` the community has a notice of."""
        for year in years:
            if self.db.query_one(
                "SELECT 1 AS found FROM notices WHERE community_id = ? AND year = ?",
                (community_id, year),
            ):
                return year
        return None


def _objection(row: Row) -> dict[str, Any]:
    upheld = row["upheld"]
    return {**row, "upheld": None if upheld is None else bool(upheld)}
