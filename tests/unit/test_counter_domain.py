"""The counter's aggregates alone: given events, when a command, then events or a refusal."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from pointsbank.domain.common import Actor, Context, DomainError, Role
from pointsbank.domain.goods import Goods, GoodsWithdrawn, OutOfStock, OverHouseholdLimit
from pointsbank.domain.receipt import AlreadyCancelled, Receipt
from pointsbank.domain.resident import InsufficientPoints, Resident
from tests.refusals import raises_refusal

COMMUNITY = uuid4()
CLERK = Actor("clerk-1", Role.CLERK, COMMUNITY)
ADMIN = Actor("admin-1", Role.ADMIN)


def ctx(actor: Actor = CLERK, today: date = date(2026, 11, 22)) -> Context:
    return Context(actor=actor, at=datetime(2026, 11, 22, 2, tzinfo=UTC), today=today)


def rice(stock: int = 5, limit: int = 0) -> Goods:
    return Goods.list_item(uuid4(), COMMUNITY, "大米 5kg", 50, stock, limit, ctx(ADMIN))


def resident_with(points: int) -> Resident:
    resident = Resident.enrol(uuid4(), COMMUNITY, "g1", False, False, date(2026, 1, 1), ctx())
    if points:
        resident.trigger_event(
            Resident.PointsAwarded,
            rule_code="VOL",
            rule_version=1,
            quantity=1,
            points=points,
            **ctx().meta(date(2026, 1, 2), "given"),
        )
    return resident


def test_taking_goods_lowers_stock_and_costs_the_price() -> None:
    goods = rice(stock=5)
    assert goods.take(uuid4(), 2, "household:h", ctx()) == 100
    assert goods.stock == 3
    assert isinstance(goods.collect_events()[-1], Goods.Taken)


@pytest.mark.parametrize("quantity", [0, -1, 101, 10**9])
def test_absurd_quantities_are_refused(quantity: int) -> None:
    goods = rice(stock=500)
    with raises_refusal(DomainError, "invalid-command.goods-range"):
        goods.take(uuid4(), quantity, "h", ctx())


def test_out_of_stock_says_what_is_left() -> None:
    goods = rice(stock=2)
    with raises_refusal(OutOfStock, "out-of-stock") as refused:
        goods.take(uuid4(), 3, "h", ctx())
    assert refused.value.extra["stock"] == 2
    assert goods.stock == 2 and len(goods.collect_events()) == 1


def test_household_limit_counts_per_month_and_a_return_gives_it_back() -> None:
    goods = rice(stock=10, limit=1)
    receipt_id = uuid4()
    goods.take(receipt_id, 1, "household:h", ctx())
    with raises_refusal(OverHouseholdLimit, "over-household-limit"):
        goods.take(uuid4(), 1, "household:h", ctx())
    goods.take(uuid4(), 1, "household:other", ctx())
    goods.take(uuid4(), 1, "household:h", ctx(today=date(2026, 12, 1)))
    goods.give_back(receipt_id, 1, "household:h", "2026-11", ctx())
    goods.take(uuid4(), 1, "household:h", ctx())
    assert goods.stock == 7


def test_withdrawn_goods_cannot_be_taken_or_withdrawn_again() -> None:
    goods = rice()
    goods.withdraw("停售", ctx(ADMIN))
    with pytest.raises(GoodsWithdrawn):
        goods.take(uuid4(), 1, "h", ctx())
    with pytest.raises(GoodsWithdrawn):
        goods.withdraw("again", ctx(ADMIN))


def test_restock_and_price_change() -> None:
    goods = rice(stock=0)
    goods.restock(20, "到货", ctx(ADMIN))
    goods.change_price(60, "涨价", ctx(ADMIN))
    assert (goods.stock, goods.price) == (20, 60)
    with pytest.raises(DomainError):
        goods.change_price(60, "same", ctx(ADMIN))
    with pytest.raises(DomainError):
        goods.restock(0, "", ctx(ADMIN))


def test_redeeming_more_than_the_balance_says_the_shortfall() -> None:
    resident = resident_with(30)
    with raises_refusal(InsufficientPoints, "insufficient-points") as refused:
        resident.redeem(uuid4(), 50, "兑换", ctx())
    assert refused.value.extra == {"balance": 30, "points": 50, "shortfall": 20}
    assert "需要 50 分，当前余额 30 分，还差 20 分" in refused.value.detail
    resident.redeem(uuid4(), 30, "兑换", ctx())
    assert resident.balance == 0


def test_a_refund_restores_the_balance() -> None:
    resident = resident_with(30)
    receipt_id = uuid4()
    resident.redeem(receipt_id, 20, "兑换", ctx())
    resident.refund_redemption(receipt_id, 20, "撤销", ctx())
    assert resident.balance == 30
    kinds = [type(e).__name__ for e in resident.collect_events()]
    assert kinds[-2:] == ["PointsRedeemed", "RedemptionRefunded"]


def test_a_receipt_is_cancelled_once() -> None:
    receipt = Receipt.issue(
        uuid4(),
        COMMUNITY,
        uuid4(),
        "resident:x",
        [{"goods_id": str(uuid4()), "name": "油", "quantity": 1, "price": 5, "points": 5}],
        10,
        ctx(),
    )
    assert receipt.points == 5 and receipt.issued_on == date(2026, 11, 22)
    assert receipt.clerk == CLERK.user_id
    assert receipt.number.startswith("20261122-")
    receipt.cancel("错扫", ctx())
    with pytest.raises(AlreadyCancelled):
        receipt.cancel("again", ctx())


def test_receipt_ids_follow_the_key() -> None:
    assert Receipt.id_for("u", "k") == Receipt.id_for("u", "k") != Receipt.id_for("u", "k2")
    assert isinstance(Receipt.id_for("u", "k"), UUID)


def test_a_working_copy_of_goods_shares_no_state_that_a_redemption_changes() -> None:
    """Redemptions work on a copy of the cached item (`copy.deepcopy`, made without copying
    each month's counts): taking and giving back on the copy leaves the cached item as it was."""
    cached = rice(stock=10, limit=3)
    first = uuid4()
    cached.take(first, 1, "household:h", ctx())
    cached.collect_events()
    before = deepcopy(cached.__dict__)

    working = deepcopy(cached)
    working.take(uuid4(), 2, "household:h", ctx())
    working.take(uuid4(), 1, "household:other", ctx())
    working.give_back(first, 1, "household:h", "2026-11", ctx())
    assert working.stock == 10 - 1 - 2 - 1 + 1

    assert cached.__dict__ == before
    assert cached.taken == {"2026-11": {"household:h": 1}}
