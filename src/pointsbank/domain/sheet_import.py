"""A points sheet imported in bulk: one per community and sheet content, so the same sheet
uploaded again (under any key) applies nothing."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from pointsbank.domain.common import Context, LedgerCreated

NAMESPACE = uuid5(NAMESPACE_URL, "https://pointsbank.example/sheet-import")


class SheetImport(Aggregate):
    class Applied(LedgerCreated):
        """Every row applied: row number, resident, entry version, and whether it is pending."""

        community_id: UUID
        digest: str
        entries: list[dict[str, Any]]

    def __init__(self, community_id: UUID, digest: str, entries: list[dict[str, Any]]) -> None:
        self.community_id = community_id
        self.digest = digest
        self.entries = entries
        self.applied_at = self.created_on

    @staticmethod
    def id_for(community_id: UUID, digest: str) -> UUID:
        return uuid5(NAMESPACE, f"{community_id}\x00{digest}")

    @classmethod
    def apply_sheet(
        cls,
        community_id: UUID,
        digest: str,
        entries: list[dict[str, Any]],
        ctx: Context,
    ) -> SheetImport:
        return cls._create(
            cls.Applied,
            id=cls.id_for(community_id, digest),
            community_id=community_id,
            digest=digest,
            entries=entries,
            # The file name stays out of the event: staff may name a file after a person.
            **ctx.meta(ctx.today, "bulk import"),
        )
