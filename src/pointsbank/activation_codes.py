"""Residents' activation codes and phone sign-in, kept out of the event log.

A code is shown once, on the printed slip; only its SHA-256 is stored, with the slip number
and expiry the Activation events also record. Phones live in the personal-data registry, so
signing in by phone looks the resident up there (never in an event) and finds their account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pointsbank.credentials import digest
from pointsbank.db import Database

# Crockford's base32 without I, L, O and U: nothing to misread on paper.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_LENGTH = 3, 4  # 60 random bits, typed as XXXX-XXXX-XXXX


def normalise_code(code: str) -> str:
    """A code as typed or scanned: case, spaces and hyphens do not matter; O reads as 0."""
    text = "".join(c for c in code.upper() if c.isalnum()).replace("O", "0")
    return "-".join(text[i : i + GROUP_LENGTH] for i in range(0, len(text), GROUP_LENGTH))


@dataclass(frozen=True)
class LiveCode:
    """Whose code it is and of which slip; the slip itself decides whether it is still live."""

    resident_id: UUID
    slip: int


class ActivationCodes:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def new_code() -> str:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
        return normalise_code(raw)

    def keep(self, resident_id: UUID, slip: int, code: str, expires_at: datetime) -> None:
        """The resident's one live code; written again if its command is decided again."""
        self.db.execute(
            "INSERT INTO activation_codes (resident_id, code_hash, slip, expires_at, used_at) "
            "VALUES (?, ?, ?, ?, NULL) ON CONFLICT (resident_id) DO UPDATE SET "
            "code_hash = excluded.code_hash, slip = excluded.slip, "
            "expires_at = excluded.expires_at, used_at = NULL",
            (str(resident_id), digest(normalise_code(code)), slip, expires_at.isoformat()),
        )

    def find(self, code: str) -> LiveCode | None:
        row = self.db.query_one(
            "SELECT resident_id, slip FROM activation_codes WHERE code_hash = ?",
            (digest(normalise_code(code)),),
        )
        return LiveCode(UUID(row["resident_id"]), int(row["slip"])) if row else None

    def mark_used(self, resident_id: UUID, slip: int, at: datetime) -> None:
        self.db.execute(
            "UPDATE activation_codes SET used_at = ? WHERE resident_id = ? AND slip = ?",
            (at.isoformat(), str(resident_id), slip),
        )

    def accounts_of(self, resident_id: UUID) -> list[str]:
        """The resident accounts linked to this resident (read model of Account events)."""
        rows = self.db.query(
            "SELECT user_id FROM accounts WHERE resident_id = ? AND role = 'resident' "
            "ORDER BY opened_at",
            (str(resident_id),),
        )
        return [str(row["user_id"]) for row in rows]

    def accounts_by_phone(self, phone: str) -> list[str]:
        """The resident accounts of the street's residents with this phone (not erased)."""
        rows = self.db.query(
            "SELECT a.user_id FROM personal_data p JOIN accounts a "
            "ON a.resident_id = p.resident_id WHERE p.phone = ? AND p.erased_at IS NULL "
            "AND a.role = 'resident' ORDER BY a.opened_at",
            (phone,),
        )
        return [str(row["user_id"]) for row in rows]

    def erased(self, resident_id: UUID) -> bool:
        """Whether the resident's personal data was erased (or never kept)."""
        row = self.db.query_one(
            "SELECT erased_at FROM personal_data WHERE resident_id = ?", (str(resident_id),)
        )
        return row is None or row["erased_at"] is not None
