"""Household moves and the residents' look-up against each real store."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from api.services import Services
from pointsbank.domain.common import Actor, DomainError, NotFound, Role
from pointsbank.domain.community import Community
from pointsbank.domain.resident import Resident
from pointsbank.registry import PersonalData
from projections.cards import card_code
from projections.resident_queries import ResidentQueries
from tests.conftest import stored_events
from tests.integration.test_ledger import ADMIN, command, setup_street


def household(services: Services, staff: Actor, name: str, community: str = "a") -> UUID:
    outcome = services.bank.create_household(command(staff), Community.id_for(community), name)
    return UUID(outcome.body["household_id"])


def resident(services: Services, staff: Actor, **personal: str) -> UUID:
    data = PersonalData(name=personal.pop("name", "测试"), **personal)
    outcome = services.bank.enrol(
        command(staff), Community.id_for("a"), "g1", False, False, date(2025, 1, 1), data
    )
    return UUID(outcome.body["resident_id"])


def test_a_move_leaves_and_joins_on_one_day_in_one_save(services: Services) -> None:
    staff = setup_street(services)
    services.bank.register_community(command(ADMIN), "b", "社区b")
    other_staff = Actor("staff-b", Role.STAFF, Community.id_for("b"))
    east, west = household(services, staff, "1栋101"), household(services, staff, "1栋102")
    elsewhere = household(services, other_staff, "9栋909", "b")
    mover = resident(services, staff)
    services.bank.join_household(command(staff), east, mover, date(2026, 1, 1))
    services.bank.award(command(staff), mover, "VOL", 1, date(2026, 3, 1), "")
    services.bank.move_household(command(staff), mover, west, date(2026, 6, 1))
    services.bank.award(command(staff), mover, "VOL", 2, date(2026, 7, 1), "")

    events = [e for e in stored_events(services) if e.originator_id == mover]
    left, joined = events[-3], events[-2]
    assert isinstance(left, Resident.LeftHousehold) and left.household_id == east
    assert isinstance(joined, Resident.JoinedHousehold) and joined.household_id == west
    assert left.occurred_on == joined.occurred_on == date(2026, 6, 1)
    assert joined.originator_version == left.originator_version + 1

    before = len(stored_events(services))
    for target, refusal in ((elsewhere, NotFound), (west, DomainError)):
        with pytest.raises(refusal):  # another community's household is unknown; same one refused
            services.bank.move_household(command(staff), mover, target, date(2026, 8, 1))
    assert len(stored_events(services)) == before  # neither half of a refused move is written

    services.projector.catch_up()
    queries = ResidentQueries(services.db)
    assert queries.household_points(east, 2026)[0] == 10
    assert queries.household_points(west, 2026)[0] == 20
    members = services.queries.household(east)["members"]  # type: ignore[index]
    assert [(m["joined_on"], m["left_on"]) for m in members] == [("2026-01-01", "2026-06-01")]
    assert queries.resident(mover)["household_id"] == str(west)  # type: ignore[index]


def test_the_look_up_finds_by_id_card_tail_door_number_and_card_code(services: Services) -> None:
    staff = setup_street(services)
    community = Community.id_for("a")
    home = household(services, staff, "3栋2单元501")
    card = "11010519491231002X"
    found = resident(services, staff, name="李卡", phone="13700001111", id_card=card)
    resident(services, staff, name="王其他", phone="13900002222")
    services.bank.join_household(command(staff), home, found, date(2026, 1, 1))
    services.projector.catch_up()
    code = card_code(found)
    for text in ("002x", "2单元501", code, code.lower(), f"PB-{code[:4]}-{code[4:]}", str(found)):
        rows = services.queries.find_residents(community, text)  # the counter's look-up
        assert [r["name"] for r in rows] == ["李卡"], text
        assert [r["name"] for r in ResidentQueries(services.db).search(community, text)] == ["李卡"]
    assert services.queries.find_residents(community, "00000000") == []
    same = ResidentQueries(services.db).duplicates(community, None, "11010519491231002x")
    assert [r["name"] for r in same] == ["李卡"]
    assert ResidentQueries(services.db).duplicates(Community.id_for("b"), "13700001111", None) == []
