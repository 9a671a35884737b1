"""A user account (账户): who may sign in, in which role and where (invariant 13).

Opening, role and scope changes, disabling and password resets are events, so who held which
power on any date can be replayed. Secrets (password hashes, session and token secrets) never
enter an event: they live in tables of their own.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import (
    Context,
    DomainError,
    LedgerCreated,
    LedgerEvent,
    NotFound,
    Role,
    require,
)

NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/account")
TOKEN_NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/api-token")
MAX_NAME = 64
MAX_DISPLAY_NAME = 64
MAX_TOKEN_LABEL = 60
COMMUNITY_ROLES = frozenset({Role.STAFF, Role.CLERK, Role.RESIDENT})


class Account(Aggregate):
    class Opened(LedgerCreated):
        name: str
        display_name: str
        role: str
        community_ids: list[UUID]
        resident_id: UUID | None

    class RoleChanged(LedgerEvent):
        role: str
        community_ids: list[UUID]

        def apply(self, aggregate: Account) -> None:
            aggregate.role = Role(self.role)
            aggregate.community_ids = list(self.community_ids)

    class Disabled(LedgerEvent):
        def apply(self, aggregate: Account) -> None:
            aggregate.disabled = True
            aggregate.api_tokens = dict.fromkeys(aggregate.api_tokens, False)

    class Enabled(LedgerEvent):
        def apply(self, aggregate: Account) -> None:
            aggregate.disabled = False

    class PasswordReset(LedgerEvent):
        """Someone else set a new password: its holder must change it at next sign-in."""

        def apply(self, aggregate: Account) -> None:
            aggregate.must_change_password = True

    class PasswordChanged(LedgerEvent):
        def apply(self, aggregate: Account) -> None:
            aggregate.must_change_password = False

    class ApiTokenIssued(LedgerEvent):
        """A personal API token was made; its secret (and the secret's hash) is kept elsewhere."""

        token_id: UUID
        label: str
        expires_at: datetime | None

        def apply(self, aggregate: Account) -> None:
            aggregate.api_tokens[str(self.token_id)] = True

    class ApiTokenRevoked(LedgerEvent):
        token_id: UUID

        def apply(self, aggregate: Account) -> None:
            aggregate.api_tokens[str(self.token_id)] = False

    def __init__(
        self,
        name: str,
        display_name: str,
        role: str,
        community_ids: list[UUID],
        resident_id: UUID | None,
    ) -> None:
        self.name = name
        self.display_name = display_name
        self.role = Role(role)
        self.community_ids = list(community_ids)
        self.resident_id = resident_id
        self.disabled = False
        self.must_change_password = False
        self.api_tokens: dict[str, bool] = {}  # token id -> still live

    @staticmethod
    def normalise(name: str) -> str:
        """User names compare case-insensitively, after Unicode normalisation."""
        return unicodedata.normalize("NFKC", name).strip().casefold()

    @classmethod
    def id_for(cls, name: str) -> UUID:
        return uuid5(NAMESPACE, cls.normalise(name))

    @staticmethod
    def token_id_for(user_id: str, key: str) -> UUID:
        """A token's id follows from who asked and under which idempotency key, so a retried
        request names the same token and can never make a second one."""
        return uuid5(TOKEN_NAMESPACE, f"{user_id}\x00{key}")

    @classmethod
    def open(
        cls,
        name: str,
        display_name: str,
        role: Role,
        community_ids: list[UUID],
        resident_id: UUID | None,
        ctx: Context,
    ) -> Account:
        _check_name(name)
        require(
            0 < len(display_name) <= MAX_DISPLAY_NAME and display_name.isprintable(),
            DomainError(
                "invalid-command.display-name", {"max": MAX_DISPLAY_NAME},
                field="display_name",
            ),
        )
        _check_scope(role, community_ids)
        require(
            role is not Role.RESIDENT or resident_id is not None,
            DomainError(
                "invalid-command.resident-account-unlinked", field="resident_id"
            ),
        )
        return cls._create(
            cls.Opened,
            id=cls.id_for(name),
            name=cls.normalise(name),
            display_name=display_name,
            role=role.value,
            community_ids=list(community_ids),
            resident_id=resident_id,
            **ctx.meta(ctx.today, "account opened"),
        )

    @property
    def community_id(self) -> UUID | None:
        """The community served, for roles that serve exactly one."""
        return self.community_ids[0] if self.community_ids else None

    def change_role(self, role: Role, community_ids: list[UUID], ctx: Context) -> None:
        _check_scope(role, community_ids)
        require(
            (role, community_ids) != (self.role, self.community_ids),
            DomainError("invalid-command.role-unchanged", field="role"),
        )
        if self.resident_id is not None and role is Role.RESIDENT:
            require(
                community_ids == self.community_ids,
                DomainError(
                    "invalid-command.resident-own-community", field="role"
                ),
            )
        self.trigger_event(
            self.RoleChanged,
            role=role.value,
            community_ids=list(community_ids),
            **ctx.meta(ctx.today, "role or scope changed"),
        )

    def disable(self, ctx: Context) -> None:
        require(not self.disabled, DomainError("invalid-command.account-already-disabled"))
        require(
            ctx.actor.user_id != str(self.id),
            DomainError("invalid-command.disable-self"),
        )
        self.trigger_event(self.Disabled, **ctx.meta(ctx.today, "account disabled"))

    def enable(self, ctx: Context) -> None:
        require(self.disabled, DomainError("invalid-command.account-not-disabled"))
        self.trigger_event(self.Enabled, **ctx.meta(ctx.today, "account re-enabled"))

    def reset_password(self, ctx: Context) -> None:
        self.trigger_event(self.PasswordReset, **ctx.meta(ctx.today, "password reset"))

    def change_password(self, ctx: Context) -> None:
        require(
            ctx.actor.user_id == str(self.id),
            DomainError("invalid-command.password-not-yours"),
        )
        self.trigger_event(self.PasswordChanged, **ctx.meta(ctx.today, "password changed"))


    def issue_token(
        self, token_id: UUID, label: str, expires_at: datetime | None, ctx: Context
    ) -> None:
        require(
            0 < len(label) <= MAX_TOKEN_LABEL and label.isprintable(),
            DomainError("invalid-command.token-label", {"max": MAX_TOKEN_LABEL}, field="label"),
        )
        require(
            expires_at is None or (expires_at.tzinfo is not None and expires_at > ctx.at),
            DomainError("invalid-command.token-expiry", field="expires_at"),
        )
        self.trigger_event(
            self.ApiTokenIssued,
            token_id=token_id,
            label=label,
            expires_at=expires_at,
            **ctx.meta(ctx.today, "API token issued"),
        )

    def revoke_token(self, token_id: UUID, ctx: Context) -> None:
        """Revoke a live token of this account; any other id answers as unknown."""
        require(
            self.api_tokens.get(str(token_id), False),
            NotFound("not-found.token", token_id=str(token_id)),
        )
        self.trigger_event(
            self.ApiTokenRevoked, token_id=token_id, **ctx.meta(ctx.today, "API token revoked")
        )


def _check_name(name: str) -> None:
    normal = Account.normalise(name)
    require(
        0 < len(normal) <= MAX_NAME
        and all(c.isalnum() or c in "._-@" for c in normal)
        and normal.isprintable(),
        DomainError("invalid-command.user-name", {"max": MAX_NAME}, field="name"),
    )


def _check_scope(role: Role, community_ids: list[UUID]) -> None:
    if role in COMMUNITY_ROLES:
        require(
            len(community_ids) == 1,
            DomainError(
                "invalid-command.role-needs-community", {"role": role.value}, field="community"
            ),
        )
    else:
        require(
            not community_ids,
            DomainError(
                "invalid-command.role-street-wide", {"role": role.value},
                field="community",
            ),
        )
