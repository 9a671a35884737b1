"""Annual points, rankings, civilised-family candidates and year close over HTTP, both stores."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.services import Services
from tests.conftest import event_count
from tests.street import Street, build_street

Y = 2025


@pytest.fixture
def street(client: TestClient, services: Services) -> Street:
    return build_street(client, services)


def award(
    street: Street, resident: str, rule: str, on: str, quantity: int = 1, who: str = "staff_a"
) -> int:
    body = {"rule_code": rule, "occurred_on": on, "quantity": quantity}
    return int(street.ok("POST", f"/residents/{resident}/awards", who, body)["version"])


def deduct(street: Street, resident: str, on: str, who: str = "staff_a") -> int:
    """Request a deduction and have a second staff member approve it (maker-checker)."""
    body = {"rule_code": "LITTER", "occurred_on": on, "reason": "乱扔垃圾"}
    request = street.ok("POST", f"/residents/{resident}/deductions", who, body)
    checker = "staff_a2" if who == "staff_a" else "staff_a"
    path = f"/approvals/{resident}/{request['version']}/approve"
    return int(street.ok("POST", path, checker)["version"])


def household(street: Street, name: str, community: str = "a") -> str:
    body = {"community_id": street.communities[community], "name": name}
    return str(street.ok("POST", "/households", f"staff_{community}", body)["household_id"])


def join(street: Street, house: str, resident: str, on: str) -> None:
    body = {"resident_id": resident, "joined_on": on}
    street.ok("POST", f"/households/{house}/members", "staff_a", body)


def leave(street: Street, house: str, resident: str, on: str) -> None:
    street.ok("POST", f"/households/{house}/members/{resident}/leave", "staff_a", {"left_on": on})


def points_of(street: Street, house: str, year: int = Y) -> int:
    return int(street.ok("GET", f"/households/{house}/statement?year={year}", "staff_a")["points"])


def ranking(street: Street, what: str, query: str = "", who: str = "staff_a") -> list[Any]:
    rows: list[Any] = street.ok("GET", f"/rankings/{what}?year={Y}{query}", who)["rows"]
    return rows


def test_a_resident_who_moves_mid_year_splits_the_year(street: Street) -> None:
    mover, other = street.enrol(), street.enrol()
    east, west = household(street, "东家"), household(street, "西家")
    join(street, east, mover, "2025-01-01")
    join(street, west, other, "2025-01-01")
    award(street, mover, "VOL", "2025-03-10")  # 10, in the east
    award(street, mover, "COUNCIL", "2025-09-01")  # 5, recorded before the move is known
    award(street, other, "COUNCIL", "2025-02-01")  # 5, west
    leave(street, east, mover, "2025-07-01")  # the move, recorded late, effective in the past
    join(street, west, mover, "2025-07-01")
    award(street, mover, "VOL", "2025-07-01", 2)  # 20, the day of the move: west
    assert points_of(street, east) == 10
    assert points_of(street, west) == 5 + 5 + 20
    annual = street.ok("GET", f"/residents/{mover}/annual?year={Y}", "staff_a")
    assert annual["points"] == 35
    assert annual["by_category"] == {"volunteer": 30, "council": 5}
    assert [e["running_total"] for e in annual["entries"]] == [10, 30, 35]
    west_statement = street.ok("GET", f"/households/{west}/statement?year={Y}", "staff_a")
    assert west_statement["by_member"] == {mover: 25, other: 5}
    assert [e["occurred_on"] for e in west_statement["entries"]] == [
        "2025-02-01",
        "2025-07-01",
        "2025-09-01",
    ]
    assert ranking(street, "households")[0]["household_id"] == west


def test_new_year_follows_the_streets_time_zone(
    street: Street, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident = street.enrol(enrolled_on="2025-06-01")
    award(street, resident, "VOL", "2025-12-31")
    # 23:30 on New Year's Eve in Shanghai: 2025 has not ended there, so it cannot be closed.
    monkeypatch.setattr(services, "now", lambda: datetime(2025, 12, 31, 15, 30, tzinfo=UTC))
    body = {"community_id": street.communities["a"]}
    response = street.call("POST", f"/years/{Y}/close", "staff_a", body)
    assert response.status_code == 422 and "尚未结束" in response.json()["detail"]
    # 00:30 on New Year's Day in Shanghai, still 31 December in UTC.
    monkeypatch.setattr(services, "now", lambda: datetime(2025, 12, 31, 16, 30, tzinfo=UTC))
    award(street, resident, "COUNCIL", "2026-01-01")
    assert street.ok("POST", f"/years/{Y}/close", "staff_a", body)["closed"] is True
    this = street.ok("GET", f"/residents/{resident}/annual?year={Y}", "staff_a")
    following = street.ok("GET", f"/residents/{resident}/annual?year=2026", "staff_a")
    assert (this["points"], following["points"]) == (10, 5)


def test_ties_share_a_rank_and_list_by_id(street: Street) -> None:
    residents = [street.enrol(), street.enrol(party_member=True), street.enrol()]
    residents.append(street.enrol(party_member=True, without_hukou=True))
    for resident, quantity in zip(residents, (3, 2, 2, 1), strict=True):
        award(street, resident, "VOL", "2025-05-01", quantity)
    award(street, street.enrol(community="b", who="staff_b"), "VOL", "2025-05-01", who="staff_b")
    rows = ranking(street, "residents")
    assert [(r["points"], r["rank"]) for r in rows] == [(30, 1), (20, 2), (20, 2), (10, 4)]
    assert [r["resident_id"] for r in rows[1:3]] == sorted(residents[1:3])
    assert rows[3]["without_hukou"] is True and rows[3]["resident_id"] == residents[3]
    party = ranking(street, "residents", "&party_member=true")
    assert [(r["resident_id"], r["rank"]) for r in party] == [(residents[1], 1), (residents[3], 2)]
    assert ranking(street, "residents", "&grid=g2") == []
    street_wide = ranking(street, "residents", "", who="auditor")
    assert [r["rank"] for r in street_wide] == [1, 2, 2, 4, 4]
    assert len(ranking(street, "residents", "&limit=2&offset=1")) == 2
    other = f"&community_id={street.communities['b']}"
    assert street.call("GET", f"/rankings/residents?year={Y}{other}", "staff_a").status_code == 403


def test_a_top_household_with_a_disqualifying_deduction_is_excluded(street: Street) -> None:
    houses, people = [], []
    for n, quantity in enumerate((5, 4, 3, 2)):
        house, person = household(street, f"第{n}户"), street.enrol()
        join(street, house, person, "2025-01-01")
        award(street, person, "VOL", "2025-04-01", quantity)
        houses.append(house)
        people.append(person)
    deduct(street, people[0], "2025-06-01")  # the top household is disqualified
    forgiven = deduct(street, people[1], "2025-06-02")
    correction = {"corrects_version": forgiven, "points": 3, "reason": "误扣"}
    street.ok("POST", f"/residents/{people[1]}/corrections", "staff_a", correction)
    deduct(street, people[2], "2024-12-31")  # a previous year does not count
    query = f"/rankings/candidates?year={Y}&top=2"
    result = street.ok("GET", query + f"&community_id={street.communities['a']}", "auditor")
    assert [c["household_id"] for c in result["candidates"]] == houses[1:3]
    assert [e["household_id"] for e in result["excluded"]] == [houses[0]]
    assert result["excluded"][0]["deductions"][0]["rule_code"] == "LITTER"
    first = result["candidates"][0]
    assert (first["points"], first["rank"]) == (40, 2)
    assert first["by_category"] == {"volunteer": 40, "deduction": 0}
    assert first["by_member"][0]["resident_id"] == people[1]
    by_threshold = street.ok("GET", f"/rankings/candidates?year={Y}&threshold=30", "staff_a")
    assert [c["household_id"] for c in by_threshold["candidates"]] == houses[1:3]


def test_a_redemption_leaves_annual_points_unchanged(street: Street, services: Services) -> None:
    resident = street.enrol()
    house = household(street, "兑换户")
    award(street, resident, "VOL", "2025-05-01", 3)
    # A redemption entry as the supermarket's projection writes it into the statement.
    services.db.execute(
        "INSERT INTO statement_entries (resident_id, version, position, kind, rule_code, "
        "rule_version, quantity, points, balance_after, corrects_version, occurred_on, "
        "recorded_at, actor_id, actor_role, reason) VALUES (?, 99, 10000, 'redemption', NULL, "
        "NULL, NULL, -20, 10, NULL, '2025-05-02', '2025-05-02T01:00:00+00:00', 'c', 'clerk', "
        "'兑换大米')",
        (resident,),
    )
    join(street, house, resident, "2025-01-01")  # recomputes from statement_entries
    annual = street.ok("GET", f"/residents/{resident}/annual?year={Y}", "staff_a")
    assert annual["points"] == 30 and len(annual["entries"]) == 1
    assert points_of(street, house) == 30
    assert (
        len(street.ok("GET", f"/households/{house}/statement?year={Y}", "staff_a")["entries"]) == 1
    )
    assert ranking(street, "households")[0]["points"] == 30


def test_a_late_entry_after_close_is_refused_until_an_admin_reopens(street: Street) -> None:
    resident, elsewhere = street.enrol(), street.enrol(community="b", who="staff_b")
    version = award(street, resident, "VOL", "2025-05-01")
    close = {"community_id": street.communities["a"]}
    closed = street.ok("POST", f"/years/{Y}/close", "staff_a", close)
    assert closed["closed"] and len(closed["digest"]) == 64
    assert closed["summary"]["resident_points"] == 10
    before = event_count(street.services)
    attempts = [
        (f"/residents/{resident}/awards", {"rule_code": "VOL", "occurred_on": "2025-12-30"}),
        (
            f"/residents/{resident}/deductions",
            {"rule_code": "LITTER", "occurred_on": "2025-02-01", "reason": "乱扔"},
        ),
        (
            f"/residents/{resident}/corrections",
            {"corrects_version": version, "points": -5, "reason": "多记"},
        ),
    ]
    for path, body in attempts:
        response = street.call("POST", path, "staff_a", body)
        assert response.status_code == 409, response.text
        assert response.json()["type"].endswith("/year-closed") and "2025" in response.text
    assert event_count(street.services) == before
    award(street, resident, "VOL", "2026-01-02")  # another year is open
    street.award(elsewhere, who="staff_b", occurred_on=datetime(2025, 5, 1).date())  # community b
    assert street.call("POST", f"/years/{Y}/close", "staff_a", close).status_code == 409
    reopen = {**close, "reason": "补录漏记的志愿服务"}
    assert street.call("POST", f"/years/{Y}/reopen", "staff_a", reopen).status_code == 403
    assert street.ok("POST", f"/years/{Y}/reopen", "admin", reopen)["closed"] is False
    path, body = attempts[0]
    assert street.call("POST", path, "staff_a", body).status_code == 201
    status = street.ok("GET", f"/years/{Y}", "staff_a")
    assert status["closed"] is False and status["reason"] == "补录漏记的志愿服务"


def test_the_frozen_ranking_equals_a_replay_of_the_log(street: Street) -> None:
    house = household(street, "王家")
    for quantity in (1, 2, 2):
        resident = street.enrol()
        join(street, house, resident, "2025-01-01")
        award(street, resident, "VOL", "2025-05-01", quantity)
    close = {"community_id": street.communities["a"]}
    closed = street.ok("POST", f"/years/{Y}/close", "staff_a", close)
    award(street, street.enrol(), "VOL", "2026-01-05")  # after the freeze, another year
    query = f"/years/{Y}/verify?community_id={street.communities['a']}"
    verified = street.ok("GET", query, "auditor")
    assert verified["matches"] is True and verified["reproduced_digest"] == closed["digest"]
    status = street.ok("GET", f"/years/{Y}", "staff_a")
    assert status["digest"] == closed["digest"] and status["late_entries"] == []
    assert status["summary"]["top_households"] == [{"household_id": house, "points": 50, "rank": 1}]
    assert street.call("GET", query, "staff_a").status_code == 403


def xlsx_rows(content: bytes) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_exports_in_csv_and_xlsx_with_chinese_headers(street: Street) -> None:
    house = household(street, "李家")
    first = street.enrol(name="李雷", party_member=True)
    second = street.enrol(name="韩梅梅", without_hukou=True)
    join(street, house, first, "2025-01-01")
    award(street, first, "VOL", "2025-03-01", 2)
    award(street, second, "COUNCIL", "2025-03-02")
    deduct(street, first, "2025-04-01")
    base = f"/rankings/residents/export?year={Y}"
    response = street.call("GET", base + "&format=xlsx", "staff_a")
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    assert xlsx_rows(response.content) == [
        ["名次", "居民编号", "姓名", "社区编号", "网格", "党员", "非户籍", "年度积分"],
        [1, first, "李雷", street.communities["a"], "g1", "是", "否", 17],
        [2, second, "韩梅梅", street.communities["a"], "g1", "否", "是", 5],
    ]
    text = street.call("GET", base + "&format=csv", "staff_a").content.decode("utf-8-sig")
    assert text.splitlines() == [
        "名次,居民编号,姓名,社区编号,网格,党员,非户籍,年度积分",
        f"1,{first},李雷,{street.communities['a']},g1,是,否,17",
        f"2,{second},韩梅梅,{street.communities['a']},g1,否,是,5",
    ]
    households = street.call("GET", f"/rankings/households/export?year={Y}", "staff_a")
    assert xlsx_rows(households.content) == [
        ["名次", "家庭编号", "家庭名称", "社区编号", "年度积分"],
        [1, house, "李家", street.communities["a"], 17],
    ]
    statement = street.call("GET", f"/households/{house}/statement/export?year={Y}", "staff_a")
    rows = xlsx_rows(statement.content)
    assert rows[0][:8] == ["居民编号", "姓名", "日期", "类型", "规则", "类别", "积分", "年度累计"]
    assert [row[2:8] for row in rows[1:]] == [
        ["2025-03-01", "加分", "VOL", "志愿服务", 20, 20],
        ["2025-04-01", "扣分", "LITTER", "扣分", -3, 17],
    ]
    mine = street.call("GET", f"/residents/{second}/annual/export?year={Y}&format=csv", "staff_a")
    assert mine.content.decode("utf-8-sig").splitlines()[1].startswith("2025-03-02,加分,COUNCIL")
    assert street.call("GET", base + "&format=pdf", "staff_a").status_code == 422


def test_disqualification_follows_the_rule_as_it_was_when_the_deduction_was_approved(
    street: Street,
) -> None:
    house, person = household(street, "王家"), street.enrol()
    join(street, house, person, "2025-01-01")
    award(street, person, "VOL", "2025-04-01", 5)
    deduct(street, person, "2025-06-01")
    no_longer = {"disqualifies": False, "cap_year": 99, "reason": "改为不取消评选资格"}
    street.ok("POST", "/rules/LITTER/terms", "admin", no_longer)
    query = f"/rankings/candidates?year={Y}&top=5&community_id={street.communities['a']}"
    result = street.ok("GET", query, "staff_a")
    assert [e["household_id"] for e in result["excluded"]] == [house]
    later = street.enrol(name="李娜")
    join(street, household(street, "李家"), later, "2025-01-01")
    deduct(street, later, "2025-07-01")
    result = street.ok("GET", query, "staff_a")
    assert [e["household_id"] for e in result["excluded"]] == [house]
