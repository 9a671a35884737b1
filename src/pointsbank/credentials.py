"""The secrets behind accounts, kept out of the event log: password hashes, sessions, API tokens.

Session ids and tokens carry 256 random bits, so a plain SHA-256 of them is all that is stored;
passwords get Argon2id. Every change that takes something away from a credential is counted in
the same transaction (`CredentialChanges`), so that a server process may keep credentials in
memory and still see a revocation made by any other at once (`credential_cache`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pointsbank.db import Cursor, Database, Row
from pointsbank.passwords import hash_password

TOKEN_PREFIX = "pb_"
KEPT_CHANGES = 10_000  # a process further behind than this forgets every credential it holds


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class CredentialChanges:
    """A count of changes that take something from a credential, and whose each one was.

    The count is one row, updated in the changing transaction: its row lock orders those
    transactions, so the changes numbered up to a count read are all committed (a sequence
    would not promise that)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def record(cur: Cursor, user_id: str) -> None:
        """Count a change of `user_id`'s credentials, inside the transaction making it."""
        cur.execute("UPDATE credential_epoch SET n = n + 1 WHERE id = 1 RETURNING n")
        n = int(cur.fetchone()["n"])
        cur.execute("INSERT INTO credential_changes (n, user_id) VALUES (?, ?)", (n, user_id))
        cur.execute("DELETE FROM credential_changes WHERE n <= ?", (n - KEPT_CHANGES,))

    def changed(self, user_id: str) -> None:
        """Count a change made elsewhere (an Account event): after it is saved."""
        with self.db.transaction() as cur:
            self.record(cur, user_id)

    def count(self) -> int:
        """The count now: one single-row read, the only one a request with a known
        credential makes."""
        row = self.db.peek("SELECT n FROM credential_epoch WHERE id = 1")
        return int(row["n"]) if row else 0

    def users_since(self, seen: int, now: int) -> set[str] | None:
        """Whose credentials changed after count `seen` up to `now`; None when that is no
        longer known (then forget them all)."""
        rows = self.db.query(
            "SELECT n, user_id FROM credential_changes WHERE n > ? AND n <= ?", (seen, now)
        )
        if len(rows) < now - seen:
            return None
        return {str(row["user_id"]) for row in rows}


class PasswordStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def set(self, user_id: str, password: str, at: datetime) -> None:
        hashed = hash_password(password)  # slow by design: not while holding the write lock
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO passwords (user_id, password_hash, changed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, "
                "changed_at = excluded.changed_at",
                (user_id, hashed, at.isoformat()),
            )
            CredentialChanges.record(cur, user_id)

    def clear(self, user_id: str) -> None:
        """No password at all: signing in is refused until one is set again."""
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM passwords WHERE user_id = ?", (user_id,))
            CredentialChanges.record(cur, user_id)

    def hash_of(self, user_id: str) -> str | None:
        row = self.db.query_one("SELECT password_hash FROM passwords WHERE user_id = ?", (user_id,))
        return str(row["password_hash"]) if row else None


@dataclass(frozen=True)
class OpenSession:
    session_id: str
    user_id: str
    csrf_token: str
    created: datetime | None = None
    seen: datetime | None = None  # when the database last restarted its idle clock


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


SEEN_EVERY = timedelta(seconds=30)


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
        if self.expired(created, seen, at):
            self.db.execute("DELETE FROM sessions WHERE session_hash = ?", (key,))
            return None
        if self.stale(seen, at):  # spare a write on every request
            self.db.execute(
                "UPDATE sessions SET seen_at = ? WHERE session_hash = ?", (at.isoformat(), key)
            )
            seen = at
        return OpenSession(session_id, str(row["user_id"]), str(row["csrf_token"]), created, seen)

    def expired(self, created: datetime, seen: datetime, at: datetime) -> bool:
        return at - seen > self.limits.idle or at - created > self.limits.absolute

    @staticmethod
    def stale(seen: datetime, at: datetime) -> bool:
        """Time to restart the session's idle clock in the database."""
        return at - seen > SEEN_EVERY

    def end(self, session_id: str) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "DELETE FROM sessions WHERE session_hash = ? RETURNING user_id",
                (digest(session_id),),
            )
            for row in cur.fetchall():
                CredentialChanges.record(cur, str(row["user_id"]))

    def end_all(self, user_id: str, keep: str | None = None) -> None:
        """End every session of the user (all but `keep`, the one changing its password)."""
        with self.db.transaction() as cur:
            cur.execute(
                "DELETE FROM sessions WHERE user_id = ? AND session_hash <> ?",
                (user_id, digest(keep) if keep else ""),
            )
            CredentialChanges.record(cur, user_id)


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
        found = self.lookup(token)
        if found is None or (found[1] is not None and found[1] <= at):
            return None
        return found[0]

    def lookup(self, token: str) -> tuple[str, datetime | None] | None:
        """The owner of a live (unrevoked) token and its expiry."""
        row = self.db.query_one(
            "SELECT user_id, expires_at FROM api_tokens "
            "WHERE token_hash = ? AND revoked_at IS NULL",
            (digest(token),),
        )
        if row is None:
            return None
        expires = datetime.fromisoformat(row["expires_at"]) if row["expires_at"] else None
        return str(row["user_id"]), expires

    def of(self, user_id: str) -> list[Row]:
        return self.db.query(
            "SELECT token_id, label, created_at, expires_at, revoked_at FROM api_tokens "
            "WHERE user_id = ? ORDER BY created_at DESC",
            (user_id,),
        )

    def revoke(self, user_id: str, token_id: str, at: datetime) -> bool:
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE api_tokens SET revoked_at = ? "
                "WHERE token_id = ? AND user_id = ? AND revoked_at IS NULL",
                (at.isoformat(), token_id, user_id),
            )
            revoked = cur.rowcount
            CredentialChanges.record(cur, user_id)
        return revoked == 1

    def revoke_all(self, user_id: str, at: datetime) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                (at.isoformat(), user_id),
            )
            CredentialChanges.record(cur, user_id)
