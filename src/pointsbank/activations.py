"""Residents' activation: staff print a slip with a one-time code; the resident uses it once to
set a password and from then on signs in with their phone number.

The slip and its use are Activation events (ids, actor, expiry); the code's hash, the
password's hash and the phone stay in tables of their own, never in an event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from pointsbank.accounts import Accounts, Contexts
from pointsbank.activation_codes import ActivationCodes
from pointsbank.application import Command, Decision, Outcome, PointsBank
from pointsbank.credentials import digest
from pointsbank.domain.account import Account
from pointsbank.domain.activation import Activation
from pointsbank.domain.authority import require_role
from pointsbank.domain.common import Actor, DomainError, Role
from pointsbank.domain.resident import Resident
from pointsbank.passwords import check_policy
from pointsbank.signin import SignIn

DISPLAY_NAME = "居民"  # an account's display name is in its events: never the resident's name


def account_name(resident_id: UUID) -> str:
    """The internal user name of a resident's own account; they sign in with their phone."""
    return f"resident-{resident_id}"


class Activations:
    def __init__(
        self, bank: PointsBank, accounts: Accounts, codes: ActivationCodes, sign_in: SignIn,
        context: Contexts,
    ) -> None:
        self.bank = bank
        self.accounts = accounts
        self.codes = codes
        self.sign_in = sign_in
        self.context = context

    def issue_slip(self, cmd: Command, resident_id: UUID) -> Outcome:
        """A new slip for a resident of the actor's community. The first answer alone carries
        the code; issuing again is the reset: the old code, the old password and the
        resident's sessions stop working at once (a lost or shared phone is why one asks)."""
        require_role(cmd.ctx.actor, Role.STAFF, Role.ADMIN)
        code = self.codes.new_code()
        issued: list[Activation] = []

        def decide() -> Decision:
            resident = self.bank.load(cmd.ctx.actor, Resident, resident_id, "resident")
            personal = self.bank.registry.get(resident_id)
            if personal is None or not personal.phone or self.codes.erased(resident_id):
                raise DomainError("invalid-command.activation-no-phone", field="resident_id")
            activation = self.bank.find(Activation, Activation.id_for(resident_id))
            activation = activation or Activation.start(resident_id, resident.community_id, cmd.ctx)
            activation.issue_slip(cmd.ctx)
            issued[:] = [activation]
            assert activation.expires_at is not None
            body = {"resident_id": str(resident_id), "slip": activation.slip,
                    "expires_at": activation.expires_at.isoformat()}
            return [activation], 201, body

        def keep() -> None:
            slip = issued[0]
            assert slip.expires_at is not None
            self.codes.keep(resident_id, slip.slip, code, slip.expires_at)
            for user_id in self.codes.accounts_of(resident_id):
                self.accounts.passwords.clear(user_id)
                self.accounts.sessions.end_all(user_id)

        outcome = self.bank.execute(cmd, decide, keep)
        if outcome.replayed:
            return outcome
        return replace(outcome, body={**outcome.body, "code": code})

    def activate(
        self, code: str, password: str, address: str, key: str, at: datetime
    ) -> Outcome:
        """Set the resident's password with a live code, opening their account if need be.
        Wrong, used and expired codes count as failed sign-ins from the address; a resubmitted
        form (the same key) answers as the first did."""
        self.sign_in.refuse_guessing(address, at)
        live = self.codes.find(code)
        if live is None or self.codes.erased(live.resident_id):
            self.sign_in.code_failed(address, at)
            raise DomainError("invalid-command.activation-code-wrong", field="code")
        resident = self.bank.get(Resident, live.resident_id, "resident")
        personal = self.bank.registry.get(resident.id)
        check_policy(password, (personal.phone or "") if personal else "")
        linked = self.codes.accounts_of(resident.id)
        account_id = UUID(linked[0]) if linked else Account.id_for(account_name(resident.id))
        actor = Actor(str(account_id), Role.RESIDENT, resident.community_id, resident.id)
        cmd = Command(self.context(actor, at), key=key, fingerprint=digest(code))

        def decide() -> Decision:
            # The slip decides whether the code is used or expired, so a copy of a request
            # that won is answered by its replay, not refused.
            activation = self.bank.get(Activation, Activation.id_for(resident.id), "activation")
            activation.use_slip(live.slip, account_id, cmd.ctx)
            account = self._account(account_id, resident, cmd)
            return [activation, account], 200, {"user_id": str(account_id)}

        def keep() -> None:
            self.codes.mark_used(resident.id, live.slip, at)
            self.accounts.passwords.set(str(account_id), password, at)
            self.accounts.sessions.end_all(str(account_id))

        try:
            return self.bank.execute(cmd, decide, keep)
        except DomainError as refused:
            if refused.key.startswith("invalid-command.activation-code-"):
                self.sign_in.code_failed(address, at)
            raise

    def _account(self, account_id: UUID, resident: Resident, cmd: Command) -> Account:
        """The resident's account, opened now if new; a disabled one stays disabled."""
        account = self.bank.find(Account, account_id)
        if account is None:
            return Account.open(
                account_name(resident.id), DISPLAY_NAME, Role.RESIDENT,
                [resident.community_id], resident.id, cmd.ctx,
            )
        if account.disabled:
            raise DomainError("invalid-command.activation-account-disabled", field="code")
        if account.must_change_password:
            account.change_password(cmd.ctx)  # the resident chose this password themselves
        return account
