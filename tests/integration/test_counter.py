"""The counter against each real store: atomic redemptions, refusals, cancellations, reports,
and no overdraft of points or stock under concurrent clients."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.services import Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import Actor, Context, DomainError, Role
from pointsbank.domain.community import Community
from pointsbank.domain.goods import Goods
from pointsbank.domain.resident import Resident
from tests.conftest import event_count, stored_events
from tests.integration.test_ledger import ADMIN, enrol, read_models, setup_street
from tests.refusals import raises_refusal

TODAY = date(2026, 11, 22)
COMMUNITY = Community.id_for("a")
CLERK = Actor("clerk-1", Role.CLERK, COMMUNITY)


def command(
    actor: Actor, key: str | None = None, fingerprint: str = "f", today: date = TODAY
) -> Command:
    at = datetime(today.year, today.month, today.day, 2, 0, tzinfo=UTC)
    return Command(Context(actor=actor, at=at, today=today), key or str(uuid4()), fingerprint)


@dataclass
class Shop:
    services: Services
    staff: Actor
    receipts: list[UUID] = field(default_factory=list)

    def goods(self, name: str = "大米", price: int = 10, stock: int = 100, limit: int = 0) -> UUID:
        outcome = self.services.counter.list_item(
            command(ADMIN), COMMUNITY, name, price, stock, limit
        )
        return UUID(outcome.body["goods_id"])

    def resident(self, points: int) -> UUID:
        resident = enrol(self.services, self.staff)
        if points:
            self.services.bank.award(command(self.staff), resident, "ONE", points, TODAY, "")
        return resident

    def redeem(self, resident: UUID, *basket: tuple[UUID, int], **kw: Any) -> Outcome:
        return self.services.counter.redeem(command(kw.pop("actor", CLERK), **kw), resident, basket)

    def balance(self, resident: UUID) -> int:
        return self.services.bank.get(Resident, resident, "resident").balance

    def stock(self, goods: UUID) -> int:
        return self.services.bank.get(Goods, goods, "goods").stock


@pytest.fixture
def shop(services: Services) -> Shop:
    return Shop(services, setup_street(services))


def test_a_redemption_debits_points_and_stock_and_issues_a_receipt(shop: Shop) -> None:
    rice, oil = shop.goods("大米", 30), shop.goods("食用油", 25, stock=3)
    resident = shop.resident(100)
    receipt = shop.redeem(resident, (rice, 1), (oil, 2)).body
    assert receipt["points"] == 80 and receipt["balance_after"] == 20
    assert [(i["name"], i["quantity"], i["points"]) for i in receipt["items"]] == [
        ("大米", 1, 30),
        ("食用油", 2, 50),
    ]
    assert receipt["clerk"] == CLERK.user_id and receipt["issued_on"] == TODAY.isoformat()
    assert (shop.balance(resident), shop.stock(rice), shop.stock(oil)) == (20, 99, 1)
    shop.services.projector.catch_up()
    queries = shop.services.counter_queries
    stored = queries.receipt(UUID(receipt["receipt_id"]))
    assert stored is not None and stored["number"] == receipt["number"]
    assert stored["items"] == receipt["items"]
    assert queries.goods_item(oil)["stock"] == 1  # type: ignore[index]
    totals = shop.services.queries.balance(resident)
    assert totals is not None and totals["totals"] == {"award": 100, "redemption": -80}
    assert totals["balance"] == 20 and totals["resident_id"] == str(resident)


def test_a_balance_without_entries_has_no_totals_and_an_unknown_id_no_balance(shop: Shop) -> None:
    resident = shop.resident(0)
    shop.services.projector.catch_up()
    queries = shop.services.queries
    assert queries.balance(resident) == {
        "resident_id": str(resident),
        "community_id": str(COMMUNITY),
        "balance": 0,
        "totals": {},
    }
    assert queries.balance(uuid4()) is None


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("insufficient", "insufficient-points"),
        ("out_of_stock", "out-of-stock"),
        ("over_limit", "over-household-limit"),
        ("withdrawn", "goods-withdrawn"),
        ("unknown_resident", "not-found.resident"),
        ("unknown_goods", "not-found.goods"),
        ("empty", "invalid-command.basket-empty"),
        ("zero", "invalid-command.goods-range"),
        ("negative", "invalid-command.goods-range"),
        ("absurd", "invalid-command.goods-range"),
        ("other_community", "not-found.resident"),
        ("same_item_twice_over_stock", "out-of-stock"),
    ],
)
def test_every_refusal_is_clear_and_writes_nothing(shop: Shop, case: str, error: str) -> None:
    rice, scarce = shop.goods(price=10), shop.goods("油", price=10, stock=2)
    limited, gone = shop.goods("米", limit=1), shop.goods("旧货")
    shop.services.counter.withdraw(command(ADMIN), gone, "停售")
    resident = shop.resident(40)
    shop.redeem(resident, (limited, 1))
    baskets: dict[str, Callable[[], Outcome]] = {
        "insufficient": lambda: shop.redeem(resident, (rice, 5)),
        "out_of_stock": lambda: shop.redeem(resident, (scarce, 3)),
        "over_limit": lambda: shop.redeem(resident, (limited, 1)),
        "withdrawn": lambda: shop.redeem(resident, (gone, 1)),
        "unknown_resident": lambda: shop.redeem(uuid4(), (rice, 1)),
        "unknown_goods": lambda: shop.redeem(resident, (rice, 1), (uuid4(), 1)),
        "empty": lambda: shop.redeem(resident),
        "zero": lambda: shop.redeem(resident, (rice, 0)),
        "negative": lambda: shop.redeem(resident, (rice, -2)),
        "absurd": lambda: shop.redeem(resident, (rice, 10**9)),
        "other_community": lambda: shop.redeem(
            resident, (rice, 1), actor=Actor("clerk-b", Role.CLERK, Community.id_for("b"))
        ),
        "same_item_twice_over_stock": lambda: shop.redeem(
            resident, (scarce, 2), (scarce, 1), actor=shop.staff
        ),
    }
    before = event_count(shop.services)
    with raises_refusal(DomainError, error):
        baskets[case]()
    assert event_count(shop.services) == before
    assert (shop.balance(resident), shop.stock(scarce)) == (30, 2)


def test_a_retry_returns_the_same_receipt_and_concurrent_retries_redeem_once(shop: Shop) -> None:
    rice = shop.goods(price=10)
    resident = shop.resident(100)
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(
            pool.map(lambda _: shop.redeem(resident, (rice, 2), key="one-basket"), range(16))
        )
    assert len({str(o.body) for o in outcomes}) == 1
    assert sum(not o.replayed for o in outcomes) == 1
    assert (shop.balance(resident), shop.stock(rice)) == (80, 98)
    redeemed = [e for e in stored_events(shop.services) if isinstance(e, Resident.PointsRedeemed)]
    assert len(redeemed) == 1


def test_cancellation_restores_points_stock_and_allowance_exactly_once(shop: Shop) -> None:
    rice = shop.goods(price=10, limit=1)
    resident = shop.resident(50)
    receipt = UUID(shop.redeem(resident, (rice, 1)).body["receipt_id"])
    counter = shop.services.counter
    body = counter.cancel(command(CLERK), receipt, "").body
    assert body["points_refunded"] == 10 and body["balance_after"] == 50
    assert (shop.balance(resident), shop.stock(rice)) == (50, 100)
    before = event_count(shop.services)
    with raises_refusal(DomainError, "receipt-cancelled"):
        counter.cancel(command(CLERK), receipt, "")
    assert event_count(shop.services) == before
    shop.redeem(resident, (rice, 1))  # the household's monthly allowance is back


def test_clerks_cancel_the_same_day_and_staff_later_with_a_reason(shop: Shop) -> None:
    rice = shop.goods(price=10)
    resident = shop.resident(50)
    receipt = UUID(shop.redeem(resident, (rice, 2)).body["receipt_id"])
    tomorrow = TODAY + timedelta(days=1)
    counter = shop.services.counter
    before = event_count(shop.services)
    with raises_refusal(DomainError, "forbidden.clerk-cancel-day"):
        counter.cancel(command(CLERK, today=tomorrow), receipt, "错扫")
    with raises_refusal(DomainError, "invalid-command.cancel-reason"):
        counter.cancel(command(shop.staff, today=tomorrow), receipt, " ")
    assert event_count(shop.services) == before
    counter.cancel(command(shop.staff, today=tomorrow), receipt, "居民退回")
    assert (shop.balance(resident), shop.stock(rice)) == (50, 100)


def test_a_price_change_never_changes_a_past_redemption(shop: Shop) -> None:
    rice = shop.goods(price=10)
    resident = shop.resident(100)
    receipt = shop.redeem(resident, (rice, 2)).body
    shop.services.counter.change_price(command(ADMIN), rice, 30, "涨价")
    assert shop.redeem(resident, (rice, 1)).body["points"] == 30
    refund = shop.services.counter.cancel(command(CLERK), UUID(receipt["receipt_id"]), "")
    assert refund.body["points_refunded"] == 20
    assert shop.balance(resident) == 70
    shop.services.projector.catch_up()
    stored = shop.services.counter_queries.receipt(UUID(receipt["receipt_id"]))
    assert stored is not None and stored["points"] == 20 and stored["items"][0]["price"] == 10


def concurrently(count: int, attempt: Callable[[int], Outcome]) -> list[Outcome | DomainError]:
    def one(i: int) -> Outcome | DomainError:
        try:
            return attempt(i)
        except DomainError as refused:
            return refused

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_64_redemptions_at_once_never_overdraw_the_balance(shop: Shop) -> None:
    rice = shop.goods(price=7, stock=1000)
    resident = shop.resident(7 * 10 + 6)
    results = concurrently(64, lambda _: shop.redeem(resident, (rice, 1)))
    receipts = [r for r in results if isinstance(r, Outcome)]
    refusals = {type(r).__name__ for r in results if not isinstance(r, Outcome)}
    assert len(receipts) == 10 and refusals == {"InsufficientPoints"}
    assert sorted(r.body["balance_after"] for r in receipts) == [6 + 7 * i for i in range(10)]
    assert (shop.balance(resident), shop.stock(rice)) == (6, 990)
    assert_conserved(shop, resident)


def test_64_redemptions_at_once_never_overdraw_the_stock(shop: Shop) -> None:
    oil = shop.goods("油", price=1, stock=9)
    residents = [shop.resident(10) for _ in range(4)]
    results = concurrently(64, lambda i: shop.redeem(residents[i % 4], (oil, 1)))
    receipts = [r for r in results if isinstance(r, Outcome)]
    assert len(receipts) == 9
    assert {type(r).__name__ for r in results if not isinstance(r, Outcome)} == {"OutOfStock"}
    assert shop.stock(oil) == 0
    assert sum(shop.balance(r) for r in residents) == 40 - 9


def test_a_household_limit_holds_under_concurrency(shop: Shop) -> None:
    rice = shop.goods(price=1, limit=2)
    members = [shop.resident(10) for _ in range(4)]
    household = shop.services.bank.create_household(command(shop.staff), COMMUNITY, "李家")
    household_id = UUID(household.body["household_id"])
    for member in members:
        shop.services.bank.join_household(command(shop.staff), household_id, member, TODAY)
    results = concurrently(16, lambda i: shop.redeem(members[i % 4], (rice, 1)))
    assert sum(isinstance(r, Outcome) for r in results) == 2
    assert shop.stock(rice) == 98


def assert_conserved(shop: Shop, resident: UUID) -> None:
    """Invariant 6: balance = awards − deductions − redemptions + refunds ± corrections."""
    signed = {
        Resident.PointsAwarded: 1,
        Resident.PointsCorrected: 1,
        Resident.RedemptionRefunded: 1,
        Resident.PointsDeducted: -1,
        Resident.PointsRedeemed: -1,
    }
    events = [e for e in stored_events(shop.services) if e.originator_id == resident]
    expected = sum(signed.get(type(e), 0) * getattr(e, "points", 0) for e in events)
    shop.services.projector.catch_up()
    live = shop.services.queries.balance(resident)
    assert live is not None and live["balance"] == expected == shop.balance(resident)
    assert sum(live["totals"].values()) == expected


def test_the_counter_report_reconciles_and_a_rebuild_equals_the_live_view(shop: Shop) -> None:
    rice, oil = shop.goods("大米", 10), shop.goods("油", 5)
    residents = [shop.resident(100) for _ in range(3)]
    first = shop.redeem(residents[0], (rice, 2), (oil, 1)).body
    shop.redeem(residents[1], (oil, 3))
    shop.redeem(residents[2], (rice, 1), actor=shop.staff)
    shop.services.counter.cancel(command(CLERK), UUID(first["receipt_id"]), "")
    shop.services.counter.restock(command(ADMIN), rice, 10, "到货")
    for resident in residents:
        assert_conserved(shop, resident)
    queries = shop.services.counter_queries
    assert queries.counters_on(COMMUNITY, TODAY) == sorted([CLERK.user_id, shop.staff.user_id])
    report = queries.counter_report(COMMUNITY, TODAY, CLERK.user_id)
    assert report["reconciled"] and report["receipts"] == 2 and report["cancellations"] == 1
    assert (report["points_taken"], report["points_refunded"], report["points_in"]) == (40, 25, 15)
    assert report["points_in_ledger"] == 15
    by_item = {
        i["name"]: (i["quantity_redeemed"], i["quantity_returned"], i["stock_out"])
        for i in report["items"]
    }
    assert by_item == {"大米": (2, 2, 0), "油": (4, 1, 3)}
    live = read_models(shop.services)
    assert live["stock_movements"] and live["receipts"] and live["receipt_lines"]
    shop.services.projector.rebuild()
    assert read_models(shop.services) == live
