"""A demo street to try the product with; every step runs under a fixed idempotency key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from uuid import UUID

from api.services import Services
from pointsbank.accounts import OPERATOR
from pointsbank.activations import account_name
from pointsbank.application import Command
from pointsbank.domain.account import Account
from pointsbank.domain.common import Actor, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.registry import PersonalData, PostText

# Fixed and documented (README), so that a newcomer can sign in; never use them in production.
DEMO_PASSWORD = "pointsbank-demo"
DEMO_ACCOUNTS = [
    ("demo-admin", "街道管理员 admin"),
    ("demo-auditor", "审计 auditor"),
    *(
        (f"demo-{kind}-{code}", f"{label} {code}")
        for code in ("tianxi", "zumiao")
        for kind, label in (
            ("staff", "社区工作人员 staff"),
            ("staff2", "社区工作人员 staff"),
            ("clerk", "超市柜台 clerk"),
        )
    ),
]
COMMUNITIES = {
    "tianxi": ("天禧社区", {"g1": "第一网格", "g2": "第二网格"}),
    "zumiao": ("祖庙社区", {"g1": "东片网格", "g2": "西片网格"}),
}
RULES = [
    ("VOL", "志愿服务（每次）", Category.VOLUNTEER, 10),
    ("COUNCIL", "参加居民议事会", Category.COUNCIL, 5),
    ("NEIGHBOUR", "邻里互助", Category.NEIGHBOURLY, 3),
    ("CIVIC", "文明守法表现", Category.CIVIC, 2),
    ("LITTER", "乱扔垃圾", Category.DEDUCTION, 5),
]
SURNAMES = "王李张刘陈杨黄赵周吴"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛"
RESIDENTS_PER_COMMUNITY = 25
# Zumiao's residents with the residents' channel (README, "Residents on their phones"): the first
# two are activated (user name: their phone), the third, in the first one's household, is not.
ACTIVATED_RESIDENTS = (25, 28)
NOT_ACTIVATED_RESIDENTS = (26,)
NOTICE_COMMUNITY = "zumiao"
GOODS = [
    ("大米 5kg", 50, 40, 1),
    ("食用油 1.8L", 40, 30, 1),
    ("洗衣液", 15, 100, 0),
    ("抽纸", 5, 200, 0),
]


class Seeder:
    """Issues commands under fixed keys, so that a second run replays instead of writing."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.bank = services.bank
        self.now = services.now()
        self.today = self.now.astimezone(services.settings.zone).date()

    def cmd(self, actor: Actor, key: str) -> Command:
        ctx = self.services.context(actor, self.now)
        return Command(ctx=ctx, key=f"demo:{key}", fingerprint=f"demo:{key}")

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)


def seed(services: Services) -> Iterator[str]:
    s = Seeder(services)
    admin_actor = _account(s, "demo-admin", "示范管理员", Role.ADMIN, None)
    _account(s, "demo-auditor", "示范审计员", Role.AUDITOR, None)
    for code, name, category, points in RULES:
        s.bank.define_rule(s.cmd(admin_actor, f"rule:{code}"), code, name, category, points)
    for number, (code, (name, grids)) in enumerate(COMMUNITIES.items()):
        community_id = Community.id_for(code)
        s.bank.register_community(s.cmd(admin_actor, f"community:{code}"), code, name)
        for grid, grid_name in grids.items():
            s.bank.add_grid(
                s.cmd(admin_actor, f"grid:{code}:{grid}"), community_id, grid, grid_name
            )
        staff_actor = _account(s, f"demo-staff-{code}", f"{name}工作人员甲", Role.STAFF, code)
        _account(s, f"demo-staff2-{code}", f"{name}工作人员乙", Role.STAFF, code)
        _account(s, f"demo-clerk-{code}", f"{name}超市柜台", Role.CLERK, code)
        residents = _seed_community(s, staff_actor, community_id, list(grids), number)
        if code == "zumiao":
            _activate_residents(s, staff_actor, residents)
            _share(s, community_id, residents)
        for item, (goods, price, stock, limit) in enumerate(GOODS):
            cmd = s.cmd(staff_actor, f"goods:{code}:{item}")
            services.counter.list_item(cmd, community_id, goods, price, stock, limit)
        if code == NOTICE_COMMUNITY:  # the other is left for a newcomer to publish (README)
            _publish_notice(s, staff_actor, community_id)
    services.projector.catch_up()
    services.chain.catch_up()
    yield from account_lines()
    yield "demo street ready"


