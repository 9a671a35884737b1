"""The set-based projector against each real store: whatever the batch size, and whether runs of
events are applied set-based or one event at a time, the read models equal a rebuild."""

from __future__ import annotations

import contextlib
from datetime import date
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.services import PROJECTIONS, Services
from pointsbank.domain.common import Actor, DomainError
from pointsbank.domain.community import Community
from pointsbank.imports import SheetRejected
from pointsbank.registry import PersonalData
from projections.projector import Projector
from tests.integration.test_ledger import (
    approve,
    command,
    correct_some_entry,
    read_models,
    shared_services,
)

__all__ = ["shared_services"]  # the fixture, shared with the ledger's property test

DAYS = [date(2025, 3, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 6, 30)]
steps = st.lists(
    st.tuples(
        st.sampled_from(["award", "award", "deduct", "correct", "join", "leave"]),
        st.integers(0, 2),  # which resident
        st.integers(1, 5),  # quantity, or which entry to correct
        st.sampled_from(DAYS),
    ),
    min_size=1,
    max_size=10,
)
batch_sizes = st.sampled_from([1, 7, 500, 10**6]) | st.integers(2, 40)


def take_step(
    services: Services, staff: Actor, step: tuple[str, int, int, date], household: UUID
) -> None:
    kind, who, quantity, day = step
    bank, resident = services.bank, _residents(services, staff)[who]
    with contextlib.suppress(DomainError):
        if kind == "award":
            bank.award(command(staff), resident, "VOL" if who else "ONE", quantity, day, "")
        elif kind == "deduct":
            request = bank.deduct(command(staff), resident, "FINE", quantity, day, "噪音")
            approve(services, resident, request.body["version"])
        elif kind == "correct":
            correct_some_entry(services, staff, resident, quantity, -1)
        elif kind == "join":
            bank.join_household(command(staff), household, resident, day)
        else:
            bank.leave_household(command(staff), household, resident, day)


_created: dict[int, list[UUID]] = {}


def _residents(services: Services, staff: Actor) -> list[UUID]:
    """Three residents per store, enrolled once and shared by the examples."""
    if id(services) not in _created:
        _created[id(services)] = [
            UUID(
                services.bank.enrol(
                    command(staff), Community.id_for("a"), "g1", False, False, DAYS[0],
                    PersonalData(name="测试"),
                ).body["resident_id"]
            )
            for _ in range(3)
        ]  # fmt: skip
    return _created[id(services)]


def _household(services: Services, staff: Actor) -> UUID:
    found = services.db.query_one("SELECT household_id FROM households")
    if found is not None:
        return UUID(found["household_id"])
    created = services.bank.create_household(command(staff), Community.id_for("a"), "王家")
    return UUID(created.body["household_id"])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps, batch_size=batch_sizes)
def test_projecting_in_any_batch_size_equals_a_rebuild(
    shared_services: tuple[Services, Actor],
    steps: list[tuple[str, int, int, date]],
    batch_size: int,
) -> None:
    services, staff = shared_services
    household = _household(services, staff)
    # One award first, so that no example leaves the statement empty (a vacuous comparison).
    for step in [("award", 0, 1, DAYS[0]), *steps]:
        take_step(services, staff, step, household)
        # Live projection keeps up in uneven batches, as it would under load.
        services.projector.run_once(batch_size)
    services.projector.catch_up(batch_size=batch_size)
    live = tables(services)
    assert live["statement_entries"]
    one_at_a_time = Projector(services.bank, services.db, PROJECTIONS, set_based=False)
    one_at_a_time.rebuild()
    assert tables(services) == live
    services.projector.rebuild(batch_size)
    assert tables(services) == live
    services.projector.rebuild()  # the whole log in one batch
    assert tables(services) == live


def tables(services: Services) -> dict[str, list[str]]:
    """Every read-model table as a sorted list of rows (no order is part of a read model)."""
    return {table: sorted(map(repr, rows)) for table, rows in read_models(services).items()}


sheet_rows = st.lists(
    st.tuples(
        st.integers(0, 2),  # which resident
        st.sampled_from(["ONE", "VOL"]),
        st.sampled_from(DAYS),
        st.integers(1, 3),
    ),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=sheet_rows, bad_row=st.none() | st.integers(0, 40), batch_size=batch_sizes)
def test_a_bulk_import_projected_in_any_batch_size_equals_a_rebuild(
    shared_services: tuple[Services, Actor],
    rows: list[tuple[int, str, date, int]],
    bad_row: int | None,
    batch_size: int,
) -> None:
    """A sheet's events, saved in one bulk transaction, project the same in any batch size;
    a rejected sheet leaves the log and the read models as they were."""
    services, staff = shared_services
    residents = _residents(services, staff)
    lines = ["resident_id,rule_code,occurred_on,quantity"]
    lines += [f"{residents[who]},{rule},{day},{qty}" for who, rule, day, qty in rows]
    if bad_row is not None:  # an unknown rule rejects the whole sheet
        lines.insert(1 + bad_row % len(lines), f"{residents[0]},NOPE,{DAYS[0]},1")
    before = services.bank.recorder.max_notification_id()
    try:
        services.earning.imports.apply(command(staff), "\n".join(lines).encode())
        assert bad_row is None
    except SheetRejected:
        assert bad_row is not None
        assert services.bank.recorder.max_notification_id() == before
    except DomainError:
        pass  # a closed year, or the same sheet again: refused as a whole too
    services.projector.catch_up(batch_size=batch_size)
    live = tables(services)
    services.projector.rebuild(batch_size)
    assert tables(services) == live
