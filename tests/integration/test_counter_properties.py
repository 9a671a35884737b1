"""Any mix of redemptions, cancellations, restocks and awards conserves points and stock."""

from __future__ import annotations

import contextlib
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.services import open_services
from pointsbank.domain.common import DomainError
from pointsbank.domain.goods import Goods
from pointsbank.settings import Settings
from tests.conftest import stored_events
from tests.integration.test_counter import (
    CLERK,
    COMMUNITY,
    TODAY,
    Shop,
    assert_conserved,
    command,
)
from tests.integration.test_ledger import ADMIN, read_models, setup_street

steps = st.lists(
    st.tuples(
        st.sampled_from(["redeem", "cancel", "restock", "award"]),
        st.integers(0, 2),
        st.integers(-1, 6),
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('c') / 'db.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_database(f"c{uuid4().hex[:10]}")
    opened = open_services(Settings(database_url=url))
    yield Shop(opened, setup_street(opened))
    opened.close()


def play(shop: Shop, resident: UUID, goods: list[UUID], step: tuple[str, int, int]) -> None:
    kind, pick, quantity = step
    receipts = shop.receipts
    if kind == "redeem":
        outcome = shop.redeem(resident, (goods[pick], quantity), (goods[(pick + 1) % 3], 1))
        receipts.append(UUID(outcome.body["receipt_id"]))
    elif kind == "cancel" and receipts:
        shop.services.counter.cancel(command(CLERK), receipts[pick % len(receipts)], "")
    elif kind == "restock":
        shop.services.counter.restock(command(ADMIN), goods[pick], quantity, "")
    elif kind == "award":
        shop.services.bank.award(command(shop.staff), resident, "ONE", quantity, TODAY, "")


def stock_delta(e: Any) -> int:
    if isinstance(e, Goods.Listed):
        return e.stock
    if isinstance(e, (Goods.Restocked, Goods.Returned)):
        return e.quantity
    return -e.quantity if isinstance(e, Goods.Taken) else 0


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_any_mix_of_redemptions_and_cancellations_conserves_points_and_stock(
    shared_shop: Shop, steps: list[tuple[str, int, int]]
) -> None:
    shop = shared_shop
    shop.receipts = []
    goods = [shop.goods(f"g{i}", price=i + 1, stock=3, limit=4) for i in range(3)]
    resident = shop.resident(12)
    for step in steps:
        with contextlib.suppress(DomainError):
            play(shop, resident, goods, step)
    assert shop.balance(resident) >= 0
    assert_conserved(shop, resident)
    movements = {g: 0 for g in goods}
    for e in stored_events(shop.services):
        if e.originator_id in movements:
            movements[e.originator_id] += stock_delta(e)
    queries = shop.services.counter_queries
    for item in goods:
        row = queries.goods_item(item)
        assert row is not None and row["stock"] == shop.stock(item) == movements[item] >= 0
    assert queries.counter_report(COMMUNITY, TODAY, CLERK.user_id)["reconciled"]
    live = read_models(shop.services)
    shop.services.projector.rebuild()
    assert read_models(shop.services) == live
