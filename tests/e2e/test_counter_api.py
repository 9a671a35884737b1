"""The counter over HTTP, on both stores: catalogue, redemption, receipts, refusals, reports."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from tests.conftest import event_count
from tests.street import Street, build_street


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def list_goods(street: Street, name: str = "大米", **extra: Any) -> str:
    body = {"community_id": street.communities["a"], "name": name, "price": 10, "stock": 5}
    return str(street.ok("POST", "/goods", "staff_a", {**body, **extra})["goods_id"])


def basket(resident: str, goods: str, quantity: Any = 1) -> dict[str, Any]:
    return {"resident_id": resident, "items": [{"goods_id": goods, "quantity": quantity}]}


def test_a_clerk_redeems_prints_and_cancels_and_the_report_reconciles(street: Street) -> None:
    rice = list_goods(street)
    resident = street.enrol()
    street.award(resident, quantity=3)
    receipt = street.ok("POST", "/redemptions", "clerk_a", basket(resident, rice, 2))
    assert (receipt["points"], receipt["balance_after"]) == (20, 10)
    assert receipt["number"] and receipt["issued_at"] and receipt["clerk"]
    printed = street.ok("GET", f"/receipts/{receipt['receipt_id']}", "clerk_a")
    assert printed["clerk"] == "clerk_a" and printed["items"] == receipt["items"]
    assert street.call("GET", f"/receipts/{receipt['receipt_id']}", "clerk_b").status_code == 404
    statement = street.ok("GET", f"/residents/{resident}/statement", "clerk_a")["entries"]
    assert [(e["kind"], e["points"]) for e in statement] == [("award", 30), ("redemption", -20)]
    assert street.ok("GET", f"/goods/{rice}", "clerk_a")["stock"] == 3

    path = f"/receipts/{receipt['receipt_id']}/cancellation"
    cancelled = street.ok("POST", path, "clerk_a", {"reason": "拿错了"})
    assert cancelled["balance_after"] == 30 and street.balance(resident) == 30
    again = street.call("POST", path, "clerk_a", {})
    assert again.status_code == 409 and again.json()["type"].endswith("receipt-cancelled")
    movements = street.ok("GET", f"/goods/{rice}", "staff_a")["movements"]
    assert [m["kind"] for m in movements] == ["listed", "redemption", "return"]

    day = receipt["issued_on"]
    report = street.ok("GET", f"/counter/reports?day={day}", "clerk_a")["counters"]
    assert len(report) == 1 and report[0]["counter_name"] == "clerk_a"
    assert report[0]["reconciled"] and report[0]["points_in"] == 0


def test_a_retry_gets_the_same_receipt_and_a_different_basket_is_refused(street: Street) -> None:
    rice = list_goods(street)
    resident = street.enrol()
    street.award(resident)
    first = street.call("POST", "/redemptions", "clerk_a", basket(resident, rice), key="k1")
    retry = street.call("POST", "/redemptions", "clerk_a", basket(resident, rice), key="k1")
    assert first.status_code == retry.status_code == 201 and first.json() == retry.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    other = street.call("POST", "/redemptions", "clerk_a", basket(resident, rice, 2), key="k1")
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    assert street.balance(resident) == 0


def test_every_refusal_is_problem_json_and_writes_nothing(
    street: Street, services: Services
) -> None:
    rice, limited = list_goods(street), list_goods(street, "油", household_limit=1)
    gone = list_goods(street, "旧货")
    street.ok("POST", f"/goods/{gone}/withdrawal", "staff_a", {"reason": "停售"})
    resident = street.enrol()
    street.award(resident, quantity=3)
    street.ok("POST", "/redemptions", "clerk_a", basket(resident, limited))
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("clerk_a", basket(resident, rice, 3), 422, "insufficient-points"),
        ("clerk_a", basket(resident, rice, 6), 409, "out-of-stock"),
        ("clerk_a", basket(resident, limited), 409, "over-household-limit"),
        ("clerk_a", basket(resident, gone), 409, "goods-withdrawn"),
        ("clerk_a", basket(street.enrol(who="staff_b", community="b"), rice), 404, "not-found"),
        ("clerk_a", basket("00000000-0000-0000-0000-000000000000", rice), 404, "not-found"),
        ("clerk_a", {"resident_id": resident, "items": []}, 422, "validation"),
        ("clerk_a", basket(resident, rice, 0), 422, "validation"),
        ("clerk_a", basket(resident, rice, -1), 422, "validation"),
        ("clerk_a", basket(resident, rice, 10**6), 422, "validation"),
        ("clerk_a", basket(resident, rice, "two"), 422, "validation"),
        ("clerk_b", basket(resident, rice), 404, "not-found"),
        ("auditor", basket(resident, rice), 403, "auditor-read-only"),
    ]
    before = event_count(services)
    for who, body, status, code in cases:
        response = street.call("POST", "/redemptions", who, body)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith(code), response.text
    assert event_count(services) == before
    short = street.call("POST", "/redemptions", "clerk_a", basket(resident, rice, 3)).json()
    assert (short["balance"], short["shortfall"]) == (20, 10) and "还差 10" in short["detail"]
    empty = street.call("POST", "/redemptions", "clerk_a", basket(resident, rice, 6)).json()
    assert empty["stock"] == 5 and "只剩 5 件" in empty["detail"]


def test_catalogue_roles_and_clerks_never_award(street: Street) -> None:
    rice = list_goods(street)
    street_wide = street.ok(
        "POST", "/goods", "admin", {"name": "毛巾", "price": 5, "stock": 2, "household_limit": 1}
    )
    assert street.call("POST", "/goods", "staff_a", {"name": "x", "price": 1}).status_code == 403
    for who, status in (("staff_b", 404), ("clerk_a", 403)):  # staff_b: another community's
        refused = street.call("POST", f"/goods/{rice}/restocks", who, {"quantity": 1})
        assert refused.status_code == status, who
    street.ok("POST", f"/goods/{rice}/restocks", "staff_a", {"quantity": 10})
    street.ok("POST", f"/goods/{rice}/price", "staff_a", {"price": 12})
    names = {g["name"]: g for g in street.call("GET", "/goods", "clerk_b").json()}
    assert set(names) == {"毛巾"} and names["毛巾"]["goods_id"] == street_wide["goods_id"]
    goods = {g["name"]: g for g in street.call("GET", "/goods", "clerk_a").json()}
    assert (goods["大米"]["stock"], goods["大米"]["price"]) == (15, 12)
    resident = street.enrol()
    award = {"rule_code": "VOL", "occurred_on": "2026-11-01"}
    assert street.call("POST", f"/residents/{resident}/awards", "clerk_a", award).status_code == 403
