"""What a command reads, on both stores: the snapshot store is asked only about kinds that
snapshot (residents, goods), not about the idempotency record and the community year every
award looks up, mostly absent; and a resident loaded cold still starts from its snapshot."""

from __future__ import annotations

from typing import Any

import pytest

from api.services import Services
from pointsbank.domain.resident import Resident
from tests.integration.test_ledger import TODAY, command, enrol, setup_street


def count_snapshot_reads(services: Services, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    snapshots = services.bank.snapshots
    assert snapshots is not None
    asked: list[Any] = []
    get = snapshots.get

    def counted(originator_id: Any, **kwargs: Any) -> Any:
        asked.append(originator_id)
        return get(originator_id, **kwargs)

    monkeypatch.setattr(snapshots, "get", counted)
    return asked


def award(services: Services, staff: Any, resident: Any) -> None:
    services.bank.award(command(staff), resident, "ONE", 1, TODAY, "")


def test_an_award_asks_the_snapshot_store_nothing_about_keys_and_years(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = setup_street(services)
    resident = enrol(services, staff)
    award(services, staff, resident)  # the resident and the rule are now in the cache
    asked = count_snapshot_reads(services, monkeypatch)
    award(services, staff, resident)
    assert asked == []


def test_a_resident_loaded_cold_starts_from_its_snapshot(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = setup_street(services)
    resident = enrol(services, staff)
    for _ in range(101):  # snapshots every 100 versions
        award(services, staff, resident)
    cache = services.bank.repository.cache
    assert cache is not None
    cache.get(resident, evict=True)
    asked = count_snapshot_reads(services, monkeypatch)
    loaded = services.bank.get(Resident, resident, "resident")
    assert asked == [resident]
    assert loaded.balance == 101 and loaded.version > 100
