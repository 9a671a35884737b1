"""The look-up that a scanned or typed resident card goes through (activity roster, counter):
the full resident id or its `PB-` card code, only inside the community asked about."""

from __future__ import annotations

from uuid import UUID

from fastapi.testclient import TestClient

from api.services import Services
from pointsbank.domain.community import Community
from tests.street import build_street


def test_a_card_names_its_resident_by_id_or_code_inside_the_community(
    client: TestClient, services: Services
) -> None:
    street = build_street(client, services)
    resident = street.enrol(name="王芳")
    street.enrol(name="李娜")
    head = UUID(resident).hex[:8]
    a, b = Community.id_for("a"), Community.id_for("b")

    def found(text: str, community: UUID | None = a) -> list[str]:
        return [row["resident_id"] for row in services.queries.resident_by_card(community, text)]

    for text in (resident, resident.upper(), f"PB-{head[:4].upper()}-{head[4:].upper()}",
                 f"pb{head}", head, f" {head[:4]}-{head[4:]} "):  # fmt: skip
        assert found(text) == [resident], text
    assert found(resident, b) == []
    assert found("PB-0000-000") == []
    assert found("王芳") == []
