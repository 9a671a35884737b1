"""The resident card's short code: what a clerk types when the card's QR code cannot be scanned.

The QR code carries the resident's id; the short code is its first eight hex digits, shown as
two groups of four (e.g. ``3F2A-91C0``). Within one community a clash is rare and, if it happens,
the look-up lists both residents for the clerk to choose.
"""

from __future__ import annotations

import re
from uuid import UUID

UUID_IN_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
SHORT_CODE = re.compile(r"^([0-9a-fA-F]{4})[- ]?([0-9a-fA-F]{4})$")


def card_code(resident_id: UUID) -> str:
    digits = resident_id.hex[:8].upper()
    return f"{digits[:4]}-{digits[4:]}"


def card_id(text: str) -> UUID | None:
    """The resident id a scanned card carries (the bare id, or any text holding one)."""
    found = UUID_IN_TEXT.search(text)
    return UUID(found.group(0)) if found else None


def card_prefix(text: str) -> str | None:
    """The id prefix a typed short code stands for, in the stored (lower-case) form."""
    found = SHORT_CODE.match(text.strip())
    return (found.group(1) + found.group(2)).lower() if found else None
