"""我的积分's reads on both stores: whose records a resident may read, the household's place in
the community, and the newest statement entries first."""

from __future__ import annotations

from uuid import UUID

from api.services import Services
from pointsbank.domain.community import Community
from projections.me_queries import MyPoints
from tests.integration.test_ledger import TODAY, command, enrol, setup_street


def test_circle_place_and_newest_entries(services: Services) -> None:
    staff = setup_street(services)
    bank, community = services.bank, Community.id_for("a")
    me, member, neighbour, alone = (enrol(services, staff) for _ in range(4))
    households: list[UUID] = []
    for people in ((me, member), (neighbour,)):
        made = bank.create_household(command(staff), community, f"{len(households)}号")
        households.append(UUID(made.body["household_id"]))
        for person in people:
            bank.join_household(command(staff), households[-1], person, TODAY)
    for person, rule, times in ((me, "ONE", 2), (neighbour, "VOL", 1), (alone, "VOL", 3)):
        for _ in range(times):
            bank.award(command(staff), person, rule, 1, TODAY, "")
    services.projector.catch_up()
    reads = MyPoints(services.db)
    assert {row["resident_id"] for row in reads.circle(me)} == {str(me), str(member)}
    assert reads.circle(me)[0]["resident_id"] == str(me)
    assert [reads.may_read(me, x) for x in (me, member, neighbour, alone)] == [
        True, True, False, False,
    ]
    assert reads.may_read(alone, alone) and not reads.may_read(alone, me)
    assert reads.household_place(households[1], TODAY.year) == (10, 1)
    assert reads.household_place(households[0], TODAY.year) == (2, 2)
    latest = reads.latest(me, 5)
    assert [e["version"] for e in latest] == sorted((e["version"] for e in latest), reverse=True)
    assert latest[0]["rule_name"] == "一分"
    assert [e["version"] for e in reads.statement(me, 0, 5)] == sorted(
        e["version"] for e in latest
    )
