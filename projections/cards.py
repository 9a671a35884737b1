"""Resident cards: the short card code a card's QR code carries, and the look-up by text.

The card code is the first 8 hex digits of the resident id, in capitals (`card_code`). Every
look-up by text (the counter's, the residents' search box, `GET /residents?q=`) accepts it, with
or without a hyphen or a `PB` prefix, as well as the full resident id. Two residents may share a
code (one chance in ~4 billion per pair); the look-up then lists both, to be told apart by name.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

CARD_CODE_LENGTH = 8
CARD_CODE = re.compile(r"(?:PB[-:]?)?([0-9A-F]{4})-?([0-9A-F]{4})", re.ASCII | re.IGNORECASE)
FULL_ID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


def card_code(resident_id: UUID | str) -> str:
    """The short code printed on the resident card and carried by its QR code."""
    return UUID(str(resident_id)).hex[:CARD_CODE_LENGTH].upper()


def id_prefix(text: str) -> str | None:
    """The resident-id prefix a card code or a full resident id stands for, if the text is one."""
    text = text.strip()
    if FULL_ID.fullmatch(text):
        return str(UUID(text))
    match = CARD_CODE.fullmatch(text)
    return (match.group(1) + match.group(2)).lower() if match else None


def match_clause(text: str) -> tuple[str, list[Any]]:
    """Residents (`r`, personal data `p`) matching a name or phone (part of either), an ID-card
    tail, a door number (part of the household's name) or a card code."""
    like = f"%{text}%"
    sql = "(p.name LIKE ? OR p.phone LIKE ? OR p.id_card LIKE ? OR r.household_id IN "
    sql += "(SELECT household_id FROM households WHERE name LIKE ?)"
    params: list[Any] = [like, like, f"%{text.upper()}", like]
    prefix = id_prefix(text)
    if prefix is not None:
        sql += " OR r.resident_id LIKE ?"
        params.append(prefix + "%")
    return sql + ")", params
