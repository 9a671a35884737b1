"""Refusals over HTTP speak Simplified Chinese by default and English on request
(Accept-Language: en), while `type`, `status` and the extension members stay the same."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.services import Services
from tests.conftest import event_count
from tests.street import Street, build_street

HAN = re.compile(r"[\u4e00-\u9fff]")
AWARD = {"rule_code": "VOL", "occurred_on": "2026-11-01"}


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def ask(street: Street, request: dict[str, Any], language: str | None) -> Response:
    """One request as `who`, with the given Idempotency-Key (None: a fresh one, "": none)."""
    headers = {"Authorization": f"Bearer {street.tokens[request['who']]}"}
    key = request.get("key")
    if request["method"] != "GET" and key != "":
        headers["Idempotency-Key"] = key or str(uuid.uuid4())
    if language is not None:
        headers["Accept-Language"] = language
    response: Response = street.client.request(
        request["method"], request["path"], json=request.get("body"), headers=headers
    )
    return response


def insufficient_points(street: Street) -> dict[str, Any]:
    resident = street.enrol()
    street.award(resident)  # 10 points
    body = {"community_id": street.communities["a"], "name": "大米", "price": 30, "stock": 5}
    goods = street.ok("POST", "/goods", "staff_a", body)["goods_id"]
    basket = {"resident_id": resident, "items": [{"goods_id": goods, "quantity": 1}]}
    return {"method": "POST", "path": "/redemptions", "who": "clerk_a", "body": basket}


def cap_reached(street: Street) -> dict[str, Any]:
    rule = {"code": "CAP", "name": "每日一次", "category": "volunteer", "points": 5}
    street.ok("POST", "/rules", "admin", {**rule, "terms": {"cap_day": 5}})
    resident = street.enrol()
    street.award(resident, "CAP")
    path = f"/residents/{resident}/awards"
    return {"method": "POST", "path": path, "who": "staff_a", "body": {**AWARD, "rule_code": "CAP"}}


def year_closed(street: Street) -> dict[str, Any]:
    resident = street.enrol()
    street.ok("POST", "/years/2025/close", "staff_a", {"community_id": street.communities["a"]})
    body = {**AWARD, "occurred_on": "2025-05-01"}
    path = f"/residents/{resident}/awards"
    return {"method": "POST", "path": path, "who": "staff_a", "body": body}


def unknown_resident(street: Street) -> dict[str, Any]:
    return {"method": "GET", "path": f"/residents/{uuid.uuid4()}/balance", "who": "staff_a"}


def forbidden_role(street: Street) -> dict[str, Any]:
    path = f"/residents/{street.enrol()}/awards"
    return {"method": "POST", "path": path, "who": "clerk_a", "body": AWARD}


def key_reused(street: Street) -> dict[str, Any]:
    resident = street.enrol()
    path = f"/residents/{resident}/awards"
    first = street.call("POST", path, "staff_a", AWARD, key="reused-key")
    assert first.status_code < 300, first.text
    body = {**AWARD, "occurred_on": "2026-11-02"}
    return {"method": "POST", "path": path, "who": "staff_a", "body": body, "key": "reused-key"}


def missing_key(street: Street) -> dict[str, Any]:
    path = f"/residents/{street.enrol()}/awards"
    return {"method": "POST", "path": path, "who": "staff_a", "body": AWARD, "key": ""}


def nul_in_note(street: Street) -> dict[str, Any]:
    path = f"/residents/{street.enrol()}/awards"
    return {"method": "POST", "path": path, "who": "staff_a", "body": {**AWARD, "note": "记\x00录"}}


def bad_date(street: Street) -> dict[str, Any]:
    path = f"/residents/{street.enrol()}/awards"
    body = {**AWARD, "occurred_on": "2026-02-30"}
    return {"method": "POST", "path": path, "who": "staff_a", "body": body}


Case = Callable[[Street], dict[str, Any]]
CASES: list[tuple[Case, int, str, str, str]] = [
    (insufficient_points, 422, "insufficient-points", "当前余额 10 分", "the balance is 10"),
    (cap_reached, 422, "cap-exceeded", "每日", "daily cap"),
    (year_closed, 409, "year-closed", "2025 年度已关闭", "Year 2025 is closed"),
    (unknown_resident, 404, "not-found", "找不到居民", "There is no resident"),
    (forbidden_role, 403, "forbidden", "无权", "may not do this"),
    (key_reused, 422, "idempotency-key-reused", "新的 Idempotency-Key", "Use a new key"),
    (missing_key, 400, "idempotency-key-missing", "缺少 Idempotency-Key", "header is required"),
    (nul_in_note, 422, "validation", "U+0000", "U+0000"),
    (bad_date, 422, "validation", "没有 2026-02-30 这一天", "is not a calendar date"),
]


@pytest.mark.parametrize(
    ("case", "status", "code", "zh", "en"), CASES, ids=[case[0].__name__ for case in CASES]
)
def test_a_refusal_speaks_chinese_by_default_and_english_when_asked(
    street: Street, case: Case, status: int, code: str, zh: str, en: str
) -> None:
    request = case(street)
    before = event_count(street.services)
    answers = {lang: ask(street, request, lang) for lang in (None, "zh-CN", "en-US,en;q=0.9")}
    assert event_count(street.services) == before
    bodies = {lang: answer.json() for lang, answer in answers.items()}
    for lang, answer in answers.items():
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert bodies[lang]["type"].endswith(f"/{code}"), answer.text
    default, english = bodies[None], bodies["en-US,en;q=0.9"]
    assert zh in default["detail"] and HAN.search(default["detail"]), default
    assert bodies["zh-CN"]["detail"] == default["detail"]
    assert en in english["detail"] and not HAN.search(english["detail"]), english
    words = ("detail", "errors")
    machine = {k: v for k, v in default.items() if k not in words}
    assert machine == {k: v for k, v in english.items() if k not in words}
    # Validation: the same fields and error types in both languages, only the words differ.
    located = [(e["loc"], e["type"]) for e in default.get("errors", [])]
    assert located == [(e["loc"], e["type"]) for e in english.get("errors", [])]
