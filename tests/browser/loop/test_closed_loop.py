"""Issue 4's acceptance walk: the whole closed loop, as its users do it, in one browser run.

A citizen reports on a phone with a photo and a map pin and gets a code; the county
operator sees the report arrive without reloading and dispatches it; the department
handler signs and submits a result with a photo; the operator checks and closes it; the
citizen rates it by code; the leader's big screen counts it without a reload.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, WALL
from tests.web.console.conftest import jpeg_bytes
from wangge.accounts.models import User
from wangge.events.choices import Rating, State
from wangge.events.models import Attachment, Event

LIVE_TIMEOUT = 20_000  # the live channels poll every 2 s; allow for a reconnect
REPORT_TEXT = "人行道被电动车占用，行人只能走机动车道"


@pytest.fixture
def county_receives_everything(cast):
    """Without village and township centres every report goes to the county centre."""
    lower = [cast.village_1_centre, cast.township_1_centre, cast.township_2_centre]
    User.objects.filter(unit__in=lower).update(unit=None)
    for centre in lower:
        centre.delete()
    return cast


def _act(page: Page, label: str, **fields: str) -> None:
    form = page.locator(
        "details.action", has=page.locator("summary", has_text=re.compile(f"^{label}$"))
    )
    form.locator("summary").click()
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.get_by_role("button", name="提交").click()


def _number(page: Page, test_id: str) -> int:
    return int(page.get_by_test_id(test_id).inner_text())


def test_report_dispatch_handle_close_rate_and_the_wall_follows(
    browsing, county_receives_everything, categories
):
    cast = county_receives_everything
    wall = browsing.page(cast["leader"], viewport=WALL)
    wall.goto("/screen/")
    wall.wait_for_function("document.body.dataset.digest !== undefined")
    received_before = _number(wall, "today.received")
    closed_before = _number(wall, "today.closed")

    console = browsing.page(cast["county_operator"])
    console.goto("/console/")
    expect(console.locator("#live-status.on")).to_be_visible(timeout=LIVE_TIMEOUT)

    citizen = browsing.page(viewport=PHONE)
    citizen.goto("/public/report/")
    citizen.get_by_label("问题类别").select_option(label="占道经营")
    citizen.get_by_label("问题描述").fill(REPORT_TEXT)
    citizen.get_by_label("照片（可多张）").set_input_files(
        {"name": "pavement.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    citizen.locator("#pin-map").click()
    expect(citizen.locator("#id_lon")).not_to_have_value("")
    citizen.get_by_role("button", name="提交").click()
    code = citizen.locator("#tracking-code").inner_text().strip()
    event = Event.objects.get(tracking_code=code)
    assert event.centre == cast.county_centre and event.attachments.count() == 1

    row = console.locator("table.queue tr", has_text=event.title)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT)
    row.get_by_role("link", name=event.title).click()
    _act(console, "受理")
    console.locator("summary", has_text=re.compile("^派遣$")).click()
    expect(console.locator("details[open] select[name=lead_department]")).to_have_value(
        str(cast.department.pk)
    )
    with console.expect_navigation():
        console.locator("details[open]").get_by_role("button", name="提交").click()
    expect(console.locator(".event-head .badge.state-dispatched")).to_be_visible()

    handler = browsing.page(cast["department_handler"], viewport=PHONE)
    handler.goto("/department/")
    handler.get_by_role("link", name=re.compile(re.escape(event.title))).click()
    _act(handler, "签收")
    result = handler.locator(
        "details.action", has=handler.locator("summary", has_text=re.compile("^反馈$"))
    )
    result.locator("summary").click()
    result.locator("textarea[name=result]").fill("已劝离占道车辆，恢复通行")
    result.locator("input[name=photos]").set_input_files(
        {"name": "cleared.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    with handler.expect_navigation():
        result.get_by_role("button", name="提交").click()
    expect(handler.locator(".event-head .badge.state-submitted")).to_be_visible()
    assert Attachment.objects.filter(event=event, trail_entry__action="submit_result").exists()

    console.reload()
    _act(console, "核查通过")
    expect(console.locator(".event-head .badge.state-closed")).to_be_visible()

    citizen.goto(f"/public/track/{code}/")
    expect(citizen.locator("#state")).to_have_text("已结案")
    citizen.get_by_label("满意", exact=True).check()
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.locator("#rating-form")).to_have_count(0)

    event.refresh_from_db()
    assert event.state == State.CLOSED and event.rating == Rating.SATISFIED
    expect(wall.get_by_test_id("today.received")).to_have_text(
        str(received_before + 1), timeout=LIVE_TIMEOUT
    )
    expect(wall.get_by_test_id("today.closed")).to_have_text(
        str(closed_before + 1), timeout=LIVE_TIMEOUT
    )
