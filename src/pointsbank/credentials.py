"""The secrets behind accounts, kept out of the event log: password hashes, sessions, API tokens.

Session ids and tokens carry 256 random bits, so a plain SHA-256 of them is all that is stored;
passwords get Argon2id. Every lookup goes to the shared database, so revoking in one server
process is seen by every other at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pointsbank.db import Database, Row
from pointsbank.passwords import hash_password

TOKEN_PREFIX = "pb_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class PasswordStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def set(self, user_id: str, password: str, at: datetime) -> None:
        self.db.execute(
            "INSERT INTO passwords (user_id, password_hash, changed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, "
            "changed_at = excluded.changed_at",
            (user_id, hash_password(password), at.isoformat()),
        )

    def hash_of(self, user_id: str) -> str | None:
        row = self.db.query_one("SELECT password_hash FROM passwords WHERE user_id = ?", (user_id,))
        return str(row["password_hash"]) if row else None


@dataclass(frozen=True)
class OpenSession:
    session_id: str
    user_id: str
    csrf_token: str


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


class SessionStore:
    """Server-side sessions with idle and absolute expiry."""

    def __init__(self, db: Database, limits: SessionLimits) -> None:
        self.db = db
        self.limits = limits

    def start(self, user_id: str, at: datetime) -> OpenSession:
        session = OpenSession(secrets.token_urlsafe(32), user_id, secrets.token_urlsafe(32))
        self.db.execute(
            "INSERT INTO sessions (session_hash, user_id, csrf_token, created_at, seen_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                digest(session.session_id),
                user_id,
                session.csrf_token,
                at.isoformat(),
                at.isoformat(),
            ),
        )
        return session

    def resume(self, session_id: str, at: datetime) -> OpenSession | None:
        """The live session with this id, its idle clock restarted; None once expired or ended."""
        key = digest(session_id)
        row = self.db.query_one(
            "SELECT user_id, csrf_token, created_at, seen_at FROM sessions WHERE session_hash = ?",
            (key,),
        )
        if row is None:
            return None
        created, seen = (
            datetime.fromisoformat(row["created_at"]),
            datetime.fromisoformat(row["seen_at"]),
        )
        if at - seen > self.limits.idle or at - created > self.limits.absolute:
            self.db.execute("DELETE FROM sessions WHERE session_hash = ?", (key,))
            return None
        if at - seen > timedelta(seconds=30):  # spare a write on every request
            self.db.execute(
                "UPDATE sessions SET seen_at = ? WHERE session_hash = ?", (at.isoformat(), key)
            )
        return OpenSession(session_id, str(row["user_id"]), str(row["csrf_token"]))

    def end(self, session_id: str) -> None:
        self.db.execute("DELETE FROM sessions WHERE session_hash = ?", (digest(session_id),))

    def end_all(self, user_id: str, keep: str | None = None) -> None:
        """End every session of the user (all but `keep`, the one changing its password)."""
        self.db.execute(
            "DELETE FROM sessions WHERE user_id = ? AND session_hash <> ?",
            (user_id, digest(keep) if keep else ""),
        )


@dataclass(frozen=True)
class IssuedToken:
    token_id: str
    user_id: str
    token: str


class TokenStore:
    """Personal API tokens: shown once, stored hashed, with a label and an optional expiry.

    The token's facts (id, label, expiry, revocation) are Account events; this table keeps
    only what authenticating needs, written by the same commands."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    def keep(
        self,
        token_id: str,
        user_id: str,
        secret: str,
        label: str,
        at: datetime,
        expires_at: datetime | None = None,
    ) -> None:
        """Store the token's hash; written again when its command is decided again (a version
        conflict, or a retry after a crash), so the secret last handed out is the live one."""
        self.db.execute(
            "INSERT INTO api_tokens (token_id, token_hash, user_id, label, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (token_id) DO UPDATE SET "
            "token_hash = excluded.token_hash, created_at = excluded.created_at",
            (
                token_id,
                digest(secret),
                user_id,
                label,
                at.isoformat(),
                expires_at.isoformat() if expires_at else None,
            ),
        )

    def owner(self, token: str, at: datetime) -> str | None:
        row = self.db.query_one(
            "SELECT user_id, expires_at FROM api_tokens "
            "WHERE token_hash = ? AND revoked_at IS NULL",
            (digest(token),),
        )
        if row is None:
            return None
        if row["expires_at"] and datetime.fromisoformat(row["expires_at"]) <= at:
            return None
        return str(row["user_id"])

    def of(self, user_id: str) -> list[Row]:
        return self.db.query(
            "SELECT token_id, label, created_at, expires_at, revoked_at FROM api_tokens "
            "WHERE user_id = ? ORDER BY created_at DESC",
            (user_id,),
        )

    def revoke(self, user_id: str, token_id: str, at: datetime) -> bool:
        revoked = self.db.execute(
            "UPDATE api_tokens SET revoked_at = ? "
            "WHERE token_id = ? AND user_id = ? AND revoked_at IS NULL",
            (at.isoformat(), token_id, user_id),
        )
        return revoked == 1

    def revoke_all(self, user_id: str, at: datetime) -> None:
        self.db.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            (at.isoformat(), user_id),
        )
