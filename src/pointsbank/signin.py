"""Signing in with a user name and password: throttled, logged, the same error for every failure.

After too many failures within a window, for one account or from one address, sign-in is
refused for a while. Every sign-in, failure and lock-out goes to `sign_in_log`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from pointsbank.accounts import Accounts
from pointsbank.credentials import OpenSession, SessionStore
from pointsbank.db import Database
from pointsbank.domain.account import Account
from pointsbank.domain.common import DomainError
from pointsbank.passwords import DUMMY_HASH, verify_password


class SignInFailed(DomainError):
    status = 401
    code = "sign-in-failed"


class LockedOut(DomainError):
    status = 429
    code = "locked-out"


@dataclass(frozen=True)
class Throttle:
    max_failures: int
    max_failures_per_address: int
    window: timedelta
    lock: timedelta


class SignIn:
    def __init__(
        self, db: Database, accounts: Accounts, sessions: SessionStore, throttle: Throttle
    ) -> None:
        self.db = db
        self.accounts = accounts
        self.sessions = sessions
        self.throttle = throttle

    def sign_in(self, name: str, password: str, address: str, at: datetime) -> OpenSession:
        # Logged as typed, less what no database column can hold.
        user_name = "".join(c for c in Account.normalise(name) if c.isprintable())[:64]
        self._refuse_if_locked(user_name, address, at)
        account = self.accounts.find(str(Account.id_for(user_name)))
        stored = self.accounts.passwords.hash_of(str(account.id)) if account else None
        # Verify even for an unknown name, so that a failure takes as long either way.
        ok = verify_password(stored or DUMMY_HASH, password) and stored is not None
        if account is None or not ok or account.disabled:
            self._log(at, user_name, None, address, "failed")
            self._refuse_if_locked(user_name, address, at)
            raise SignInFailed("sign-in-failed")
        self._log(at, user_name, str(account.id), address, "signed-in")
        return self.sessions.start(str(account.id), at)

    def sign_out(self, session: OpenSession, address: str, at: datetime) -> None:
        self.sessions.end(session.session_id)
        self._log(
            at, self.accounts.name_of(session.user_id) or "", session.user_id, address, "signed-out"
        )

    def _refuse_if_locked(self, user_name: str, address: str, at: datetime) -> None:
        t = self.throttle
        for column, key, limit in (
            ("user_name", user_name, t.max_failures),
            ("address", address, t.max_failures_per_address),
        ):
            if self._locked(column, key, limit, at):
                self._log(at, user_name, None, address, "locked-out")
                minutes = int(t.lock.total_seconds() // 60)
                raise LockedOut(
                    "locked-out", {"minutes": minutes},
                    retry_after=minutes * 60,
                )

    def _locked(self, column: str, key: str, limit: int, at: datetime) -> bool:
        """Locked when `limit` failures fell within one window and the last is under `lock` old."""
        since = at - self.throttle.window - self.throttle.lock
        rows = self.db.query(
            f"SELECT at FROM sign_in_log WHERE {column} = ? AND outcome = 'failed' AND at > ? "
            "ORDER BY at DESC LIMIT ?",
            (key, since.isoformat(), limit),
        )
        if len(rows) < limit:
            return False
        newest, oldest = (datetime.fromisoformat(rows[i]["at"]) for i in (0, -1))
        return newest - oldest <= self.throttle.window and at - newest < self.throttle.lock

    def _log(
        self, at: datetime, user_name: str, user_id: str | None, address: str, outcome: str
    ) -> None:
        self.db.execute(
            "INSERT INTO sign_in_log (entry_id, at, user_name, user_id, address, outcome) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (str(uuid4()), at.isoformat(), user_name, user_id, address, outcome),
        )
