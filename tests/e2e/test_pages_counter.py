"""兑换 and 商品 pages in Debian's Chromium: a clerk finds a resident by card, phone or name,
fills a basket, redeems once however often the button is pressed, prints, reprints and cancels;
staff keep the goods catalogue. Phone and desktop widths, both stores, on the served demo street."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, expect

from pointsbank.db import open_database
from projections.cards import card_code
from tests.browser import DemoSite, fits_width, latin_words, new_page, screenshot, sign_in

WIDTHS = ["phone", "desktop"]


def residents(site: DemoSite, least: int) -> list[dict[str, object]]:
    """Tianxi's residents with at least `least` points, in a fixed order (test set-up only)."""
    db = open_database(site.database_url)
    try:
        return db.query(
            "SELECT r.resident_id, r.balance, p.name FROM residents r "
            "JOIN personal_data p ON p.resident_id = r.resident_id "
            "JOIN communities c ON c.community_id = r.community_id "
            "WHERE c.code = 'tianxi' AND r.balance >= ? ORDER BY r.resident_id",
            (least,),
        )
    finally:
        db.close()


def receipts_of(site: DemoSite, resident_id: str) -> int:
    db = open_database(site.database_url)
    try:
        row = db.query_one(
            "SELECT COUNT(*) AS n FROM receipts WHERE resident_id = ?", (resident_id,)
        )
        return int(row["n"]) if row else 0
    finally:
        db.close()


def chinese_and_fits(page: Page) -> None:
    # The demo's goods names carry units (食用油 1.8L): user data, not page text.
    assert [w for w in latin_words(page) if w != "L"] == []
    assert fits_width(page)


def open_basket(page: Page, site: DemoSite, typed: str) -> None:
    page.get_by_label("扫卡或输入卡号、电话、姓名").fill(typed)
    page.get_by_role("button", name="查找").click()
    expect(page).to_have_url(re.compile(r"/ui/counter/r/"))


