"""Read models of earning points: rule terms and overrides, the approvals queue, activities and
their attendees, bulk imports."""

from __future__ import annotations

from typing import Any

from pointsbank.db import Cursor
from pointsbank.domain.activity import Activity
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Rule
from pointsbank.domain.sheet_import import SheetImport
from pointsbank.domain.terms import Terms
from projections.projector import Projection

earning = Projection(
    "earning",
    tables=(
        "rule_terms",
        "rule_overrides",
        "pending_approvals",
        "activities",
        "activity_attendees",
        "sheet_imports",
    ),
)
CAPS = ("points", "cap_day", "cap_month", "cap_year", "approval_above", "cap_pair_month")


@earning.on(Rule.Defined, Rule.Established, Rule.Configured)
def _terms(cur: Cursor, e: Any, position: int) -> None:
    t = Terms.from_event(getattr(e, "terms", None))
    caps = (t.cap_day, t.cap_month, t.cap_year, t.approval_above, t.cap_pair_month)
    row = (t.mode, *caps, int(t.disqualifies))
    dates = tuple(d.isoformat() if d else None for d in (t.in_force_from, t.in_force_until))
    cur.execute("DELETE FROM rule_terms WHERE code = (SELECT code FROM rules WHERE rule_id = ?)",
                (str(e.originator_id),))  # fmt: skip
    cur.execute(
        "INSERT INTO rule_terms (code, mode, cap_day, cap_month, cap_year, approval_above, "
        "cap_pair_month, disqualifies, in_force_from, in_force_until) "
        "SELECT code, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM rules WHERE rule_id = ?",
        (*row, *dates, str(e.originator_id)),
    )


@earning.on(Rule.Overridden)
def _overridden(cur: Cursor, e: Rule.Overridden, position: int) -> None:
    cur.execute(
        "DELETE FROM rule_overrides WHERE community_id = ? "
        "AND code = (SELECT code FROM rules WHERE rule_id = ?)",
        (e.community_id, str(e.originator_id)),
    )
    if e.overrides:
        cur.execute(
            "INSERT INTO rule_overrides (code, community_id, points, cap_day, cap_month, "
            "cap_year, approval_above, cap_pair_month) "
            "SELECT code, ?, ?, ?, ?, ?, ?, ? FROM rules WHERE rule_id = ?",
            (e.community_id, *(e.overrides.get(k) for k in CAPS), str(e.originator_id)),
        )


@earning.on(Resident.ApprovalRequested)
def _requested(cur: Cursor, e: Resident.ApprovalRequested, position: int) -> None:
    cur.execute(
        "INSERT INTO pending_approvals (resident_id, request_version, kind, rule_code, "
        "rule_version, quantity, points, occurred_on, requested_by, requested_at, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            str(e.originator_id),
            e.originator_version,
            e.kind,
            e.rule_code,
            e.rule_version,
            e.quantity,
            e.points,
            e.occurred_on.isoformat(),
            e.actor_id,
            e.timestamp.isoformat(),
            e.reason,
        ),
    )


@earning.on(Resident.ApprovalGranted, Resident.ApprovalRefused)
def _decided(cur: Cursor, e: Resident.ApprovalGranted, position: int) -> None:
    cur.execute(
        "DELETE FROM pending_approvals WHERE resident_id = ? AND request_version = ?",
        (str(e.originator_id), e.request_version),
    )


@earning.on(Activity.Created)
def _activity(cur: Cursor, e: Activity.Created, position: int) -> None:
    cur.execute(
        "INSERT INTO activities (activity_id, community_id, rule_code, kind, title, held_on, "
        "starts_at, place, capacity, organiser, closed, closed_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)",
        (
            str(e.originator_id),
            str(e.community_id),
            e.rule_code,
            e.kind,
            e.title,
            e.occurred_on.isoformat(),
            e.starts_at,
            e.place,
            e.capacity,
            e.organiser,
        ),
    )


@earning.on(Activity.SignedUp)
def _signed_up(cur: Cursor, e: Activity.SignedUp, position: int) -> None:
    cur.execute(
        "INSERT INTO activity_attendees (activity_id, resident_id, signed_up, attended) "
        "VALUES (?, ?, 1, 0) ON CONFLICT (activity_id, resident_id) DO UPDATE SET signed_up = 1",
        (str(e.originator_id), e.resident_id),
    )


@earning.on(Activity.AttendanceRecorded)
def _attended(cur: Cursor, e: Activity.AttendanceRecorded, position: int) -> None:
    cur.execute(
        "INSERT INTO activity_attendees (activity_id, resident_id, signed_up, attended, minutes) "
        "VALUES (?, ?, 0, 1, ?) ON CONFLICT (activity_id, resident_id) "
        "DO UPDATE SET attended = 1, minutes = excluded.minutes",
        (str(e.originator_id), e.resident_id, e.minutes),
    )


@earning.on(Activity.Closed)
def _closed(cur: Cursor, e: Activity.Closed, position: int) -> None:
    activity_id = str(e.originator_id)
    cur.execute(
        "UPDATE activities SET closed = 1, closed_by = ? WHERE activity_id = ?",
        (e.actor_id, activity_id),
    )
    for resident_id, version in e.awarded.items():
        cur.execute(
            "UPDATE activity_attendees SET awarded_version = ? "
            "WHERE activity_id = ? AND resident_id = ?",
            (version, activity_id, resident_id),
        )
    for resident_id, why in e.refused.items():
        cur.execute(
            "UPDATE activity_attendees SET refused = ? WHERE activity_id = ? AND resident_id = ?",
            (why, activity_id, resident_id),
        )


@earning.on(SheetImport.Applied)
def _imported(cur: Cursor, e: SheetImport.Applied, position: int) -> None:
    cur.execute(
        "INSERT INTO sheet_imports (import_id, community_id, digest, rows_applied, applied_at, "
        "actor_id) VALUES (?, ?, ?, ?, ?, ?)",
        (
            str(e.originator_id),
            str(e.community_id),
            e.digest,
            len(e.entries),
            e.timestamp.isoformat(),
            e.actor_id,
        ),
    )
