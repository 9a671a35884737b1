"""The ledger's read models: communities, rules, residents, households, balances, statements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pointsbank.db import Cursor, insert_rows, select_in
from pointsbank.domain.common import LedgerEvent
from pointsbank.domain.community import Community
from pointsbank.domain.household import Household
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Rule
from projections.projector import Events, Projection

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


@ledger.on_run(Household.Created)
def _households(cur: Cursor, events: Events) -> None:
    insert_rows(cur, "households", ("household_id", "community_id", "name", "created_on"), [
        (str(e.originator_id), str(e.community_id), e.name, e.occurred_on.isoformat())
        for _, e in events
    ])  # fmt: skip


RESIDENT_COLUMNS = (
    "resident_id", "community_id", "grid", "party_member", "without_hukou", "household_id",
    "enrolled_on", "balance", "version",
)  # fmt: skip


@ledger.on(Resident.Enrolled)
def _enrolled(cur: Cursor, e: Resident.Enrolled, position: int) -> None:
    _enrolled_run(cur, [(position, e)])


@ledger.on_run(Resident.Enrolled)
def _enrolled_run(cur: Cursor, events: Events) -> None:
    """An enrolment day's residents in one go."""
    insert_rows(cur, "residents", RESIDENT_COLUMNS, [
        (
            str(e.originator_id), str(e.community_id), e.grid, int(e.party_member),
            int(e.without_hukou), None, e.occurred_on.isoformat(), 0, e.originator_version,
        )
        for _, e in events
    ])  # fmt: skip


@ledger.on(Resident.JoinedHousehold)
def _joined(cur: Cursor, e: Resident.JoinedHousehold, position: int) -> None:
    cur.execute(
        "INSERT INTO household_members (household_id, resident_id, joined_on, left_on) "
        "VALUES (?, ?, ?, NULL)",
        (str(e.household_id), str(e.originator_id), e.occurred_on.isoformat()),
    )
    _set_resident(cur, e, "household_id = ?", str(e.household_id))


@ledger.on_run(Resident.JoinedHousehold)
def _joined_run(cur: Cursor, events: Events) -> None:
    """A run's joins in one go, before its entries (whose residents' versions then move past
    a join's only forwards): households of newly enrolled residents no longer break a run."""
    insert_rows(cur, "household_members", ("household_id", "resident_id", "joined_on"), [
        (str(e.household_id), str(e.originator_id), e.occurred_on.isoformat()) for _, e in events
    ])  # fmt: skip
    cur.executemany(
        "UPDATE residents SET household_id = ?, version = ? WHERE resident_id = ?",
        [(str(e.household_id), e.originator_version, str(e.originator_id)) for _, e in events],
    )


@ledger.on(Resident.LeftHousehold)
def _left(cur: Cursor, e: Resident.LeftHousehold, position: int) -> None:
    cur.execute(
        "UPDATE household_members SET left_on = ? "
        "WHERE resident_id = ? AND household_id = ? AND left_on IS NULL",
        (e.occurred_on.isoformat(), str(e.originator_id), str(e.household_id)),
    )
    _set_resident(cur, e, "household_id = ?", None)


# What each entry event puts in its statement entry: kind, signed points, rule code and
# version, quantity, corrected version.
EntryFields = tuple[str, int, str | None, int | None, int | None, int | None]
ENTRY_FIELDS: dict[type, Callable[[Any], EntryFields]] = {
    Resident.PointsAwarded: lambda e: (
        "award",
        e.points,
        e.rule_code,
        e.rule_version,
        e.quantity,
        None,
    ),
    Resident.PointsDeducted: lambda e: (
        "deduction",
        -e.points,
        e.rule_code,
        e.rule_version,
        e.quantity,
        None,
    ),
    Resident.PointsCorrected: lambda e: (
        "correction",
        e.points,
        None,
        None,
        None,
        e.corrects_version,
    ),
    Resident.PointsRedeemed: lambda e: ("redemption", -e.points, None, None, None, None),
    Resident.RedemptionRefunded: lambda e: ("refund", e.points, None, None, None, None),
}
ENTRY_COLUMNS = (
    "resident_id", "version", "position", "kind", "rule_code", "rule_version", "quantity",
    "points", "balance_after", "corrects_version", "occurred_on", "recorded_at", "actor_id",
    "actor_role", "reason",
)  # fmt: skip


@ledger.on(*ENTRY_FIELDS)
def _entry_event(cur: Cursor, e: LedgerEvent, position: int) -> None:
    _entry(cur, e, position, *ENTRY_FIELDS[type(e)](e))


@ledger.on_run(*ENTRY_FIELDS)
def _entry_events(cur: Cursor, events: Events) -> None:
    """The same entries and balances as one at a time: each resident's balance is read once,
    carried through the run in memory, and written once."""
    ids = list({str(e.originator_id) for _, e in events})
    rows = select_in(
        cur, "SELECT resident_id, balance, version FROM residents WHERE resident_id IN", ids
    )
    state = {row["resident_id"]: (int(row["balance"]), int(row["version"])) for row in rows}
    entries = []
    for position, e in events:
        resident_id = str(e.originator_id)
        kind, points, rule_code, rule_version, quantity, corrects = ENTRY_FIELDS[type(e)](e)
        balance = state[resident_id][0] + points  # KeyError: unknown resident, as one at a time
        # max: a join later in the log than this entry was applied before the run's entries
        state[resident_id] = (balance, max(state[resident_id][1], e.originator_version))
        entries.append((
            resident_id, e.originator_version, position, kind, rule_code, rule_version,
            quantity, points, balance, corrects, e.occurred_on.isoformat(),
            e.timestamp.isoformat(), e.actor_id, e.actor_role, e.reason,
        ))  # fmt: skip
    cur.executemany(
        "UPDATE residents SET balance = ?, version = ? WHERE resident_id = ?",
        [(balance, version, resident_id) for resident_id, (balance, version) in state.items()],
    )
    insert_rows(cur, "statement_entries", ENTRY_COLUMNS, entries)


@ledger.on(Resident.ApprovalGranted)
def _approved(cur: Cursor, e: Resident.ApprovalGranted, position: int) -> None:
    signed = e.points if e.kind == "award" else -e.points
    _entry(cur, e, position, e.kind, signed, e.rule_code, e.rule_version, e.quantity, None)
    if e.disqualifies:
        cur.execute(
            "UPDATE statement_entries SET disqualifies = 1 WHERE resident_id = ? AND version = ?",
            (str(e.originator_id), e.originator_version),
        )


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
