"""The first result of a state-changing request, kept under its idempotency key (invariant 3).

It is saved in the same transaction as the events it guards, so a key is taken exactly once.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import Conflict, Context, LedgerCreated

NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/idempotency-key")


class KeyReused(Conflict):
    status = 422
    code = "idempotency-key-reused"


class IdempotencyRecord(Aggregate):
    class Recorded(LedgerCreated):
        fingerprint: str
        status: int
        body: dict[str, Any]

    def __init__(self, fingerprint: str, status: int, body: dict[str, Any]) -> None:
        self.fingerprint = fingerprint
        self.status = status
        self.body = body

    @staticmethod
    def id_for(user_id: str, key: str) -> UUID:
        return uuid5(NAMESPACE, f"{user_id}\x00{key}")

    @classmethod
    def record(
        cls,
        user_id: str,
        key: str,
        fingerprint: str,
        status: int,
        body: dict[str, Any],
        ctx: Context,
    ) -> IdempotencyRecord:
        return cls._create(
            cls.Recorded,
            id=cls.id_for(user_id, key),
            fingerprint=fingerprint,
            status=status,
            body=body,
            **ctx.meta(ctx.today, "idempotency key"),
        )

    def replay(self, fingerprint: str) -> tuple[int, dict[str, Any]]:
        if fingerprint != self.fingerprint:
            raise KeyReused(
                "idempotency-key-reused"
            )
        return self.status, self.body
