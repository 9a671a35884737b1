"""P2: redemptions over HTTP from 32 counters, uncontended and contended.

Uncontended: each counter its own resident and goods item. Contended: every counter on one
goods item of `STOCK` units, and every counter on one resident who can afford `AFFORD` items;
exactly that many must succeed and the rest be refused cleanly (409/422, never a 5xx).

Run alone on a small street: .venv/bin/python -m benchmarks.bench_http_redeem --residents 20000
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from benchmarks.bench_http_writes import issue_token, residents_of_first_community
from benchmarks.generate import BENCH_DIR, Generated, Spec, generated
from benchmarks.http_load import Post, Posted, post_load, serving
from pointsbank.application import Command
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.resident import Resident
from pointsbank.domain.rule import Category

if TYPE_CHECKING:
    from benchmarks.run import Bench, Figure

COUNTERS = 32
PER_COUNTER = 20
STOCK = 100
AFFORD = 50
RICH = 100_000  # the most stock one item may hold


def _cmd(actor: Actor) -> Command:
    at = datetime.now(UTC)
    return Command(Context(actor, at, at.date()), str(uuid4()), "bench")


class Shop:
    """Goods and well-off residents for the load, made in-process the usual way."""

    def __init__(self, data: Generated) -> None:
        from api.services import open_services
        from pointsbank.settings import Settings

        self.community = UUID(data.community_ids[0])
        self.services = open_services(
            Settings(database_url=data.url, inprocess_projector=False), apply_migrations=False
        )
        self.staff = Actor(f"bench-staff-{uuid4().hex[:6]}", Role.STAFF, self.community)
        key = Command(_cmd(Actor("bench-admin", Role.ADMIN)).ctx, "bench:rule:BIG", "bench:BIG")
        self.services.bank.define_rule(key, "BIG", "大额", Category.OTHER, 1000)

    def goods(self, stock: int, price: int = 1) -> UUID:
        admin = Actor("bench-admin", Role.ADMIN)
        made = self.services.counter.list_item(_cmd(admin), self.community, "米", price, stock, 0)
        return UUID(made.body["goods_id"])

    def fund(self, resident: UUID, points: int) -> None:
        """Bring the resident's balance to at least `points` above what it was."""
        for _ in range(-(-points // 10_000)):
            cmd = _cmd(self.staff)
            self.services.bank.award(cmd, resident, "BIG", 10, cmd.ctx.today, "")

    def close(self) -> None:
        self.services.close()


def redemption(resident: UUID, goods: UUID) -> Post:
    items = [{"goods_id": str(goods), "quantity": 1}]
    body = json.dumps({"resident_id": str(resident), "items": items}).encode()
    return Post("/redemptions", body, str(uuid4()))


def scenarios(data: Generated) -> dict[str, tuple[list[Post], int | None]]:
    """Each scenario's requests, and how many of them must succeed (None: all)."""
    shop = Shop(data)
    try:
        residents = residents_of_first_community(data, 3 * COUNTERS + 1)
        own = [(residents[i], shop.goods(RICH)) for i in range(COUNTERS)]
        shared_goods = shop.goods(STOCK)
        for resident in residents[: 2 * COUNTERS]:
            shop.fund(resident, PER_COUNTER * 2)
        poor = residents[2 * COUNTERS]
        shop.fund(poor, 1)
        balance = shop.services.bank.get(Resident, poor, "resident").balance
        price = balance // AFFORD
        dear = shop.goods(RICH, price)
    finally:
        shop.close()
    n = COUNTERS * PER_COUNTER
    return {
        "uncontended": ([redemption(*own[i % COUNTERS]) for i in range(n)], None),
        "one goods item": (
            [redemption(residents[COUNTERS + i % COUNTERS], shared_goods) for i in range(n)],
            STOCK,
        ),
        "one balance": ([redemption(poor, dear) for _ in range(n)], balance // price),
    }


def run(data: Generated, base: str) -> dict[str, dict[str, float]]:
    token = issue_token(data, Role.CLERK, data.community_ids[0])
    headers = {"Authorization": f"Bearer {token}"}
    out = {}
    for name, (posts, expected) in scenarios(data).items():
        posted: Posted = post_load(base, posts, COUNTERS, headers, seconds=60)
        out[name] = {
            "rate": posted.load.rate,
            "p50": posted.load.percentile(50),
            "p99": posted.load.percentile(99),
            "ok": posted.count(201),
            "refused": posted.count(409, 422),
            "5xx": sum(s >= 500 for s in posted.statuses.values()),
            "sent": len(posts),
            "expected": float(expected if expected is not None else len(posts)),
        }
    return out


def measure(bench: Bench) -> list[Figure]:
    from benchmarks.run import Figure, at_most

    with serving({"POINTSBANK_DATABASE_URL": bench.data.url}, projector=True) as base:
        results = run(bench.data, base)
    figures = []
    for name, r in results.items():
        f = at_most("P2", f"redeem p99, {name}", r["p99"], 25.0 if name == "uncontended" else 100.0)
        f.note += f" ({r['rate']:.0f}/s, p50 {r['p50']:.0f} ms)"
        figures.append(f)
        exact = r["ok"] == r["expected"] and r["ok"] + r["refused"] == r["sent"]
        note = (
            f"{r['ok']:.0f} of {r['expected']:.0f} succeeded, {r['refused']:.0f} refused "
            f"409/422, {r['5xx']:.0f} 5xx"
        )
        figures.append(Figure("P2", f"exactly the affordable, {name}", passed=exact, note=note))
    return figures


def main() -> None:
    from tests.pgserver import start_postgres

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=20_000)
    args = parser.parse_args()
    server = start_postgres(keep_in=BENCH_DIR / "pg")
    try:
        data = generated(server, Spec(args.residents))
        with serving({"POINTSBANK_DATABASE_URL": data.url}, projector=True) as base:
            out: dict[str, Any] = run(data, base)
    finally:
        server.stop()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
