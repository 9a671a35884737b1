"""Regressions found in review: closed years hold on every earning path, corrections never add
points, no file name reaches the log, and out-of-range input is a clear 4xx, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from tests.conftest import event_count
from tests.e2e.test_earning_api import as_csv, upload
from tests.e2e.test_earning_api import street as earning_street
from tests.street import Street

street = earning_street


def close_2025(street: Street) -> None:
    closed = street.ok(
        "POST", "/years/2025/close", "staff_a", {"community_id": street.communities["a"]}
    )
    assert closed["closed"]


def test_closing_an_activity_dated_in_a_closed_year_is_refused(
    street: Street, services: Services
) -> None:
    resident = street.enrol()
    body = {
        "community_id": street.communities["a"], "rule_code": "VOL", "title": "扫雪",
        "held_on": "2025-12-01", "starts_at": "09:00", "place": "小区", "capacity": 3,
        "organiser": "居委会",
    }  # fmt: skip
    activity = street.ok("POST", "/activities", "staff_a", body)["activity_id"]
    street.ok("POST", f"/activities/{activity}/signups", "staff_a", {"resident_id": resident})
    street.ok("POST", f"/activities/{activity}/attendance", "staff_a", {"resident_id": resident})
    close_2025(street)
    before = event_count(services)
    response = street.call("POST", f"/activities/{activity}/close", "staff_a")
    assert response.status_code == 409 and response.json()["type"].endswith("/year-closed")
    assert event_count(services) == before and street.balance(resident) == 0


def test_an_import_row_dated_in_a_closed_year_is_a_row_error(
    street: Street, services: Services
) -> None:
    resident = street.enrol()
    close_2025(street)
    before = event_count(services)
    rows: list[list[Any]] = [
        [resident, "VOL", "2026-01-02", 1, "", ""],
        [resident, "VOL", "2025-12-03", 1, "", ""],
    ]
    refused = upload(street, as_csv(rows), "王芳积分.csv")
    assert refused.status_code == 422
    assert [e["row"] for e in refused.json()["errors"]] == [3]
    assert event_count(services) == before


def test_the_uploaded_file_name_never_reaches_the_event_log(
    street: Street, services: Services
) -> None:
    resident = street.enrol()
    applied = upload(street, as_csv([[resident, "VOL", "2026-11-01", 1, "", ""]]), "王芳积分.csv")
    assert applied.status_code == 201, applied.text
    raw = b"".join(n.state for n in services.bank.recorder.select_notifications(1, 10**6))
    for form in ("王芳积分".encode(), "王芳积分".encode("unicode_escape")):
        assert form not in raw


def test_a_correction_cannot_add_points_past_the_original(
    street: Street, services: Services
) -> None:
    resident = street.enrol()
    version = street.award(resident)["version"]
    before = event_count(services)
    response = street.call(
        "POST",
        f"/residents/{resident}/corrections",
        "staff_a",
        {"corrects_version": version, "points": 9990, "reason": "多加"},
    )
    assert response.status_code == 422 and "要多记分请新增一条记录" in response.json()["detail"]
    assert event_count(services) == before and street.balance(resident) == 10


@pytest.mark.parametrize(
    "path",
    [
        "/residents/{r}/statement?offset=99999999999999999999",
        "/rankings/residents?year=2026&offset=99999999999999999999",
        "/audit/chain/99999999999999999999",
        "/audit/residents/{r}/balance?position=99999999999999999999",
        "/audit/actors/x/activity?since=2026-01-01&until=9999-12-31",
    ],
)
def test_out_of_range_numbers_and_dates_are_clear_problems(
    client: TestClient, services: Services, street: Street, path: str
) -> None:
    resident = street.enrol()
    who = "auditor" if path.startswith("/audit") else "staff_a"
    response = street.call("GET", path.replace("{r}", resident), who)
    assert response.status_code in (400, 404, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_an_unreadable_csv_is_a_clear_problem(street: Street, services: Services) -> None:
    huge = b'"' + b"x" * 200_000 + b'"\n'
    response = upload(street, "居民,规则,日期\n".encode() + huge, "big.csv")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_street_wide_goods_do_not_show_other_communities_receipts(street: Street) -> None:
    towel = street.ok(
        "POST", "/goods", "admin", {"name": "毛巾", "price": 5, "stock": 9, "household_limit": 0}
    )["goods_id"]
    for community, staff, clerk in (("a", "staff_a", "clerk_a"), ("b", "staff_b", "clerk_b")):
        resident = street.enrol(who=staff, community=community)
        street.award(resident, who=staff)
        street.ok(
            "POST",
            "/redemptions",
            clerk,
            {"resident_id": resident, "items": [{"goods_id": towel, "quantity": 1}]},
        )
    seen_by_a = street.ok("GET", f"/goods/{towel}", "clerk_a")["movements"]
    taken = [m for m in seen_by_a if m["receipt_id"] or m["reason"].startswith("其他社区")]
    assert len(taken) == 2
    assert sum(1 for m in taken if m["receipt_id"] is None and m["actor_id"] is None) == 1
    everything = street.ok("GET", f"/goods/{towel}", "admin")["movements"]
    assert sum(1 for m in everything if m["receipt_id"]) == 2
