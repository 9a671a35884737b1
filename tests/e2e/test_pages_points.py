"""Points (积分), approvals (审批) and activities (活动) pages in Chromium, as staff would use them,
at phone and desktop width on both stores, with bad input refused beside its field."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, expect

from api.services import open_services
from pointsbank.application import Command
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.domain.terms import Mode, Terms
from pointsbank.settings import Settings
from projections.accounts import AccountQueries
from projections.cards import card_code
from tests.browser import DemoSite, fits_width, latin_words, new_page, screenshot, sign_in

WIDTHS = ["phone", "desktop"]
TIANXI = Community.id_for("tianxi")
STAFF, CHECKER = "demo-staff-tianxi", "demo-staff2-tianxi"


@dataclass(frozen=True)
class Street:
    url: str
    residents: list[dict[str, str]]  # tianxi's residents by phone: name, phone, resident_id
    database_url: str

    def resident(self, index: int) -> dict[str, str]:
        return self.residents[index]

    def balance(self, index: int) -> int:
        services = open_services(Settings(database_url=self.database_url), apply_migrations=False)
        try:
            row = services.queries.resident(UUID(self.residents[index]["resident_id"]))
            assert row is not None
            return int(row["balance"])
        finally:
            services.close()


@pytest.fixture(scope="module")
def street(demo_site: DemoSite) -> Iterator[Street]:
    """The demo street plus a per-hour rule, a capped rule, and two pending deductions by staff."""
    services = open_services(Settings(database_url=demo_site.database_url))
    try:
        now = services.now()
        today = now.astimezone(services.settings.zone).date()

        def cmd(actor: Actor) -> Command:
            return Command(Context(actor, now, today), key=os.urandom(8).hex(), fingerprint="f")

        admin = Actor("test-admin", Role.ADMIN)
        rules = services.earning.rules
        rules.define(cmd(admin), "HOURS", "社区服务（按小时）", Category.VOLUNTEER, 10,
                     Terms(mode=Mode.PER_HOUR.value))  # fmt: skip
        rules.define(cmd(admin), "CAPPED", "环境整治", Category.CIVIC, 10, Terms(cap_month=20))
        rows = services.queries.find_residents(TIANXI, None, 100)
        residents = sorted(
            ({"name": r["name"], "phone": r["phone"], "resident_id": r["resident_id"]}
             for r in rows), key=lambda r: r["phone"],
        )  # fmt: skip
        staff = AccountQueries(services.db).page(None, STAFF)[0][0]
        maker = Actor(staff["user_id"], Role.STAFF, TIANXI)
        for index in (20, 21):
            services.bank.deduct(
                cmd(maker), UUID(residents[index]["resident_id"]), "LITTER", 1, today,
                f"楼道堆物证据{index}",
            )  # fmt: skip
        services.projected(services.bank.recorder.max_notification_id())
    finally:
        services.close()
    yield Street(demo_site.url, residents, demo_site.database_url)


def staff_page(browser: Browser, street: Street, width: str, name: str = STAFF) -> Page:
    page = new_page(browser, width)
    sign_in(page, street.url, name)
    return page


def looks_right(page: Page, name: str) -> None:
    assert latin_words(page) == []
    assert fits_width(page)
    screenshot(page, name)


def choose_rule(page: Page, code: str, shows: str | re.Pattern[str]) -> None:
    """Pick a rule and wait for its fields and preview to come back (htmx swaps them in)."""
    page.get_by_label("规则", exact=True).select_option(code)
    expect(page.locator(".htmx-request")).to_have_count(0)
    expect(page.locator("#preview")).to_contain_text(shows)


def pick_resident(page: Page, street: Street, index: int, kind: str = "award") -> str:
    """Find the resident by phone as one types, and open their points form."""
    resident = street.resident(index)
    page.goto(f"{street.url}/ui/points?kind={kind}")
    page.get_by_label("查找居民").fill(resident["phone"])
    page.get_by_role("link", name=resident["name"]).click()
    expect(page.get_by_role("heading", name=re.compile(resident["name"]))).to_be_visible()
    return resident["name"]


@pytest.mark.parametrize("width", WIDTHS)
def test_award_per_hour_rule_shows_points_before_saving(
    browser: Browser, street: Street, width: str
) -> None:
    index = 1 if width == "phone" else 2
    page = staff_page(browser, street, width)
    pick_resident(page, street, index)
    before = street.balance(index)
    page.get_by_label("筛选规则").fill("按小时")
    expect(page.get_by_label("规则", exact=True).locator("option")).to_have_count(1)
    expect(page.get_by_label("服务时长：小时")).to_be_visible()
    choose_rule(page, "HOURS", re.compile("按小时计分|服务时长"))
    page.get_by_label("服务时长：小时").fill("0")
    page.get_by_label("分钟").fill("0")
    page.get_by_role("button", name="确认加分").click()
    expect(page.locator("#e-minutes")).to_contain_text("服务时长")
    assert street.balance(index) == before

    choose_rule(page, "HOURS", re.compile("按小时计分|服务时长"))
    page.get_by_label("服务时长：小时").fill("1")
    page.get_by_label("分钟").fill("30")
    expect(page.locator("#preview")).to_contain_text("本次 15 分")
    page.get_by_label("备注").fill("陪护老人")
    looks_right(page, f"points-award-{width}")
    page.get_by_role("button", name="确认加分").click()
    expect(page.locator("#message")).to_contain_text("已加分")
    assert street.balance(index) == before + 15


@pytest.mark.parametrize("width", WIDTHS)
def test_a_cap_is_explained_with_what_the_resident_has(
    browser: Browser, street: Street, width: str
) -> None:
    index = 3 if width == "phone" else 4
    page = staff_page(browser, street, width)
    pick_resident(page, street, index)
    choose_rule(page, "CAPPED", "本次 10 分")
    page.get_by_label("次数").fill("2")
    expect(page.locator("#preview")).to_contain_text("本次 20 分")
    page.get_by_role("button", name="确认加分").click()
    expect(page.locator("#message")).to_contain_text("已加分")
    before = street.balance(index)
    choose_rule(page, "CAPPED", "本次 10 分")
    page.get_by_label("次数").fill("1")
    page.get_by_role("button", name="确认加分").click()
    expect(page.locator("#message")).to_contain_text("每人每月最多 20 分，该居民当月已有 20 分")
    assert latin_words(page) == []
    assert street.balance(index) == before


@pytest.mark.parametrize("width", WIDTHS)
def test_deduction_needs_evidence_and_waits_for_approval(
    browser: Browser, street: Street, width: str
) -> None:
    index = 5 if width == "phone" else 6
    page = staff_page(browser, street, width)
    pick_resident(page, street, index, "deduction")
    before = street.balance(index)
    expect(page.locator("#preview")).to_contain_text("须另一名工作人员审批")
    page.get_by_label("证据说明（扣分必填）").fill("   ")
    page.get_by_role("button", name="提交扣分申请").click()
    expect(page.locator("#e-note")).to_contain_text("原因")
    page.get_by_label("证据说明（扣分必填）").fill("高空抛物，有监控截图")
    looks_right(page, f"points-deduct-{width}")
    page.get_by_role("button", name="提交扣分申请").click()
    expect(page.locator("#message")).to_have_text("已提交，待另一名工作人员审批")
    assert street.balance(index) == before


@pytest.mark.parametrize("width", WIDTHS)
def test_correct_then_reverse_from_the_entry(browser: Browser, street: Street, width: str) -> None:
    index = 7 if width == "phone" else 8
    page = staff_page(browser, street, width)
    pick_resident(page, street, index)
    choose_rule(page, "CAPPED", "本次 10 分")
    page.get_by_label("次数").fill("1")
    page.get_by_role("button", name="确认加分").click()
    expect(page.locator("#message")).to_contain_text("已加分")
    before = street.balance(index)
    page.get_by_role("link", name="更正或冲正").first.click()
    page.get_by_label("减少的分数").fill("11")
    page.get_by_label("更正原因").fill("多记了")
    page.get_by_role("button", name="确认更正").click()
    expect(page.locator("#e-points")).to_contain_text("更正只能减少原记录")
    assert street.balance(index) == before
    page.get_by_label("减少的分数").fill("4")
    page.get_by_label("更正原因").fill("实际只服务了半次")
    page.get_by_role("button", name="确认更正").click()
    expect(page.locator("#message")).to_contain_text("已更正")
    assert street.balance(index) == before - 4
    looks_right(page, f"points-correct-{width}")
    page.get_by_role("button", name="确认冲正").click()
    expect(page.get_by_text("请填写更正或冲正的原因")).to_be_visible()
    assert street.balance(index) == before - 4
    page.get_by_label("冲正原因").fill("记错了人")
    page.get_by_role("button", name="确认冲正").click()
    expect(page.locator("#message")).to_contain_text("已冲正")
    assert street.balance(index) == before - 10


@pytest.mark.parametrize("width", WIDTHS)
def test_approvals_queue_approve_and_reject(browser: Browser, street: Street, width: str) -> None:
    index = 20 if width == "phone" else 21
    name = street.resident(index)["name"]
    maker = staff_page(browser, street, width)
    maker.goto(f"{street.url}/ui/approvals")
    card = maker.get_by_role("article", name=f"{name} 的扣分申请")
    expect(card).to_contain_text("本人提交的申请，须由另一名工作人员审批")
    expect(card.get_by_role("button", name="批准")).to_have_count(0)

    page = staff_page(browser, street, width, CHECKER)
    page.goto(f"{street.url}/ui/approvals")
    card = page.get_by_role("article", name=f"{name} 的扣分申请")
    expect(card).to_contain_text(f"楼道堆物证据{index}")
    expect(card).to_contain_text("天禧社区工作人员甲")
    expect(card).to_contain_text("LITTER")
    looks_right(page, f"approvals-queue-{width}")
    before = street.balance(index)
    if width == "phone":
        card.get_by_role("button", name="驳回").click()
        card = page.get_by_role("article", name=f"{name} 的扣分申请")
        expect(card.get_by_role("alert")).to_contain_text("驳回须写明原因")
        card.get_by_label("驳回原因").fill("证据不足")
        card.get_by_role("button", name="驳回").click()
        expect(page.locator("#message")).to_have_text("已驳回，积分不入账")
        assert street.balance(index) == before
    else:
        card.get_by_role("button", name="批准").click()
        expect(page.locator("#message")).to_have_text("已批准，积分已入账")
        assert street.balance(index) == before - 5
    expect(page.get_by_role("article", name=f"{name} 的扣分申请")).to_have_count(0)


def typed_card(resident_id: str) -> str:
    """The printed card code as a person types it, with a PB- prefix and a hyphen."""
    code = card_code(resident_id)
    return f"PB-{code[:4]}-{code[4:]}"


def plan_activity(page: Page, street: Street, title: str, capacity: str) -> None:
    page.goto(f"{street.url}/ui/activities")
    page.get_by_role("link", name="新建活动或议事会").click()
    page.get_by_label("积分规则").select_option("HOURS")
    page.get_by_label("活动名称").fill(title)
    page.get_by_label("地点").fill("天禧敬老院")
    page.get_by_label("名额").fill(capacity)


@pytest.mark.parametrize("width", WIDTHS)
def test_activity_attendance_by_card_and_search_then_close(
    browser: Browser, street: Street, width: str
) -> None:
    first, second = (10, 11) if width == "phone" else (12, 13)
    title = "敬老院陪护（一）" if width == "phone" else "敬老院陪护（二）"
    page = staff_page(browser, street, width)
    plan_activity(page, street, title, "0")
    looks_right(page, f"activities-new-{width}")
    page.get_by_role("button", name="创建活动").click()
    expect(page.locator("#e-capacity")).to_contain_text("名额")
    page.goto(f"{street.url}/ui/activities")
    expect(page.get_by_role("link", name=title)).to_have_count(0)
    plan_activity(page, street, title, "20")
    page.get_by_role("button", name="创建活动").click()
    expect(page.get_by_role("heading", name=re.compile(title))).to_be_visible()

    field = page.get_by_label("居民（扫描或输入居民卡号，或输入姓名、电话）")
    field.fill("PB-0000-0000")
    page.get_by_role("button", name="确认签到").click()
    expect(page.locator("#e-resident")).to_contain_text("没有找到该居民")
    a, b = street.resident(first), street.resident(second)
    field = page.get_by_label("居民（扫描或输入居民卡号，或输入姓名、电话）")
    field.fill(typed_card(a["resident_id"]))
    page.get_by_label("服务时长：小时").fill("2")
    page.get_by_role("button", name="确认签到").click()
    expect(page.locator("#message")).to_have_text("已签到")
    roster = page.locator("#roster")
    expect(roster).to_contain_text(a["name"])

    page.get_by_label("居民（扫描或输入居民卡号，或输入姓名、电话）").fill(b["phone"])
    page.get_by_label(f"{b['name']} 服务分钟").fill("90")
    page.get_by_role("button", name=f"{b['name']} 签到").click()
    expect(page.locator("#message")).to_have_text("已签到")
    expect(page.locator("#present-count")).to_have_text("2 人")
    looks_right(page, f"activities-attendance-{width}")

    before = street.balance(first), street.balance(second)
    page.get_by_role("button", name="结束活动并发放积分").click()
    expect(page.locator("#message")).to_contain_text("2 人已入账")
    expect(page.locator("#roster")).to_contain_text("20")
    assert (street.balance(first), street.balance(second)) == (before[0] + 20, before[1] + 15)
    page.get_by_role("link", name="返回活动列表").click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("button", name="确认签到")).to_have_count(0)
    looks_right(page, f"activities-closed-{width}")
