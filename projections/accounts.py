"""The accounts read model: who holds which role where, for lists and search (never for sign-in)."""

from __future__ import annotations

from typing import Any

from pointsbank.db import Cursor, Database, Row
from pointsbank.domain.account import Account
from projections.projector import Projection

accounts = Projection("accounts", tables=("accounts",))
PAGE_SIZE = 20


@accounts.on(Account.Opened)
def _opened(cur: Cursor, e: Account.Opened, position: int) -> None:
    cur.execute(
        "INSERT INTO accounts (user_id, name, display_name, role, community_id, resident_id, "
        "disabled, must_change_password, opened_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?)",
        (
            str(e.originator_id),
            e.name,
            e.display_name,
            e.role,
            str(e.community_ids[0]) if e.community_ids else None,
            str(e.resident_id) if e.resident_id else None,
            e.timestamp.isoformat(),
        ),
    )


@accounts.on(Account.RoleChanged)
def _role(cur: Cursor, e: Account.RoleChanged, position: int) -> None:
    community = str(e.community_ids[0]) if e.community_ids else None
    _set(cur, e, "role = ?, community_id = ?", e.role, community)


@accounts.on(Account.Disabled, Account.Enabled)
def _disabled(cur: Cursor, e: Account.Disabled | Account.Enabled, position: int) -> None:
    _set(cur, e, "disabled = ?", int(isinstance(e, Account.Disabled)))


@accounts.on(Account.PasswordReset, Account.PasswordChanged)
def _password(
    cur: Cursor, e: Account.PasswordReset | Account.PasswordChanged, position: int
) -> None:
    _set(cur, e, "must_change_password = ?", int(isinstance(e, Account.PasswordReset)))


def _set(cur: Cursor, e: Any, assignments: str, *values: Any) -> None:
    cur.execute(
        f"UPDATE accounts SET {assignments} WHERE user_id = ?", (*values, str(e.originator_id))
    )


class AccountQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def page(
        self,
        community_id: str | None,
        search: str = "",
        page: int = 1,
        residents_only: bool = False,
    ) -> tuple[list[Row], int]:
        """One page of accounts (all, or one community's) whose names contain `search`."""
        search = "".join(c for c in search if c.isprintable())
        where, params = ["(a.name LIKE ? OR a.display_name LIKE ?)"], [f"%{search}%", f"%{search}%"]
        if community_id is not None:
            where.append("a.community_id = ?")
            params.append(community_id)
        if residents_only:
            where.append("a.role = 'resident'")
        clause = " AND ".join(where)
        total = self.db.query_one(f"SELECT COUNT(*) AS n FROM accounts a WHERE {clause}", params)
        rows = self.db.query(
            "SELECT a.user_id, a.name, a.display_name, a.role, a.community_id, "
            "c.code AS community, a.resident_id, a.disabled, a.must_change_password, "
            "a.opened_at FROM accounts a "
            f"LEFT JOIN communities c ON c.community_id = a.community_id WHERE {clause} "
            f"ORDER BY a.name LIMIT ? OFFSET ?",
            [*params, PAGE_SIZE, (max(page, 1) - 1) * PAGE_SIZE],
        )
        return rows, int(total["n"]) if total else 0

    def sign_ins(self, limit: int = 100, before: str | None = None) -> list[Row]:
        """The latest sign-ins, failures and lock-outs, newest first."""
        return self.db.query(
            "SELECT at, user_name, user_id, address, outcome FROM sign_in_log "
            "WHERE at < ? ORDER BY at DESC LIMIT ?",
            (before or "9999", limit),
        )
