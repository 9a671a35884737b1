"""The residents' channel in Chromium on both stores, against the demo street: staff print an
activation slip, the resident activates on a phone, signs in with their phone number and sees
我的积分 (balance, statement, card, goods); the counter finds the card; bad codes are refused in
Chinese beside the field and write nothing."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from api.demo import ACTIVATED_RESIDENTS, DEMO_PASSWORD, GIVEN, SURNAMES, phone_of
from tests.browser import DemoSite, fits_width, latin_words, new_page, screenshot, sign_in

STAFF = "demo-staff-zumiao"
NEW_PASSWORD = "my balcony roses"


def demo_name(seq: int) -> str:
    return SURNAMES[(seq // 3) % len(SURNAMES)] + GIVEN[seq % 15] + GIVEN[(seq * 7) % 15]


SLIP_CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def check_page(page: Page, name: str) -> None:
    # Data, not page text: the demo's goods ("食用油 1.8L" reads as the word "L") and the slip's
    # code, which is random and may happen to hold no digit (ZQPX-CBFS-QBKK).
    words = [w for w in latin_words(page) if w != "L" and not SLIP_CODE.fullmatch(w)]
    assert words == []
    assert fits_width(page)
    screenshot(page, name)


def print_slip(browser: Browser, site: DemoSite, seq: int, width: str = "desktop") -> str:
    """Staff find the resident and print a slip; the code as printed."""
    page = new_page(browser, width)
    sign_in(page, site.url, STAFF)
    page.goto(f"{site.url}/ui/residents")
    page.get_by_label("查找居民").fill(phone_of(seq))
    page.get_by_role("link", name=demo_name(seq)).click()
    page.get_by_role("button", name="打印激活单").click()
    slip = page.get_by_role("article", name="激活单")
    expect(slip).to_be_visible()
    expect(slip.locator("svg")).to_be_visible()  # the QR code
    name = demo_name(seq)
    expect(page.locator("#slip-name")).to_have_text(name[0] + "*" * (len(name) - 2) + name[-1])
    check_page(page, f"resident-slip-{width}")
    return page.locator("#slip-code").inner_text()


def test_staff_print_a_slip_and_the_resident_activates_and_sees_my_points(
    browser: Browser, demo_site: DemoSite
) -> None:
    seq = 29  # zumiao, not activated by the demo
    code = print_slip(browser, demo_site, seq)
    page = new_page(browser, "phone")
    page.goto(f"{demo_site.url}/ui/activate?code={code}")  # where the QR code leads
    expect(page.get_by_label("激活码")).to_have_value(code)
    page.get_by_label("设置密码").fill(NEW_PASSWORD)
    page.get_by_label("再次输入密码").fill(NEW_PASSWORD)
    check_page(page, "resident-activate-phone")
    page.get_by_role("button", name="激活").click()
    expect(page.locator("#message")).to_contain_text("激活成功")
    page.get_by_role("link", name="去登录").click()
    sign_in(page, demo_site.url, phone_of(seq), NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/ui/me$"))
    expect(page.get_by_role("heading", name=re.compile("我的积分"))).to_be_visible()
    expect(page.locator("#balance")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#household-place")).to_contain_text("第")
    expect(page.locator("#entries li").first).to_contain_text("记录人")
    expect(page.locator("#goods")).to_contain_text("大米 5kg")
    check_page(page, "resident-me-phone")
    page.get_by_role("link", name="出示积分卡").click()
    card = page.locator("#card-code").inner_text()
    expect(page.get_by_role("article", name="积分卡").locator("svg")).to_be_visible()
    check_page(page, "resident-card-phone")
    clerk = new_page(browser, "phone")
    sign_in(clerk, demo_site.url, "demo-clerk-zumiao")
    clerk.get_by_label("扫卡或输入卡号、电话、姓名").fill(card)
    clerk.get_by_role("button", name="查找").click()
    # One card code, one resident: the counter opens their basket at once.
    expect(clerk.get_by_role("button", name="确认兑换")).to_be_visible()
    expect(clerk.locator("main")).to_contain_text(demo_name(seq))


def test_a_bad_code_or_mismatched_passwords_are_refused_in_chinese(
    browser: Browser, demo_site: DemoSite
) -> None:
    page = new_page(browser, "phone")
    page.goto(f"{demo_site.url}/ui/activate")
    page.get_by_label("激活码").fill("AAAA-BBBB-CCCC")
    page.get_by_label("设置密码").fill(NEW_PASSWORD)
    page.get_by_label("再次输入密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="激活").click()
    expect(page.locator("#e-code")).to_contain_text("激活码不正确")
    page.get_by_label("设置密码").fill(NEW_PASSWORD)
    page.get_by_label("再次输入密码").fill(NEW_PASSWORD + "!")
    page.get_by_role("button", name="激活").click()
    expect(page.locator("#e-password_again")).to_contain_text("两次输入的密码不一致")
    assert latin_words(page) == []
    assert fits_width(page)


def test_a_demo_resident_reads_a_household_members_statement(
    browser: Browser, demo_site: DemoSite
) -> None:
    seq = ACTIVATED_RESIDENTS[0]
    page = new_page(browser, "phone")
    sign_in(page, demo_site.url, phone_of(seq), DEMO_PASSWORD)
    member = demo_name(seq + 1)
    page.get_by_role("link", name=re.compile(f"^{member[0]}.*的积分明细$")).click()
    expect(page.get_by_role("heading", name=re.compile("的积分明细"))).to_be_visible()
    expect(page.locator("#entries li").first).to_contain_text("分")
    assert latin_words(page) == []


def test_a_reprinted_slip_on_a_phone_voids_the_old_code(
    browser: Browser, demo_site: DemoSite
) -> None:
    seq = 31  # zumiao, not activated by the demo
    old, new = (print_slip(browser, demo_site, seq, "phone") for _ in range(2))
    assert old != new
    page = new_page(browser, "phone")
    for code, outcome in ((old, "#e-code"), (new, "#message")):
        page.goto(f"{demo_site.url}/ui/activate?code={code}")
        page.get_by_label("设置密码").fill(NEW_PASSWORD)
        page.get_by_label("再次输入密码").fill(NEW_PASSWORD)
        page.get_by_role("button", name="激活").click()
        expected = "激活码不正确" if code == old else "激活成功"
        expect(page.locator(outcome)).to_contain_text(expected)
    sign_in(page, demo_site.url, phone_of(seq), NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/ui/me$"))
