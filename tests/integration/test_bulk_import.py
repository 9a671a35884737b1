"""Sheets against each real store: 20,000 rows land exactly once, or none of them; a bulk
import writes what the same rows awarded one by one write; bulk loading equals the repository."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.services import Services
from pointsbank.bulk_load import load_many
from pointsbank.domain.common import Actor, Role
from pointsbank.domain.resident import Resident
from pointsbank.domain.terms import Terms
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


def entries_of(services: Services, resident: UUID) -> list[tuple[Any, ...]]:
    """A resident's events as facts, without ids or recording times."""
    events = services.bank.repository.event_store.get(resident)
    return [
        (type(e).__name__, *(getattr(e, f, None) for f in FACTS))
        for e in events
        if type(e).__name__ != "Enrolled"
    ]


FACTS = ("rule_code", "quantity", "points", "occurred_on", "reason", "kind", "actor_id")


def test_a_bulk_import_equals_the_same_rows_awarded_one_by_one(services: Services) -> None:
    """Caps and approval thresholds apply per row, as they do to single awards: the same
    events (pending requests above the threshold), the same balances."""
    staff, residents = prepared(services)
    admin = Actor("admin", Role.ADMIN, None)
    services.earning.rules.configure(
        command(admin), "VOL", Terms(cap_month=200, approval_above=20), "上限与审核"
    )
    rows = [(i % 4, "VOL" if i % 2 else "ONE", date(2026, 1 + i % 3, 10), 1 + i % 3)
            for i in range(60)]  # fmt: skip
    bulk, slow = residents[:4], residents[4:8]
    lines = ["resident_id,rule_code,occurred_on,quantity"]
    lines += [f"{bulk[who]},{rule},{day},{qty}" for who, rule, day, qty in rows]
    for who, rule, day, qty in rows:
        services.bank.award(command(staff), slow[who], rule, qty, day, "")
    outcome = services.earning.imports.apply(command(staff), "\n".join(lines).encode())
    assert outcome.status == 201 and outcome.body["rows"] == len(rows)
    assert any(e["pending"] for e in outcome.body["entries"])  # 3 × 10 points is above 20
    services.projector.catch_up()
    for b, s in zip(bulk, slow, strict=True):
        assert entries_of(services, b) == entries_of(services, s)
        assert services.queries.balance(b) is not None
        assert _balance(services, b) == _balance(services, s)


def test_a_row_past_a_cap_rejects_the_whole_sheet(services: Services) -> None:
    staff, residents = prepared(services)
    admin = Actor("admin", Role.ADMIN, None)
    services.earning.rules.configure(command(admin), "VOL", Terms(cap_day=20), "日上限")
    before = event_count(services)
    lines = ["resident_id,rule_code,occurred_on,quantity"]
    lines += [f"{residents[0]},VOL,2026-03-01,1"] * 2 + [f"{residents[0]},VOL,2026-03-01,1"]
    with pytest.raises(SheetRejected) as rejected:
        services.earning.imports.apply(command(staff), "\n".join(lines).encode())
    assert [e["row"] for e in rejected.value.extra["errors"]] == [4]
    assert event_count(services) == before


def test_bulk_loading_equals_loading_one_by_one(services: Services) -> None:
    """Past a snapshot too: a resident with more events than the snapshotting interval."""
    staff, residents = prepared(services)
    for n in range(130):
        services.bank.award(command(staff), residents[0], "ONE", 1, date(2026, 5, 1), str(n))
    services.bank.award(command(staff), residents[1], "ONE", 2, date(2026, 5, 2), "")
    unknown = uuid4()
    loaded = load_many(services.bank, [*residents[:5], unknown, residents[0]])
    assert set(loaded) == set(residents[:5])
    for resident in residents[:5]:
        one: Resident = services.bank.repository.get(resident)
        assert loaded[resident].__dict__ == one.__dict__
    assert loaded[residents[0]].version == 131


def _balance(services: Services, resident: UUID) -> Any:
    row = services.queries.balance(resident)
    assert row is not None
    return {k: v for k, v in row.items() if k != "resident_id"}


def test_the_same_large_sheet_imported_twice_at_once_lands_once(services: Services) -> None:
    """Two staff sessions upload the same 2,000-row sheet at the same moment (a bulk save:
    COPY through staging on PostgreSQL): one applies it, the other is told it already was."""
    staff, residents = prepared(services)
    lines = ["resident_id,rule_code,occurred_on,quantity"]
    lines += [f"{residents[i % 40]},ONE,2026-04-{1 + i % 28:02d},1" for i in range(2000)]
    content = "\n".join(lines).encode()
    before = event_count(services)
    start = threading.Barrier(2)

    def upload() -> str:
        start.wait()
        try:
            return str(services.earning.imports.apply(command(staff), content).status)
        except SheetAlreadyImported:
            return "already"

    with ThreadPoolExecutor(2) as pool:
        answers = sorted(pool.map(lambda _: upload(), range(2)))
    assert answers == ["201", "already"]
    assert event_count(services) == before + 2000 + 2  # the rows, the sheet, one key record
