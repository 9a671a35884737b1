"""Signing in, out and being thrown out, in Debian's Chromium against a real server process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from api.services import open_services
from pointsbank.domain.common import Role
from pointsbank.settings import Settings
from tests.accounts_helpers import PASSWORD, open_account
from tests.browser import SCREENSHOTS, free_port, serving
from tests.e2e.test_pages import seed


@dataclass
class Site:
    url: str


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    seed(database_url)
    services = open_services(Settings(database_url=database_url))
    try:
        open_account(services, "boss", Role.ADMIN)
        open_account(services, "checker", Role.AUDITOR)
    finally:
        services.close()
    with serving(database_url) as url:
        yield Site(url)


def log_in(page: Page, site: Site, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{site.url}/")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/ui/login$"))


def test_each_role_lands_on_its_home_and_signs_out(browser: Browser, site: Site) -> None:
    page = browser.new_page()
    for name, home, marker in (
        ("staff", "/ui/desk", "#search-form"),
        ("boss", "/ui/accounts", "#new-account"),
        ("checker", "/ui/home", "#sign-ins"),
    ):
        log_in(page, site, name)
        expect(page).to_have_url(re.compile(home + "$"))
        expect(page.locator(marker)).to_be_visible()
        sign_out(page)
        page.goto(f"{site.url}{home}")
        expect(page).to_have_url(re.compile("/ui/login" + "$"))


def test_wrong_password_and_unknown_user_read_the_same(browser: Browser, site: Site) -> None:
    page = browser.new_page()
    messages = []
    for name, password in (("staff", "not my password"), ("nobody", PASSWORD)):
        log_in(page, site, name, password)
        expect(page.locator("#message")).to_contain_text("用户名或密码不正确")
        messages.append(page.locator("#message").inner_text())
    assert messages[0] == messages[1]
    expect(page).to_have_url(re.compile("/ui/login" + "$"))


def test_repeated_failures_lock_the_account_with_a_clear_message(
    browser: Browser, site: Site
) -> None:
    page = browser.new_page()
    for _ in range(4):
        log_in(page, site, "clerk", "not my password")
        expect(page.locator("#message")).to_contain_text("用户名或密码不正确")
    log_in(page, site, "clerk", "not my password")
    expect(page.locator("#message")).to_contain_text("已暂时锁定")
    log_in(page, site, "clerk")
    expect(page.locator("#message")).to_contain_text("已暂时锁定")
    log_in(page, site, "staff")  # another account from the same address still signs in
    expect(page).to_have_url(re.compile("/ui/desk" + "$"))


def test_changing_ones_password(browser: Browser, site: Site) -> None:
    page = browser.new_page()
    log_in(page, site, "staff")
    page.get_by_role("link", name="修改密码").click()
    page.get_by_label("当前密码").fill("not my password")
    page.get_by_label("新密码").fill("a brand new secret")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.locator("#e-current_password")).to_contain_text("当前密码不正确")
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码").fill("12345678")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.locator("#e-new_password")).to_contain_text("太常见")
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码").fill("a brand new secret")
    page.get_by_role("button", name="保存新密码").click()
    expect(page).to_have_url(re.compile("/ui/desk" + "$"))
    sign_out(page)
    log_in(page, site, "staff", PASSWORD)
    expect(page.locator("#message")).to_contain_text("用户名或密码不正确")
    log_in(page, site, "staff", "a brand new secret")
    expect(page).to_have_url(re.compile("/ui/desk" + "$"))


def test_a_reset_forces_a_change_at_next_sign_in(browser: Browser, site: Site) -> None:
    admin = browser.new_page()
    log_in(admin, site, "boss")
    row = admin.locator('#accounts tr[data-name="clerk"]')
    row.get_by_text("重置密码").click()
    row.get_by_label("新密码").fill("temporary password")
    row.get_by_role("button", name="重置").click()
    expect(admin.locator("#message")).to_contain_text("密码已重置")
    page = browser.new_page()
    log_in(page, site, "clerk", "temporary password")
    expect(page).to_have_url(re.compile("/ui/password" + "$"))
    expect(page.locator("#must-change")).to_be_visible()
    page.goto(f"{site.url}/ui/desk")
    expect(page).to_have_url(re.compile("/ui/password" + "$"))
    page.get_by_label("当前密码").fill("temporary password")
    page.get_by_label("新密码").fill("my own counter secret")
    page.get_by_role("button", name="保存新密码").click()
    expect(page).to_have_url(re.compile("/ui/counter" + "$"))


def test_a_disabled_account_is_thrown_out_of_its_open_session(browser: Browser, site: Site) -> None:
    page = browser.new_page()
    log_in(page, site, "staff")
    expect(page.locator("#search-form")).to_be_visible()
    admin = browser.new_page()
    log_in(admin, site, "boss")
    admin.locator('#accounts tr[data-name="staff"]').get_by_role("button", name="停用").click()
    expect(admin.locator("#message")).to_contain_text("账户已停用")
    page.fill("#q", "王")
    page.click("#search-form button")
    expect(page).to_have_url(re.compile(r"/ui/login$"))
    log_in(page, site, "staff")
    expect(page.locator("#message")).to_contain_text("用户名或密码不正确")


def test_a_cross_site_post_is_refused(browser: Browser, site: Site) -> None:
    page = browser.new_page()
    log_in(page, site, "staff")
    # Same site (only the port differs), so the SameSite=Lax cookie goes along.
    evil = f"http://127.0.0.1:{free_port()}/evil.html"
    form = (
        f'<form id="f" method="post" action="{site.url}/ui/tokens">'
        '<input name="label" value="stolen"><input name="days" value="0"></form>'
        "<script>document.getElementById('f').submit()</script>"
    )

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=form)

    page.route(evil, fulfil)
    with page.expect_response(f"{site.url}/ui/tokens") as answer:
        page.goto(evil)
    assert answer.value.status == 403
    page.goto(f"{site.url}/ui/tokens")
    expect(page.locator("#tokens")).not_to_contain_text("stolen")


def test_the_admin_opens_an_account_on_a_phone(browser: Browser, site: Site) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, site, "boss")
    form = page.locator("#new-account")
    form.get_by_label("用户名").fill("Zhao.Lei")
    form.get_by_label("姓名").fill("赵磊")
    form.locator("#f-role").select_option("staff")
    form.locator("#f-community").select_option("a")
    form.get_by_label("初始密码").fill("welcome to the street")
    form.get_by_role("button", name="开设").click()
    expect(page.locator("#message")).to_contain_text("已开设账户")
    expect(page.locator('#accounts tr[data-name="zhao.lei"]')).to_contain_text("赵磊")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390, overflow
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "accounts-phone.png"), full_page=True)
    form.get_by_label("用户名").fill("zhao.lei")
    form.get_by_label("姓名").fill("赵磊")
    form.get_by_label("初始密码").fill("welcome to the street")
    form.get_by_role("button", name="开设").click()
    expect(page.locator("#e-name")).to_contain_text("已被使用")
    sign_out(page)
    log_in(page, site, "zhao.lei", "welcome to the street")
    expect(page).to_have_url(re.compile("/ui/desk" + "$"))


def test_the_account_list_follows_the_search_box_with_local_htmx(
    browser: Browser, site: Site
) -> None:
    page = browser.new_page()
    remote = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(site.url) else None)
    log_in(page, site, "boss")
    expect(page.locator("#accounts tbody tr")).to_have_count(5)
    page.fill("#f-q", "staff")
    expect(page.locator("#accounts tbody tr")).to_have_count(2)
    assert page.evaluate("typeof htmx") == "object"
    assert remote == []
