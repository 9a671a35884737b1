"""The public notice (公示) as people use it, in Chromium on both stores: staff publish the
candidate list (desktop), a resident objects on a phone, staff record a finding, and after the
period staff finalise and the resident sees the final list. The period ends without waiting:
a second server on the same database runs its clock eight days ahead (clock_shift_days)."""

from __future__ import annotations

import uuid

from playwright.sync_api import Browser, Page, expect

from api.services import Services, open_services
from pointsbank.domain.common import Role
from pointsbank.domain.community import Community
from pointsbank.settings import Settings
from tests.accounts_helpers import PASSWORD, open_account
from tests.browser import DemoSite, fits_width, latin_words, new_page, screenshot, serving, sign_in

STAFF = "demo-staff-tianxi"
RESIDENT = "notice-resident"
WORDS = "该户有成员今年在楼道乱堆杂物，建议核实"


def check_page(page: Page, name: str) -> None:
    assert latin_words(page) == []
    assert fits_width(page)
    screenshot(page, name)


def open_resident_account(site: DemoSite) -> None:
    """A resident of tianxi with an account, opened with the existing account service."""
    services: Services = open_services(Settings(database_url=site.database_url))
    try:
        row = services.db.query(
            "SELECT resident_id FROM residents WHERE community_id = ? ORDER BY resident_id",
            (str(Community.id_for("tianxi")),),
        )[0]
        open_account(services, RESIDENT, Role.RESIDENT, "tianxi", uuid.UUID(row["resident_id"]))
    finally:
        services.close()


def objections(site: DemoSite) -> int:
    services = open_services(Settings(database_url=site.database_url))
    try:
        return len(services.db.query("SELECT objection_id FROM notice_objections"))
    finally:
        services.close()


def publish(staff: Page, url: str) -> None:
    staff.goto(f"{url}/ui/notices")
    expect(staff.locator("#candidates tbody tr").first).to_contain_text("家")
    staff.get_by_label("公示天数").fill("0")  # bad input: refused beside the field
    staff.get_by_role("button", name="发布公示").click()
    expect(staff.locator("#e-days")).to_contain_text("1 至 30 天")
    expect(staff.get_by_role("button", name="发布公示")).to_be_visible()  # nothing published
    staff.get_by_label("公示天数").fill("7")
    staff.get_by_label("公示户数（前几名）").fill("5")
    staff.get_by_role("button", name="发布公示").click()
    expect(staff.locator("#notice-state")).to_have_text("公示中")
    expect(staff.locator("#notice-list tbody tr")).to_have_count(5)


def lodge(resident: Page, url: str, site: DemoSite) -> str:
    """Object to the second household; bad input first (no household, no reason)."""
    sign_in(resident, url, RESIDENT, PASSWORD)
    resident.get_by_role("link", name="公示").click()
    expect(resident.locator("#notice-state")).to_have_text("公示中")
    expect(resident.locator("#notice-list li").first).to_contain_text("*")  # names masked
    check_page(resident, "notice-resident-phone")
    resident.get_by_role("button", name="提交异议").click()
    expect(resident.locator("#e-household")).to_contain_text("请选择名单上的家庭")
    household = resident.locator("#notice-list li strong").nth(1).inner_text()
    resident.get_by_label("对哪一户有异议").select_option(label=household)
    resident.get_by_role("button", name="提交异议").click()
    expect(resident.locator("#e-reason")).to_contain_text("请写明异议的理由")
    assert objections(site) == 0
    resident.get_by_label("异议理由").fill(WORDS)
    resident.get_by_role("button", name="提交异议").click()
    expect(resident.locator("#mine")).to_contain_text(WORDS)
    expect(resident.locator("#mine")).to_contain_text("待核查")
    check_page(resident, "notice-objection-phone")
    return household


def find(staff: Page, url: str, household: str) -> None:
    staff.goto(f"{url}/ui/notices")
    objection = staff.get_by_role("article", name=f"对{household}的异议")
    expect(objection).to_contain_text(WORDS)
    objection.get_by_role("button", name="记录核查结论").click()  # bad input: no choice made
    objection = staff.get_by_role("article", name=f"对{household}的异议")
    expect(objection.get_by_role("alert")).to_contain_text("请选择异议是否成立")
    objection.get_by_label("成立（移出名单）").check()
    objection.get_by_label("核查结论").fill("经核实，该户今年有扣分未申报")
    objection.get_by_role("button", name="记录核查结论").click()
    expect(staff.locator("#objections")).to_contain_text("异议成立，已移出名单")
    staff.get_by_role("button", name="定稿").click()  # the period still runs
    expect(staff.locator("#e-finalise")).to_contain_text("公示期尚未结束")
    check_page(staff, "notices-staff-desktop")


def test_a_candidate_list_goes_from_publication_through_an_objection_to_the_final_list(
    browser: Browser, demo_site: DemoSite
) -> None:
    open_resident_account(demo_site)
    staff = new_page(browser, "desktop")
    sign_in(staff, demo_site.url, STAFF)
    publish(staff, demo_site.url)
    resident = new_page(browser, "phone")
    household = lodge(resident, demo_site.url, demo_site)
    find(staff, demo_site.url, household)

    with serving(demo_site.database_url, clock_shift_days="8") as later:
        staff = new_page(browser, "desktop")
        sign_in(staff, later, STAFF)
        staff.goto(f"{later}/ui/notices")
        staff.get_by_role("button", name="定稿").click()
        expect(staff.locator("#notice-state")).to_have_text("已定稿")
        expect(staff.get_by_role("button", name="打印定稿名单")).to_be_visible()
        check_page(staff, "notices-final-desktop")
        resident = new_page(browser, "phone")
        sign_in(resident, later, RESIDENT, PASSWORD)
        resident.goto(f"{later}/ui/notice")
        expect(resident.locator("#notice-state")).to_have_text("已定稿")
        expect(resident.locator("#notice-list li")).to_have_count(4)
        expect(resident.locator("#notice-list")).not_to_contain_text(household)
        expect(resident.locator("#mine")).to_contain_text("异议成立，已移出名单")
        expect(resident.get_by_role("button", name="提交异议")).to_have_count(0)
        assert latin_words(resident) == [] and fits_width(resident)