@pytest.mark.parametrize("width", WIDTHS)
def test_clerk_redeems_prints_reprints_and_cancels(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    who = residents(demo_site, 20)[WIDTHS.index(width)]
    rid, name, balance = str(who["resident_id"]), str(who["name"]), int(str(who["balance"]))
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-clerk-tianxi")
    expect(page).to_have_url(re.compile(r"/ui/counter$"))
    page.get_by_label("扫卡或输入卡号、电话、姓名").fill(name[0])
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#found").get_by_role("link", name=name)).to_be_visible()
    chinese_and_fits(page)
    screenshot(page, f"counter-find-{width}")

    open_basket(page, demo_site, card_code(UUID(rid)).lower())
    expect(page.locator("#balance")).to_have_text(str(balance))
    page.get_by_label("抽纸 数量").fill("2")
    page.get_by_label("洗衣液 数量").fill("1")
    expect(page.locator("#basket-total")).to_have_text("25")
    expect(page.locator("#balance-after")).to_have_text(str(balance - 25))
    chinese_and_fits(page)
    screenshot(page, f"counter-basket-{width}")
    page.get_by_role("button", name="确认兑换").dblclick()

    expect(page.locator("#message")).to_contain_text("已兑换")
    expect(page.locator("#rc-points")).to_have_text("25")
    expect(page.locator("#rc-balance")).to_have_text(str(balance - 25))
    expect(page.locator("#rc-resident")).to_have_text(
        name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"
    )
    expect(page.locator("#receipt")).to_contain_text("天禧社区")
    expect(page.locator("#receipt")).to_contain_text("抽纸")
    expect(page.locator("#receipt")).to_contain_text("柜台")
    number = page.locator("#rc-number").inner_text()
    assert receipts_of(demo_site, rid) == 1
    chinese_and_fits(page)
    screenshot(page, f"counter-receipt-{width}")

    page.get_by_role("link", name="小票列表").click()
    page.get_by_label("小票号或姓名").fill(number)
    page.get_by_role("button", name="筛选").click()
    chinese_and_fits(page)
    screenshot(page, f"counter-receipts-{width}")
    page.get_by_role("link", name=number).click()
    expect(page.locator("#rc-number")).to_have_text(number)
    expect(page.get_by_role("button", name="打印小票")).to_be_visible()
    # On paper only the receipt shows, no wider than an 80 mm roll.
    page.emulate_media(media="print")
    expect(page.locator("#nav")).to_be_hidden()
    expect(page.get_by_role("button", name="打印小票")).to_be_hidden()
    box = page.locator("#receipt").bounding_box()
    assert box is not None and box["width"] <= 80 / 25.4 * 96
    page.emulate_media(media="screen")

    page.get_by_text("撤销这次兑换").click()
    page.get_by_label("撤销原因").fill("拿错了物品")
    page.get_by_role("button", name="确认撤销").click()
    expect(page.locator("#message")).to_contain_text("已撤销兑换")
    expect(page.locator("#rc-cancelled")).to_contain_text("拿错了物品")
    chinese_and_fits(page)
    screenshot(page, f"counter-cancel-{width}")
    page.goto(f"{demo_site.url}/ui/counter?q={rid}")
    expect(page.locator("#balance")).to_have_text(str(balance))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_bad_basket_is_refused_beside_the_items_and_writes_nothing(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    who = residents(demo_site, 20)[2 + WIDTHS.index(width)]
    rid, balance = str(who["resident_id"]), int(str(who["balance"]))
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-clerk-tianxi")
    open_basket(page, demo_site, rid)
    page.get_by_role("button", name="确认兑换").click()
    expect(page.locator("#e-items")).to_have_text("请至少选择一件物品")
    page.get_by_label("抽纸 数量").fill(str(balance // 5 + 1))
    page.get_by_role("button", name="确认兑换").click()
    expect(page.locator("#e-items")).to_contain_text("积分不足")
    expect(page.locator("#balance")).to_have_text(str(balance))
    chinese_and_fits(page)
    page.get_by_role("link", name="换一位居民").click()
    page.get_by_label("扫卡或输入卡号、电话、姓名").fill("没有这个人")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#message")).to_contain_text("没有找到这位居民")
    assert receipts_of(demo_site, rid) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_list_restock_reprice_and_withdraw_goods(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    item = f"肥皂{WIDTHS.index(width)}号"
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-staff-tianxi")
    page.get_by_role("link", name="商品").click()
    page.get_by_label("物品名称").fill(item)
    page.get_by_label("单价（积分）").fill("0")
    page.get_by_label("初始库存").fill("3")
    page.get_by_role("button", name="上架").click()
    expect(page.locator("#e-price")).to_contain_text("价格须为 1 到 10000")
    expect(page.locator("#goods")).not_to_contain_text(item)
    page.get_by_label("单价（积分）").fill("8")
    page.get_by_role("button", name="上架").click()
    expect(page.locator("#message")).to_contain_text(f"已上架：{item}")
    expect(page.locator("#low-stock")).to_contain_text(f"{item}（剩 3）")
    chinese_and_fits(page)
    screenshot(page, f"goods-list-{width}")

    page.locator("#goods").get_by_role("link", name=item).click()
    page.get_by_label("入库数量").fill("-2")
    page.get_by_role("button", name="确认入库").click()
    expect(page.locator("#e-quantity")).to_contain_text("入库数量须为")
    expect(page.locator("#g-stock")).to_have_text("3")
    page.get_by_label("入库数量").fill("20")
    page.get_by_role("button", name="确认入库").click()
    expect(page.locator("#message")).to_contain_text("已入库 20 件")
    expect(page.locator("#g-stock")).to_have_text("23")
    expect(page.locator("#movements")).to_contain_text("入库")
    chinese_and_fits(page)
    screenshot(page, f"goods-restock-{width}")
    page.get_by_label("新单价（积分）").fill("8")
    page.get_by_role("button", name="确认调价").click()
    expect(page.locator("#e-price")).to_contain_text("价格已是 8")
    page.get_by_label("新单价（积分）").fill("9")
    page.get_by_role("button", name="确认调价").click()
    expect(page.locator("#g-price")).to_have_text("9")
    page.get_by_role("button", name="确认下架").click()
    expect(page.locator("#e-withdraw_reason")).to_have_text("请填写下架原因")
    page.get_by_label("下架原因").fill("停产")
    page.get_by_role("button", name="确认下架").click()
    expect(page.locator("#message")).to_contain_text("已下架")


def test_a_clerk_reads_the_catalogue_without_keeping_it(
    browser: Browser, demo_site: DemoSite
) -> None:
    page = new_page(browser, "phone")
    sign_in(page, demo_site.url, "demo-clerk-tianxi")
    page.get_by_role("link", name="商品").click()
    expect(page.locator("#goods")).to_contain_text("抽纸")
    expect(page.get_by_role("button", name="上架")).to_have_count(0)
    chinese_and_fits(page)


def test_staff_cancel_a_receipt_only_with_a_reason(browser: Browser, demo_site: DemoSite) -> None:
    who = residents(demo_site, 20)[4]
    rid, balance = str(who["resident_id"]), int(str(who["balance"]))
    page = new_page(browser, "phone")
    sign_in(page, demo_site.url, "demo-staff-tianxi")
    page.goto(f"{demo_site.url}/ui/counter?q={rid}")
    page.get_by_label("抽纸 数量").fill("1")
    page.get_by_role("button", name="确认兑换").click()
    expect(page.locator("#rc-balance")).to_have_text(str(balance - 5))
    page.get_by_text("撤销这次兑换").click()
    page.get_by_role("button", name="确认撤销").click()
    expect(page.locator("#e-reason")).to_have_text("撤销须注明理由。请填写理由。")
    expect(page.locator("#rc-cancelled")).to_have_count(0)
    number = page.locator("#rc-number").inner_text()
    page.get_by_role("link", name="小票", exact=True).click()
    expect(page.locator("#receipts tr", has_text=number)).to_contain_text("有效")
    chinese_and_fits(page)
