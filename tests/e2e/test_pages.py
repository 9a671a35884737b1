"""The web desk in a real browser (Debian's Chromium driven by Playwright) against a real server."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from api.services import open_services
from pointsbank.application import Command
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.domain.terms import Terms
from pointsbank.registry import PersonalData
from pointsbank.settings import Settings
from tests.accounts_helpers import PASSWORD, open_account
from tests.browser import SCREENSHOTS, latin_words, serving


@dataclass
class Desk:
    url: str
    staff: str
    clerk: str
    resident: str
    staff2: str = ""


def seed(database_url: str) -> tuple[str, str, str]:
    services = open_services(Settings(database_url=database_url))
    try:
        now = services.now()
        today = now.astimezone(services.settings.zone).date()

        def cmd(actor: Actor) -> Command:
            return Command(Context(actor, now, today), key=os.urandom(8).hex(), fingerprint="f")

        admin = Actor("admin", Role.ADMIN)
        services.bank.register_community(cmd(admin), "a", "天禧社区")
        community = Community.id_for("a")
        services.bank.add_grid(cmd(admin), community, "g1", "第一网格")
        services.bank.define_rule(cmd(admin), "VOL", "志愿服务", Category.VOLUNTEER, 10)
        services.earning.rules.define(
            cmd(admin), "BIG", "大型活动", Category.VOLUNTEER, 30, Terms(approval_above=20)
        )
        open_account(services, "staff2", Role.STAFF, "a")
        staff = open_account(services, "staff", Role.STAFF, "a").body["user_id"]
        open_account(services, "clerk", Role.CLERK, "a")
        staff_actor = Actor(staff, Role.STAFF, community)
        for name, phone in (("王芳", "13800001234"), ("李娜", "13900005678")):
            enrolled = services.bank.enrol(
                cmd(staff_actor),
                community,
                "g1",
                name == "王芳",
                False,
                today,
                PersonalData(name=name, phone=phone),
            )
        services.bank.award(
            cmd(staff_actor), UUID(enrolled.body["resident_id"]), "VOL", 5, today, ""
        )
        services.counter.list_item(cmd(staff_actor), community, "大米 5kg", 30, 3, 1)
        services.counter.list_item(cmd(staff_actor), community, "洗衣液", 8, 10, 0)
        return "staff", "clerk", "staff2"
    finally:
        services.close()


@pytest.fixture
def desk(database_url: str) -> Iterator[Desk]:
    staff, clerk, checker = seed(database_url)
    with serving(database_url) as url:
        yield Desk(url, staff, clerk, "王芳", checker)


def open_resident(page: Page, text: str) -> None:
    """Search by name or phone and open the first resident found."""
    page.fill("#q", text)
    page.click("#search-form button")
    page.locator("#results tbody tr").first.click()


def sign_in(page: Page, desk: Desk, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{desk.url}/")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_staff_finds_a_resident_and_awards_points(browser: Browser, desk: Desk) -> None:
    page = browser.new_page()
    sign_in(page, desk, desk.staff, "not the password")
    expect(page.locator("#message")).to_contain_text("用户名或密码不正确")
    sign_in(page, desk, desk.staff)
    expect(page.locator("#who")).to_contain_text("社区工作人员")
    page.fill("#q", "1234")
    page.click("#search-form button")
    page.locator("#results tbody tr", has_text=desk.resident).click()
    expect(page.locator("#r-balance")).to_have_text("0")
    expect(page.locator("#r-flags")).to_have_text("党员")
    page.select_option("#a-rule", "VOL")
    page.fill("#a-quantity", "2")
    page.fill("#a-note", "扫雪")
    page.click("#a-submit")
    expect(page.locator("#message")).to_contain_text("已加分")
    expect(page.locator("#r-balance")).to_have_text("20")
    expect(page.locator("#statement tbody tr")).to_have_count(1)
    expect(page.locator("#statement tbody tr").first).to_contain_text("扫雪")
    assert latin_words(page) == []  # the desk speaks Chinese only
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desk-award.png"), full_page=True)


def test_a_double_click_awards_once(browser: Browser, desk: Desk) -> None:
    page = browser.new_page()
    sign_in(page, desk, desk.staff)
    open_resident(page, "王")
    page.select_option("#a-rule", "VOL")
    page.dblclick("#a-submit")
    expect(page.locator("#message")).to_contain_text("已加分")
    page.wait_for_timeout(300)
    expect(page.locator("#r-balance")).to_have_text("10")
    expect(page.locator("#statement tbody tr")).to_have_count(1)


def test_a_future_date_is_refused_with_the_reason(browser: Browser, desk: Desk) -> None:
    page = browser.new_page()
    sign_in(page, desk, desk.staff)
    open_resident(page, "王")
    page.evaluate("document.querySelector('#a-date').removeAttribute('max')")
    page.fill("#a-date", f"{datetime.now(UTC).year + 1}-01-01")
    page.click("#a-submit")
    expect(page.locator("#message")).to_contain_text("future")
    expect(page.locator("#r-balance")).to_have_text("0")


def test_a_clerk_lands_on_the_counter_not_the_desk(browser: Browser, desk: Desk) -> None:
    page = browser.new_page()
    sign_in(page, desk, desk.clerk)
    expect(page).to_have_url(re.compile(r"/ui/counter$"))
    page.goto(f"{desk.url}/ui/desk")
    expect(page).to_have_url(re.compile(r"/ui/counter$"))
    expect(page.locator("#award-form")).to_have_count(0)


def test_staff_redeem_a_basket_prints_and_cancels_the_receipt_on_the_desk(
    browser: Browser, desk: Desk
) -> None:
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.accept("拿错了"))
    sign_in(page, desk, desk.staff)
    open_resident(page, "李娜")
    expect(page.locator("#r-balance")).to_have_text("50")
    page.locator("#goods tbody tr", has_text="洗衣液").locator("input").fill("2")
    page.locator("#goods tbody tr", has_text="大米").locator("input").fill("1")
    expect(page.locator("#basket-total")).to_have_text("46")
    page.dblclick("#r-submit")
    expect(page.locator("#receipt")).to_be_visible()
    expect(page.locator("#rc-points")).to_have_text("46")
    expect(page.locator("#rc-balance")).to_have_text("4")
    expect(page.locator("#rc-clerk")).to_have_text(desk.staff)
    expect(page.locator("#r-balance")).to_have_text("4")
    expect(page.locator("#goods tbody tr", has_text="大米")).to_contain_text("2")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desk-receipt.png"), full_page=True)
    page.locator("#goods tbody tr", has_text="洗衣液").locator("input").fill("1")
    page.click("#r-submit")
    expect(page.locator("#message")).to_contain_text("未能兑换")
    expect(page.locator("#r-balance")).to_have_text("4")
    page.click("#rc-cancel")
    expect(page.locator("#message")).to_contain_text("已撤销")
    expect(page.locator("#r-balance")).to_have_text("50")


def test_an_award_above_the_threshold_waits_for_a_second_staff_member(
    browser: Browser, desk: Desk
) -> None:
    page = browser.new_page()
    sign_in(page, desk, desk.staff)
    open_resident(page, "王芳")
    page.select_option("#a-rule", "BIG")
    page.click("#a-submit")
    expect(page.locator("#message")).to_contain_text("待另一位工作人员审批")
    expect(page.locator("#r-balance")).to_have_text("0")
    expect(page.locator("#approvals-list tbody tr")).to_have_count(1)
    expect(page.locator("#approvals-list tbody tr").first).to_contain_text("本人提交")
    checker = browser.new_page()
    sign_in(checker, desk, desk.staff2)
    row = checker.locator("#approvals-list tbody tr", has_text="王芳")
    row.get_by_role("button", name="批准").dblclick()
    expect(checker.locator("#message")).to_contain_text("已处理")
    expect(checker.locator("#approvals-list tbody tr")).to_have_count(0)
    open_resident(checker, "王芳")
    expect(checker.locator("#r-balance")).to_have_text("30")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    checker.screenshot(path=str(SCREENSHOTS / "desk-approved.png"), full_page=True)


def only_localhost(page: Page) -> list[str]:
    """Abort every request that would leave the machine; returns the URLs that tried."""
    tried: list[str] = []

    def route(route: Route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            tried.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return tried


def test_the_api_docs_render_offline(browser: Browser, desk: Desk) -> None:
    page = browser.new_page()
    outside = only_localhost(page)
    page.goto(f"{desk.url}/docs")
    awards = page.locator(".opblock-summary-path", has_text="/residents/{resident_id}/awards")
    expect(awards.first).to_be_visible()
    expect(page.locator(".opblock")).not_to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))
    page.goto(f"{desk.url}/redoc")
    expect(page.get_by_text("Award points by a rule").first).to_be_attached()
    expect(page.get_by_text("Problem").first).to_be_attached()
    page.screenshot(path=str(SCREENSHOTS / "api-redoc.png"))
    assert outside == []
