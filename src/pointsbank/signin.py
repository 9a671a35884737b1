"""Signing in with a user name and password: throttled, logged, the same error for every failure.

After too many failures within a window, for one account or from one address, sign-in is
refused for a while. Every sign-in, failure and lock-out goes to `sign_in_log`. Residents sign
in with their phone number as user name; wrong activation codes count as failures too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from pointsbank.accounts import Accounts
from pointsbank.activation_codes import ActivationCodes
from pointsbank.credentials import OpenSession, SessionStore
from pointsbank.db import Database
from pointsbank.domain.account import Account
from pointsbank.domain.common import DomainError, Role
from pointsbank.passwords import DUMMY_HASH, verify_password

CODE_GUESS = "(激活码)"  # the log's user name for a wrong activation code


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
        self.residents = ActivationCodes(db)

    def sign_in(self, name: str, password: str, address: str, at: datetime) -> OpenSession:
        # Logged as typed, less what no database column can hold.
        user_name = "".join(c for c in Account.normalise(name) if c.isprintable())[:64]
        self._refuse_if_locked(user_name, address, at)
        account = self._verified(user_name, password)
        if account is None or account.disabled or self.erased_resident(account):
            self._log(at, user_name, None, address, "failed")
            self._refuse_if_locked(user_name, address, at)
            raise SignInFailed("sign-in-failed")
        self._log(at, user_name, str(account.id), address, "signed-in")
        return self.sessions.start(str(account.id), at)

    def _verified(self, user_name: str, password: str) -> Account | None:
        """The account of this user name, or else of residents with this phone number, whose
        password this is. Verifies even for an unknown name, so a failure takes as long."""
        account = self.accounts.find(str(Account.id_for(user_name)))
        candidates = [account] if account else [
            self.accounts.find(user_id)
            for user_id in self.residents.accounts_by_phone(user_name.replace(" ", ""))
        ]
        found: list[Account | None] = [a for a in candidates if a is not None] or [None]
        for candidate in found:
            stored = self.accounts.passwords.hash_of(str(candidate.id)) if candidate else None
            if verify_password(stored or DUMMY_HASH, password) and stored is not None:
                return candidate
        return None

    def erased_resident(self, account: Account) -> bool:
        """A resident whose personal data was erased can no longer sign in nor stay signed in."""
        resident = account.resident_id
        return account.role is Role.RESIDENT and resident is not None and self.residents.erased(
            resident
        )

    def refuse_guessing(self, address: str, at: datetime) -> None:
        """Refuse an activation attempt from an address locked out by too many failures."""
        self._refuse_if_locked(CODE_GUESS, address, at, by_name=False)

    def code_failed(self, address: str, at: datetime) -> None:
        """A wrong, used or expired activation code: a failure like a wrong password."""
        self._log(at, CODE_GUESS, None, address, "failed")
        self.refuse_guessing(address, at)

    def sign_out(self, session: OpenSession, address: str, at: datetime) -> None:
        self.sessions.end(session.session_id)
        self._log(
            at, self.accounts.name_of(session.user_id) or "", session.user_id, address, "signed-out"
        )

    def _refuse_if_locked(
        self, user_name: str, address: str, at: datetime, *, by_name: bool = True
    ) -> None:
        t = self.throttle
        checks = [("address", address, t.max_failures_per_address)]
        if by_name:
            checks.insert(0, ("user_name", user_name, t.max_failures))
        for column, key, limit in checks:
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
