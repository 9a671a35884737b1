"""Residents named in a sheet by phone or ID card (not by id): the personal-data registry turns
each into the resident's id, within the importing staff member's community only."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from pointsbank.registry import PersonalDataRegistry

SEPARATORS = re.compile(r"[\s-]+")


def identify(
    registry: PersonalDataRegistry, community_id: UUID, rows: list[dict[str, str]]
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """Rows with `resident_id` filled in from `person`; a row naming nobody in the community
    (unknown, or another community's resident: the same answer) becomes a row error."""
    named: list[dict[str, str]] = []
    errors: list[dict[str, Any]] = []
    for row in rows:
        contact = SEPARATORS.sub("", row.get("person", ""))
        if row.get("resident_id") or not contact:
            named.append(row)
            continue
        found = registry.residents_by_contact(community_id, contact)
        if len(found) == 1:
            named.append({**row, "resident_id": str(found[0])})
            continue
        message = (
            f"本社区没有手机号或身份证号为「{contact}」的居民，请核对号码"
            if not found
            else f"本社区有 {len(found)} 位居民登记了「{contact}」，请改填身份证号"
        )
        errors.append({"row": int(row["row"]), "field": "person", "message": message})
    return named, errors
