"""Earning points over HTTP: terms, approvals, activities, bulk import and the new-year edge."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import Workbook

from api.services import Services
from tests.conftest import event_count
from tests.street import Street, build_street

HEADER = ["居民", "规则", "日期", "数量", "分钟", "备注"]


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    street = build_street(client, services)
    terms = {"approval_above": 50, "cap_month": 200}
    rule = {
        "code": "BIG",
        "name": "大型活动",
        "category": "volunteer",
        "points": 30,
        "terms": terms,
    }
    street.ok("POST", "/rules", "admin", rule)
    hourly = {"code": "HOUR", "name": "志愿服务（按小时）", "category": "volunteer", "points": 4}
    street.ok("POST", "/rules", "admin", {**hourly, "terms": {"mode": "per_hour"}})
    return street


def upload(street: Street, content: bytes, name: str, key: str | None = None) -> Response:
    headers = {
        "Authorization": f"Bearer {street.tokens['staff_a']}",
        "Idempotency-Key": key or str(uuid.uuid4()),
    }
    response: Response = street.client.post(
        "/imports", files={"file": (name, content)}, headers=headers
    )
    return response


def as_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_rule_catalogue_shows_terms_and_overrides(street: Street) -> None:
    path = f"/rules/BIG/overrides/{street.communities['a']}"
    street.ok("POST", path, "admin", {"points": 20, "reason": "本社区标准"})
    rule = street.ok("GET", "/rules/BIG", "staff_a")
    assert (rule["version"], rule["approval_above"], rule["cap_month"]) == (2, 50, 200)
    assert rule["overrides"] == [
        {"community_id": street.communities["a"], "points": 20, "cap_day": None,
         "cap_month": None, "cap_year": None, "approval_above": None, "cap_pair_month": None}
    ]  # fmt: skip
    refused = street.call("POST", "/rules/BIG/terms", "staff_a", {"reason": "x"})
    assert refused.status_code == 403


def test_the_cap_per_pair_is_in_the_catalogue_and_a_community_may_override_it(
    street: Street,
) -> None:
    """邻里互助's monthly cap on what one neighbour proposes for the same resident: kept with
    the rule's terms, shown by the catalogue, and overridden per community like the others."""
    terms = {"cap_pair_month": 30, "approval_above": 50, "reason": "互助上限"}
    street.ok("POST", "/rules/BIG/terms", "admin", terms)
    community = street.communities["a"]
    override = {"cap_pair_month": 50, "reason": "本社区放宽"}
    street.ok("POST", f"/rules/BIG/overrides/{community}", "admin", override)
    rule = street.ok("GET", "/rules/BIG", "staff_a")
    assert rule["cap_pair_month"] == 30
    assert [(o["community_id"], o["cap_pair_month"]) for o in rule["overrides"]] == [
        (community, 50)
    ]


def test_a_pending_award_is_approved_by_a_second_staff_member(street: Street) -> None:
    resident = street.enrol()
    body = {"rule_code": "BIG", "quantity": 2, "occurred_on": "2026-11-01"}
    pending = street.call("POST", f"/residents/{resident}/awards", "staff_a", body)
    assert pending.status_code == 202 and pending.json()["pending"] is True
    assert street.balance(resident) == 0
    [queued] = street.call("GET", "/approvals", "staff_a2").json()
    assert (queued["resident_id"], queued["points"], queued["name"]) == (resident, 60, "王芳")
    path = f"/approvals/{resident}/{queued['request_version']}/approve"
    by_maker = street.call("POST", path, "staff_a")
    assert by_maker.status_code == 403
    assert by_maker.headers["content-type"] == "application/problem+json"
    assert street.call("POST", path, "staff_b").status_code == 404  # another community
    assert street.call("POST", path, "staff_a2").status_code == 201
    assert street.balance(resident) == 60
    assert street.call("GET", "/approvals", "staff_a").json() == []


def test_an_award_over_a_cap_is_a_clear_problem(street: Street) -> None:
    resident = street.enrol()
    body = {"rule_code": "BIG", "quantity": 1, "occurred_on": "2026-11-01"}
    for _ in range(6):
        street.ok("POST", f"/residents/{resident}/awards", "staff_a", body)
    refused = street.call("POST", f"/residents/{resident}/awards", "staff_a", body)
    problem = refused.json()
    assert refused.status_code == 422 and problem["type"].endswith("cap-exceeded")
    assert (problem["cap"], problem["limit"], problem["already"]) == ("month", 200, 180)


