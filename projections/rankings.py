"""Annual rankings of residents and households, civilised-family candidates, frozen digests.

Ranks are standard competition ranks (1-2-2-4): tied points share a rank and the next rank
skips. Within a tie, rows are listed by their pseudonymous id (resident_id or household_id),
which never changes, so the order never depends on timing or on names that may be erased.
Rows come page by page (keyset paging over the indexed annual tables), so a street-wide
ranking streams without being held in memory. Only residents and households with at least one
entry in the year are ranked; a resident without local hukou is ranked like everyone else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from pointsbank.db import Database, Row
from pointsbank.years import FrozenRanking
from projections.annual import year_bounds
from projections.projector import TRACKING_NAME

PAGE = 2000
SUMMARY_TOP = 10
Fetch = Callable[[str, Sequence[Any]], list[Row]]


@dataclass(frozen=True)
class Scope:
    """Which rows a ranking covers: a year, one community or the street, optional filters."""

    year: int
    community_id: str | None = None
    party_member: bool | None = None
    grid: str | None = None


RESIDENTS_SQL = (
    "SELECT a.resident_id, a.community_id, a.grid, a.party_member, a.without_hukou, a.points, "
    "p.name FROM annual_residents a LEFT JOIN personal_data p ON p.resident_id = a.resident_id "
    "WHERE a.year = ?"
)
HOUSEHOLDS_SQL = (
    "SELECT a.household_id, a.community_id, h.name, a.points FROM annual_households a "
    "JOIN households h ON h.household_id = a.household_id WHERE a.year = ?"
)


def ranked(fetch: Fetch, sql: str, params: Sequence[Any], id_column: str) -> Iterator[Row]:
    """Rows by points (highest first), then id, each with its competition rank."""
    seen, rank, previous, last = 0, 0, None, None
    while True:
        page_sql, page_params = sql, list(params)
        if last is not None:
            page_sql += f" AND (a.points < ? OR (a.points = ? AND a.{id_column} > ?))"
            page_params += [last["points"], last["points"], last[id_column]]
        rows = fetch(
            f"{page_sql} ORDER BY a.points DESC, a.{id_column} LIMIT ?", [*page_params, PAGE]
        )
        for row in rows:
            seen += 1
            if row["points"] != previous:
                rank, previous = seen, row["points"]
            row["rank"] = rank
            yield row
        if len(rows) < PAGE:
            return
        last = rows[-1]


@dataclass(frozen=True)
class RankCursor:
    """Where a ranking page ended: the last row's points and id (keyset paging)."""

    points: int
    id: str

    def __str__(self) -> str:
        return f"{self.points}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> RankCursor:
        points, _, row_id = text.partition(":")
        return cls(int(points), row_id)


@dataclass(frozen=True)
class Ranked:
    """What a ranking page is drawn from: the annual table and its score table."""

    base_sql: str  # the annual table alone, scoped and paged before any join
    joined_sql: str  # the page's rows with their names: `{page}` is the paged base_sql
    id_column: str
    scores: str  # table of (year, community_id, points, count) kept by triggers
    count_column: str
    individual: bool


RESIDENTS = Ranked(
    "SELECT a.* FROM annual_residents a WHERE a.year = ?",
    "SELECT a.resident_id, a.community_id, a.grid, a.party_member, a.without_hukou, a.points, "
    "p.name FROM ({page}) a LEFT JOIN personal_data p ON p.resident_id = a.resident_id",
    "resident_id",
    "annual_resident_scores",
    "residents",
    True,
)
HOUSEHOLDS = Ranked(
    "SELECT a.* FROM annual_households a WHERE a.year = ?",
    "SELECT a.household_id, a.community_id, h.name, a.points FROM ({page}) a "
    "JOIN households h ON h.household_id = a.household_id",
    "household_id",
    "annual_household_scores",
    "households",
    False,
)


