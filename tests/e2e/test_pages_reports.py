"""The imports (导入), rankings and year close (排名) and audit (审计) pages in a real browser,
at phone and desktop width, on both stores, as staff, the admin and the auditor use them."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from api.services import Services, open_services
from pointsbank.application import Command
from pointsbank.domain.common import Actor, Context, Role
from pointsbank.domain.community import Community
from pointsbank.domain.rule import Category
from pointsbank.domain.terms import Terms
from pointsbank.settings import Settings
from tests.browser import DemoSite, fits_width, latin_words, new_page, screenshot, sign_in

WIDTHS = ["phone", "desktop"]
TIANXI = Community.id_for("tianxi")
ZUMIAO_PHONE = "13800000030"  # a resident of the other community (zumiao)


@contextmanager
def street(site: DemoSite) -> Iterator[Services]:
    services = open_services(Settings(database_url=site.database_url))
    try:
        yield services
    finally:
        services.close()


def today(services: Services) -> str:
    return services.now().astimezone(services.settings.zone).date().isoformat()


def imported(site: DemoSite) -> int:
    with street(site) as services:
        return len(services.db.query("SELECT import_id FROM sheet_imports"))


def checked_page(page: Page, name: str) -> None:
    """Every page of these areas: Chinese text only, no sideways overflow, a screenshot."""
    assert latin_words(page) == []
    assert fits_width(page)
    screenshot(page, name)


def filled_template(page: Page, tmp: Path, rows: list[list[object]]) -> Path:
    with page.expect_download() as download:
        page.get_by_role("link", name="下载导入模板").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "手机号/身份证号",
        "规则",
        "日期",
        "数量",
        "分钟",
        "备注",
    ]
    assert book.worksheets[1].title == "积分规则"
    for row in rows:
        sheet.append(row)
    path = tmp / "sheet.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_imports_a_sheet_naming_residents_by_phone(
    browser: Browser, demo_site: DemoSite, width: str, tmp_path: Path
) -> None:
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-staff-tianxi")
    page.get_by_role("link", name="导入").click()
    checked_page(page, f"imports-template-{width}")
    with street(demo_site) as services:
        day = today(services)
    before = imported(demo_site)
    note = "扫雪（手机）" if width == "phone" else "扫雪（电脑）"
    bad = [
        ["13800000001", "CIVIC", day, 1, None, note],
        [ZUMIAO_PHONE, "CIVIC", day, 1, None, note],  # another community's: as unknown
        ["13899999999", "CIVIC", day, 1, None, note],
        ["13800000002", "CIVIC", "2026-13-40", 1, None, note],
    ]
    page.get_by_label("表格文件").set_input_files(filled_template(page, tmp_path, bad))
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#preview-summary")).to_contain_text("发现 3 处问题")
    rows = page.locator("#preview-rows tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(1)).to_contain_text(f"本社区没有手机号或身份证号为「{ZUMIAO_PHONE}」的居民")
    expect(rows.nth(2)).to_contain_text("本社区没有手机号或身份证号为「13899999999」的居民")
    expect(rows.nth(3)).to_contain_text("日期")
    expect(page.get_by_role("button", name=re.compile("确认导入"))).to_have_count(0)
    checked_page(page, f"imports-preview-{width}")
    assert imported(demo_site) == before  # the preview wrote nothing

    good = [
        ["138-0000-0001", "CIVIC", day, 1, None, note],
        ["13800000004", "CIVIC", day, 2, None, note],
    ]
    page.get_by_label("表格文件").set_input_files(filled_template(page, tmp_path, good))
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#preview-summary")).to_contain_text("共 2 行，全部通过检查")
    assert imported(demo_site) == before
    page.get_by_role("button", name="确认导入全部 2 行").click()
    expect(page.locator("#message")).to_contain_text("已导入 2 行")
    checked_page(page, f"imports-committed-{width}")
    assert imported(demo_site) == before + 1


@pytest.mark.parametrize("width", WIDTHS)
def test_import_refuses_an_unreadable_file_beside_the_field(
    browser: Browser, demo_site: DemoSite, width: str, tmp_path: Path
) -> None:
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-staff-tianxi")
    page.goto(f"{demo_site.url}/ui/imports")
    before = imported(demo_site)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("姓名,金额\n王芳,3\n", encoding="utf-8")
    page.get_by_label("表格文件").set_input_files(wrong)
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#e-sheet")).to_contain_text("表头缺少这些列")
    assert latin_words(page) == []
    assert imported(demo_site) == before


def disqualify_a_household(site: DemoSite, phone: str) -> str:
    """An approved disqualifying deduction for a tianxi resident; returns the household name."""
    with street(site) as services:
        now = services.now()
        day = now.astimezone(services.settings.zone).date()

        def cmd(actor: Actor) -> Command:
            return Command(Context(actor, now, day), key=os.urandom(8).hex(), fingerprint="f")

        if not any(rule["code"] == "FIGHT" for rule in services.queries.rules()):
            terms = Terms(disqualifies=True)
            admin = Actor("t-admin", Role.ADMIN)
            services.earning.rules.define(
                cmd(admin), "FIGHT", "打架斗殴", Category.DEDUCTION, 10, terms
            )
        maker, checker = (Actor(f"t-{n}", Role.STAFF, TIANXI) for n in ("maker", "checker"))
        resident = services.registry.residents_by_contact(TIANXI, phone)[0]
        asked = services.bank.deduct(cmd(maker), resident, "FIGHT", 1, day, "与邻居打架")
        services.earning.approvals.approve(cmd(checker), resident, asked.body["version"])
        found = services.queries.resident(resident)
        assert found is not None
        household = services.queries.household(UUID(found["household_id"]))
        assert household is not None
        return str(household["name"])


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_reads_rankings_candidates_and_charts_and_exports(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    excluded = disqualify_a_household(
        demo_site, "13800000003" if width == "phone" else "13800000006"
    )
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-staff-tianxi")
    page.get_by_role("link", name="排名").click()
    ranking = page.locator("#ranking tbody tr")
    expect(ranking.first).to_contain_text("1")
    checked_page(page, f"rankings-households-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出打印版表格").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert [c.value for c in sheet[1]] == ["名次", "家庭", "年度积分"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 16
    assert sheet.max_row == 1 + ranking.count()

    page.get_by_role("link", name="个人排名").click()
    expect(page.locator("#ranking thead")).to_contain_text("姓名")
    page.get_by_role("link", name="文明家庭候选").click()
    page.get_by_label("候选名额").fill("18")
    page.get_by_role("button", name="查看").click()
    reason = page.locator("#excluded li", has_text=excluded)
    expect(reason).to_contain_text("与邻居打架")
    expect(reason).to_contain_text("取消本年度评选资格")
    expect(page.locator("#candidates tbody")).not_to_contain_text(excluded)
    checked_page(page, f"rankings-candidates-{width}")

    page.get_by_role("link", name="图表").click()
    expect(page.locator("#chart-participation [role=listitem]")).to_have_count(12)
    expect(page.locator("#chart-categories")).to_contain_text("志愿服务")
    expect(page.locator("#chart-months [role=listitem]")).to_have_count(12)
    checked_page(page, f"rankings-charts-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_closes_a_year_after_confirming_and_the_admin_reopens_it(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    year = "2024" if width == "phone" else "2023"
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-staff-zumiao")
    page.goto(f"{demo_site.url}/ui/rankings?year={year}")
    page.get_by_role("link", name="年度结算").click()
    expect(page.locator("#year-state")).to_contain_text("未关闭")
    page.get_by_text(f"关闭 {year} 年度…").click()
    page.get_by_label("请输入年度").fill("2000")
    page.get_by_role("button", name=f"确认关闭 {year} 年度").click()
    expect(page.locator("#e-confirm_year")).to_contain_text(f"请输入“{year}”以确认关闭")
    expect(page.locator("#year-state")).to_contain_text("未关闭")  # nothing written
    page.get_by_label("请输入年度").fill(year)
    page.get_by_role("button", name=f"确认关闭 {year} 年度").click()
    expect(page.locator("#message")).to_contain_text(f"{year} 年度已关闭")
    expect(page.locator("#year-state")).to_contain_text("已关闭")
    checked_page(page, f"years-close-{width}")

    admin = new_page(browser, width)
    sign_in(admin, demo_site.url, "demo-admin")
    admin.goto(f"{demo_site.url}/ui/years?year={year}&community=zumiao")
    admin.get_by_role("button", name=f"重新开放 {year} 年度").click()
    expect(admin.locator("#e-reason")).to_contain_text("请写明重新开放的原因")
    expect(admin.locator("#year-state")).to_contain_text("已关闭")
    admin.get_by_label("重新开放的原因").fill("补录遗漏的议事会积分")
    admin.get_by_role("button", name=f"重新开放 {year} 年度").click()
    expect(admin.locator("#message")).to_contain_text(f"{year} 年度已重新开放")
    expect(admin.locator("#year-state")).to_contain_text("补录遗漏的议事会积分")
    assert latin_words(admin) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_auditor_verifies_replays_and_reads_the_past(
    browser: Browser, demo_site: DemoSite, width: str
) -> None:
    page = new_page(browser, width)
    sign_in(page, demo_site.url, "demo-auditor")
    page.get_by_role("link", name="审计").click()
    page.get_by_role("button", name="开始校验").click()
    expect(page.locator("#verify-outcome")).to_contain_text("校验通过")
    checked_page(page, f"audit-verify-{width}")
    page.get_by_role("button", name="开始重放").click()
    expect(page.locator("#replay-outcome")).to_contain_text("重放一致")
    checked_page(page, f"audit-replay-{width}")

    page.get_by_label("手机号或身份证号").fill("13899999999")
    page.locator("#balance-as-of").get_by_label("截至日期").fill("2026-06-30")
    page.get_by_role("button", name="查询余额").click()
    expect(page.locator("#e-contact")).to_contain_text("找不到")
    page.get_by_label("手机号或身份证号").fill(ZUMIAO_PHONE)
    page.get_by_role("button", name="查询余额").click()
    expect(page.locator("#balance-result")).to_contain_text("余额")
    yesterday = (datetime.now() - timedelta(days=400)).date().isoformat()
    page.locator("#ranking-as-of").get_by_label("截至日期").fill(yesterday)
    page.get_by_role("button", name="查询排名").click()
    expect(page.locator("#ranking-result")).to_contain_text("按事件日志重放到第")
    expect(page.locator("#ranking-as-of-table")).to_contain_text("那时这一年还没有积分记录")
    checked_page(page, f"audit-point-in-time-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载全街道事件").click()
    first = Path(download.value.path()).read_text(encoding="utf-8").splitlines()[0]
    assert '"position"' in first or "position" in first


def test_replay_shows_a_tampered_read_model_row(browser: Browser, demo_site: DemoSite) -> None:
    with street(demo_site) as services:
        row = services.db.query_one(
            "SELECT resident_id, balance FROM residents ORDER BY resident_id"
        )
        assert row is not None
        services.db.execute(
            "UPDATE residents SET balance = ? WHERE resident_id = ?",
            (int(row["balance"]) + 7, row["resident_id"]),
        )
    try:
        page = new_page(browser, "desktop")
        sign_in(page, demo_site.url, "demo-auditor")
        page.goto(f"{demo_site.url}/ui/audit")
        page.get_by_role("button", name="开始重放").click()
        expect(page.locator("#replay-outcome")).to_contain_text("处不同")
        differences = page.locator("#replay-differences tbody tr")
        expect(differences.first).to_contain_text("居民余额")
        expect(page.locator("#replay-differences")).to_contain_text(str(int(row["balance"]) + 7))
    finally:
        with street(demo_site) as services:
            services.db.execute(
                "UPDATE residents SET balance = ? WHERE resident_id = ?",
                (row["balance"], row["resident_id"]),
            )