def test_an_award_at_half_past_midnight_on_new_year_belongs_to_the_new_year(
    street: Street, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident = street.enrol(enrolled_on="2025-06-01")
    monkeypatch.setattr(services, "now", lambda: datetime(2025, 12, 31, 16, 30, tzinfo=UTC))
    street.ok("POST", f"/residents/{resident}/awards", "staff_a", {"rule_code": "VOL"})
    [entry] = street.ok("GET", f"/residents/{resident}/statement", "staff_a")["entries"]
    assert entry["occurred_on"] == "2026-01-01"
    assert entry["recorded_at"].startswith("2025-12-31T16:30")


def test_an_activity_awards_its_attendees_when_closed_and_only_once(street: Street) -> None:
    residents = [street.enrol() for _ in range(3)]
    body = {
        "community_id": street.communities["a"], "rule_code": "HOUR", "title": "敬老院陪护",
        "held_on": "2026-11-01", "starts_at": "09:00", "place": "敬老院", "capacity": 3,
        "organiser": "天禧社区居委会",
    }  # fmt: skip
    activity = street.ok("POST", "/activities", "staff_a", body)["activity_id"]
    for resident in residents:
        street.ok("POST", f"/activities/{activity}/signups", "staff_a", {"resident_id": resident})
    no_minutes = {"resident_id": residents[0]}
    assert (
        street.call("POST", f"/activities/{activity}/attendance", "staff_a", no_minutes).json()[
            "field"
        ]
        == "minutes"
    )
    for resident, minutes in zip(residents[:2], (90, 120), strict=True):
        attended = {"resident_id": resident, "minutes": minutes}
        street.ok("POST", f"/activities/{activity}/attendance", "staff_a", attended)
    closed = street.ok("POST", f"/activities/{activity}/close", "staff_a")
    assert closed["refused"] == {} and set(closed["awarded"]) == set(residents[:2])
    assert [street.balance(r) for r in residents] == [6, 8, 0]
    again = street.call("POST", f"/activities/{activity}/close", "staff_a")
    assert again.status_code == 409
    assert [street.balance(r) for r in residents] == [6, 8, 0]
    shown = street.ok("GET", f"/activities/{activity}", "clerk_a")
    assert shown["closed"] is True and len(shown["attendees"]) == 3
    assert street.call("GET", f"/activities/{activity}", "staff_b").status_code == 404


def test_an_import_with_one_bad_row_writes_nothing(street: Street, services: Services) -> None:
    good, other = street.enrol(), street.enrol(community="b", who="staff_b")
    rows: list[list[Any]] = [
        [good, "VOL", "2026-11-01", 1, "", "扫雪"],
        [good, "NOPE", "2026-11-01", 1, "", ""],
        ["not-an-id", "VOL", "2026-11-01", 1, "", ""],
        [other, "VOL", "2026-11-01", 1, "", ""],
        [good, "HOUR", "2026-11-02", "", "", ""],
    ]
    before = event_count(services)
    refused = upload(street, as_csv(rows), "十一月.csv")
    assert refused.status_code == 422, refused.text
    report = refused.json()["errors"]
    assert [(e["row"], e["field"]) for e in report] == [
        (3, "rule_code"), (4, "resident_id"), (5, "resident_id"), (6, "minutes")
    ]  # fmt: skip
    assert event_count(services) == before and street.balance(good) == 0


def test_the_same_sheet_twice_writes_once_whatever_its_format(
    street: Street, services: Services
) -> None:
    first, second = street.enrol(), street.enrol()
    rows = [
        [first, "VOL", "2026-11-01", 2, "", "扫雪"],
        [second, "HOUR", "2026-11-02", "", 150, "陪护"],
        [second, "LITTER", "2026-11-03", 1, "", "乱扔垃圾"],
    ]
    applied = upload(street, as_csv(rows), "十一月.csv", key="sheet-1")
    assert applied.status_code == 201, applied.text
    assert [e["pending"] for e in applied.json()["entries"]] == [False, False, True]
    assert (street.balance(first), street.balance(second)) == (20, 10)
    after = event_count(services)
    replayed = upload(street, as_csv(rows), "十一月.csv", key="sheet-1")
    assert replayed.json() == applied.json() and replayed.headers["Idempotent-Replayed"] == "true"
    for again in (as_csv(rows), as_xlsx(rows)):
        refused = upload(street, again, "十一月（副本）.xlsx")
        assert refused.status_code == 409 and refused.json()["import_id"]
    assert event_count(services) == after
    assert (street.balance(first), street.balance(second)) == (20, 10)
    [listed] = street.call("GET", "/imports", "staff_a").json()
    assert listed["rows_applied"] == 3


def test_an_xlsx_sheet_with_english_headers_and_a_gbk_csv_are_read(street: Street) -> None:
    resident = street.enrol()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["resident_id", "rule_code", "occurred_on", "quantity"])
    sheet.append([resident, "VOL", datetime(2026, 11, 1), 3])
    out = io.BytesIO()
    book.save(out)
    assert upload(street, out.getvalue(), "sheet.xlsx").status_code == 201
    gbk = f"居民,规则,日期,备注\n{resident},COUNCIL,2026-11-02,议事会\n".encode("gb18030")
    assert upload(street, gbk, "议事会.csv").status_code == 201
    assert street.balance(resident) == 35
    missing = upload(street, "名字,分数\n王芳,3\n".encode(), "bad.csv").json()
    assert missing["type"].endswith("sheet-unreadable") and "居民" in missing["detail"]
