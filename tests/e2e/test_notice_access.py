"""Who reads what of a public notice (公示) over the pages: a resident sees the masked list and
the words of their own objections only; staff see every objection; other roles and another
community's staff see nothing of it."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from api.services import Services
from pointsbank.domain.common import Role
from tests.accounts_helpers import open_account, sign_in
from tests.integration.test_notices import WORDS, build_street


def test_a_resident_reads_the_masked_list_and_only_their_own_objections(
    client: TestClient, services: Services
) -> None:
    street = build_street(services)
    street.publish()
    street.object(0, 1)
    for n in (0, 1):
        open_account(services, f"ju.min{n}", Role.RESIDENT, "a", street.residents[n])
    open_account(services, "staff.a", Role.STAFF, "a")

    sign_in(client, "ju.min0")
    own = client.get("/ui/notice?year=2025").text
    assert WORDS in own and "王*0" in own and "王小0" not in own and "王家（2号）" in own

    sign_in(client, "ju.min1")
    other = client.get("/ui/notice?year=2025").text
    assert "王*1" in other and WORDS not in other
    assert client.get("/ui/notices?year=2025").status_code == 403

    sign_in(client, "staff.a")
    staff = client.get("/ui/notices?year=2025").text
    assert WORDS in staff and "王小0" in staff  # the author, for the finding
    assert client.get("/ui/notice").status_code == 403


def test_the_years_page_shows_the_final_list_frozen_with_the_year(
    client: TestClient, services: Services
) -> None:
    street = build_street(services)
    street.publish()
    objection = uuid.UUID(street.object(0, 1).body["objection_id"])
    notices, community = services.notices, street.community
    notices.record_finding(street.cmd(street.staff, 2), community, 2025, objection, True, "属实")
    notices.finalise(street.cmd(street.staff, 8), community, 2025)
    services.years.close(street.cmd(street.staff, 9), community, 2025)
    services.projector.catch_up()
    open_account(services, "staff.a", Role.STAFF, "a")
    sign_in(client, "staff.a")
    page = client.get("/ui/years?year=2025").text
    assert "文明家庭定稿名单（2 户）已随年度冻结：王家（1号）、王家（3号）" in page
