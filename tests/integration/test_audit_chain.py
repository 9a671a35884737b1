"""The hash chain on each real store: tampering by direct SQL is detected, naming the position."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from api.auditing import sign_head, verify_all
from api.services import Services
from pointsbank.chain import GENESIS, Record, link
from pointsbank.digests import generate_key, load_key, sign
from pointsbank.domain.common import Actor, Conflict, Role
from pointsbank.domain.community import Community
from projections.chain import chain_rows, log_records, store_digest
from tests.integration.tamper import Attacker
from tests.integration.test_ledger import TODAY, command, enrol, setup_street


def history(services: Services, awards: int = 6) -> list[int]:
    """A few residents with awards, chained; returns the log positions."""
    staff = setup_street(services)
    residents = [enrol(services, staff) for _ in range(2)]
    for i in range(awards):
        services.bank.award(command(staff), residents[i % 2], "VOL", 1 + i, TODAY, "")
    services.chain.catch_up()
    return [r.position for r in log_records(services.bank)]


def test_an_untouched_log_verifies_and_the_chain_follows_the_documented_encoding(
    services: Services,
) -> None:
    positions = history(services)
    result = verify_all(services)
    assert result.ok and result.checked == len(positions) and result.unchained == 0
    previous = GENESIS
    for record, (position, stored) in zip(
        log_records(services.bank), chain_rows(services.db), strict=True
    ):
        previous = link(previous, record)
        assert (record.position, previous) == (position, stored)
    assert services.chain.head() == (positions[-1], previous)


def test_the_chain_keeps_up_with_new_events(services: Services) -> None:
    positions = history(services)
    staff = Actor("staff-1", Role.STAFF, Community.id_for("a"))
    services.bank.award(command(staff), enrol(services, staff), "VOL", 1, TODAY, "")
    assert verify_all(services).unchained == 4  # enrolment and award, each with its key
    services.chain.catch_up()
    result = verify_all(services)
    assert result.ok and result.unchained == 0 and result.head_position > positions[-1]


Tamper = Callable[[Attacker, list[int]], int]


def _flip(attacker: Attacker, positions: list[int]) -> int:
    attacker.flip_byte(positions[5])
    return positions[5]


def _delete(attacker: Attacker, positions: list[int]) -> int:
    attacker.delete(positions[7])
    return positions[7]


def _insert(attacker: Attacker, positions: list[int]) -> int:
    attacker.insert_forged(0, like=positions[-1])
    return 0


def _swap(attacker: Attacker, positions: list[int]) -> int:
    attacker.swap(positions[4], positions[9])
    return positions[4]


def _truncate(attacker: Attacker, positions: list[int]) -> int:
    attacker.delete(*positions[-3:])
    return positions[-3]


@pytest.mark.parametrize(
    "tamper",
    [_flip, _delete, _insert, _swap, _truncate],
    ids=["change-one-byte", "delete", "insert-forged", "swap-two", "truncate-tail"],
)
def test_tampering_with_the_log_is_detected_at_its_position(
    services: Services, tamper: Tamper
) -> None:
    positions = history(services)
    assert verify_all(services).ok
    expected = tamper(Attacker(services), positions)
    result = verify_all(services)
    assert not result.ok
    assert result.failed_position == expected, result.failure


def test_a_forged_event_appended_after_the_head_is_reported_as_unchained(
    services: Services,
) -> None:
    positions = history(services)
    Attacker(services).insert_forged(positions[-1] + 1000, like=positions[-1])
    result = verify_all(services)
    assert result.ok and result.unchained == 1


def test_rewriting_log_and_chain_together_is_caught_by_the_signed_digest(
    services: Services, tmp_path: Path
) -> None:
    positions = history(services)
    services.settings.signing_key = str(tmp_path / "key.pem")
    generate_key(tmp_path / "key.pem")
    digest = sign_head(services)
    assert digest.position == positions[-1] and verify_all(services).ok
    attacker = Attacker(services)
    attacker.flip_byte(positions[3])
    _rechain(services)
    result = verify_all(services)
    assert result.failed_position == positions[-1] and "signed head" in (result.failure or "")


def _rechain(services: Services) -> None:
    """What a thorough attacker does next: recompute the public chain over the altered log."""
    previous, rows = GENESIS, []
    for record in log_records(services.bank):
        previous = link(previous, record)
        rows.append((previous, record.position))
    with services.db.transaction() as cur:
        cur.executemany("UPDATE audit_chain SET hash = ? WHERE position = ?", rows)


def test_altered_and_forged_digests_are_rejected(services: Services, tmp_path: Path) -> None:
    positions = history(services)
    services.settings.signing_key = str(tmp_path / "key.pem")
    generate_key(tmp_path / "key.pem")
    digest = sign_head(services, positions[5])
    altered = replace(digest, head=link(digest.head, _any_record()))
    result = verify_all(services, [altered])
    assert result.failed_position == positions[5] and "signature" in (result.failure or "")

    generate_key(tmp_path / "attacker.pem")
    forged = sign(load_key(tmp_path / "attacker.pem"), "示范街道", 3, GENESIS, "2026-01-01")
    store_digest(services.db, forged)
    result = verify_all(services)
    assert result.failed_position == 3 and "published key" in (result.failure or "")


def _any_record() -> Record:
    return Record(1, "00000000-0000-0000-0000-000000000000", 1, "t", b"")


def test_signing_refuses_a_chain_that_fails(services: Services, tmp_path: Path) -> None:
    positions = history(services)
    services.settings.signing_key = str(tmp_path / "key.pem")
    generate_key(tmp_path / "key.pem")
    Attacker(services).flip_byte(positions[2])
    with pytest.raises(Conflict, match=str(positions[2])):
        sign_head(services)
