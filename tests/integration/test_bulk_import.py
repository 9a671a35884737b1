"""A large sheet against each real store: 20,000 rows land exactly once, or none of them."""

from __future__ import annotations

from uuid import UUID

import pytest

from api.services import Services
from pointsbank.domain.common import Actor
from pointsbank.imports import SheetAlreadyImported, SheetRejected
from tests.conftest import event_count
from tests.integration.test_ledger import command, enrol, setup_street

ROWS = 20_000


def sheet(residents: list[UUID], bad_row: int | None = None) -> bytes:
    lines = ["居民,规则,日期,数量"]
    for i in range(ROWS):
        rule = "NOPE" if i + 2 == bad_row else "ONE"
        lines.append(f"{residents[i % len(residents)]},{rule},2026-{1 + i % 10:02d}-15,{1 + i % 3}")
    return "\n".join(lines).encode()


def prepared(services: Services) -> tuple[Actor, list[UUID]]:
    staff = setup_street(services)
    return staff, [enrol(services, staff) for _ in range(40)]


def test_a_20000_row_sheet_lands_every_row_exactly_once(services: Services) -> None:
    staff, residents = prepared(services)
    content = sheet(residents)
    outcome = services.earning.imports.apply(command(staff), content)
    assert outcome.status == 201 and outcome.body["rows"] == ROWS
    services.projector.catch_up()
    rows = services.db.query(
        "SELECT resident_id, COUNT(*) AS n, SUM(points) AS points FROM statement_entries "
        "GROUP BY resident_id"
    )
    assert sum(r["n"] for r in rows) == ROWS
    assert sum(r["points"] for r in rows) == sum(1 + i % 3 for i in range(ROWS))
    before = event_count(services)
    with pytest.raises(SheetAlreadyImported):
        services.earning.imports.apply(command(staff), content)
    assert event_count(services) == before


def test_one_bad_row_in_20000_applies_none(services: Services) -> None:
    staff, residents = prepared(services)
    before = event_count(services)
    with pytest.raises(SheetRejected) as rejected:
        services.earning.imports.apply(command(staff), sheet(residents, bad_row=15_000))
    assert [e["row"] for e in rejected.value.extra["errors"]] == [15_000]
    assert event_count(services) == before
