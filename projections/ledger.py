"""The ledger's read models: communities, rules, residents, households, balances, statements."""

from __future__ import annotations

from pointsbank.db import Cursor
from pointsbank.domain.common import LedgerEvent
from pointsbank.domain.community import Community
from pointsbank.domain.household import Household
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Rule
from projections.projector import Projection

ledger = Projection(
    "ledger",
    tables=(
        "communities",
        "grids",
        "rules",
        "residents",
        "households",
        "household_members",
        "statement_entries",
    ),
)


@ledger.on(Community.Registered)
def _community(cur: Cursor, e: Community.Registered, position: int) -> None:
    cur.execute(
        "INSERT INTO communities (community_id, code, name) VALUES (?, ?, ?)",
        (str(e.originator_id), e.code, e.name),
    )


@ledger.on(Community.GridAdded)
def _grid(cur: Cursor, e: Community.GridAdded, position: int) -> None:
    cur.execute(
        "INSERT INTO grids (community_id, code, name) VALUES (?, ?, ?)",
        (str(e.originator_id), e.code, e.name),
    )


@ledger.on(Rule.Defined, Rule.Established)
def _rule(cur: Cursor, e: Rule.Defined | Rule.Established, position: int) -> None:
    cur.execute(
        "INSERT INTO rules (rule_id, code, version, name, category, points, active) "
        "VALUES (?, ?, 1, ?, ?, ?, 1)",
        (str(e.originator_id), e.code, e.name, e.category, e.points),
    )


@ledger.on(Rule.Revised)
def _rule_revised(cur: Cursor, e: Rule.Revised, position: int) -> None:
    cur.execute(
        "UPDATE rules SET version = version + 1, name = ?, points = ? WHERE rule_id = ?",
        (e.name, e.points, str(e.originator_id)),
    )


@ledger.on(Rule.Configured, Rule.Overridden)
def _rule_reconfigured(cur: Cursor, e: LedgerEvent, position: int) -> None:
    cur.execute("UPDATE rules SET version = version + 1 WHERE rule_id = ?", (str(e.originator_id),))


@ledger.on(Rule.Retired)
def _rule_retired(cur: Cursor, e: Rule.Retired, position: int) -> None:
    cur.execute("UPDATE rules SET active = 0 WHERE rule_id = ?", (str(e.originator_id),))


@ledger.on(Household.Created)
def _household(cur: Cursor, e: Household.Created, position: int) -> None:
    cur.execute(
        "INSERT INTO households (household_id, community_id, name, created_on) VALUES (?, ?, ?, ?)",
        (str(e.originator_id), str(e.community_id), e.name, e.occurred_on.isoformat()),
    )


@ledger.on(Resident.Enrolled)
def _enrolled(cur: Cursor, e: Resident.Enrolled, position: int) -> None:
    cur.execute(
        "INSERT INTO residents (resident_id, community_id, grid, party_member, without_hukou, "
        "household_id, enrolled_on, balance, version) VALUES (?, ?, ?, ?, ?, NULL, ?, 0, ?)",
        (
            str(e.originator_id),
            str(e.community_id),
            e.grid,
            int(e.party_member),
            int(e.without_hukou),
            e.occurred_on.isoformat(),
            e.originator_version,
        ),
    )


@ledger.on(Resident.JoinedHousehold)
def _joined(cur: Cursor, e: Resident.JoinedHousehold, position: int) -> None:
    cur.execute(
        "INSERT INTO household_members (household_id, resident_id, joined_on, left_on) "
        "VALUES (?, ?, ?, NULL)",
        (str(e.household_id), str(e.originator_id), e.occurred_on.isoformat()),
    )
    _set_resident(cur, e, "household_id = ?", str(e.household_id))


@ledger.on(Resident.LeftHousehold)
def _left(cur: Cursor, e: Resident.LeftHousehold, position: int) -> None:
    cur.execute(
        "UPDATE household_members SET left_on = ? "
        "WHERE resident_id = ? AND household_id = ? AND left_on IS NULL",
        (e.occurred_on.isoformat(), str(e.originator_id), str(e.household_id)),
    )
    _set_resident(cur, e, "household_id = ?", None)


@ledger.on(Resident.PointsAwarded)
def _awarded(cur: Cursor, e: Resident.PointsAwarded, position: int) -> None:
    _entry(cur, e, position, "award", e.points, e.rule_code, e.rule_version, e.quantity, None)


@ledger.on(Resident.PointsDeducted)
def _deducted(cur: Cursor, e: Resident.PointsDeducted, position: int) -> None:
    _entry(cur, e, position, "deduction", -e.points, e.rule_code, e.rule_version, e.quantity, None)


@ledger.on(Resident.ApprovalGranted)
def _approved(cur: Cursor, e: Resident.ApprovalGranted, position: int) -> None:
    signed = e.points if e.kind == "award" else -e.points
    _entry(cur, e, position, e.kind, signed, e.rule_code, e.rule_version, e.quantity, None)
    if e.disqualifies:
        cur.execute(
            "UPDATE statement_entries SET disqualifies = 1 WHERE resident_id = ? AND version = ?",
            (str(e.originator_id), e.originator_version),
        )


@ledger.on(Resident.PointsCorrected)
def _corrected(cur: Cursor, e: Resident.PointsCorrected, position: int) -> None:
    _entry(cur, e, position, "correction", e.points, None, None, None, e.corrects_version)


@ledger.on(Resident.PointsRedeemed)
def _redeemed(cur: Cursor, e: Resident.PointsRedeemed, position: int) -> None:
    _entry(cur, e, position, "redemption", -e.points, None, None, None, None)


@ledger.on(Resident.RedemptionRefunded)
def _refunded(cur: Cursor, e: Resident.RedemptionRefunded, position: int) -> None:
    _entry(cur, e, position, "refund", e.points, None, None, None, None)


def _set_resident(cur: Cursor, e: LedgerEvent, assignment: str, value: object) -> None:
    cur.execute(
        f"UPDATE residents SET {assignment}, version = ? WHERE resident_id = ?",
        (value, e.originator_version, str(e.originator_id)),
    )


def _entry(
    cur: Cursor,
    e: LedgerEvent,
    position: int,
    kind: str,
    points: int,
    rule_code: str | None,
    rule_version: int | None,
    quantity: int | None,
    corrects_version: int | None,
) -> None:
    """Append a statement entry with its running balance, and move the balance."""
    resident_id = str(e.originator_id)
    cur.execute(
        "UPDATE residents SET balance = balance + ?, version = ? WHERE resident_id = ? "
        "RETURNING balance",
        (points, e.originator_version, resident_id),
    )
    balance = int(cur.fetchone()["balance"])
    cur.execute(
        "INSERT INTO statement_entries (resident_id, version, position, kind, rule_code, "
        "rule_version, quantity, points, balance_after, corrects_version, occurred_on, "
        "recorded_at, actor_id, actor_role, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            resident_id,
            e.originator_version,
            position,
            kind,
            rule_code,
            rule_version,
            quantity,
            points,
            balance,
            corrects_version,
            e.occurred_on.isoformat(),
            e.timestamp.isoformat(),
            e.actor_id,
            e.actor_role,
            e.reason,
        ),
    )
