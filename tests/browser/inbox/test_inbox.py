"""The inbox in the browser: an operator dispatches, the handler's open page shows the bell
rise without a reload, and the notice leads to the event."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from wangge.events.services import perform
from wangge.notices.services import send

LIVE_TIMEOUT = 20_000  # the bell polls every 5 s; allow for a reconnect
DESKTOP = {"width": 1366, "height": 900}


def test_dispatch_raises_the_handlers_bell_and_the_notice_opens_the_event(browsing, cast, report):
    event = report(title="人行道被电动车占用")
    perform(event.pk, "accept", cast["village_1_operator"])
    handler = cast["department_handler"]
    send([handler], "urged", {"code": "X", "title": "早先的消息", "actor": "王五", "note": ""})

    workspace = browsing.page(handler, viewport=DESKTOP)
    workspace.goto("/department/")
    bell = workspace.locator("a.bell")
    expect(bell).to_have_attribute("data-unread", "1", timeout=LIVE_TIMEOUT)
    expect(bell.locator(".bell-count")).to_have_text("1")

    console = browsing.page(cast["village_1_operator"], viewport=DESKTOP)
    console.goto(f"/console/events/{event.pk}/")
    console.locator("summary", has_text=re.compile("^派遣$")).click()
    with console.expect_navigation():
        console.locator("details[open]").get_by_role("button", name="提交").click()
    expect(console.locator(".event-head .badge.state-dispatched")).to_be_visible()

    expect(bell.locator(".bell-count")).to_have_text("2", timeout=LIVE_TIMEOUT)  # no reload
    bell.click()
    expect(workspace).to_have_url(re.compile("/notices/$"))
    expect(workspace.locator(".inbox-item.unread")).to_have_count(2)
    screenshot(workspace, "inbox-desktop")

    phone = browsing.page(handler, viewport=PHONE)
    phone.goto("/notices/")
    expect(phone.locator(".inbox-item").first).to_be_visible()
    screenshot(phone, "inbox-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    workspace.get_by_role("link", name=re.compile("新派遣：人行道被电动车占用")).click()
    expect(workspace).to_have_url(re.compile(f"/department/events/{event.pk}/$"))
    expect(workspace.locator(".bell-count")).to_have_text("1", timeout=LIVE_TIMEOUT)
