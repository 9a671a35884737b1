"""A demo street to try the product with; every step runs under a fixed idempotency key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from uuid import UUID

from api.services import Services
from pointsbank.application import Command, Outcome
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.registry import PersonalData

COMMUNITIES = {
    "tianxi": ("天禧社区", {"g1": "第一网格", "g2": "第二网格"}),
    "zumiao": ("祖庙社区", {"g1": "东片网格", "g2": "西片网格"}),
}
RULES = [
    ("VOL-HOUR", "志愿服务（每次）", Category.VOLUNTEER, 10),
    ("COUNCIL", "参加居民议事会", Category.COUNCIL, 5),
    ("NEIGHBOUR", "邻里互助", Category.NEIGHBOURLY, 3),
    ("CIVIC", "文明守法表现", Category.CIVIC, 2),
    ("LITTER", "乱扔垃圾", Category.DEDUCTION, 5),
]
SURNAMES = "王李张刘陈杨黄赵周吴"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
RESIDENTS_PER_COMMUNITY = 25


def seed(services: Services) -> Iterator[str]:
    now = services.now()
    today = now.astimezone(services.settings.zone).date()
    accounts = services.accounts
    admin = accounts.issue("demo-admin", Role.ADMIN, now)
    auditor = accounts.issue("demo-auditor", Role.AUDITOR, now)
    yield f"admin token   (demo-admin):   {admin.token}"
    yield f"auditor token (demo-auditor): {auditor.token}"

    def run(actor: Actor, key: str, action: Callable[[Command], Outcome]) -> Outcome:
        ctx = Context(actor=actor, at=now, today=today)
        return action(Command(ctx=ctx, key=f"demo:{key}", fingerprint=f"demo:{key}"))

    bank = services.bank
    admin_actor = Actor(admin.user_id, Role.ADMIN)
    for code, name, category, points in RULES:
        run(admin_actor, f"rule:{code}", lambda c, a=(code, name, category, points): bank.define_rule(c, *a))
    for number, (code, (name, grids)) in enumerate(COMMUNITIES.items()):
        community_id = Community.id_for(code)
        run(admin_actor, f"community:{code}", lambda c, a=(code, name): bank.register_community(c, *a))
        for grid, grid_name in grids.items():
            run(admin_actor, f"grid:{code}:{grid}", lambda c, a=(community_id, grid, grid_name): bank.add_grid(c, *a))
        services.projector.catch_up()
        staff = accounts.issue(f"demo-staff-{code}", Role.STAFF, now, community_id)
        clerk = accounts.issue(f"demo-clerk-{code}", Role.CLERK, now, community_id)
        yield f"staff token   (demo-staff-{code}): {staff.token}"
        yield f"clerk token   (demo-clerk-{code}): {clerk.token}"
        staff_actor = Actor(staff.user_id, Role.STAFF, community_id)
        _seed_community(run, services, staff_actor, community_id, list(grids), number, today)
    services.projector.catch_up()
    yield "demo street ready"


def _seed_community(
    run: Callable[[Actor, str, Callable[[Command], Outcome]], Outcome],
    services: Services,
    staff: Actor,
    community_id: UUID,
    grids: list[str],
    number: int,
    today: object,
) -> None:
    bank = services.bank
    household: UUID | None = None
    for i in range(RESIDENTS_PER_COMMUNITY):
        seq = number * RESIDENTS_PER_COMMUNITY + i
        name = SURNAMES[(seq // 3) % len(SURNAMES)] + GIVEN[seq % len(GIVEN)] + GIVEN[(seq * 7) % len(GIVEN)]
        person = PersonalData(name=name, phone=f"1380000{seq:04d}")
        enrolled = run(staff, f"resident:{seq}", lambda c, s=seq, p=person: bank.enrol(
            c, community_id, grids[s % len(grids)], s % 5 == 0, s % 7 == 0, c.ctx.today - timedelta(days=200), p))
        resident_id = UUID(enrolled.body["resident_id"])
        if i % 3 == 0:
            surname = name[0]
            created = run(staff, f"household:{seq}", lambda c, n=f"{surname}家（{seq}号）": bank.create_household(c, community_id, n))
            household = UUID(created.body["household_id"])
        assert household is not None
        run(staff, f"join:{seq}", lambda c, h=household, r=resident_id: bank.join_household(
            c, h, r, c.ctx.today - timedelta(days=180)))
        for k in range(seq % 4 + 1):
            code = RULES[(seq + k) % 4][0]
            run(staff, f"award:{seq}:{k}", lambda c, r=resident_id, code=code, k=k: bank.award(
                c, r, code, 1 + k % 2, c.ctx.today - timedelta(days=7 * k + 1), "示例"))
        if seq % 9 == 0:
            run(staff, f"deduct:{seq}", lambda c, r=resident_id: bank.deduct(
                c, r, "LITTER", 1, c.ctx.today - timedelta(days=3), "楼道乱扔垃圾"))
