"""A resident's activation slips (激活单): staff issue one, the resident uses it once to set a
password for their own account.

The one-time code is a secret and never enters an event: events say only that a slip was
issued (by whom, for which resident, until when) and that it was used (by which account).
A new slip replaces the old one, whose code stops working at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import Context, DomainError, LedgerCreated, LedgerEvent, require

NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/activation")
SLIP_LIFETIME = timedelta(days=7)


class Activation(Aggregate):
    """Every activation slip of one resident."""

    class Started(LedgerCreated):
        resident_id: UUID
        community_id: UUID

    class SlipIssued(LedgerEvent):
        slip: int
        expires_at: datetime

        def apply(self, aggregate: Activation) -> None:
            aggregate.slip = self.slip
            aggregate.expires_at = self.expires_at
            aggregate.used = False

    class SlipUsed(LedgerEvent):
        slip: int
        account_id: UUID

        def apply(self, aggregate: Activation) -> None:
            aggregate.used = True
            aggregate.account_id = self.account_id

    def __init__(self, resident_id: UUID, community_id: UUID) -> None:
        self.resident_id = resident_id
        self.community_id = community_id
        self.slip = 0
        self.expires_at: datetime | None = None
        self.used = False
        self.account_id: UUID | None = None

    @staticmethod
    def id_for(resident_id: UUID) -> UUID:
        return uuid5(NAMESPACE, str(resident_id))

    @classmethod
    def start(cls, resident_id: UUID, community_id: UUID, ctx: Context) -> Activation:
        return cls._create(
            cls.Started,
            id=cls.id_for(resident_id),
            resident_id=resident_id,
            community_id=community_id,
            **ctx.meta(ctx.today, "resident's activation started"),
        )

    def issue_slip(self, ctx: Context, lifetime: timedelta = SLIP_LIFETIME) -> int:
        """Issue the next slip, valid for `lifetime`; the previous one's code no longer works."""
        require(lifetime > timedelta(0), DomainError("invalid-command.activation-lifetime"))
        self.trigger_event(
            self.SlipIssued,
            slip=self.slip + 1,
            expires_at=ctx.at + lifetime,
            **ctx.meta(ctx.today, "activation slip issued"),
        )
        return self.slip

    def use_slip(self, slip: int, account_id: UUID, ctx: Context) -> None:
        """The resident used slip number `slip` to set the password of `account_id`."""
        require(slip == self.slip, _refused("wrong"))
        require(not self.used, _refused("used"))
        require(self.expires_at is not None and ctx.at < self.expires_at, _refused("expired"))
        self.trigger_event(
            self.SlipUsed,
            slip=slip,
            account_id=account_id,
            **ctx.meta(ctx.today, "activation slip used"),
        )


def _refused(why: str) -> DomainError:
    return DomainError(f"invalid-command.activation-code-{why}", field="code")
