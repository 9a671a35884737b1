"""User accounts and their bearer tokens. Tokens are random; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from pointsbank.db import Database
from pointsbank.domain.common import Actor, Role


def token_digest(token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is as strong as a slow password hash.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    user_id: str
    name: str
    role: Role
    token: str


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def issue(
        self,
        name: str,
        role: Role,
        at: datetime,
        community_id: UUID | None = None,
        resident_id: UUID | None = None,
    ) -> IssuedToken:
        """Create the account `name`, or give it a fresh token (the old one stops working)."""
        if role in (Role.STAFF, Role.CLERK) and community_id is None:
            raise ValueError(f"a {role.value} account needs a community")
        token = "pb_" + secrets.token_urlsafe(32)
        existing = self.db.query_one("SELECT user_id FROM accounts WHERE name = ?", (name,))
        user_id = existing["user_id"] if existing else str(uuid4())
        self.db.execute(
            "INSERT INTO accounts (user_id, name, role, community_id, resident_id, token_hash, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
            "role = excluded.role, community_id = excluded.community_id, "
            "resident_id = excluded.resident_id, token_hash = excluded.token_hash",
            (
                user_id,
                name,
                role.value,
                str(community_id) if community_id else None,
                str(resident_id) if resident_id else None,
                token_digest(token),
                at.isoformat(),
            ),
        )
        return IssuedToken(user_id=user_id, name=name, role=role, token=token)

    def name_of(self, user_id: str) -> str | None:
        row = self.db.query_one("SELECT name FROM accounts WHERE user_id = ?", (user_id,))
        return str(row["name"]) if row else None

    def authenticate(self, token: str) -> Actor | None:
        row = self.db.query_one(
            "SELECT user_id, role, community_id, resident_id FROM accounts WHERE token_hash = ?",
            (token_digest(token),),
        )
        if row is None:
            return None
        return Actor(
            user_id=row["user_id"],
            role=Role(row["role"]),
            community_id=UUID(row["community_id"]) if row["community_id"] else None,
            resident_id=UUID(row["resident_id"]) if row["resident_id"] else None,
        )
