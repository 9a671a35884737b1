"""The generator's households (real aggregates' events) and the read-model rows the ledger and
annual projections would make of them, gathered for COPY.

Only the events the generator makes are handled here; a test rebuilds the generated street with
the real projector and compares every table, so this stays in step with the projections.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg

from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.household import Household
from pointsbank.domain.resident import Resident

AT = datetime(2025, 12, 20, 8, 0, tzinfo=UTC)
STAFF = Actor("bench-staff", Role.STAFF)
CATEGORIES = {
    "VOL": "volunteer",
    "COUNCIL": "council",
    "NEIGHBOUR": "neighbourly",
    "CIVIC": "civic",
}
POINTS = {"VOL": 10, "COUNCIL": 5, "NEIGHBOUR": 3, "CIVIC": 2}
NAMES = {
    "VOL": "志愿服务",
    "COUNCIL": "参加居民议事会",
    "NEIGHBOUR": "邻里互助",
    "CIVIC": "文明守法表现",
}
CODES = tuple(POINTS)
COLUMNS = {
    "pointsbank_events": "notification_id, originator_id, originator_version, topic, state",
    "households": "household_id, community_id, name, created_on",
    "residents": "resident_id, community_id, grid, party_member, without_hukou, household_id, "
    "enrolled_on, balance, version",
    "household_members": "household_id, resident_id, joined_on, left_on",
    "statement_entries": "resident_id, version, position, kind, rule_code, rule_version, "
    "quantity, points, balance_after, corrects_version, occurred_on, recorded_at, actor_id, "
    "actor_role, reason",
    "annual_residents": "resident_id, year, community_id, grid, party_member, without_hukou, "
    "points",
    "annual_resident_categories": "resident_id, year, category, points",
    "annual_households": "household_id, year, community_id, points",
    "annual_contributions": "household_id, year, resident_id, category, points",
}


def _ctx(today: date) -> Context:
    return Context(actor=STAFF, at=AT, today=today)


def household_block(
    household_id: UUID, resident_ids: list[UUID], community_id: UUID, number: int, per_resident: int
) -> list[Any]:
    """A household of three: created, each member enrolled, joined, awarded, redeeming once."""
    household = Household.create(
        household_id, community_id, f"{number}号户", _ctx(date(2025, 1, 2))
    )
    events: list[Any] = list(household.collect_events())
    for k, resident_id in enumerate(resident_ids):
        seq = number * 3 + k
        ctx = _ctx(date(2025, 12, 20))
        resident = Resident.enrol(
            resident_id, community_id, "g1", seq % 5 == 0, seq % 7 == 0, date(2025, 1, 2), ctx
        )
        resident.join_household(household, date(2025, 1, 3), ctx)
        awards = max(per_resident - 3, 1)
        for a in range(awards):
            code = CODES[(seq + a) % len(CODES)]
            quantity = 1 + (seq * 7 + a) % 3
            day = date(2025, 1, 10) + timedelta(days=(a * 300) // awards + seq % 20)
            resident.trigger_event(
                Resident.PointsAwarded,
                rule_code=code,
                rule_version=1,
                quantity=quantity,
                points=POINTS[code] * quantity,
                **ctx.meta(day, NAMES[code]),
            )
        resident.redeem(uuid_for_receipt(resident_id), 1 + seq % 5, "兑换 redemption", ctx)
        events += resident.collect_events()
    return events


def uuid_for_receipt(resident_id: UUID) -> UUID:
    return UUID(int=resident_id.int ^ 1)


class Tables:
    """Rows per table for one COPY, with the running state the projections keep."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.residents: dict[UUID, dict[str, Any]] = {}
        self.households: dict[UUID, str] = {}
        self.annual: dict[tuple[str, ...], int] = defaultdict(int)

    def add_event(self, position: int, stored: Any) -> None:
        self.rows["pointsbank_events"].append(
            (position, stored.originator_id, stored.originator_version, stored.topic, stored.state)
        )

    def project(self, e: Any, position: int) -> None:
        if isinstance(e, Household.Created):
            self.households[e.originator_id] = str(e.community_id)
            self.rows["households"].append(
                (str(e.originator_id), str(e.community_id), e.name, e.occurred_on.isoformat())
            )
        elif isinstance(e, Resident.Enrolled):
            self.residents[e.originator_id] = {
                "community_id": str(e.community_id),
                "grid": e.grid,
                "party_member": int(e.party_member),
                "without_hukou": int(e.without_hukou),
                "household_id": None,
                "enrolled_on": e.occurred_on.isoformat(),
                "balance": 0,
                "version": e.originator_version,
            }
        elif isinstance(e, Resident.JoinedHousehold):
            resident = self.residents[e.originator_id]
            resident["household_id"], resident["version"] = str(e.household_id), 2
            self.rows["household_members"].append(
                (str(e.household_id), str(e.originator_id), e.occurred_on.isoformat(), None)
            )
        elif isinstance(e, Resident.PointsAwarded):
            self._entry(e, position, "award", e.points, e.rule_code, e.quantity)
            self._annual(e)
        elif isinstance(e, Resident.PointsRedeemed):
            self._entry(e, position, "redemption", -e.points, None, None)

    def _entry(
        self, e: Any, position: int, kind: str, points: int, code: str | None, qty: int | None
    ) -> None:
        resident = self.residents[e.originator_id]
        resident["balance"] += points
        resident["version"] = e.originator_version
        self.rows["statement_entries"].append(
            (
                str(e.originator_id),
                e.originator_version,
                position,
                kind,
                code,
                1 if code else None,
                qty,
                points,
                resident["balance"],
                None,
                e.occurred_on.isoformat(),
                e.timestamp.isoformat(),
                e.actor_id,
                e.actor_role,
                e.reason,
            )
        )

    def _annual(self, e: Resident.PointsAwarded) -> None:
        rid, year, category = str(e.originator_id), str(e.occurred_on.year), CATEGORIES[e.rule_code]
        hid: str | None = self.residents[e.originator_id]["household_id"]
        keys: list[tuple[str, ...]] = [("r", rid, year), ("rc", rid, year, category)]
        if hid is not None:
            keys += [("h", hid, year), ("hc", hid, year, rid, category)]
        for key in keys:
            self.annual[key] += e.points

    def finish(self) -> None:
        """The rows of state kept per resident and per year, once every event is in."""
        for rid, r in self.residents.items():
            self.rows["residents"].append(
                (
                    str(rid),
                    r["community_id"],
                    r["grid"],
                    r["party_member"],
                    r["without_hukou"],
                    r["household_id"],
                    r["enrolled_on"],
                    r["balance"],
                    r["version"],
                )
            )
        for key, points in self.annual.items():
            kind, rest = key[0], key[1:]
            if kind == "r":
                r = self.residents[UUID(rest[0])]
                self.rows["annual_residents"].append(
                    (
                        rest[0],
                        int(rest[1]),
                        r["community_id"],
                        r["grid"],
                        r["party_member"],
                        r["without_hukou"],
                        points,
                    )
                )
            elif kind == "rc":
                self.rows["annual_resident_categories"].append(
                    (rest[0], int(rest[1]), rest[2], points)
                )
            elif kind == "h":
                community = self.households[UUID(rest[0])]
                self.rows["annual_households"].append((rest[0], int(rest[1]), community, points))
            else:
                self.rows["annual_contributions"].append(
                    (rest[0], int(rest[1]), rest[2], rest[3], points)
                )

    def copy(self, url: str) -> None:
        self.finish()
        with psycopg.connect(url) as conn, conn.cursor() as cur:
            for table, columns in COLUMNS.items():
                with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows[table]:
                        copy.write_row(row)