def ranking_page(
    fetch: Fetch, ranked: Ranked, scope: Scope, offset: int, limit: int, after: RankCursor | None
) -> list[Row]:
    """One page of a ranking, read from the index at `after` (or `offset`), with its ranks.

    A row's competition rank is one more than the rows scoring above it, summed over the
    score table (one row per distinct score), so a deep page costs what the first one does."""
    sql, params = _scoped(ranked.base_sql, scope, individual=ranked.individual)
    if after is not None:
        sql += f" AND (a.points < ? OR (a.points = ? AND a.{ranked.id_column} > ?))"
        params += [after.points, after.points, after.id]
    order = f" ORDER BY a.points DESC, a.{ranked.id_column}"
    page = f"{sql}{order} LIMIT ? OFFSET ?"  # skipped rows are never joined
    rows = fetch(ranked.joined_sql.format(page=page) + order, [*params, limit, offset])
    if not rows:
        return rows
    above = _scores_above(fetch, ranked, scope, int(rows[-1]["points"]))
    for row in rows:
        row["rank"] = above[int(row["points"])]
    return rows


def _scores_above(fetch: Fetch, ranked: Ranked, scope: Scope, lowest: int) -> dict[int, int]:
    """Each score from the top down to `lowest`, with its competition rank."""
    filtered = ranked.individual and (scope.party_member is not None or scope.grid is not None)
    if filtered:  # no score table per grid or party membership: count the (indexed) rows
        sql, params = _scoped(ranked.base_sql, scope, individual=True)
        sql = "SELECT a.points, COUNT(*) AS n FROM" + sql.split(" FROM", 1)[1]
    else:
        sql = f"SELECT a.points, SUM(a.{ranked.count_column}) AS n FROM {ranked.scores} a "
        sql += "WHERE a.year = ?"
        params = [scope.year]
        if scope.community_id is not None:
            sql, params = sql + " AND a.community_id = ?", [*params, scope.community_id]
    counts = fetch(
        f"{sql} AND a.points >= ? GROUP BY a.points ORDER BY a.points DESC", [*params, lowest]
    )
    ranks: dict[int, int] = {}
    seen = 0
    for row in counts:
        ranks[int(row["points"])] = seen + 1
        seen += int(row["n"])
    return ranks


def _scoped(base: str, scope: Scope, *, individual: bool) -> tuple[str, list[Any]]:
    sql, params = base, list[Any]([scope.year])
    if scope.community_id is not None:
        sql, params = sql + " AND a.community_id = ?", [*params, scope.community_id]
    if individual and scope.party_member is not None:
        sql, params = sql + " AND a.party_member = ?", [*params, int(scope.party_member)]
    if individual and scope.grid is not None:
        sql, params = sql + " AND a.grid = ?", [*params, scope.grid]
    return sql, params


def resident_ranking(fetch: Fetch, scope: Scope) -> Iterator[Row]:
    sql, params = _scoped(RESIDENTS_SQL, scope, individual=True)
    for row in ranked(fetch, sql, params, "resident_id"):
        row["party_member"] = bool(row["party_member"])
        row["without_hukou"] = bool(row["without_hukou"])
        yield row


def household_ranking(fetch: Fetch, scope: Scope) -> Iterator[Row]:
    sql, params = _scoped(HOUSEHOLDS_SQL, scope, individual=False)
    return ranked(fetch, sql, params, "household_id")


def digest(households: Sequence[Row], residents: Sequence[Row]) -> str:
    """SHA-256 over every ranked household and resident: id, points and rank, in order."""
    h = hashlib.sha256()
    for row in households:
        h.update(f"H|{row['household_id']}|{row['points']}|{row['rank']}\n".encode())
    for row in residents:
        h.update(f"R|{row['resident_id']}|{row['points']}|{row['rank']}\n".encode())
    return h.hexdigest()


def freeze(db: Database, community_id: str, year: int) -> FrozenRanking:
    """The community's ranking at the current projection position, read while it holds still.

    Touching the tracking row first makes rival projectors wait for this transaction, so the
    rankings read and the position recorded belong together.
    """
    with db.transaction() as cur:
        cur.execute(
            "UPDATE projection_tracking SET position = position WHERE name = ?", (TRACKING_NAME,)
        )

        def fetch(sql: str, params: Sequence[Any]) -> list[Row]:
            cur.execute(sql, params)
            return [dict(row) for row in cur.fetchall()]

        position = int(
            fetch("SELECT position FROM projection_tracking WHERE name = ?", [TRACKING_NAME])[0][
                "position"
            ]
        )
        scope = Scope(year, community_id)
        households = list(household_ranking(fetch, scope))
        residents = list(resident_ranking(fetch, scope))
    return FrozenRanking(digest(households, residents), position, _summary(households, residents))


