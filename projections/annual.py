"""Annual points (年度积分), pre-aggregated per resident-year and household-year by category.

A year is the year of an entry's `occurred_on`, a local date in the street's time zone, so
New Year follows the street's clock. Only awards, deductions and corrections count (a
correction counts in the year of the entry it corrects); redemptions and refunds never do. A
household counts a member's entries dated while the member belonged to it: from `joined_on`
(inclusive) to `left_on` (exclusive). A membership change may arrive after the entries it
covers, with an effective date in the past: the resident's household contributions from that
year on are then recomputed from `statement_entries` in the same transaction.

Registered after the ledger projection: its handlers read the statement entry and membership
rows the ledger has just written for the same event.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any
from uuid import UUID

from pointsbank.db import Cursor, apply_rows, select_in
from pointsbank.domain.common import LedgerEvent
from pointsbank.domain.resident import Resident
from pointsbank.domain.year import CommunityYear
from projections.projector import Events, Projection

ANNUAL_KINDS = ("award", "deduction", "correction")
KINDS_SQL = "('award', 'deduction', 'correction')"
# An entry with its category: a correction takes the category of the entry it corrects.
ENTRY_COLUMNS = (
    "SELECT e.resident_id, e.version, e.position, e.kind, e.occurred_on, e.points, "
    "COALESCE(e.rule_code, o.rule_code) AS rule_code, "
    "COALESCE(ru.category, 'other') AS category, e.corrects_version, e.reason, "
    "e.recorded_at, e.actor_id "
)
ENTRY_JOINS = (
    "LEFT JOIN statement_entries o ON o.resident_id = e.resident_id "
    "AND o.version = e.corrects_version "
    "LEFT JOIN rules ru ON ru.code = COALESCE(e.rule_code, o.rule_code) "
)
ENTRY_SQL = (
    ENTRY_COLUMNS + "FROM statement_entries e " + ENTRY_JOINS + f"WHERE e.kind IN {KINDS_SQL}"
)

# The sums, each read from the relation `given` (see `pointsbank.db.apply_rows`): one
# statement for a whole run's sums on PostgreSQL.
RESIDENT_YEAR = (
    (("resident_id", "text"), ("year", "int"), ("points", "bigint")),
    "INSERT INTO annual_residents (resident_id, year, community_id, grid, party_member, "
    "without_hukou, points) SELECT r.resident_id, g.year, r.community_id, r.grid, "
    "r.party_member, r.without_hukou, g.points FROM given g "
    "JOIN residents r ON r.resident_id = g.resident_id WHERE true "
    "ON CONFLICT (resident_id, year) DO UPDATE SET points = annual_residents.points + "
    "excluded.points",
)
RESIDENT_CATEGORY = (
    (("resident_id", "text"), ("year", "int"), ("category", "text"), ("points", "bigint")),
    "INSERT INTO annual_resident_categories (resident_id, year, category, points) "
    "SELECT resident_id, year, category, points FROM given WHERE true "
    "ON CONFLICT (resident_id, year, category) DO UPDATE SET "
    "points = annual_resident_categories.points + excluded.points",
)
CONTRIBUTION = (
    (("household_id", "text"), ("year", "int"), ("resident_id", "text"), ("category", "text"),
     ("points", "bigint")),
    "INSERT INTO annual_contributions (household_id, year, resident_id, category, points) "
    "SELECT household_id, year, resident_id, category, points FROM given WHERE true "
    "ON CONFLICT (household_id, year, resident_id, category) "
    "DO UPDATE SET points = annual_contributions.points + excluded.points",
)  # fmt: skip
HOUSEHOLD_YEAR = (
    (("household_id", "text"), ("year", "int"), ("points", "bigint")),
    "INSERT INTO annual_households (household_id, year, community_id, points) "
    "SELECT h.household_id, g.year, h.community_id, g.points FROM given g "
    "JOIN households h ON h.household_id = g.household_id WHERE true "
    "ON CONFLICT (household_id, year) DO UPDATE SET points = annual_households.points + "
    "excluded.points",
)

annual = Projection(
    "annual",
    tables=(
        "annual_residents",
        "annual_resident_categories",
        "annual_households",
        "annual_contributions",
        "community_years",
    ),
)


def year_bounds(year: int) -> tuple[str, str]:
    """The first and last local date of a year, as ISO text (how `occurred_on` is stored)."""
    return date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()


@annual.on(
    Resident.PointsAwarded,
    Resident.PointsDeducted,
    Resident.PointsCorrected,
    Resident.ApprovalGranted,
)
def _points(cur: Cursor, e: LedgerEvent, position: int) -> None:
    cur.execute(
        ENTRY_SQL + " AND e.resident_id = ? AND e.version = ?",
        (str(e.originator_id), e.originator_version),
    )
    entry = cur.fetchone()
    resident_id, year = entry["resident_id"], int(entry["occurred_on"][:4])
    points, category = int(entry["points"]), entry["category"]
    apply_rows(cur, *RESIDENT_YEAR, [(resident_id, year, points)])
    apply_rows(cur, *RESIDENT_CATEGORY, [(resident_id, year, category, points)])
    household_id = _household_on(cur, resident_id, entry["occurred_on"])
    if household_id is not None:
        _contribute(cur, household_id, year, resident_id, category, points)


@annual.on_run(Resident.PointsAwarded, Resident.PointsDeducted)
def _points_run(cur: Cursor, events: Events) -> None:
    """The same sums as one at a time, folded in memory first: a run holds no rule or
    membership change (those events are applied on their own), so both are read once."""
    cur.execute("SELECT code, category FROM rules")
    categories = {row["code"]: row["category"] for row in cur.fetchall()}
    ids = list({str(e.originator_id) for _, e in events})
    memberships: dict[str, list[Any]] = defaultdict(list)
    sql = "SELECT resident_id, household_id, joined_on, left_on FROM household_members WHERE"
    for row in select_in(cur, sql + " resident_id IN", ids):
        memberships[row["resident_id"]].append(row)
    residents: dict[tuple[str, int], int] = defaultdict(int)
    by_category: dict[tuple[str, int, str], int] = defaultdict(int)
    contributions: dict[tuple[str, int, str, str], int] = defaultdict(int)
    for _, e in events:
        resident_id, day = str(e.originator_id), e.occurred_on.isoformat()
        points = -e.points if isinstance(e, Resident.PointsDeducted) else e.points
        year, category = e.occurred_on.year, categories.get(e.rule_code, "other")
        residents[(resident_id, year)] += points
        by_category[(resident_id, year, category)] += points
        household_id = _member_of(memberships[resident_id], day)
        if household_id is not None:
            contributions[(household_id, year, resident_id, category)] += points
    _write_sums(cur, residents, by_category, contributions)


def _member_of(memberships: list[Any], day: str) -> str | None:
    """As `_household_on`: the latest membership that covers `day`."""
    covering = [
        m for m in memberships
        if m["joined_on"] <= day and (m["left_on"] is None or m["left_on"] > day)
    ]  # fmt: skip
    return str(max(covering, key=lambda m: m["joined_on"])["household_id"]) if covering else None


def _write_sums(
    cur: Cursor,
    residents: dict[tuple[str, int], int],
    by_category: dict[tuple[str, int, str], int],
    contributions: dict[tuple[str, int, str, str], int],
) -> None:
    apply_rows(cur, *RESIDENT_YEAR, [(*k, p) for k, p in residents.items()])
    apply_rows(cur, *RESIDENT_CATEGORY, [(*k, p) for k, p in by_category.items()])
    _write_contributions(cur, contributions)


def _write_contributions(cur: Cursor, contributions: dict[tuple[str, int, str, str], int]) -> None:
    apply_rows(cur, *CONTRIBUTION, [(*k, p) for k, p in contributions.items()])
    households: dict[tuple[str, int], int] = defaultdict(int)
    for (household_id, year, _, _), points in contributions.items():
        households[(household_id, year)] += points
    apply_rows(cur, *HOUSEHOLD_YEAR, [(*k, p) for k, p in households.items()])


@annual.on(Resident.JoinedHousehold, Resident.LeftHousehold)
def _membership(cur: Cursor, e: LedgerEvent, position: int) -> None:
    """Recompute the resident's household contributions from the effective date's year on."""
    resident_id, from_year = str(e.originator_id), e.occurred_on.year
    cur.execute(
        "SELECT household_id, year, SUM(points) AS points FROM annual_contributions "
        "WHERE resident_id = ? AND year >= ? GROUP BY household_id, year",
        (resident_id, from_year),
    )
    withdrawn = cur.fetchall()
    for row in withdrawn:
        cur.execute(
            "UPDATE annual_households SET points = points - ? WHERE household_id = ? AND year = ?",
            (row["points"], row["household_id"], row["year"]),
        )
    cur.execute(
        "DELETE FROM annual_contributions WHERE resident_id = ? AND year >= ?",
        (resident_id, from_year),
    )
    for (household_id, year, category), points in _contributions(
        cur, resident_id, from_year
    ).items():
        _contribute(cur, household_id, year, resident_id, category, points)
    for row in withdrawn:
        cur.execute(
            "DELETE FROM annual_households WHERE household_id = ? AND year = ? AND NOT EXISTS "
            "(SELECT 1 FROM annual_contributions c WHERE c.household_id = ? AND c.year = ?)",
            (row["household_id"], row["year"], row["household_id"], row["year"]),
        )


@annual.on_run(Resident.JoinedHousehold)
def _membership_run(cur: Cursor, events: Events) -> None:
    """As `_membership` for each join, for all the run's joiners at once. Registered after
    `_points_run`, so it goes after the run's points: the recompute reads the run's final
    entries and memberships, which is what applying the joins in log order gives."""
    since: dict[str, int] = {}
    for _, e in events:
        resident_id, year = str(e.originator_id), e.occurred_on.year
        since[resident_id] = min(since.get(resident_id, year), year)
    ids = list(since)
    withdrawn: dict[tuple[str, int], int] = defaultdict(int)
    sql = "SELECT household_id, year, resident_id, points FROM annual_contributions WHERE"
    for row in select_in(cur, sql + " resident_id IN", ids):
        if int(row["year"]) >= since[row["resident_id"]]:
            withdrawn[(row["household_id"], int(row["year"]))] += int(row["points"])
    cur.executemany(
        "UPDATE annual_households SET points = points - ? WHERE household_id = ? AND year = ?",
        [(points, household_id, year) for (household_id, year), points in withdrawn.items()],
    )
    cur.executemany(
        "DELETE FROM annual_contributions WHERE resident_id = ? AND year >= ?", list(since.items())
    )
    _write_contributions(cur, _contributions_of(cur, since))
    cur.executemany(
        "DELETE FROM annual_households WHERE household_id = ? AND year = ? AND NOT EXISTS "
        "(SELECT 1 FROM annual_contributions c WHERE c.household_id = ? AND c.year = ?)",
        [(h, y, h, y) for h, y in withdrawn],
    )


def _contributions_of(cur: Cursor, since: dict[str, int]) -> dict[Any, int]:
    """As `_contributions`, for many residents each from their own year."""
    ids = list(since)
    memberships: dict[str, list[Any]] = defaultdict(list)
    sql = "SELECT resident_id, household_id, joined_on, left_on FROM household_members WHERE"
    for row in select_in(cur, sql + " resident_id IN", ids):
        memberships[row["resident_id"]].append(row)
    totals: dict[Any, int] = defaultdict(int)
    for entry in select_in(cur, ENTRY_SQL + " AND e.resident_id IN", ids):
        resident_id, day = entry["resident_id"], entry["occurred_on"]
        if int(day[:4]) < since[resident_id]:
            continue
        for m in memberships[resident_id]:
            if m["joined_on"] <= day and (m["left_on"] is None or day < m["left_on"]):
                key = (m["household_id"], int(day[:4]), resident_id, entry["category"])
                totals[key] += int(entry["points"])
    return totals


def _contributions(cur: Cursor, resident_id: str, from_year: int) -> dict[Any, int]:
    cur.execute(
        "SELECT household_id, joined_on, left_on FROM household_members WHERE resident_id = ?",
        (resident_id,),
    )
    memberships = cur.fetchall()
    cur.execute(
        ENTRY_SQL + " AND e.resident_id = ? AND e.occurred_on >= ?",
        (resident_id, year_bounds(from_year)[0]),
    )
    totals: dict[Any, int] = defaultdict(int)
    for entry in cur.fetchall():
        day = entry["occurred_on"]
        for m in memberships:
            if m["joined_on"] <= day and (m["left_on"] is None or day < m["left_on"]):
                totals[(m["household_id"], int(day[:4]), entry["category"])] += entry["points"]
    return totals


def _household_on(cur: Cursor, resident_id: str, day: str) -> str | None:
    cur.execute(
        "SELECT household_id FROM household_members WHERE resident_id = ? AND joined_on <= ? "
        "AND (left_on IS NULL OR left_on > ?) ORDER BY joined_on DESC",
        (resident_id, day, day),
    )
    row = cur.fetchone()
    return str(row["household_id"]) if row else None


def _contribute(
    cur: Cursor, household_id: str, year: int, resident_id: str, category: str, points: int
) -> None:
    apply_rows(cur, *CONTRIBUTION, [(household_id, year, resident_id, category, points)])
    apply_rows(cur, *HOUSEHOLD_YEAR, [(household_id, year, points)])


@annual.on(CommunityYear.Closed)
def _closed(cur: Cursor, e: CommunityYear.Closed, position: int) -> None:
    summary = json.dumps(e.summary, ensure_ascii=False, sort_keys=True)
    _year_row(cur, e.community_id, e.year, e, (1, e.digest, e.up_to_position, summary))


@annual.on(CommunityYear.Reopened)
def _reopened(cur: Cursor, e: CommunityYear.Reopened, position: int) -> None:
    _year_row(cur, e.community_id, e.year, e, (0, "", 0, "{}"))


def _year_row(
    cur: Cursor, community_id: UUID, year: int, e: LedgerEvent, state: tuple[Any, ...]
) -> None:
    cur.execute(
        "INSERT INTO community_years (community_id, year, closed, digest, up_to_position, "
        "summary, changed_at, changed_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (community_id, year) DO UPDATE SET closed = excluded.closed, "
        "digest = excluded.digest, up_to_position = excluded.up_to_position, "
        "summary = excluded.summary, changed_at = excluded.changed_at, "
        "changed_by = excluded.changed_by, reason = excluded.reason",
        (str(community_id), year, *state, e.timestamp.isoformat(), e.actor_id, e.reason),
    )
