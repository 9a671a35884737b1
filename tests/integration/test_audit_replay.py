"""Replay and diff, point-in-time views and verifiable exports, on each real store."""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.auditing import sign_head
from api.services import PROJECTIONS, Services
from pointsbank.application import Command
from pointsbank.digests import generate_key
from pointsbank.domain.common import Actor, Context, DomainError
from pointsbank.domain.community import Community
from pointsbank.exports import verify_export
from projections.audit_queries import AsOf
from projections.export import export_lines
from projections.replay import replay
from tests.integration.test_ledger import (
    TODAY,
    command,
    correct_some_entry,
    enrol,
    setup_street,
    shared_services,  # noqa: F401
)

steps = st.lists(
    st.tuples(
        st.sampled_from(["enrol", "award", "deduct", "correct", "household"]),
        st.integers(0, 40),
        st.integers(-300, 300),
    ),
    min_size=1,
    max_size=10,
)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(workload=steps)
def test_replay_after_a_random_workload_equals_live(
    shared_services: tuple[Services, Actor],  # noqa: F811 (the fixture imported above)
    workload: list[tuple[str, int, int]],
) -> None:
    services, staff = shared_services
    residents = [enrol(services, staff)]
    for kind, number, delta in workload:
        with contextlib.suppress(DomainError):
            _step(services, staff, residents, kind, number, delta)
    services.projector.catch_up()
    report = replay(services.bank, services.db, PROJECTIONS)
    assert report.ok, report.shown
    live = {t: len(services.queries.table_rows(t)) for p in PROJECTIONS for t in p.tables}
    assert report.rows == live and live["residents"] >= 1
    assert report.position == services.projector.position()


def _step(
    services: Services, staff: Actor, residents: list[UUID], kind: str, number: int, delta: int
) -> None:
    bank, resident = services.bank, residents[number % len(residents)]
    if kind == "enrol":
        residents.append(enrol(services, staff))
    elif kind == "award":
        bank.award(command(staff), resident, "ONE", 1 + number, TODAY, "")
    elif kind == "deduct":
        bank.deduct(command(staff), resident, "FINE", 1 + number, TODAY, "r")
    elif kind == "correct":
        correct_some_entry(services, staff, resident, number, delta)
    else:
        made = bank.create_household(command(staff), Community.id_for("a"), f"户{number}")
        bank.join_household(command(staff), UUID(made.body["household_id"]), resident, TODAY)


def test_replay_reports_a_live_read_model_that_drifted(services: Services) -> None:
    staff = setup_street(services)
    resident = enrol(services, staff)
    services.bank.award(command(staff), resident, "VOL", 2, TODAY, "")
    services.projector.catch_up()
    assert replay(services.bank, services.db, PROJECTIONS).ok
    services.db.execute("UPDATE residents SET balance = balance + 1")
    services.db.execute("DELETE FROM actor_activity WHERE event = 'Rule.Defined'")
    report = replay(services.bank, services.db, PROJECTIONS)
    assert not report.ok
    assert report.differing["residents"] == 2 and report.differing["actor_activity"] == 3
    sides = {(table, side.split()[0]) for table, side, _ in report.shown}
    assert ("residents", "live") in sides and ("actor_activity", "replay") in sides


def at(hours: int) -> datetime:
    return datetime(2026, 11, 20, tzinfo=UTC) + timedelta(hours=hours)


def command_at(actor: Actor, moment: datetime) -> Command:
    ctx = Context(actor=actor, at=moment, today=TODAY)
    return Command(ctx=ctx, key=str(uuid4()), fingerprint="f")


