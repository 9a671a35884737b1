"""A small street to test with: two communities, rules and one account of each role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from api.services import Services
from pointsbank.domain.common import Role
from pointsbank.domain.community import Community

RULES = [
    ("VOL", "志愿服务", "volunteer", 10),
    ("COUNCIL", "参加居民议事会", "council", 5),
    ("LITTER", "乱扔垃圾", "deduction", 3),
]


@dataclass
class Street:
    """Tokens by account name, communities by code, and helpers to call the API as someone."""

    client: TestClient
    services: Services
    tokens: dict[str, str] = field(default_factory=dict)
    communities: dict[str, str] = field(default_factory=dict)

    def call(
        self, method: str, path: str, who: str, json: Any = None, key: str | None = None
    ) -> Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        if method != "GET":
            headers["Idempotency-Key"] = key or str(uuid.uuid4())
        response: Response = self.client.request(method, path, json=json, headers=headers)
        return response

    def ok(self, method: str, path: str, who: str, json: Any = None) -> dict[str, Any]:
        response = self.call(method, path, who, json)
        assert response.status_code < 300, response.text
        body: dict[str, Any] = response.json()
        return body

    def enrol(self, who: str = "staff_a", community: str = "a", **extra: Any) -> str:
        body = {"community_id": self.communities[community], "grid": "g1", "name": "王芳", **extra}
        return str(self.ok("POST", "/residents", who, body)["resident_id"])

    def award(
        self,
        resident: str,
        points_rule: str = "VOL",
        who: str = "staff_a",
        occurred_on: date = date(2026, 11, 1),
        quantity: int = 1,
    ) -> dict[str, Any]:
        body = {
            "rule_code": points_rule,
            "occurred_on": occurred_on.isoformat(),
            "quantity": quantity,
        }
        return self.ok("POST", f"/residents/{resident}/awards", who, body)

    def balance(self, resident: str, who: str = "staff_a") -> int:
        return int(self.ok("GET", f"/residents/{resident}/balance", who)["balance"])


def build_street(client: TestClient, services: Services) -> Street:
    street = Street(client, services)
    at = services.now()
    street.tokens["admin"] = services.accounts.issue("admin", Role.ADMIN, at).token
    street.tokens["auditor"] = services.accounts.issue("auditor", Role.AUDITOR, at).token
    for code in ("a", "b"):
        created = street.ok("POST", "/communities", "admin", {"code": code, "name": f"社区{code}"})
        street.communities[code] = created["community_id"]
        street.ok(
            "POST",
            f"/communities/{created['community_id']}/grids",
            "admin",
            {"code": "g1", "name": "第一网格"},
        )
        community_id = Community.id_for(code)
        for role in (Role.STAFF, Role.CLERK):
            name = f"{role.value}_{code}"
            street.tokens[name] = services.accounts.issue(name, role, at, community_id).token
    street.tokens["staff_a2"] = services.accounts.issue(
        "staff_a2", Role.STAFF, at, Community.id_for("a")
    ).token
    for code, name, category, points in RULES:
        street.ok(
            "POST",
            "/rules",
            "admin",
            {
                "code": code,
                "name": name,
                "category": category,
                "points": points,
                "terms": {"disqualifies": category == "deduction"},
            },
        )
    return street
