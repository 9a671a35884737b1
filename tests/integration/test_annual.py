"""Annual points against each real store: retroactive membership, rebuilds, close under load."""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.services import PROJECTIONS, Services, open_services
from pointsbank.application import Outcome
from pointsbank.domain.common import Actor, DomainError
from pointsbank.domain.community import Community
from pointsbank.domain.resident import Resident
from pointsbank.domain.year import YearClosed
from pointsbank.settings import Settings
from projections.year_replay import reproduce
from tests.conftest import stored_events
from tests.integration.test_ledger import approve, command, enrol, read_models, setup_street

DAYS = [date(2024, 12, 31), date(2025, 1, 1), date(2025, 3, 1), date(2025, 6, 30), date(2025, 7, 1)]
DAYS += [date(2025, 12, 31), date(2026, 1, 1)]


@pytest.fixture
def street(services: Services) -> tuple[Services, Actor]:
    return services, setup_street(services)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Services, Actor, list[UUID]]]:
    """One street for every hypothesis example (each example enrols its own residents)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('annual') / 'db.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_database(f"a{uuid4().hex[:10]}")
    opened = open_services(Settings(database_url=url))
    staff = setup_street(opened)
    houses = []
    for name in ("东家", "西家"):
        outcome = opened.bank.create_household(command(staff), Community.id_for("a"), name)
        houses.append(UUID(outcome.body["household_id"]))
    yield opened, staff, houses
    opened.close()


def expected_totals(services: Services, residents: set[UUID]) -> dict[Any, int]:
    """Household-year points computed straight from the events, the slow and obvious way."""
    entries: dict[UUID, dict[int, tuple[date, int]]] = defaultdict(dict)
    windows: dict[UUID, list[list[Any]]] = defaultdict(list)
    totals: dict[Any, int] = defaultdict(int)
    for e in stored_events(services):
        rid = e.originator_id
        if rid not in residents:
            continue
        if isinstance(e, Resident.PointsAwarded | Resident.PointsDeducted):
            sign = 1 if isinstance(e, Resident.PointsAwarded) else -1
            entries[rid][e.originator_version] = (e.occurred_on, sign * e.points)
        elif isinstance(e, Resident.ApprovalGranted):
            sign = 1 if e.kind == "award" else -1
            entries[rid][e.originator_version] = (e.occurred_on, sign * e.points)
        elif isinstance(e, Resident.PointsCorrected):
            entries[rid][e.originator_version] = (e.occurred_on, e.points)
        elif isinstance(e, Resident.JoinedHousehold):
            windows[rid].append([e.household_id, e.occurred_on, None])
        elif isinstance(e, Resident.LeftHousehold):
            windows[rid][-1][2] = e.occurred_on
    for rid, by_version in entries.items():
        for day, points in by_version.values():
            totals[("resident", rid, day.year)] += points
            for house, joined, left in windows[rid]:
                if joined <= day and (left is None or day < left):
                    totals[("household", house, day.year)] += points
    return totals


def live_totals(services: Services, residents: set[UUID], houses: list[UUID]) -> dict[Any, int]:
    totals: dict[Any, int] = defaultdict(int)
    for row in services.db.query("SELECT resident_id, year, points FROM annual_residents"):
        if UUID(row["resident_id"]) in residents:
            totals[("resident", UUID(row["resident_id"]), row["year"])] += int(row["points"])
    for row in services.db.query(
        "SELECT resident_id, household_id, year, SUM(points) AS points FROM annual_contributions "
        "GROUP BY resident_id, household_id, year"
    ):
        if UUID(row["resident_id"]) in residents:
            totals[("household", UUID(row["household_id"]), row["year"])] += int(row["points"])
    return totals


operations = st.lists(
    st.tuples(
        st.sampled_from(["award", "deduct", "correct", "join", "leave"]),
        st.integers(0, 1),  # which resident
        st.integers(0, len(DAYS) - 1),  # which day
        st.integers(0, 1),  # which household
    ),
    max_size=14,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations)
def test_household_years_follow_membership_even_when_it_is_recorded_late(
    shared: tuple[Services, Actor, list[UUID]], steps: list[tuple[str, int, int, int]]
) -> None:
    services, staff, houses = shared
    bank = services.bank
    people = [enrol(services, staff), enrol(services, staff)]
    for kind, who, day_index, house in steps:
        resident, day = people[who], DAYS[day_index]
        with contextlib.suppress(DomainError):
            if kind == "award":
                bank.award(command(staff), resident, "VOL", 1, day, "")
            elif kind == "deduct":
                request = bank.deduct(command(staff), resident, "FINE", 2, day, "r")
                approve(services, resident, request.body["version"])
            elif kind == "correct":
                versions = sorted(int(v) for v in bank.get(Resident, resident, "r").entries)
                if versions:
                    bank.correct(command(staff), resident, versions[-1], -1, "fix")
            elif kind == "join":
                bank.join_household(command(staff), houses[house], resident, day)
            else:
                bank.leave_household(command(staff), houses[house], resident, day)
    services.projector.catch_up()
    mine = set(people)
    expected = expected_totals(services, mine)
    live = live_totals(services, mine, houses)
    assert {k: v for k, v in live.items() if k[0] == "resident"} == {
        k: v for k, v in expected.items() if k[0] == "resident"
    }
    for house_id in houses:
        for year in (2024, 2025, 2026):
            key = ("household", house_id, year)
            assert live.get(key, 0) == expected.get(key, 0), key


def test_rebuild_equals_live_after_late_memberships_and_a_close(
    street: tuple[Services, Actor],
) -> None:
    services, staff = street
    bank = services.bank
    house = bank.create_household(command(staff), Community.id_for("a"), "王家").body
    house_id = UUID(house["household_id"])
    people = [enrol(services, staff) for _ in range(3)]
    for n, resident in enumerate(people):
        bank.award(command(staff), resident, "VOL", n + 1, date(2025, 5, 1), "")
    request = bank.deduct(command(staff), people[0], "FINE", 1, date(2025, 8, 1), "r")
    approve(services, people[0], request.body["version"])
    for resident in people[:2]:
        bank.join_household(command(staff), house_id, resident, date(2025, 1, 1))
    bank.leave_household(command(staff), house_id, people[1], date(2025, 6, 1))
    services.years.close(command(staff), Community.id_for("a"), 2025)
    services.projector.catch_up()
    before = read_models(services)
    assert before["annual_households"][0]["points"] == 10 + 20 - 1
    assert before["community_years"][0]["closed"] == 1
    services.projector.rebuild()
    assert read_models(services) == before


def test_a_close_racing_awards_freezes_a_reproducible_ranking(
    street: tuple[Services, Actor],
) -> None:
    """Every award dated in the closed year is in the frozen ranking or reported late."""
    services, staff = street
    bank, community = services.bank, Community.id_for("a")
    people = [enrol(services, staff) for _ in range(4)]
    accepted: list[Outcome] = []
    refused: list[YearClosed] = []
    start, lock = threading.Barrier(len(people) + 1), threading.Lock()

    def keep_awarding(resident: UUID) -> None:
        start.wait()
        for _ in range(1000):  # until the close refuses this writer
            try:
                outcome = bank.award(command(staff), resident, "ONE", 1, date(2025, 6, 1), "")
            except YearClosed as refusal:
                with lock:
                    refused.append(refusal)
                return
            else:
                with lock:
                    accepted.append(outcome)

    threads = [threading.Thread(target=keep_awarding, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    start.wait()
    while len(accepted) < 8:
        threading.Event().wait(0.005)
    closed = services.years.close(command(staff), community, 2025).body
    for thread in threads:
        thread.join()
    services.projector.catch_up()
    assert len(refused) == len(people), "every writer is refused once the year is closed"
    up_to = closed["up_to_position"]
    frozen_points = sum(1 for o in accepted if o.position is not None and o.position <= up_to)
    assert closed["summary"]["resident_points"] == frozen_points
    late = services.statements.year_status(str(community), 2025)["late_entries"]
    assert len(late) == len(accepted) - frozen_points
    replay = reproduce(bank, PROJECTIONS, str(community), 2025, up_to)
    assert replay.digest == closed["digest"]
    assert reproduce(bank, PROJECTIONS, str(community), 2025, up_to - 1).digest != closed["digest"]