def account_lines() -> Iterator[str]:
    yield f"demo accounts (password for each: {DEMO_PASSWORD}):"
    for name, role in DEMO_ACCOUNTS:
        yield f"  {name:<20} {role}"
    for seq in ACTIVATED_RESIDENTS:
        yield f"  {phone_of(seq):<20} 居民 resident of zumiao (user name = phone number)"
    for seq in NOT_ACTIVATED_RESIDENTS:
        yield f"  {phone_of(seq):<20} 居民 resident of zumiao, not yet activated (print a slip)"


def phone_of(seq: int) -> str:
    return f"1380000{seq:04d}"


def _activate_residents(s: Seeder, staff: Actor, residents: dict[int, UUID]) -> None:
    """Activate the demo residents as a resident would, with a slip staff printed. A rerun
    replays the slip without its code, and the residents stay as they were."""
    for seq in ACTIVATED_RESIDENTS:
        slip = s.services.activations.issue_slip(s.cmd(staff, f"slip:{seq}"), residents[seq])
        if "code" in slip.body:
            s.services.activations.activate(
                slip.body["code"], DEMO_PASSWORD, "demo", f"demo:activate:{seq}", s.now
            )


# What the demo's activated residents offer and ask (互助), so the lists are not empty:
# (resident, need or offer, category, offer kind, offer terms, description, when, where).
SHARED = (
    (28, "offer", "repair", "skill", "help", "会修水管、换灯泡，周末有空", "周末", "3号楼"),
    (25, "offer", "other", "item", "lend", "家里有一架折叠梯子，可以借用", "随时", "1号楼"),
    (28, "need", "errand", "", "", "腿脚不便，想请邻居帮忙代买降压药", "本周内", "3号楼"),
)


def _share(s: Seeder, community_id: UUID, residents: dict[int, UUID]) -> None:
    """Posts of the activated residents, as they would make them on their phones."""
    for number, (seq, post, category, kind, terms, what, when, where) in enumerate(SHARED):
        account = Account.id_for(account_name(residents[seq]))
        actor = Actor(str(account), Role.RESIDENT, community_id, residents[seq])
        cmd, text = s.cmd(actor, f"share:{number}"), PostText(what, when, where)
        if post == "need":
            s.services.bank.post_need(cmd, category, text)
        else:
            s.services.bank.post_offer(cmd, category, kind, terms, text)


def _account(s: Seeder, name: str, display: str, role: Role, code: str | None) -> Actor:
    """Open a demo account once; a rerun replays and leaves its password and sessions alone."""
    scope = [Community.id_for(code)] if code else []
    outcome = s.services.accounts.open(
        s.cmd(OPERATOR, f"account:{name}"), name, display, role, scope, None, DEMO_PASSWORD
    )
    return Actor(outcome.body["user_id"], role, scope[0] if scope else None)


def _seed_community(
    s: Seeder, staff: Actor, community_id: UUID, grids: list[str], number: int
) -> dict[int, UUID]:
    household: UUID | None = None
    residents: dict[int, UUID] = {}
    for i in range(RESIDENTS_PER_COMMUNITY):
        seq = number * RESIDENTS_PER_COMMUNITY + i
        name = SURNAMES[(seq // 3) % len(SURNAMES)] + GIVEN[seq % 15] + GIVEN[(seq * 7) % 15]
        enrolled = s.bank.enrol(
            s.cmd(staff, f"resident:{seq}"),
            community_id,
            grids[seq % len(grids)],
            party_member=seq % 5 == 0,
            without_hukou=seq % 7 == 0,
            enrolled_on=s.days_ago(200),
            personal=PersonalData(name=name, phone=phone_of(seq)),
        )
        resident = residents[seq] = UUID(enrolled.body["resident_id"])
        if i % 3 == 0:
            created = s.bank.create_household(
                s.cmd(staff, f"household:{seq}"), community_id, f"{name[0]}家（{seq}号）"
            )
            household = UUID(created.body["household_id"])
        assert household is not None
        s.bank.join_household(s.cmd(staff, f"join:{seq}"), household, resident, s.days_ago(180))
        for k in range(seq % 4 + 1):
            s.bank.award(
                s.cmd(staff, f"award:{seq}:{k}"),
                resident,
                RULES[(seq + k) % 4][0],
                1 + k % 2,
                s.days_ago(7 * k + 1),
                "示例",
            )
        if seq % 9 == 0:
            s.bank.deduct(
                s.cmd(staff, f"deduct:{seq}"), resident, "LITTER", 1, s.days_ago(3), "楼道乱扔垃圾"
            )
    return residents


def _publish_notice(s: Seeder, staff: Actor, community_id: UUID) -> None:
    """Candidates under public notice (公示), so the community's residents' page shows a list."""
    s.services.notices.publish(s.cmd(staff, f"notice:{community_id}"), community_id, s.today.year)
