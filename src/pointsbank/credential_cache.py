"""Who a token or session belongs to, kept in this server process, and revoked at once in all.

Without it every request looked its token or session up in the database and loaded the
account's whole event history. Here a known credential costs one single-row read per request:
the count of credential changes (`CredentialChanges`), which every revocation, sign-out,
password change and account change moves, in any process, in the transaction that makes it
(an Account event moves it again once saved). When the count has moved, the accounts named
in the changes since are forgotten, so the request itself, and every later one in any process,
looks them up afresh.

Chosen over the alternatives, measured on PostgreSQL (benchmarks/bench_http_stack.py, a shared
2-core machine): the count read takes 0.08 ms where the token lookup took 0.13 ms and the account
load 0.64 ms (an account with one token; it grows with the account's history), so a known
credential costs 0.18 ms in all instead of 0.78 ms.
LISTEN/NOTIFY would spare the one round trip left, but cannot promise "at once": the notice
reaches another process some time after the revoking request has been answered, and immediate
revocation is what the product promises. Entries are re-checked after `MAX_AGE`
anyway, bounding what a crash between saving an Account event and counting it could leave.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from pointsbank.accounts import Accounts
from pointsbank.credentials import CredentialChanges, OpenSession, digest
from pointsbank.domain.account import Account

MAX_ENTRIES = 10_000
MAX_AGE = timedelta(minutes=1)
E = TypeVar("E")


@dataclass(frozen=True)
class _Token:
    user_id: str
    expires: datetime | None
    kept: datetime


@dataclass(frozen=True)
class _Session:
    session: OpenSession
    kept: datetime


class CredentialCache:
    """The enabled account behind a token or a session, from memory while nothing changed."""

    def __init__(self, accounts: Accounts, changes: CredentialChanges) -> None:
        self.accounts = accounts
        self.changes = changes
        self._lock = threading.Lock()
        self._seen = -1
        self._tokens: dict[str, _Token] = {}
        self._sessions: dict[str, _Session] = {}
        self._accounts: dict[str, Account] = {}

    def by_token(self, token: str, at: datetime) -> Account | None:
        count = self._catch_up()
        key = digest(token)
        hit = self._tokens.get(key)
        if hit is not None and at - hit.kept < MAX_AGE:
            if hit.expires is not None and hit.expires <= at:
                return None
            if (account := self._accounts.get(hit.user_id)) is not None:
                return account
        found = self.accounts.tokens.lookup(token)
        if found is None or (found[1] is not None and found[1] <= at):
            return None
        account = self._enabled(found[0])
        if account is not None:
            self._keep(count, self._tokens, key, _Token(found[0], found[1], at), account)
        return account

    def by_session(self, session_id: str, at: datetime) -> tuple[Account, OpenSession] | None:
        count = self._catch_up()
        key = digest(session_id)
        sessions = self.accounts.sessions
        hit = self._sessions.get(key)
        if hit is not None and at - hit.kept < MAX_AGE:
            s = hit.session
            assert s.created is not None and s.seen is not None
            # Past its idle clock's restart time the database decides (and restarts it).
            fresh = not sessions.expired(s.created, s.seen, at) and not sessions.stale(s.seen, at)
            if fresh and (account := self._accounts.get(s.user_id)) is not None:
                return account, s
        session = sessions.resume(session_id, at)
        account = self._enabled(session.user_id) if session else None
        if session is None or account is None:
            return None
        self._keep(count, self._sessions, key, _Session(session, at), account)
        return account, session

    def _enabled(self, user_id: str) -> Account | None:
        account = self.accounts.find(user_id)
        return None if account is None or account.disabled else account

    def _catch_up(self) -> int:
        """Forget the accounts whose credentials changed since last seen; the count now."""
        count = self.changes.count()
        if count == self._seen:
            return count
        users = self.changes.users_since(self._seen, count) if self._seen >= 0 else None
        with self._lock:
            if count <= self._seen:
                return count
            if users is None:
                self._tokens.clear()
                self._sessions.clear()
                self._accounts.clear()
            else:
                self._forget(users)
            self._seen = count
        return count

    def _forget(self, users: set[str]) -> None:
        for user_id in users:
            self._accounts.pop(user_id, None)
        for entries in (self._tokens, self._sessions):
            for key in [k for k, v in entries.items() if _user_of(v) in users]:
                entries.pop(key, None)

    def _keep(self, count: int, entries: dict[str, E], key: str, entry: E, account: Account
              ) -> None:  # fmt: skip
        """Keep what was read, unless a change was counted since this request began: what it
        read may be older than that change."""
        with self._lock:
            if count != self._seen:
                return
            while len(entries) >= MAX_ENTRIES:
                entries.pop(next(iter(entries)))
            entries[key] = entry
            if len(self._accounts) >= MAX_ENTRIES:
                self._accounts.clear()
            self._accounts[str(account.id)] = account


def _user_of(entry: object) -> str:
    if isinstance(entry, _Token):
        return entry.user_id
    assert isinstance(entry, _Session)
    return entry.session.user_id
