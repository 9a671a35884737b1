"""The public notice (公示) against each real store: the lifecycle replays from the log, the
year close freezes the final list (and waits while a notice runs), and erasing a resident
removes the words of their objections from the database files while the audit still verifies."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from api.auditing import verify_all
from api.services import PROJECTIONS, Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import Actor, Conflict, NotFound, Role
from pointsbank.domain.community import Community
from pointsbank.domain.notice import Notice
from pointsbank.domain.year import YearClosed
from pointsbank.registry import PersonalData
from projections.replay import replay
from tests.e2e.test_erasure import _pieces, _store_files
from tests.integration.test_ledger import ADMIN, setup_street
from tests.refusals import raises_refusal

PUBLISHED = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
WORDS = "异议理由：邻居甲乙丙丁长期占用楼道"


@dataclass
class Street:
    services: Services
    staff: Actor
    households: list[UUID]
    residents: list[UUID]

    def cmd(self, actor: Actor, days: float = 0, key: str | None = None) -> Command:
        at = PUBLISHED + timedelta(days=days)
        return Command(self.services.context(actor, at), key or str(uuid.uuid4()), "f")

    def resident(self, index: int) -> Actor:
        return Actor(
            f"resident-{index}", Role.RESIDENT, self.staff.community_id, self.residents[index]
        )

    def publish(self, days: int = 7) -> Outcome:
        return self.services.notices.publish(self.cmd(self.staff), self.community, 2025, days)

    def object(self, who: int, household: int, days: float = 1, key: str | None = None) -> Outcome:
        cmd = self.cmd(self.resident(who), days, key)
        return self.services.notices.object(cmd, 2025, self.households[household], WORDS)

    @property
    def community(self) -> UUID:
        return Community.id_for("a")


@pytest.fixture
def street(services: Services) -> Street:
    return build_street(services)


def build_street(services: Services) -> Street:
    """Three households of one resident each, with 2025 points 3, 2 and 1."""
    staff = setup_street(services)
    bank, early = services.bank, datetime(2025, 1, 2, 2, 0, tzinfo=UTC)

    def cmd() -> Command:
        return Command(services.context(staff, early), str(uuid.uuid4()), "f")

    households, residents = [], []
    for n in range(3):
        made = bank.create_household(cmd(), Community.id_for("a"), f"王家（{n + 1}号）")
        household = UUID(made.body["household_id"])
        person = PersonalData(name=f"王小{n}", phone=f"1390000000{n}")
        enrolled = bank.enrol(
            cmd(), Community.id_for("a"), "g1", False, False, date(2025, 1, 2), person
        )
        resident = UUID(enrolled.body["resident_id"])
        bank.join_household(cmd(), household, resident, date(2025, 1, 2))
        bank.award(cmd(), resident, "ONE", 3 - n, date(2025, 1, 2), "")
        households.append(household)
        residents.append(resident)
    services.projector.catch_up()
    return Street(services, staff, households, residents)


def test_a_notice_runs_to_its_final_list_which_the_year_close_freezes(street: Street) -> None:
    services, staff = street.services, street.staff
    published = street.publish()
    assert published.body["households"] == [str(h) for h in street.households]
    objection = UUID(street.object(0, 1).body["objection_id"])
    street.object(1, 2)
    notices = services.notices
    found = notices.record_finding(
        street.cmd(staff, 2), street.community, 2025, objection, True, "属实"
    )
    assert found.body["removed"] == [str(street.households[1])]
    with raises_refusal(Conflict, "conflict.notice-period-running"):
        notices.finalise(street.cmd(staff, 6), street.community, 2025)
    with raises_refusal(Conflict, "conflict.notice-open-objections"):
        notices.finalise(street.cmd(staff, 8), street.community, 2025)
    other = next(o for o in notices.find(street.community, 2025).open_objections())  # type: ignore[union-attr]
    notices.record_finding(
        street.cmd(staff, 8), street.community, 2025, UUID(other["objection_id"]), False, "积分属实"
    )
    final = notices.finalise(street.cmd(staff, 8), street.community, 2025)
    assert final.body["final"] and final.body["households"] == [
        str(street.households[i]) for i in (0, 2)
    ]

    closed = services.years.close(street.cmd(staff, 9), street.community, 2025)
    frozen = closed.body["summary"]["final_list"]
    assert [h["household_id"] for h in frozen["households"]] == final.body["households"]
    services.projector.catch_up()
    assert (
        services.statements.year_status(str(street.community), 2025)["summary"]["final_list"]
        == frozen
    )
    with raises_refusal(YearClosed, "year-closed"):
        notices.record_finding(
            street.cmd(staff, 10), street.community, 2025, objection, False, "再议"
        )

    reloaded: Notice = services.bank.repository.get(Notice.id_for(street.community, 2025))
    assert (
        reloaded.final
        and [h["household_id"] for h in reloaded.final_list()] == (final.body["households"])
    )
    services.chain.catch_up()
    assert verify_all(services).ok
    replayed = replay(services.bank, services.db, PROJECTIONS)  # the read model, from the log
    assert replayed.ok and replayed.rows["notices"] == 1
    assert (replayed.rows["notice_households"], replayed.rows["notice_objection_states"]) == (3, 2)
    row = services.notice_queries.notice(str(street.community), 2025)
    assert row is not None and row["final"]
    assert [h["removed_reason"] for h in row["households"]] == [None, "属实", None]
    assert [o["upheld"] for o in row["objections"]] == [True, False]


def test_closing_the_year_waits_while_its_notice_runs(street: Street) -> None:
    street.publish()
    with raises_refusal(Conflict, "conflict.notice-not-final"):
        street.services.years.close(street.cmd(street.staff, 9), street.community, 2025)


def test_publishing_is_refused_twice_and_after_the_year_closed(street: Street) -> None:
    street.publish()
    with raises_refusal(Conflict, "conflict.notice-published"):
        street.publish()
    services = street.services
    services.years.close(street.cmd(street.staff, 1), street.community, 2024)
    with raises_refusal(YearClosed, "year-closed"):
        services.notices.publish(street.cmd(street.staff, 1), street.community, 2024, 7)


def test_an_objection_is_kept_once_per_key_and_another_community_sees_no_notice(
    street: Street,
) -> None:
    street.publish()
    first = street.object(0, 1, key="same")
    again = street.object(0, 1, key="same")
    assert again.replayed and again.body == first.body
    notice_id = Notice.id_for(street.community, 2025)
    assert list(street.services.registry.objection_reasons(notice_id).values()) == [WORDS]
    outsider = Actor("resident-x", Role.RESIDENT, uuid.uuid4(), street.residents[0])
    with raises_refusal(NotFound, "not-found.resident"):
        street.services.notices.object(street.cmd(outsider, 1), 2025, street.households[1], WORDS)
    staff_b = Actor("staff-b", Role.STAFF, uuid.uuid4())
    with raises_refusal(NotFound, "not-found.notice"):
        street.services.notices.finalise(street.cmd(staff_b, 9), street.community, 2025)


def test_erasing_a_resident_removes_their_objections_words_from_the_store(
    street: Street, request: pytest.FixtureRequest
) -> None:
    services = street.services
    street.publish()
    street.object(0, 1)
    assert _found(services, request)  # the probe sees the words before erasure
    services.bank.erase_personal_data(street.cmd(ADMIN, 2), street.residents[0])
    assert not _found(services, request)
    notice_id = Notice.id_for(street.community, 2025)
    assert list(services.registry.objection_reasons(notice_id).values()) == ["(已删除)"]
    services.chain.catch_up()
    assert verify_all(services).ok


def _found(services: Services, request: pytest.FixtureRequest) -> bool:
    files = [f for f in _store_files(services, request) if f.is_file()]
    return any(piece in f.read_bytes() for f in files for piece in _pieces(WORDS))


def test_objections_lodged_at_once_are_all_recorded_with_their_words(street: Street) -> None:
    street.publish()
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda n: street.object(n % 3, n % 3), range(6)))
    ids = {o.body["objection_id"] for o in outcomes}
    notice = street.services.notices.find(street.community, 2025)
    assert notice is not None and set(notice.objections) == ids and len(ids) == 6
    reasons = street.services.registry.objection_reasons(notice.id)
    assert set(reasons) == ids and set(reasons.values()) == {WORDS}
