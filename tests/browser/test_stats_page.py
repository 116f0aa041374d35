"""The statistics page in a real browser: 按期结案率's numerator and denominator lists have
the sizes whose ratio the page shows, and the page reads at 1366×900 and on a phone."""

import random
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import expect

from tests.assessment.conftest import Builder
from tests.assessment.test_peers import _history
from tests.browser.conftest import PHONE, screenshot

DESKTOP = {"width": 1366, "height": 900}
OCTOBER = "/stats/?period=month&month=2026-10"


def _list_total(page, testid: str) -> int:
    page.get_by_test_id(testid).click()
    total = int(page.get_by_test_id("total").inner_text())
    rows = page.locator("table.stats-events tbody tr[data-event]").count()
    assert rows == min(total, 50)
    page.go_back()
    return total


def test_on_time_rate_lists_add_up_to_the_ratio_shown(browsing, cast):
    _history(Builder(cast), cast, random.Random(41), 120)
    page = browsing.page(user=cast["county_operator"], viewport=DESKTOP)
    page.goto(OCTOBER)
    shown = page.get_by_test_id("rate-on_time_closure_rate").inner_text()
    numerator = int(page.get_by_test_id("numerator-on_time_closure_rate").inner_text())
    denominator = int(page.get_by_test_id("denominator-on_time_closure_rate").inner_text())
    assert denominator > numerator > 0
    assert _list_total(page, "numerator-on_time_closure_rate") == numerator
    assert _list_total(page, "denominator-on_time_closure_rate") == denominator
    ratio = (Decimal(100 * numerator) / denominator).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert shown == f"{ratio}%"
    expect(page.locator("#stats-trend canvas")).not_to_have_count(0)
    screenshot(page, "stats-desktop")

    phone = browsing.page(user=cast["leader"], viewport=PHONE)
    phone.goto(OCTOBER)
    expect(phone.get_by_test_id("rate-on_time_closure_rate")).to_have_text(shown)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    screenshot(phone, "stats-phone")
