"""The counter's one look-up: a scanned card (the resident id, bare or inside a link), a typed
card code in any case with or without its dash, a phone or a name — never another community's
resident. Runs on both stores."""

from __future__ import annotations

from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from pointsbank.domain.card import card_code
from projections.lookup import find_resident, mask_name
from tests.street import Street, build_street


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def found(street: Street, community: str, text: str) -> list[str]:
    rows = find_resident(street.services.db, UUID(street.communities[community]), text)
    return [str(row["resident_id"]) for row in rows]


def test_one_lookup_finds_by_card_code_phone_or_name(street: Street) -> None:
    wang = street.enrol(name="王芳", phone="13900001111")
    li = street.enrol(name="李娜", phone="13900002222")
    other = street.enrol(who="staff_b", community="b", name="王芳", phone="13900003333")
    code = card_code(UUID(wang))
    assert found(street, "a", wang) == [wang]
    assert found(street, "a", f"https://street.example/ui/residents/{wang}") == [wang]
    assert wang in found(street, "a", code)
    assert wang in found(street, "a", code.lower().replace("-", ""))
    assert found(street, "a", "13900002222") == [li]
    assert found(street, "a", "王芳") == [wang]
    assert found(street, "a", other) == []
    assert wang not in found(street, "b", code)
    assert found(street, "a", "") == []


def test_a_receipt_masks_the_name() -> None:
    assert [mask_name(n) for n in ("王芳", "李小龙", "欧阳娜娜", "", None)] == [
        "王*",
        "李*龙",
        "欧**娜",
        "",
        "",
    ]
