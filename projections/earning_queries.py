"""Read-side queries for earning points: rule terms, the approvals queue, activities, imports."""

from __future__ import annotations

from uuid import UUID

from pointsbank.db import Database, Row


class EarningQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def rule(self, code: str) -> Row | None:
        row = self.db.query_one(
            "SELECT r.code, r.version, r.name, r.category, r.points, r.active, t.mode, "
            "t.cap_day, t.cap_month, t.cap_year, t.approval_above, t.cap_pair_month, "
            "t.disqualifies, "
            "t.in_force_from, t.in_force_until "
            "FROM rules r LEFT JOIN rule_terms t ON t.code = r.code WHERE r.code = ?",
            (code,),
        )
        if row is None:
            return None
        row["active"], row["disqualifies"] = bool(row["active"]), bool(row["disqualifies"])
        row["overrides"] = self.db.query(
            "SELECT community_id, points, cap_day, cap_month, cap_year, approval_above, "
            "cap_pair_month "
            "FROM rule_overrides WHERE code = ? ORDER BY community_id",
            (code,),
        )
        return row

    def pending(self, community_id: UUID | None) -> list[Row]:
        """What awaits a second staff member's approval, oldest first."""
        sql = (
            "SELECT p.resident_id, p.request_version, p.kind, p.rule_code, p.rule_version, "
            "p.quantity, p.points, p.occurred_on, p.requested_by, p.requested_at, p.reason, "
            "r.community_id, d.name, a.display_name AS maker, u.name AS rule_name "
            "FROM pending_approvals p JOIN residents r ON r.resident_id = p.resident_id "
            "LEFT JOIN personal_data d ON d.resident_id = p.resident_id "
            "LEFT JOIN accounts a ON a.user_id = p.requested_by "
            "LEFT JOIN rules u ON u.code = p.rule_code"
        )
        if community_id is None:
            return self.db.query(sql + " ORDER BY p.requested_at, p.resident_id")
        return self.db.query(
            sql + " WHERE r.community_id = ? ORDER BY p.requested_at, p.resident_id",
            (str(community_id),),
        )

    def catalogue(self, search: str = "", deductions: bool | None = None) -> list[Row]:
        """Active rules whose code or name contains `search`, with how each counts (mode)."""
        sql = (
            "SELECT r.code, r.name, r.category, r.points, t.mode, t.approval_above, "
            "t.cap_day, t.cap_month, t.cap_year FROM rules r "
            "LEFT JOIN rule_terms t ON t.code = r.code "
            "WHERE r.active = 1 AND (r.code LIKE ? OR r.name LIKE ?)"
        )
        params: list[object] = [f"%{search.upper()}%", f"%{search}%"]
        if deductions is not None:
            sql += " AND r.category " + ("= ?" if deductions else "<> ?")
            params.append("deduction")
        return self.db.query(sql + " ORDER BY r.code", params)

    def activities(self, community_id: UUID | None) -> list[Row]:
        sql = (
            "SELECT activity_id, community_id, rule_code, kind, title, held_on, starts_at, place, "
            "capacity, organiser, closed FROM activities"
        )
        if community_id is None:
            rows = self.db.query(sql + " ORDER BY held_on DESC, title")
        else:
            rows = self.db.query(
                sql + " WHERE community_id = ? ORDER BY held_on DESC, title", (str(community_id),)
            )
        for row in rows:
            row["closed"] = bool(row["closed"])
        return rows

    def activity(self, activity_id: UUID) -> Row | None:
        row = self.db.query_one(
            "SELECT activity_id, community_id, rule_code, kind, title, held_on, starts_at, place, "
            "capacity, organiser, closed, closed_by FROM activities WHERE activity_id = ?",
            (str(activity_id),),
        )
        if row is None:
            return None
        row["closed"] = bool(row["closed"])
        row["attendees"] = self.db.query(
            "SELECT a.resident_id, d.name, a.signed_up, a.attended, a.minutes, a.awarded_version, "
            "a.refused, e.points FROM activity_attendees a "
            "LEFT JOIN personal_data d ON d.resident_id = a.resident_id "
            "LEFT JOIN statement_entries e ON e.resident_id = a.resident_id "
            "AND e.version = a.awarded_version "
            "WHERE a.activity_id = ? ORDER BY d.name, a.resident_id",
            (str(activity_id),),
        )
        return row

    def imports(self, community_id: UUID | None) -> list[Row]:
        sql = (
            "SELECT import_id, community_id, rows_applied, applied_at, actor_id FROM sheet_imports"
        )
        if community_id is None:
            return self.db.query(sql + " ORDER BY applied_at DESC")
        return self.db.query(
            sql + " WHERE community_id = ? ORDER BY applied_at DESC", (str(community_id),)
        )
