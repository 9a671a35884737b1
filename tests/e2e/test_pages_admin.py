"""社区 and 规则 pages in Debian's Chromium: the street admin creates a community and adds a grid,
defines a rule with its terms, revises, overrides and retires it; bad input is refused beside
the field and writes nothing. Phone and desktop widths, both stores."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from pointsbank.db import open_database
from tests.browser import DemoSite, fits_width, latin_words, new_page, screenshot, sign_in

WIDTHS = ["phone", "desktop"]


def count(site: DemoSite, sql: str, *args: object) -> int:
    db = open_database(site.database_url)
    try:
        row = db.query_one(sql, args)
        return int(row["n"]) if row else 0
    finally:
        db.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_creates_a_community_and_adds_a_grid(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    code, name = f"xinqiao{width}", f"新桥社区{WIDTHS.index(width)}"
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-admin")
    page.get_by_role("link", name="社区").click()
    page.get_by_label("社区编码").fill("tianxi")
    page.get_by_label("社区名称").fill(name)
    page.get_by_role("button", name="新建社区").click()
    expect(page.locator("#e-code")).to_contain_text("tianxi 已存在")
    assert count(demo_site, "SELECT COUNT(*) AS n FROM communities WHERE name = ?", name) == 0
    page.get_by_label("社区编码").fill(code)
    page.get_by_role("button", name="新建社区").click()
    expect(page.locator("#message")).to_contain_text(f"已新建社区：{name}")
    page.get_by_text(f"为{name}添加网格").click()
    form = page.get_by_role("form", name=f"为{name}添加网格")
    form.get_by_label("网格编码").fill("g1")
    form.get_by_label("网格名称").fill("北片网格")
    form.get_by_role("button", name="添加网格").click()
    expect(page.locator("#message")).to_contain_text("已添加网格：北片网格")
    expect(page.locator("article", has_text=name)).to_contain_text("北片网格（g1）")
    # Community codes (tianxi, …) are identifiers the admin chose, shown as such.
    codes = {"tianxi", "zumiao", "xinqiaophone", "xinqiaodesktop"}
    assert [w for w in latin_words(page) if w not in codes] == [] and fits_width(page)
    screenshot(page, f"admin-communities-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_defines_revises_overrides_and_retires_a_rule(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    code = f"TUTOR{WIDTHS.index(width)}"
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-admin")
    page.get_by_role("link", name="规则").click()
    page.get_by_label("规则编码").fill(code)
    page.get_by_label("规则名称").fill("课业辅导")
    page.get_by_label("积分（每次，按小时则每小时）").fill("0")
    page.get_by_label("计分方式").select_option("per_hour")
    page.get_by_label("每日上限（分）").fill("30")
    page.get_by_label("同一提议人每月上限（分）").fill("20")
    page.get_by_role("button", name="新建规则").click()
    expect(page.locator("#e-points")).to_contain_text("积分须为 1 到 1000")
    assert count(demo_site, "SELECT COUNT(*) AS n FROM rules WHERE code = ?", code) == 0
    page.get_by_label("积分（每次，按小时则每小时）").fill("6")
    page.get_by_role("button", name="新建规则").click()
    expect(page.locator("#message")).to_contain_text(f"已新建规则 {code}")
    expect(page.locator("#rules")).to_contain_text("按小时")
    assert latin_words(page) == [] and fits_width(page)
    screenshot(page, f"admin-rules-{width}")

    page.locator("#rules").get_by_role("link", name=code).click()
    expect(page.locator("h2")).to_contain_text("第 1 版")
    expect(page.locator("#rule-pair-cap")).to_have_text("同一提议人每月上限 20")
    page.get_by_label("新积分").fill("8")
    page.get_by_role("button", name="保存修订").click()
    expect(page.locator("#e-reason")).to_have_text("请填写原因")
    page.get_by_label("修订原因").fill("提高标准")
    page.get_by_role("button", name="保存修订").click()
    expect(page.locator("#message")).to_contain_text("已修订")
    expect(page.locator("#rule-points")).to_have_text("8")
    expect(page.locator("h2")).to_contain_text("第 2 版")
    page.get_by_label(re.compile("^社区")).select_option(label="祖庙社区")
    page.get_by_label("本社区积分").fill("10")
    page.get_by_label("本社区同一提议人每月上限").fill("40")
    page.get_by_label("调整原因").fill("祖庙试点")
    page.get_by_role("button", name="保存调整").click()
    expect(page.locator("#overrides")).to_contain_text("祖庙社区")
    expect(page.locator("#overrides")).to_contain_text("40")
    page.get_by_label("停用原因").fill("改用新规则")
    page.get_by_role("button", name="停用").click()
    expect(page.locator("h2")).to_contain_text("已停用")
    assert latin_words(page) == [] and fits_width(page)
