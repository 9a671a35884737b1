"""The one input policy over HTTP, on both stores: each clause refused with a 422 that names the
field and writes nothing; a NUL never stalls the ledger; stored text always exports."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.services import Services
from pointsbank.application import Command
from pointsbank.domain.common import Context
from tests.conftest import event_count
from tests.e2e.test_earning_api import street as earning_street
from tests.street import Street

street = earning_street
PROBLEM = "application/problem+json"


def refused(street: Street, services: Services, method: str, path: str, body: Any = None) -> Any:
    """The request is refused with a 422 problem naming a field, and nothing is written."""
    before = event_count(services)
    response = street.call(method, path, "staff_a", body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert event_count(services) == before
    return response.json()


def statement_reasons(street: Street, resident: str) -> list[str]:
    entries = street.ok("GET", f"/residents/{resident}/statement", "staff_a")["entries"]
    return [str(e["reason"]) for e in entries]


def today(services: Services) -> Any:
    return services.now().astimezone(services.settings.zone).date()


@pytest.mark.parametrize("note", ["记录\x00", "\x00"])
def test_a_nul_in_an_award_note_is_refused_and_the_ledger_keeps_working(
    street: Street, services: Services, note: str
) -> None:
    resident = street.enrol()
    body = {"rule_code": "VOL", "occurred_on": "2026-11-01", "note": note}
    problem = refused(street, services, "POST", f"/residents/{resident}/awards", body)
    assert "note" in problem["detail"] and "U+0000" in problem["detail"]
    street.award(resident)
    assert street.balance(resident) == 10
    ready = street.ok("GET", "/readyz", "staff_a")
    assert ready["projected_position"] == ready["log_position"]


def test_a_nul_in_a_cancellation_reason_is_refused_and_the_ledger_keeps_working(
    street: Street, services: Services
) -> None:
    resident = street.enrol()
    street.award(resident, quantity=3)
    goods = {"community_id": street.communities["a"], "name": "大米", "price": 10, "stock": 5}
    rice = street.ok("POST", "/goods", "staff_a", goods)["goods_id"]
    basket = {"resident_id": resident, "items": [{"goods_id": rice, "quantity": 1}]}
    receipt = street.ok("POST", "/redemptions", "clerk_a", basket)["receipt_id"]
    path = f"/receipts/{receipt}/cancellation"
    problem = refused(street, services, "POST", path, {"reason": "顾客退回\x00"})
    assert "reason" in problem["detail"]
    street.ok("POST", path, "staff_a", {"reason": "顾客退回"})
    assert street.balance(resident) == 30
    assert street.ok("GET", f"/receipts/{receipt}", "staff_a")["cancel_reason"] == "顾客退回"


def test_text_is_stored_nfc_and_trimmed_and_any_script_and_emoji_round_trip(
    street: Street,
) -> None:
    resident = street.enrol(name=" Jose\u0301 王芳 ")
    assert street.ok("GET", f"/residents/{resident}", "staff_a")["name"] == "José 王芳"
    note = "第一行：扫雪 ❄️👨‍👩‍👧\n\t第二行 한국어 العربية café"
    body = {"rule_code": "VOL", "occurred_on": "2026-11-01", "note": note + "\r\n"}
    street.ok("POST", f"/residents/{resident}/awards", "staff_a", body)
    assert statement_reasons(street, resident) == [note]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/households", {"name": "王家\n"}, None),  # a trailing newline is only whitespace
        ("/households", {"name": "王\n家"}, "name"),
        ("/households", {"name": "王\t家"}, "name"),
        ("/households", {"name": "王\x07家"}, "name"),
        ("/households", {"name": "王\x85家"}, "name"),
        ("/households", {"name": "王\x7f家"}, "name"),
        ("/households", {"name": "王\r家"}, "name"),
        ("/households", {"name": "   "}, "name"),
        ("/households", {"name": "家" * 101}, "name"),
        ("/households", {"name": 12}, "name"),
        ("/residents", {"grid": "g1", "name": "王" * 51}, "name"),
        ("/residents", {"grid": "g 1", "name": "王芳"}, "grid"),
    ],
)
def test_control_characters_and_lengths_are_refused_per_field_kind(
    street: Street, services: Services, path: str, body: dict[str, Any], field: str | None
) -> None:
    body = {"community_id": street.communities["a"], **body}
    if field is None:
        street.ok("POST", path, "staff_a", body)
        return
    problem = refused(street, services, "POST", path, body)
    assert [e["loc"] for e in problem["errors"]] == [["body", field]]


def test_notes_and_reasons_are_multi_line_and_limited_to_500_characters(
    street: Street, services: Services
) -> None:
    resident = street.enrol()
    path = f"/residents/{resident}/awards"
    body = {"rule_code": "VOL", "occurred_on": "2026-11-01"}
    refused(street, services, "POST", path, {**body, "note": "记" * 501})
    refused(street, services, "POST", path, {**body, "note": "记\x0b录"})
    street.ok("POST", path, "staff_a", {**body, "note": "记" * 500})
    deduction = {"rule_code": "LITTER", "occurred_on": "2026-11-01", "reason": "楼道\n乱扔"}
    street.ok("POST", f"/residents/{resident}/deductions", "staff_a", deduction)
    refused(
        street, services, "POST", f"/residents/{resident}/deductions", {**deduction, "reason": ""}
    )


def test_a_lone_surrogate_is_refused(street: Street, services: Services) -> None:
    before = event_count(services)
    response = street.client.post(
        "/households",
        content=b'{"community_id": "%s", "name": "\\ud800"}' % street.communities["a"].encode(),
        headers={
            "Authorization": f"Bearer {street.tokens['staff_a']}",
            "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 422 and "U+D800" in response.json()["detail"]
    assert event_count(services) == before


@pytest.mark.parametrize(
    "day", [0, 20261101, "0", "", "20261101", "2026-02-30", "0001-01-01", "9999-12-31",
            "1999-12-31", "2026-11-01T00:00:00", " 2026-1-1", True, None],
)  # fmt: skip
def test_a_date_is_iso_text_of_a_real_day_in_range(
    street: Street, services: Services, day: Any
) -> None:
    resident = street.enrol()
    body = {"rule_code": "LITTER", "occurred_on": day, "reason": "乱扔"}
    problem = refused(street, services, "POST", f"/residents/{resident}/deductions", body)
    assert [e["loc"] for e in problem["errors"]] == [["body", "occurred_on"]]


def test_occurred_on_is_not_after_today_nor_before_the_street_opened(
    street: Street, services: Services
) -> None:
    resident = street.enrol()
    path = f"/residents/{resident}/awards"
    tomorrow = (today(services) + timedelta(days=1)).isoformat()
    problem = refused(street, services, "POST", path, {"rule_code": "VOL", "occurred_on": tomorrow})
    assert problem["field"] == "occurred_on" and "晚于今天" in problem["detail"]
    opened = services.settings.street_opened_on
    early = (opened - timedelta(days=1)).isoformat()
    problem = refused(street, services, "POST", path, {"rule_code": "VOL", "occurred_on": early})
    assert problem["field"] == "occurred_on" and "早于本街道启用日期" in problem["detail"]
    street.ok("POST", path, "staff_a", {"rule_code": "VOL", "occurred_on": opened.isoformat()})
    enrolment = {
        "community_id": street.communities["a"],
        "grid": "g1",
        "name": "李",
        "enrolled_on": early,
    }
    refused(street, services, "POST", "/residents", enrolment)


@pytest.mark.parametrize("quantity", [1.5, 1.0, "10", True, None, 0, -1, 1001, 2**64, [1]])
def test_a_number_is_a_json_integer_within_bounds(
    street: Street, services: Services, quantity: Any
) -> None:
    resident = street.enrol()
    body = {"rule_code": "VOL", "occurred_on": "2026-11-01", "quantity": quantity}
    problem = refused(street, services, "POST", f"/residents/{resident}/awards", body)
    assert [e["loc"] for e in problem["errors"]] == [["body", "quantity"]]


@pytest.mark.parametrize("flag", ["yes", 1, "true"])
def test_a_flag_is_a_json_boolean(street: Street, services: Services, flag: Any) -> None:
    body = {
        "community_id": street.communities["a"],
        "grid": "g1",
        "name": "李",
        "party_member": flag,
    }
    refused(street, services, "POST", "/residents", body)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/households", {"name": "王家", "motto": "x"}),
        ("/redemptions", {"resident_id": str(uuid.UUID(int=1)),
                          "items": [{"goods_id": str(uuid.UUID(int=2)), "qty": 1}]}),
        ("/rules", {"code": "NEW", "name": "新", "category": "volunteer", "points": 1,
                    "terms": {"mode": "fixed", "cap": 5}}),
    ],
)  # fmt: skip
def test_unknown_fields_are_refused_also_in_nested_objects(
    street: Street, services: Services, path: str, body: dict[str, Any]
) -> None:
    if path == "/households":
        body = {"community_id": street.communities["a"], **body}
    before = event_count(services)
    who = "admin" if path == "/rules" else "clerk_a" if path == "/redemptions" else "staff_a"
    response = street.call("POST", path, who, body)
    assert response.status_code == 422 and "extra_forbidden" in response.text
    assert event_count(services) == before


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("auditor", f"/audit/export?start={2**63}"),
        ("auditor", f"/audit/export?start=1&stop={2**63}"),
        ("auditor", f"/audit/actors/x/activity?since=2026-01-01&until=2026-12-31&after={2**63}"),
        ("auditor", "/audit/actors/x/activity?since=0001-01-01&until=2026-12-31"),
        ("auditor", "/audit/actors/x/activity?since=2026-01-01&until=9999-12-31"),
        ("auditor", "/audit/actors/x%00/activity?since=2026-01-01&until=2026-12-31"),
        ("auditor", "/audit/rankings?year=2026&at=0"),
        ("auditor", "/audit/rankings?year=2026&at=9999-12-31T23:59:59-23:59"),
        ("staff_a", f"/residents/{uuid.UUID(int=1)}/statement?offset={2**63}"),
        ("staff_a", "/residents?q=%00"),
        ("staff_a", "/rules/VOL%00"),
        ("staff_a", "/rankings/residents?year=2026&grid=g%00"),
        ("staff_a", "/counter/reports?day=9999-12-31"),
        ("staff_a", "/counter/reports?day=2026-11-01&counter=a%00"),
        ("staff_a", "/receipts?day=0"),
    ],
)
def test_query_and_path_parameters_are_bounded(street: Street, who: str, path: str) -> None:
    response = street.call("GET", path, who)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)


def test_a_huge_approval_version_in_the_path_is_refused(street: Street, services: Services) -> None:
    resident = street.enrol()
    refused(street, services, "POST", f"/approvals/{resident}/{2**63}/reject", {"reason": "否"})


def test_exports_write_stored_control_characters_and_formulas_as_safe_text(
    street: Street, services: Services, client: TestClient
) -> None:
    """Text stored before the policy (written here straight through the service) exports."""
    resident = street.enrol()
    actor = services.accounts.authenticate(street.tokens["staff_a"])
    assert actor is not None
    at = services.now()
    command = Command(Context(actor, at, today(services)), str(uuid.uuid4()), "direct")
    stored = '=HYPERLINK("http://x")\x07\x0b\x1b\x85'
    outcome = services.bank.award(command, uuid.UUID(resident), "VOL", 1, today(services), stored)
    services.projected(outcome.position)
    path = f"/residents/{resident}/annual/export?year={today(services).year}"
    xlsx = street.call("GET", path + "&format=xlsx", "staff_a")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    reason = next(row for row in sheet.iter_rows() if row[1].value == "加分")[6]
    assert reason.data_type == "s"
    assert reason.value == '=HYPERLINK("http://x")\ufffd\ufffd\ufffd\ufffd'
    exported = street.call("GET", path + "&format=csv", "staff_a")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][6] == '\'=HYPERLINK("http://x")\ufffd\ufffd\ufffd\ufffd'


@pytest.mark.parametrize("name", ["=1+2", "+SUM(A1)", "-3", "@cmd", "王家"])
def test_a_household_name_that_looks_like_a_formula_exports_as_text(
    street: Street, name: str
) -> None:
    created = street.ok(
        "POST", "/households", "staff_a", {"community_id": street.communities["a"], "name": name}
    )
    resident = street.enrol()
    path = f"/households/{created['household_id']}/members"
    street.ok("POST", path, "staff_a", {"resident_id": resident, "joined_on": "2026-01-01"})
    street.award(resident)
    export = "/rankings/households/export?year=2026&format="
    rows = list(
        csv.reader(io.StringIO(street.call("GET", export + "csv", "staff_a").text.lstrip("\ufeff")))
    )
    assert rows[1][2] == (name if name == "王家" else "'" + name)
    content = street.call("GET", export + "xlsx", "staff_a").content
    cell = load_workbook(io.BytesIO(content)).worksheets[0].cell(2, 3)
    assert (cell.value, cell.data_type) == (name, "s")
