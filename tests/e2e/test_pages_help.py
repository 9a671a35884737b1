"""互助 in Chromium on both stores, against the demo street: a resident posts a need on a phone,
a neighbour in another household takes it and sees the contact, the poster confirms it done,
staff approve on 审批 and the helper's balance on 我的积分 rises. Bad input is refused in
Chinese beside the field and writes nothing; the contact is unknown to anyone else."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from api.demo import phone_of
from tests.browser import DemoSite, fits_width, latin_words, new_page, screenshot, sign_in
from tests.e2e.test_pages_residents_channel import demo_name

POSTER, HELPER, STAFF = phone_of(25), phone_of(28), "demo-staff-zumiao"


def check_page(page: Page, name: str | None = None) -> None:
    assert latin_words(page) == []
    assert fits_width(page)
    if name:
        screenshot(page, name)


def resident_page(browser: Browser, site: DemoSite, phone: str) -> Page:
    page = new_page(browser, "phone")
    sign_in(page, site.url, phone)
    return page


def balance(page: Page, site: DemoSite) -> int:
    page.goto(f"{site.url}/ui/me")
    return int(page.locator("#balance").inner_text())


def post_need(page: Page, site: DemoSite, description: str) -> str:
    page.goto(f"{site.url}/ui/help")
    page.get_by_role("link", name="发布需求").click()
    page.get_by_label("类别").select_option(label="维修")
    page.get_by_label("需要什么帮助").fill(description)
    page.get_by_label("什么时候").fill("周六上午")
    page.get_by_label("在哪里").fill("三号楼二单元")
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#need-state")).to_have_text("待帮忙")
    return page.url


def test_a_need_posted_taken_confirmed_and_approved_raises_the_helpers_balance(
    browser: Browser, demo_site: DemoSite
) -> None:
    description = f"厨房水龙头漏水{uuid.uuid4().int % 10000}"
    poster = resident_page(browser, demo_site, POSTER)
    expect(poster.get_by_role("link", name="互助")).to_be_visible()
    need_url = post_need(poster, demo_site, description)
    check_page(poster, "help-need-phone")
    expect(poster.locator("#contact")).to_have_count(0)
    assert poster.request.get(f"{need_url}/contact").status == 404

    helper = resident_page(browser, demo_site, HELPER)
    before = balance(helper, demo_site)
    helper.goto(f"{demo_site.url}/ui/help?category=repair")
    check_page(helper, "help-list-phone")
    helper.get_by_role("link", name=re.compile(description)).click()
    helper.get_by_role("button", name="我来帮忙").click()
    expect(helper.locator("#need-state")).to_have_text("已有人接")
    expect(helper.locator("#contact")).to_contain_text(POSTER)
    assert helper.request.get(f"{need_url}/contact").status == 200

    poster.goto(need_url)
    poster.get_by_role("button", name="确认已完成").click()
    expect(poster.locator("#need-state")).to_have_text("已完成")
    assert balance(helper, demo_site) == before  # not before staff approve

    staff = new_page(browser, "phone")
    sign_in(staff, demo_site.url, STAFF)
    staff.goto(f"{demo_site.url}/ui/approvals")
    card = (
        staff.get_by_role("article", name=f"{demo_name(28)} 的加分申请")
        .filter(has_text="邻里互助：需求已确认完成")
        .first
    )
    card.get_by_role("button", name="批准").click()
    expect(staff.locator("#message")).to_have_text("已批准，积分已入账")
    assert balance(helper, demo_site) == before + 3


def test_a_need_without_a_description_is_refused_beside_the_field(
    browser: Browser, demo_site: DemoSite
) -> None:
    page = resident_page(browser, demo_site, POSTER)
    page.goto(f"{demo_site.url}/ui/help")
    mine = page.locator("#mine li").count()
    page.goto(f"{demo_site.url}/ui/help/needs/new")
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#e-description")).to_contain_text("请填写说明")
    check_page(page)
    page.goto(f"{demo_site.url}/ui/help")
    expect(page.locator("#mine li")).to_have_count(mine)


def test_a_neighbour_posts_an_offer_and_sees_it_listed(
    browser: Browser, demo_site: DemoSite
) -> None:
    page = resident_page(browser, demo_site, HELPER)
    page.goto(f"{demo_site.url}/ui/help")
    page.get_by_role("link", name="发布服务").click()
    page.get_by_label("类别").select_option(label="家教")
    page.get_by_label("提供").select_option(label="技能")
    page.get_by_label("说明").fill("辅导小学数学")
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#message")).to_have_text("服务已发布")
    offer = page.locator("#offers li").filter(has_text="辅导小学数学")
    expect(offer).to_contain_text("技能·帮忙")
    check_page(page)
    page.get_by_label("网格").select_option(label="西片网格")  # not 28's grid (东片)
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#offers")).not_to_contain_text("辅导小学数学")
    page.goto(f"{demo_site.url}/ui/help")
    offer.get_by_role("button", name="撤回服务").click()
    expect(page.locator("#message")).to_have_text("服务已撤回")
    expect(page.locator("#offers")).not_to_contain_text("辅导小学数学")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_staff_see_counts_hide_an_improper_need_with_a_reason_and_export(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    description = f"出售保健品{width}{uuid.uuid4().int % 10000}"
    poster = resident_page(browser, demo_site, POSTER)
    need_url = post_need(poster, demo_site, description)

    staff = new_page(browser, width)
    sign_in(staff, demo_site.url, STAFF)
    staff.get_by_role("link", name="互助管理").click()
    expect(staff.locator("#counts")).to_contain_text("维修")
    card = staff.get_by_role("article").filter(has_text=description)
    card.get_by_role("button", name="隐藏").click()
    card = staff.get_by_role("article").filter(has_text=description)
    expect(card.get_by_role("alert")).to_contain_text("请填写隐藏的原因")
    check_page(staff, f"sharing-staff-{width}")
    card.get_by_label("隐藏原因").fill("推销广告")
    card.get_by_role("button", name="隐藏").click()
    expect(staff.locator("#message")).to_have_text("已隐藏")
    expect(staff.get_by_role("article").filter(has_text=description)).to_contain_text("推销广告")

    assert poster.request.get(need_url).status == 404  # hidden from residents
    exported = staff.request.get(f"{demo_site.url}/ui/sharing/export.csv")
    assert exported.status == 200
    lines = exported.text().lstrip("\ufeff").splitlines()
    assert lines[0] == "发布日期,类别,网格,状态,结束日期,隐藏原因"
    assert any("推销广告" in line for line in lines) and description not in exported.text()
