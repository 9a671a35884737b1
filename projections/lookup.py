"""Finding a resident at the counter: one look-up for a scanned card (the resident id), a typed
card code, a phone number or a name, inside the clerk's community."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pointsbank.db import Database, Row
from pointsbank.domain.card import card_code, card_id, card_prefix

LOOKUP = (
    "SELECT r.resident_id, r.community_id, r.grid, r.household_id, r.balance, p.name, p.phone "
    "FROM residents r LEFT JOIN personal_data p ON p.resident_id = r.resident_id "
    "WHERE r.community_id = ? AND "
)


def find_resident(db: Database, community_id: UUID, text: str, limit: int = 20) -> list[Row]:
    """Residents of the community that `text` names: by card first, else by phone or name."""
    text = text.strip()
    if not text:
        return []
    scanned = card_id(text)
    if scanned is not None:
        return _with_codes(
            db.query(LOOKUP + "r.resident_id = ?", (str(community_id), str(scanned)))
        )
    conditions, params = ["p.name LIKE ?", "p.phone LIKE ?"], [f"%{text}%", f"%{text}%"]
    prefix = card_prefix(text)
    if prefix is not None:
        conditions.append("r.resident_id LIKE ?")
        params.append(f"{prefix}%")
    sql = LOOKUP + f"({' OR '.join(conditions)}) ORDER BY p.name, r.resident_id LIMIT ?"
    args: list[Any] = [str(community_id), *params, limit]
    return _with_codes(db.query(sql, args))


def _with_codes(rows: list[Row]) -> list[Row]:
    for row in rows:
        row["card_code"] = card_code(UUID(str(row["resident_id"])))
    return rows


def mask_name(name: str | None) -> str:
    """A name as a receipt may show it to others in the queue: 王* or 李*龙."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else phone
