"""The big screen in a real browser: the wall shows the counts and follows a new report
without a reload; it also reads on a phone."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, WALL, screenshot
from tests.web.screen_support import TOWNSHIP_2_POINT, categories, report


def test_the_wall_counts_a_new_report_without_reloading(browsing, cast):
    street, hazard = categories()
    report(street)
    report(hazard, point=TOWNSHIP_2_POINT, title="井盖缺失")
    page = browsing.page(user=cast["leader"], viewport=WALL)
    page.goto("/screen/")
    today = page.get_by_test_id("today.received")
    expect(today).to_have_text("2")
    expect(page.locator("#townships li")).to_have_count(2)
    expect(
        page.locator("#screen-map path.leaflet-interactive, #screen-map canvas")
    ).not_to_have_count(0)
    page.wait_for_function("document.body.dataset.digest !== undefined")
    page.evaluate("window.sameDocument = true")
    screenshot(page, "screen-wall")

    report(street, title="又有人占道经营")
    expect(today).to_have_text("3", timeout=20_000)
    expect(page.get_by_test_id("month.received")).to_have_text("3")
    assert page.evaluate("window.sameDocument") is True

    phone = browsing.page(user=cast["leader"], viewport=PHONE)
    phone.goto("/screen/")
    expect(phone.get_by_test_id("today.received")).to_have_text("3")
    phone.wait_for_function("document.body.dataset.digest !== undefined")
    screenshot(phone, "screen-phone")
