"""The accounts service: open, change role and scope, disable, reset and change passwords.

Every change is an Account event recorded through the bank's command loop (idempotent by key);
the secrets it touches are written in the same loop's `before_save` step, never into an event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID, uuid4

from pointsbank.application import Command, Decision, Outcome, PointsBank
from pointsbank.credentials import (
    CredentialChanges,
    IssuedToken,
    PasswordStore,
    SessionStore,
    TokenStore,
)
from pointsbank.domain.account import Account
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Actor, Conflict, Context, DomainError, NotFound, Role
from pointsbank.domain.community import Community
from pointsbank.domain.resident import Resident
from pointsbank.passwords import check_policy, verify_password

# The operator at the machine (CLI, demo, tests' fixtures) acts as the street's administrator.
OPERATOR = Actor("operator", Role.ADMIN)
Contexts = Callable[[Actor, datetime], Context]


class Accounts:
    def __init__(
        self,
        bank: PointsBank,
        passwords: PasswordStore,
        sessions: SessionStore,
        tokens: TokenStore,
        context: Contexts,
    ) -> None:
        self.bank = bank
        self.passwords = passwords
        self.sessions = sessions
        self.tokens = tokens
        self.context = context
        self.changes = CredentialChanges(tokens.db)

    def find(self, user_id: str) -> Account | None:
        try:
            return self.bank.find(Account, UUID(user_id))
        except ValueError:
            return None

    def actor_of(self, account: Account) -> Actor:
        return Actor(str(account.id), account.role, account.community_id, account.resident_id)

    def name_of(self, user_id: str) -> str | None:
        account = self.find(user_id)
        return account.name if account else None

    def authenticate(self, token: str, at: datetime | None = None) -> Actor | None:
        """The actor behind a live API token of an enabled account."""
        user_id = self.tokens.owner(token, at or datetime.now(UTC))
        account = self.find(user_id) if user_id else None
        if account is None or account.disabled:
            return None
        return self.actor_of(account)

    # -- commands -----------------------------------------------------------------------------

    def open(
        self,
        cmd: Command,
        name: str,
        display_name: str,
        role: Role,
        community_ids: list[UUID],
        resident_id: UUID | None,
        password: str | None,
    ) -> Outcome:
        """Open an account: the admin any, staff residents' accounts of their own community."""
        _require_manager(cmd.ctx.actor, role, community_ids)
        if password is not None:
            check_policy(password, name)
        account_id = Account.id_for(name)

        def decide() -> Decision:
            if self.bank.find(Account, account_id) is not None:
                raise Conflict("conflict.user-name-taken", {"name": name}, field="name")
            for community_id in community_ids:
                self.bank.get(Community, community_id, "community")
            self._check_resident(resident_id, community_ids)
            account = Account.open(name, display_name, role, community_ids, resident_id, cmd.ctx)
            return [account], 201, _body(account)

        def keep_password() -> None:
            if password is not None:
                self.passwords.set(str(account_id), password, cmd.ctx.at)

        return self.bank.execute(cmd, decide, keep_password)

    def change_role(
        self, cmd: Command, user_id: str, role: Role, community_ids: list[UUID]
    ) -> Outcome:
        require_role(cmd.ctx.actor, Role.ADMIN)

        def decide() -> Decision:
            account = self._managed(cmd.ctx.actor, user_id)
            for community_id in community_ids:
                self.bank.get(Community, community_id, "community")
            if account.resident_id is not None:
                self._check_resident(account.resident_id, community_ids)
            account.change_role(role, community_ids, cmd.ctx)
            return [account], 200, _body(account)

        return self._counted(user_id, self.bank.execute(cmd, decide))

    def disable(self, cmd: Command, user_id: str) -> Outcome:
        """Disable an account; its sessions and tokens stop working at once."""
        return self._act(cmd, user_id, lambda a: a.disable(cmd.ctx), self._revoke(user_id, cmd))

    def enable(self, cmd: Command, user_id: str) -> Outcome:
        return self._act(cmd, user_id, lambda a: a.enable(cmd.ctx))

    def reset_password(self, cmd: Command, user_id: str, password: str) -> Outcome:
        """Set a new password for someone else, who must change it at next sign-in."""
        account = self._managed(cmd.ctx.actor, user_id)
        check_policy(password, account.name)

        def keep() -> None:
            self.passwords.set(user_id, password, cmd.ctx.at)
            self.sessions.end_all(user_id)

        return self._act(cmd, user_id, lambda a: a.reset_password(cmd.ctx), keep)

    def change_password(
        self, cmd: Command, current: str, new: str, keep_session: str | None = None
    ) -> Outcome:
        """Change one's own password; other sessions of the account end."""
        user_id = cmd.ctx.actor.user_id
        account = self.find(user_id)
        stored = self.passwords.hash_of(user_id)
        if account is None or stored is None or not verify_password(stored, current):
            raise DomainError("invalid-command.current-password-wrong", field="current_password")
        check_policy(new, account.name)
        if new == current:
            raise DomainError("invalid-command.password-unchanged", field="new_password")

        def keep() -> None:
            self.passwords.set(user_id, new, cmd.ctx.at)
            self.sessions.end_all(user_id, keep=keep_session)

        def decide() -> Decision:
            own = self.bank.get(Account, UUID(user_id), "account")
            own.change_password(cmd.ctx)
            return [own], 200, _body(own)

        return self._counted(user_id, self.bank.execute(cmd, decide, keep))

    def create_token(
        self, cmd: Command, label: str, expires_at: datetime | None = None
    ) -> Outcome:
        """Give the acting account a personal API token. The first answer alone carries the
        secret (`token`): it is added after recording, so a replay of the key answers the same
        token id and label without it, and no event or idempotency record ever holds it."""
        user_id = cmd.ctx.actor.user_id
        token_id = Account.token_id_for(user_id, cmd.key)
        secret = self.tokens.new_secret()

        def decide() -> Decision:
            own = self._own(user_id)
            own.issue_token(token_id, label, expires_at, cmd.ctx)
            expiry = expires_at.isoformat() if expires_at else None
            return [own], 201, {"token_id": str(token_id), "label": label, "expires_at": expiry}

        def keep() -> None:
            self.tokens.keep(str(token_id), user_id, secret, label, cmd.ctx.at, expires_at)

        outcome = self.bank.execute(cmd, decide, keep)
        if outcome.replayed:
            return outcome
        return replace(outcome, body={**outcome.body, "token": secret})

    def revoke_token(self, cmd: Command, token_id: UUID) -> Outcome:
        """Revoke one of the acting account's live tokens; any other id is unknown (404)."""
        user_id = cmd.ctx.actor.user_id

        def decide() -> Decision:
            own = self._own(user_id)
            own.revoke_token(token_id, cmd.ctx)
            return [own], 204, {"token_id": str(token_id), "revoked": True}

        def keep() -> None:
            self.tokens.revoke(user_id, str(token_id), cmd.ctx.at)

        return self._counted(user_id, self.bank.execute(cmd, decide, keep))

    # -- for the operator: the CLI, the demo and tests ----------------------------------------

    def issue(
        self,
        name: str,
        role: Role,
        at: datetime,
        community_id: UUID | None = None,
        resident_id: UUID | None = None,
    ) -> IssuedToken:
        """Open the account `name` if it is new, and give it a fresh API token."""
        account = self.bank.find(Account, Account.id_for(name))
        if account is None:
            key = f"account:{Account.normalise(name)}"
            cmd = Command(self.context(OPERATOR, at), key=key, fingerprint=name)
            scope = [community_id] if community_id else []
            self.open(cmd, name, name, role, scope, resident_id, None)
            account = self.bank.get(Account, Account.id_for(name), "account")
        ctx = self.context(self.actor_of(account), at)
        outcome = self.create_token(Command(ctx, key=f"cli:{uuid4()}", fingerprint="cli"), "cli")
        return IssuedToken(outcome.body["token_id"], str(account.id), outcome.body["token"])

    # -- helpers ------------------------------------------------------------------------------

    def _act(
        self,
        cmd: Command,
        user_id: str,
        change: Callable[[Account], None],
        before_save: Callable[[], None] | None = None,
    ) -> Outcome:
        def decide() -> Decision:
            account = self._managed(cmd.ctx.actor, user_id)
            change(account)
            return [account], 200, _body(account)

        return self._counted(user_id, self.bank.execute(cmd, decide, before_save))

    def _counted(self, user_id: str, outcome: Outcome) -> Outcome:
        """Count the change once its event is saved, so that every server process forgets the
        account it keeps in memory (its secrets' changes were counted before the save, when
        the account could still be read as it was). A replay counts again: a retry after a
        crash between the save and the count needs that."""
        self.changes.changed(user_id)
        return outcome

    def _revoke(self, user_id: str, cmd: Command) -> Callable[[], None]:
        def revoke() -> None:
            self.sessions.end_all(user_id)
            self.tokens.revoke_all(user_id, cmd.ctx.at)

        return revoke

    def _own(self, user_id: str) -> Account:
        account = self.find(user_id)
        if account is None:
            raise NotFound("not-found.account", account_id=user_id)
        return account

    def _managed(self, actor: Actor, user_id: str) -> Account:
        """The account, if `actor` may manage it; to staff others' accounts do not exist."""
        account = self.find(user_id)
        if account is not None and actor.role is Role.STAFF:
            mine = account.role is Role.RESIDENT and account.community_id == actor.community_id
            account = account if mine else None
        elif actor.role is not Role.ADMIN:
            require_role(actor, Role.ADMIN, Role.STAFF)
        if account is None:
            raise NotFound("not-found.account", account_id=user_id)
        return account

    def _check_resident(self, resident_id: UUID | None, community_ids: list[UUID]) -> None:
        """A linked resident must exist, and live in a community the account serves."""
        if resident_id is None:
            return
        resident = self.bank.find(Resident, resident_id)
        if resident is None or (community_ids and resident.community_id not in community_ids):
            raise DomainError(
                "invalid-command.account-resident-unknown", {"resident_id": resident_id},
                field="resident_id",
            )


def _require_manager(actor: Actor, role: Role, community_ids: list[UUID]) -> None:
    if actor.role is Role.STAFF and role is Role.RESIDENT:
        if community_ids != [actor.community_id]:
            raise NotFound("not-found.community-code", field="community")
        return
    require_role(actor, Role.ADMIN)


def _body(account: Account) -> dict[str, object]:
    return {
        "user_id": str(account.id),
        "name": account.name,
        "display_name": account.display_name,
        "role": account.role.value,
        "community_ids": [str(c) for c in account.community_ids],
        "resident_id": str(account.resident_id) if account.resident_id else None,
        "disabled": account.disabled,
        "must_change_password": account.must_change_password,
    }