def test_balance_and_statement_as_of_a_position_or_a_moment(services: Services) -> None:
    staff = setup_street(services)
    resident = enrol(services, staff)
    outcomes = [
        services.bank.award(command_at(staff, at(hour)), resident, "VOL", 1, TODAY, "")
        for hour in (1, 2, 3)
    ]
    services.projector.catch_up()
    audit = services.audit
    second = outcomes[1].position
    assert second is not None
    assert _balance(audit.balance_as_of(resident, AsOf(position=second))) == 20
    assert _balance(audit.balance_as_of(resident, AsOf(position=second - 1))) == 10
    assert _balance(audit.balance_as_of(resident, AsOf(at=at(2) + timedelta(minutes=30)))) == 20
    assert _balance(audit.balance_as_of(resident, AsOf(at=at(3)))) == 30
    assert _balance(audit.balance_as_of(resident, AsOf(at=at(0)))) == 0
    entries = audit.statement_as_of(resident, AsOf(at=at(2)))
    assert [e["balance_after"] for e in entries] == [10, 20]


def _balance(row: dict[str, Any] | None) -> int:
    assert row is not None
    return int(row["balance"])


def _export(services: Services, **options: Any) -> list[str]:
    services.chain.catch_up()
    return list(export_lines(services.bank, services.db, "示范街道", **options))


def test_an_export_verifies_offline_and_any_alteration_is_rejected(
    services: Services, tmp_path: Path
) -> None:
    staff = setup_street(services)
    residents = [enrol(services, staff) for _ in range(3)]
    for i in range(6):
        services.bank.award(command(staff), residents[i % 3], "VOL", 1, TODAY, "")
    services.settings.signing_key = str(tmp_path / "key.pem")
    public = generate_key(tmp_path / "key.pem")
    digest = sign_head(services)
    lines = _export(services)
    check = verify_export(lines, public)
    assert check.ok and check.contiguous and check.anchored_at == [digest.position]
    assert check.events == digest.position
    for altered in _alterations(lines):
        assert not verify_export(altered, public).ok
    assert not verify_export(lines, "00" * 32).ok


def _alterations(lines: list[str]) -> list[list[str]]:
    """A changed byte, the same with a new hash, a dropped line and two swapped lines."""
    events = [json.loads(line) for line in lines[1:-1]]
    flipped = dict(events[4])
    state = bytearray(base64.b64decode(flipped["state"]))
    state[0] ^= 1
    flipped["state"] = base64.b64encode(bytes(state)).decode()
    rehashed = dict(flipped, hash="ab" * 32)
    variants = []
    for replacement in (flipped, rehashed):
        copy = list(lines)
        copy[5] = json.dumps(replacement)
        variants.append(copy)
    variants.append(lines[:5] + lines[6:])
    variants.append([*lines[:5], lines[6], lines[5], *lines[7:]])
    return variants


def test_a_community_export_holds_only_its_events_and_each_verifies(services: Services) -> None:
    staff = setup_street(services)
    resident = enrol(services, staff)
    services.bank.award(command(staff), resident, "VOL", 1, TODAY, "")
    services.projector.catch_up()
    community = Community.id_for("a")
    lines = _export(services, community=community)
    check = verify_export(lines, None)
    assert check.ok and not check.contiguous
    ids = {json.loads(line)["originator_id"] for line in lines[1:]}
    assert ids == {str(community), str(resident)}
    assert check.events == 4  # registered, grid added, enrolled, awarded


def test_activity_of_an_actor_between_dates(services: Services) -> None:
    staff = setup_street(services)
    resident = enrol(services, staff)
    services.bank.award(command_at(staff, at(30)), resident, "VOL", 1, TODAY, "")
    services.projector.catch_up()
    day = datetime(2026, 11, 21, tzinfo=UTC)
    rows = services.audit.activity(staff.user_id, day, day + timedelta(days=1))
    assert [r["event"] for r in rows] == ["Resident.PointsAwarded"]
    everything = services.audit.activity(staff.user_id, at(-100), at(100))
    assert [r["event"] for r in everything] == ["Resident.Enrolled", "Resident.PointsAwarded"]
    assert services.audit.activity("someone-else", at(-100), at(100)) == []
    assert date.fromisoformat(rows[0]["occurred_on"]) == TODAY
