"""The erasable personal-data registry (invariant 9): name, phone and ID card by resident id,
and the words residents write to objections (公示异议).

Kept outside the event log, so that erasure under PIPL leaves the ledger whole and verifiable.
Erasure overwrites the row, then `compact` makes the old bytes unrecoverable from the files.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pointsbank.db import COMPACT_WAIT_SECONDS, Database

log = logging.getLogger("pointsbank.registry")


@dataclass(frozen=True)
class PostText:
    """What a resident writes about a need or offer: personal data, erased with its writer."""

    description: str
    when: str = ""
    where: str = ""


@dataclass(frozen=True)
class PersonalData:
    name: str
    phone: str | None = None
    id_card: str | None = None


class PersonalDataRegistry:
    def __init__(self, db: Database) -> None:
        self.db = db

    def keep(self, resident_id: UUID, data: PersonalData) -> None:
        """Record once; a retry of the same enrolment leaves the first record as it was."""
        self.db.execute(
            "INSERT INTO personal_data (resident_id, name, phone, id_card) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (resident_id) DO NOTHING",
            (str(resident_id), data.name, data.phone, data.id_card),
        )

    def matches(self, resident_id: UUID, data: PersonalData) -> bool:
        """Whether the record holds this data; an erased record can no longer be compared."""
        row = self.db.query_one(
            "SELECT name, phone, id_card, erased_at FROM personal_data WHERE resident_id = ?",
            (str(resident_id),),
        )
        if row is None or row["erased_at"] is not None:
            return True
        return (row["name"], row["phone"], row["id_card"]) == (data.name, data.phone, data.id_card)

    def residents_by_contact(self, community_id: UUID, contact: str) -> list[UUID]:
        """The community's residents with this phone or ID card (not erased)."""
        rows = self.db.query(
            "SELECT p.resident_id FROM personal_data p JOIN residents r "
            "ON r.resident_id = p.resident_id WHERE r.community_id = ? "
            "AND p.erased_at IS NULL AND (p.phone = ? OR UPPER(p.id_card) = ?) "
            "ORDER BY p.resident_id",
            (str(community_id), contact, contact.upper()),
        )
        return [UUID(row["resident_id"]) for row in rows]

    def forget(self, resident_id: UUID) -> None:
        self.db.execute("DELETE FROM personal_data WHERE resident_id = ?", (str(resident_id),))

    def get(self, resident_id: UUID) -> PersonalData | None:
        row = self.db.query_one(
            "SELECT name, phone, id_card FROM personal_data WHERE resident_id = ?",
            (str(resident_id),),
        )
        return PersonalData(**row) if row else None

    def keep_text(self, post_id: UUID, resident_id: UUID, text: PostText) -> None:
        """Record once, like `keep`: a retried post leaves the first text as it was."""
        self.db.execute(
            "INSERT INTO sharing_texts (post_id, resident_id, description, when_text, where_text) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (post_id) DO NOTHING",
            (str(post_id), str(resident_id), text.description, text.when, text.where),
        )

    def keep_objection(
        self, objection_id: UUID, notice_id: UUID, resident_id: UUID, reason: str
    ) -> None:
        """The words of an objection to a public notice, kept once under the objection's id."""
        self.db.execute(
            "INSERT INTO notice_objections (objection_id, notice_id, resident_id, reason) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (objection_id) DO NOTHING",
            (str(objection_id), str(notice_id), str(resident_id), reason),
        )

    def objection_reasons(self, notice_id: UUID) -> dict[str, str]:
        """Each objection's words by objection id ('(已删除)' once its author is erased)."""
        rows = self.db.query(
            "SELECT objection_id, reason FROM notice_objections WHERE notice_id = ?",
            (str(notice_id),),
        )
        return {row["objection_id"]: row["reason"] or "(已删除)" for row in rows}

    def erase(self, resident_id: UUID, at: datetime) -> bool:
        # What the resident wrote on needs and offers goes with them; the posts' states stay.
        self.db.execute("DELETE FROM sharing_texts WHERE resident_id = ?", (str(resident_id),))
        erased = self.db.execute(
            "UPDATE personal_data SET name = '(已删除)', phone = NULL, id_card = NULL, "
            "erased_at = ? WHERE resident_id = ? AND erased_at IS NULL",
            (at.isoformat(), str(resident_id)),
        )
        self.db.execute(
            "UPDATE notice_objections SET reason = NULL, erased_at = ? "
            "WHERE resident_id = ? AND erased_at IS NULL",
            (at.isoformat(), str(resident_id)),
        )
        return erased == 1

    def compact(self, wait: float = COMPACT_WAIT_SECONDS) -> bool:
        """Rid the database files of erased data; False when it must be run again later."""
        tables = ("personal_data", "notice_objections", "sharing_texts")
        done = all([self.db.compact(t, wait) for t in tables])
        if not done:
            log.warning("erased personal data is still on disk: run `pointsbank erase-compact`")
        return done