def _summary(households: list[Row], residents: list[Row]) -> dict[str, Any]:
    def top(rows: list[Row], id_column: str) -> list[dict[str, Any]]:
        return [
            {id_column: r[id_column], "points": int(r["points"]), "rank": r["rank"]}
            for r in rows[:SUMMARY_TOP]
        ]

    return {
        "households": len(households),
        "residents": len(residents),
        "household_points": sum(int(r["points"]) for r in households),
        "resident_points": sum(int(r["points"]) for r in residents),
        "top_households": top(households, "household_id"),
        "top_residents": top(residents, "resident_id"),
    }


class Rankings:
    """Rankings and civilised-family candidates over the annual tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def residents(self, scope: Scope) -> Iterator[Row]:
        return resident_ranking(self.db.query, scope)

    def households(self, scope: Scope) -> Iterator[Row]:
        return household_ranking(self.db.query, scope)

    def page(self, rows: Iterator[Row], offset: int, limit: int) -> list[Row]:
        return list(islice(rows, offset, offset + limit))

    def resident_page(
        self, scope: Scope, offset: int, limit: int, after: RankCursor | None = None
    ) -> list[Row]:
        rows = ranking_page(self.db.query, RESIDENTS, scope, offset, limit, after)
        for row in rows:
            row["party_member"] = bool(row["party_member"])
            row["without_hukou"] = bool(row["without_hukou"])
        return rows

    def household_page(
        self, scope: Scope, offset: int, limit: int, after: RankCursor | None = None
    ) -> list[Row]:
        return ranking_page(self.db.query, HOUSEHOLDS, scope, offset, limit, after)

    def candidates(
        self, community_id: str, year: int, top: int | None, threshold: int | None
    ) -> dict[str, Any]:
        """Top households, or those at or above a threshold, less the disqualified ones."""
        chosen: list[Row] = []
        excluded: list[Row] = []
        for row in self.households(Scope(year, community_id)):
            if (threshold is not None and row["points"] < threshold) or (
                top is not None and len(chosen) >= top
            ):
                break
            deductions = self.disqualifying_deductions(row["household_id"], year)
            if deductions:
                excluded.append({**row, "deductions": deductions})
                continue
            chosen.append({**row, **self.breakdown(row["household_id"], year)})
        return {
            "year": year,
            "community_id": community_id,
            "top": top,
            "threshold": threshold,
            "candidates": chosen,
            "excluded": excluded,
        }

    def disqualifying_deductions(self, household_id: str, year: int) -> list[Row]:
        """Deductions that disqualified when approved, dated while the resident was a member,
        not corrected away."""
        first, last = year_bounds(year)
        rows = self.db.query(
            "SELECT d.resident_id, d.version, d.rule_code, d.occurred_on, d.reason, d.points + "
            "COALESCE((SELECT SUM(c.points) FROM statement_entries c WHERE c.resident_id = "
            "d.resident_id AND c.corrects_version = d.version), 0) AS net "
            "FROM household_members m JOIN statement_entries d ON d.resident_id = m.resident_id "
            "WHERE m.household_id = ? AND d.kind = 'deduction' AND d.occurred_on BETWEEN ? AND ? "
            "AND d.occurred_on >= m.joined_on AND (m.left_on IS NULL OR d.occurred_on < m.left_on) "
            "AND d.disqualifies = 1 ORDER BY d.occurred_on, d.resident_id, d.version",
            [household_id, first, last],
        )
        return [row for row in rows if int(row["net"]) < 0]

    def breakdown(self, household_id: str, year: int) -> dict[str, Any]:
        """The household's year by category and by member (for the public notice, 公示)."""
        rows = self.db.query(
            "SELECT c.resident_id, p.name, c.category, c.points FROM annual_contributions c "
            "LEFT JOIN personal_data p ON p.resident_id = c.resident_id "
            "WHERE c.household_id = ? AND c.year = ? ORDER BY c.resident_id, c.category",
            (household_id, year),
        )
        by_category: dict[str, int] = {}
        members: dict[str, dict[str, Any]] = {}
        for row in rows:
            points = int(row["points"])
            by_category[row["category"]] = by_category.get(row["category"], 0) + points
            member = members.setdefault(
                row["resident_id"],
                {
                    "resident_id": row["resident_id"],
                    "name": row["name"],
                    "points": 0,
                    "by_category": {},
                },
            )
            member["points"] += points
            member["by_category"][row["category"]] = points
        return {"by_category": by_category, "by_member": list(members.values())}
