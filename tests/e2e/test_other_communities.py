"""Other communities do not exist for you (invariant 12), over HTTP on both stores: every
reference to another community's resident, household, activity, goods or receipt — in a path,
a body or an import row — answers exactly as an unknown id does, and writes nothing. For a
resident, every other resident's records but their household's answer the same way."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.services import Services
from pointsbank.domain.common import Role
from tests.accounts_helpers import issue_token, open_account, sign_in
from tests.conftest import event_count
from tests.street import Street, build_street

Request = tuple[str, str, str, dict[str, Any] | None]  # method, path, who, body


def records(street: Street, community: str) -> dict[str, str]:
    """One of each kind of record in a community, a receipt included."""
    staff, clerk = f"staff_{community}", f"clerk_{community}"
    resident = street.enrol(who=staff, community=community)
    street.award(resident, who=staff)
    body = {"community_id": street.communities[community], "name": "王家"}
    household = street.ok("POST", "/households", staff, body)["household_id"]
    plan = {
        "community_id": street.communities[community], "rule_code": "VOL", "title": "清扫",
        "held_on": "2026-11-01", "starts_at": "09:00", "place": "三号楼", "capacity": 10,
        "organiser": "网格员",
    }  # fmt: skip
    activity = street.ok("POST", "/activities", staff, plan)["activity_id"]
    goods_body = {"community_id": street.communities[community], "name": "大米", "price": 1,
                  "stock": 10}  # fmt: skip
    goods = street.ok("POST", "/goods", staff, goods_body)["goods_id"]
    basket = {"resident_id": resident, "items": [{"goods_id": goods}]}
    receipt = street.ok("POST", "/redemptions", clerk, basket)["receipt_id"]
    return {
        "resident": resident,
        "household": household,
        "activity": activity,
        "goods": goods,
        "receipt": receipt,
    }


def references(own: dict[str, str]) -> dict[str, Callable[[str], Request]]:
    """Each way a command or read names a record, as staff or clerk of community a."""
    a = own
    award = {"rule_code": "VOL", "occurred_on": "2026-11-02"}
    return {
        "resident in path": lambda x: ("GET", f"/residents/{x}", "staff_a", None),
        "award": lambda x: ("POST", f"/residents/{x}/awards", "staff_a", award),
        "deduction": lambda x: ("POST", f"/residents/{x}/deductions", "staff_a",
                                {"rule_code": "LITTER", "occurred_on": "2026-11-02",
                                 "reason": "r"}),
        "correction": lambda x: ("POST", f"/residents/{x}/corrections", "staff_a",
                                 {"corrects_version": 2, "points": -1, "reason": "r"}),
        "reversal": lambda x: ("POST", f"/residents/{x}/reversals", "staff_a",
                               {"corrects_version": 2, "reason": "r"}),
        "approval": lambda x: ("POST", f"/approvals/{x}/2/approve", "staff_a", None),
        "rejection": lambda x: ("POST", f"/approvals/{x}/2/reject", "staff_a", {"reason": "r"}),
        "household join, household in path": lambda x: (
            "POST", f"/households/{x}/members", "staff_a",
            {"resident_id": a["resident"], "joined_on": "2026-11-02"}),
        "household join, resident in body": lambda x: (
            "POST", f"/households/{a['household']}/members", "staff_a",
            {"resident_id": x, "joined_on": "2026-11-02"}),
        "household leave, household in path": lambda x: (
            "POST", f"/households/{x}/members/{a['resident']}/leave", "staff_a",
            {"left_on": "2026-11-02"}),
        "household leave, resident in path": lambda x: (
            "POST", f"/households/{a['household']}/members/{x}/leave", "staff_a",
            {"left_on": "2026-11-02"}),
        "household": lambda x: ("GET", f"/households/{x}", "staff_a", None),
        "activity": lambda x: ("GET", f"/activities/{x}", "staff_a", None),
        "activity sign-up": lambda x: ("POST", f"/activities/{x}/signups", "staff_a",
                                       {"resident_id": a["resident"]}),
        "activity attendance, resident in body": lambda x: (
            "POST", f"/activities/{a['activity']}/attendance", "staff_a", {"resident_id": x}),
        "activity close": lambda x: ("POST", f"/activities/{x}/close", "staff_a", None),
        "goods": lambda x: ("GET", f"/goods/{x}", "clerk_a", None),
        "restock": lambda x: ("POST", f"/goods/{x}/restocks", "staff_a", {"quantity": 1}),
        "price": lambda x: ("POST", f"/goods/{x}/price", "staff_a", {"price": 2}),
        "withdrawal": lambda x: ("POST", f"/goods/{x}/withdrawal", "staff_a", {}),
        "redemption, resident in body": lambda x: (
            "POST", "/redemptions", "clerk_a",
            {"resident_id": x, "items": [{"goods_id": a["goods"]}]}),
        "redemption, goods in body": lambda x: (
            "POST", "/redemptions", "clerk_a",
            {"resident_id": a["resident"], "items": [{"goods_id": x}]}),
        "receipt": lambda x: ("GET", f"/receipts/{x}", "clerk_a", None),
        "cancellation": lambda x: ("POST", f"/receipts/{x}/cancellation", "staff_a",
                                   {"reason": "r"}),
    }  # fmt: skip


KINDS = {
    "resident": ["resident in path", "award", "deduction", "correction", "reversal", "approval",
                 "rejection", "household join, resident in body",
                 "household leave, resident in path", "activity attendance, resident in body",
                 "redemption, resident in body"],
    "household": ["household join, household in path", "household leave, household in path",
                  "household"],
    "activity": ["activity", "activity sign-up", "activity close"],
    "goods": ["goods", "restock", "price", "withdrawal", "redemption, goods in body"],
    "receipt": ["receipt", "cancellation"],
}  # fmt: skip


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def answer(street: Street, request: Request, record: str) -> tuple[int, str, Any]:
    method, path, who, body = request
    response = street.call(method, path, who, body)
    text = response.text.replace(record, "<id>")
    return response.status_code, response.headers["content-type"], text


def test_another_communitys_record_answers_exactly_as_an_unknown_id(street: Street) -> None:
    own, foreign = records(street, "a"), records(street, "b")
    ways = references(own)
    assert sorted(ways) == sorted(way for names in KINDS.values() for way in names)
    before = event_count(street.services)
    for kind, names in KINDS.items():
        unknown = str(uuid.uuid4())
        for way in names:
            seen = answer(street, ways[way](foreign[kind]), foreign[kind])
            assert seen[0] == 404, (way, seen)
            assert seen == answer(street, ways[way](unknown), unknown), way
    assert event_count(street.services) == before


def upload(street: Street, resident: str) -> Response:
    out = io.StringIO()
    rows: list[list[Any]] = [["居民", "规则", "日期", "数量", "分钟", "备注"]]
    rows.append([resident, "VOL", "2026-11-01", 1])
    csv.writer(out).writerows(rows)
    headers = {
        "Authorization": f"Bearer {street.tokens['staff_a']}",
        "Idempotency-Key": str(uuid.uuid4()),
    }
    files = {"file": ("sheet.csv", out.getvalue().encode("utf-8-sig"))}
    response: Response = street.client.post("/imports", files=files, headers=headers)
    return response


def test_an_import_row_naming_another_communitys_resident_reads_as_unknown(
    street: Street,
) -> None:
    foreign, unknown = street.enrol(who="staff_b", community="b"), str(uuid.uuid4())
    before = event_count(street.services)
    seen = upload(street, foreign)
    assert seen.status_code == 422, seen.text
    [row] = seen.json()["errors"]
    assert row["field"] == "resident_id" and "找不到居民" in row["message"]
    expected = upload(street, unknown)
    assert seen.text.replace(foreign, "<id>") == expected.text.replace(unknown, "<id>")
    assert event_count(street.services) == before


def resident_circle(street: Street) -> dict[str, dict[str, str]]:
    """A resident (`me`) with a household member, a neighbour in another household of the same
    community and a resident of community b; each with an award and a receipt."""
    goods = {c: street.ok("POST", "/goods", f"staff_{c}", {
        "community_id": street.communities[c], "name": "大米", "price": 1, "stock": 10,
    })["goods_id"] for c in ("a", "b")}  # fmt: skip
    people: dict[str, dict[str, str]] = {}
    for who, community in (("me", "a"), ("member", "a"), ("neighbour", "a"), ("foreign", "b")):
        resident = street.enrol(who=f"staff_{community}", community=community)
        street.award(resident, who=f"staff_{community}")
        basket = {"resident_id": resident, "items": [{"goods_id": goods[community]}]}
        receipt = street.ok("POST", "/redemptions", f"clerk_{community}", basket)["receipt_id"]
        people[who] = {"resident": resident, "receipt": receipt}
    body = {"community_id": street.communities["a"], "name": "王家"}
    household = street.ok("POST", "/households", "staff_a", body)["household_id"]
    for who in ("me", "member"):
        join = {"resident_id": people[who]["resident"], "joined_on": "2026-11-02"}
        street.ok("POST", f"/households/{household}/members", "staff_a", join)
    me = uuid.UUID(people["me"]["resident"])
    opened = open_account(street.services, "resident_me", Role.RESIDENT, "a", me)
    street.tokens["resident"] = issue_token(street.services, opened.body["user_id"]).token
    return people


RESIDENT_READS: dict[str, Callable[[dict[str, str]], Request]] = {
    "profile": lambda x: ("GET", f"/residents/{x['resident']}", "resident", None),
    "balance": lambda x: ("GET", f"/residents/{x['resident']}/balance", "resident", None),
    "statement": lambda x: ("GET", f"/residents/{x['resident']}/statement", "resident", None),
    "receipts": lambda x: ("GET", f"/receipts?resident_id={x['resident']}", "resident", None),
    "receipt": lambda x: ("GET", f"/receipts/{x['receipt']}", "resident", None),
}


def answer_for(street: Street, request: Request, record: dict[str, str]) -> tuple[int, str, Any]:
    """The answer with the record's ids blanked, to compare with an unknown id's."""
    status, kind, text = answer(street, request, record["resident"])
    return status, kind, text.replace(record["receipt"], "<id>")


def test_a_resident_reads_own_and_household_records_and_nobody_elses(street: Street) -> None:
    people = resident_circle(street)
    unknown = {"resident": str(uuid.uuid4()), "receipt": str(uuid.uuid4())}
    for name, read in RESIDENT_READS.items():
        for who in ("me", "member"):
            response = street.call(*read(people[who])[:3])
            assert response.status_code == 200, (name, who, response.text)
        expected = answer_for(street, read(unknown), unknown)
        assert expected[0] == 404, (name, expected)
        for who in ("neighbour", "foreign"):
            assert answer_for(street, read(people[who]), people[who]) == expected, (name, who)
    own = street.call("GET", "/receipts", "resident").json()
    assert [r["receipt_id"] for r in own] == [people["me"]["receipt"]]


RESIDENT_PAGES: dict[str, Callable[[dict[str, str]], str]] = {
    "statement page": lambda x: f"/ui/me/statement/{x['resident']}",
    "receipt page": lambda x: f"/ui/me/receipts/{x['receipt']}",
}


def test_a_residents_pages_show_own_and_household_records_only(street: Street) -> None:
    people = resident_circle(street)
    sign_in(street.client, "resident_me")
    unknown = {"resident": str(uuid.uuid4()), "receipt": str(uuid.uuid4())}

    def seen(path: str, record: dict[str, str]) -> tuple[int, str]:
        response = street.client.get(path)
        text = response.text.replace(record["resident"], "<id>")
        return response.status_code, text.replace(record["receipt"], "<id>")

    for name, page in RESIDENT_PAGES.items():
        for who in ("me", "member"):
            assert street.client.get(page(people[who])).status_code == 200, (name, who)
        expected = seen(page(unknown), unknown)
        assert expected[0] == 404
        for who in ("neighbour", "foreign"):
            assert seen(page(people[who]), people[who]) == expected, (name, who)


def test_everything_else_stays_closed_to_residents(street: Street) -> None:
    people = resident_circle(street)
    me = people["me"]["resident"]
    before = event_count(street.services)
    for method, path, body in (
        ("GET", "/residents", None),
        ("GET", "/goods", None),
        ("GET", f"/households/{uuid.uuid4()}", None),
        ("POST", f"/residents/{me}/awards", {"rule_code": "VOL", "occurred_on": "2026-11-02"}),
        ("POST", "/residents", {"community_id": street.communities["a"], "grid": "g1",
                                "name": "李四"}),
    ):  # fmt: skip
        seen = street.call(method, path, "resident", body)
        assert seen.status_code == 403, (path, seen.text)
        assert seen.json()["detail"] in ("居民账户不能使用这部分功能。",
                                         "Residents may not use this part of the API.")
    assert event_count(street.services) == before
