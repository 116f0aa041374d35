"""The page shell in a real browser: login, language switch, the vendored libraries load."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.conftest import PASSWORD


def test_staff_log_in_and_switch_to_english(browsing, cast):
    page = browsing.page()
    page.goto("/login/")
    screenshot(page, "login-desktop")
    page.get_by_label("用户名").fill("county_operator")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")
    assert page.evaluate("typeof htmx") == "object"
    # Switch on a page without a live stream, so no long request races the switch.
    page.goto("/base/")
    page.get_by_label("语言").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Command console")).to_be_visible()


def test_login_page_on_a_phone(browsing, db):
    page = browsing.page(viewport=PHONE)
    page.goto("/login/")
    assert page.get_by_role("button", name="登录").is_visible()
    screenshot(page, "login-phone")
