"""Residents (居民) and households (家庭) pages as staff use them, in Chromium at phone and
desktop width, on both stores, against the demo street (each test uses its own residents)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from api.demo import GIVEN, SURNAMES
from tests.browser import DemoSite, fits_width, latin_words, new_page, screenshot, sign_in

WIDTHS = ["phone", "desktop"]
STAFF = "demo-staff-tianxi"


def demo_name(seq: int) -> str:
    """The name the demo gives its resident number `seq` (tianxi holds 0 to 24)."""
    return SURNAMES[(seq // 3) % len(SURNAMES)] + GIVEN[seq % 15] + GIVEN[(seq * 7) % 15]


def door(seq: int) -> str:
    """The name (door number) of the demo household resident `seq` belongs to."""
    first = seq // 3 * 3
    return f"{demo_name(first)[0]}家（{first}号）"


def shanghai_today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def phone(seq: int) -> str:
    return f"1380000{seq:04d}"


def pick(width: str, phone_seq: int, desktop_seq: int) -> int:
    return phone_seq if width == "phone" else desktop_seq


def staff_page(browser: Browser, site: DemoSite, width: str) -> Page:
    page = new_page(browser, width)
    sign_in(page, site.url, STAFF)
    return page


def check_page(page: Page, name: str) -> None:
    assert latin_words(page) == []
    assert fits_width(page)
    screenshot(page, name)


def open_resident(page: Page, site: DemoSite, seq: int) -> None:
    page.goto(f"{site.url}/ui/residents")
    page.get_by_label("查找居民").fill(phone(seq))
    page.get_by_role("link", name=demo_name(seq)).click()
    expect(page.locator("#resident-name")).to_contain_text(demo_name(seq))


@pytest.mark.parametrize("width", WIDTHS)
def test_search_shows_results_as_one_types(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    page = staff_page(browser, demo_site, width)
    page.get_by_role("navigation").get_by_role("link", name="居民", exact=True).click()
    search = page.get_by_label("查找居民")
    search.fill(phone(3)[-6:])  # part of a phone, no button pressed
    expect(page.get_by_role("link", name=demo_name(3))).to_be_visible()
    search.fill("（6号）")  # the door number of the household
    rows = page.locator("#residents tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("link", name=demo_name(7))).to_be_visible()
    check_page(page, f"residents-search-{width}")
    search.fill("没有这个人")
    expect(page.get_by_text("没有找到")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_enrol_checks_input_and_duplicates(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    page = staff_page(browser, demo_site, width)
    name = "欧阳新" + ("甲" if width == "phone" else "乙")
    page.goto(f"{demo_site.url}/ui/residents/new")
    page.get_by_label("姓名").fill(name)
    page.get_by_label("电话").fill("电话号码")
    page.get_by_label("身份证号").fill("12345")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("#e-phone")).to_contain_text("电话号码应为")
    expect(page.locator("#e-id_card")).to_contain_text("身份证号应为 18 位")
    check_page(page, f"residents-enrol-{width}")
    page.goto(f"{demo_site.url}/ui/residents?q={name}")
    expect(page.get_by_text("没有找到")).to_be_visible()  # nothing was written

    existing = pick(width, 10, 11)
    page.goto(f"{demo_site.url}/ui/residents/new")
    page.get_by_label("姓名").fill(name)
    page.get_by_label("电话").fill(phone(existing))
    page.get_by_label("党员").check()
    page.get_by_role("button", name="登记").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("可能已经登记过")
    expect(warning.get_by_role("link", name=demo_name(existing))).to_be_visible()
    page.get_by_label("确认不是同一人，仍然登记").check()
    page.get_by_role("button", name="登记").click()
    expect(page.locator("#resident-name")).to_contain_text(name)
    expect(page.locator("#resident-name")).to_contain_text("党员")
    expect(page.get_by_role("status")).to_have_text("居民已登记")


@pytest.mark.parametrize("width", WIDTHS)
def test_resident_page_statement_filters_and_exports(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    seq = pick(width, 9, 18)  # each has an approved or pending deduction in the demo
    page = staff_page(browser, demo_site, width)
    open_resident(page, demo_site, seq)
    expect(page.locator("#balance")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#year-points")).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_role("link", name=f"（{seq // 3 * 3}号）")).to_be_visible()
    page.get_by_label("类型").select_option(label="加分")
    page.get_by_role("button", name="筛选").click()
    entries = page.locator("#entries tbody tr")
    expect(entries.first).to_contain_text("加分")
    assert all("加分" in text for text in entries.all_inner_texts())
    check_page(page, f"residents-page-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("序号,发生日期,类型")
    assert all(",加分," in line for line in text.splitlines()[1:])
    page.goto(page.url.split("?")[0] + "?from=2026-02-30")
    expect(page.locator("#e-from")).to_have_text("没有 2026-02-30 这一天。请核对日期。")
    entries.first.get_by_role("link", name="更正").click()  # an entry is corrected from itself
    expect(page.get_by_label("减少的分数")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_resident_card_code_is_what_the_counter_looks_up(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    seq = pick(width, 1, 2)
    page = staff_page(browser, demo_site, width)
    open_resident(page, demo_site, seq)
    code = page.locator("#card-code").inner_text()
    page.get_by_role("link", name="打印居民卡").click()
    card = page.get_by_role("article", name="居民卡")
    expect(card).to_contain_text(code)
    expect(card.locator("svg")).to_be_visible()
    check_page(page, f"residents-card-{width}")
    found = page.request.get(f"{demo_site.url}/residents", params={"q": code.lower()}).json()
    assert [r["name"] for r in found] == [demo_name(seq)]  # the counter's look-up (JSON API)
    page.goto(f"{demo_site.url}/ui/residents")
    page.get_by_label("查找居民").fill(f"PB-{code[:4]}-{code[4:]}")
    expect(page.locator("#residents tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name=demo_name(seq))).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_household_create_add_and_remove_members(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    seq = pick(width, 4, 5)
    number = f"9栋{seq}0{seq}室"
    today = shanghai_today()
    page = staff_page(browser, demo_site, width)
    page.get_by_role("navigation").get_by_role("link", name="家庭", exact=True).click()
    new = page.locator("#new-household")
    new.get_by_label("门牌号").fill(door(seq))
    page.get_by_role("button", name="新建").click()
    expect(page.locator("#e-name")).to_have_text("这个门牌号已经有家庭了")
    page.get_by_label("查找家庭（门牌号）").fill("号）")
    check_page(page, f"households-list-{width}")
    new.get_by_label("门牌号").fill(number)
    page.get_by_role("button", name="新建").click()
    expect(page.locator("#household-name")).to_have_text(number)

    new_household = page.url.split("?")[0]
    page.goto(f"{demo_site.url}/ui/households?q={seq // 3 * 3}号")
    page.get_by_role("link", name=re.compile(f"（{seq // 3 * 3}号）")).click()
    row = page.locator("#members tbody tr", has_text=demo_name(seq))
    row.get_by_text("移出", exact=True).click()
    row.get_by_label("离开日期").fill(today)
    row.get_by_role("button", name="移出家庭").click()
    expect(page.locator("#members tbody tr", has_text=demo_name(seq))).to_contain_text(today)

    page.goto(new_household)
    page.get_by_label("居民（姓名、电话或卡号）").fill("查无此人")
    page.get_by_role("button", name="加入").click()
    expect(page.locator("#e-resident")).to_contain_text("没有找到这位居民")
    expect(page.locator("#members")).to_contain_text("还没有成员")
    page.get_by_label("居民（姓名、电话或卡号）").fill(phone(seq))
    page.get_by_label("加入日期").fill(today)
    page.get_by_role("button", name="加入").click()
    expect(page.locator("#members tbody tr", has_text=demo_name(seq))).to_contain_text("现成员")


@pytest.mark.parametrize("width", WIDTHS)
def test_move_resident_to_another_household_in_one_step(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    seq = pick(width, 7, 8)
    today = shanghai_today()
    page = staff_page(browser, demo_site, width)
    open_resident(page, demo_site, seq)
    page.get_by_role("link", name="迁移家庭").click()
    page.get_by_label("迁入家庭（门牌号）").fill("没有这个门牌")
    page.get_by_role("button", name="迁移").click()
    expect(page.locator("#e-household")).to_contain_text("没有这个门牌号的家庭")
    page.get_by_label("迁入家庭（门牌号）").fill("（12号）")
    page.get_by_label("迁移日期").fill(today)
    check_page(page, f"households-move-{width}")
    page.get_by_role("button", name="迁移").click()
    expect(page.get_by_role("status")).to_have_text("已迁入本家庭")
    expect(page.locator("#household-name")).to_contain_text("（12号）")
    moved = page.locator("#members tbody tr", has_text=demo_name(seq))
    expect(moved).to_contain_text(today)
    expect(moved).to_contain_text("现成员")
    open_resident(page, demo_site, seq)
    page.get_by_role("link", name=re.compile("（12号）")).click()
    expect(page.locator("#household-name")).to_contain_text("（12号）")
    page.goto(f"{demo_site.url}/ui/households?q=（6号）")
    page.get_by_role("link", name=re.compile("（6号）")).click()
    left = page.locator("#members tbody tr", has_text=demo_name(seq))
    expect(left).not_to_contain_text("现成员")
    expect(left).to_contain_text(today)
