"""The console and the department workspace in a real browser, as operators and handlers use them.

Events are reported through the service from the test while the page is open: the page must
show them without a reload (server-sent events), and act on them through its forms.
"""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, screenshot
from tests.web.console.conftest import VILLAGE_2_POINT, XSS, jpeg_bytes
from wangge.events.choices import Priority, State
from wangge.events.models import Attachment, Event
from wangge.supervision.sweep import run_sweep

LIVE_TIMEOUT = 15_000  # the channel polls every 2 s; allow for a reconnect


def _wait_live(page: Page) -> None:
    expect(page.locator("#live-status.on")).to_be_visible(timeout=LIVE_TIMEOUT)


def _act(page: Page, label: str, **fields: str) -> None:
    """Open the action's form, fill it, submit it, and wait for the page it leads to."""
    form = page.locator(
        "details.action", has=page.locator("summary", has_text=re.compile(f"^{label}$"))
    )
    form.locator("summary").click()
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.get_by_role("button", name="提交").click()


def test_operator_sees_a_new_event_arrive_and_dispatches_it(browsing, cast, report):
    page = browsing.page(cast["village_1_operator"])
    page.goto("/console/")
    _wait_live(page)
    event = report(title="新上报：早市占道经营")
    row = page.locator("table.queue tr", has_text="新上报：早市占道经营")
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(page.locator(".toast", has_text="新上报：早市占道经营")).to_be_visible()
    expect(page.locator("#count-reported")).to_have_text("1")
    screenshot(page, "console-desktop")

    row.get_by_role("link", name="新上报：早市占道经营").click()
    expect(page.locator("h1.event-title")).to_have_text("新上报：早市占道经营")
    _act(page, "受理")
    expect(page.locator(".event-head .badge.state-accepted")).to_be_visible()
    page.locator("summary", has_text=re.compile("^派遣$")).click()
    lead = page.locator("details[open] select[name=lead_department]")
    expect(lead).to_have_value(str(cast.department.pk))  # the category's department
    page.locator("details[open] textarea[name=instruction]").fill("请当日处理")
    with page.expect_navigation():
        page.locator("details[open]").get_by_role("button", name="提交").click()
    expect(page.locator(".event-head .badge.state-dispatched")).to_be_visible()
    screenshot(page, "event-desktop")
    event.refresh_from_db()
    assert event.state == State.DISPATCHED and event.current_unit == cast.department


def test_an_emergency_raises_a_banner_and_a_sound(browsing, cast, report):
    page = browsing.page(cast["county_operator"])
    page.goto("/console/")
    _wait_live(page)
    report(title="化工厂冒烟", priority=Priority.EMERGENCY)
    banner = page.locator("#alert-banner")
    expect(banner).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(banner).to_contain_text("化工厂冒烟")
    assert page.evaluate("Number(document.body.dataset.beeps)") == 1
    report(title="普通事件")
    expect(page.locator(".toast", has_text="普通事件")).to_be_visible(timeout=LIVE_TIMEOUT)
    assert page.evaluate("Number(document.body.dataset.beeps)") == 1  # no sound for normal ones


def test_handler_signs_and_submits_a_result_with_a_photo_then_the_operator_closes(
    browsing, cast, dispatched
):
    event = dispatched(title="人行道堆放杂物")
    page = browsing.page(cast["department_handler"])
    page.goto("/department/")
    screenshot(page, "department-desktop")
    page.get_by_role("link", name=re.compile("人行道堆放杂物")).click()
    _act(page, "签收")
    expect(page.locator(".event-head .badge.state-handling")).to_be_visible()
    form = page.locator(
        "details.action", has=page.locator("summary", has_text=re.compile("^反馈$"))
    )
    form.locator("summary").click()
    form.locator("textarea[name=result]").fill("已清理完毕")
    form.locator("input[name=photos]").set_input_files(
        {"name": "result.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    with page.expect_navigation():
        form.get_by_role("button", name="提交").click()
    expect(page.locator(".event-head .badge.state-submitted")).to_be_visible()
    expect(page.locator(".timeline .photos img")).to_have_count(1)
    assert Attachment.objects.filter(event=event, trail_entry__action="submit_result").count() == 1

    operator = browsing.page(cast["village_1_operator"])
    operator.goto(f"/console/events/{event.pk}/")
    expect(operator.locator(".photos img").first).to_be_visible()
    _act(operator, "核查通过")
    expect(operator.locator(".event-head .badge.state-closed")).to_be_visible()
    event.refresh_from_db()
    assert event.state == State.CLOSED


def test_department_workspace_on_a_phone(browsing, cast, dispatched):
    dispatched(title="路灯不亮", priority=Priority.URGENT)
    dispatched(title="井盖缺失")
    page = browsing.page(cast["department_handler"], viewport=PHONE)
    page.goto("/department/")
    expect(page.locator(".dept-item")).to_have_count(2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the workspace must not scroll sideways on a phone"
    screenshot(page, "department-phone")


def test_township_operator_sees_nothing_from_the_other_township(browsing, cast, report):
    own = report(title="一号镇的事件")
    other = report(point=VILLAGE_2_POINT, title="二号镇的事件")
    page = browsing.page(cast["township_1_operator"])
    page.goto("/console/?state=live")
    expect(page.locator("table.queue")).to_contain_text("一号镇的事件")
    expect(page.locator("table.queue")).not_to_contain_text("二号镇的事件")
    page.goto("/console/map/")
    map_element = page.locator("#console-map")
    expect(map_element).to_have_attribute("data-total", "1")
    assert map_element.get_attribute("data-grids") == "2"  # township 1 has two grids
    response = page.goto(f"/console/events/{other.pk}/")
    assert response.status == 404
    response = page.goto(f"/console/events/{own.pk}/")
    assert response.status == 200


def test_a_script_in_a_report_is_shown_as_text_everywhere(browsing, cast, report, dispatched):
    reported = report(title=XSS, description=XSS)
    work = dispatched(title=XSS)
    dialogs = []
    operator = browsing.page(cast["county_operator"])
    operator.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    operator.goto("/console/?state=live")
    expect(operator.locator("table.queue").get_by_text(XSS).first).to_be_visible()
    operator.goto(f"/console/events/{reported.pk}/")
    expect(operator.locator("h1.event-title")).to_have_text(XSS)
    expect(operator.locator(".description")).to_have_text(XSS)
    handler = browsing.page(cast["department_handler"])
    handler.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    handler.goto("/department/")
    expect(handler.locator(".dept-item").get_by_text(XSS)).to_be_visible()
    handler.goto(f"/department/events/{work.pk}/")
    expect(handler.locator("h1.event-title")).to_have_text(XSS)
    # And when it arrives live, as a toast.
    operator.goto("/console/")
    _wait_live(operator)
    report(title=XSS, priority=Priority.EMERGENCY)
    expect(operator.locator("#alert-banner")).to_contain_text(XSS, timeout=LIVE_TIMEOUT)
    expect(operator.locator(".toast").get_by_text(XSS)).to_be_visible()
    assert dialogs == []


def test_console_board_and_map_screenshots(browsing, cast, report, dispatched):
    long_ago = timezone.now() - timedelta(days=20)
    for n, days in enumerate((0, 3, 8, 20)):
        report(title=f"待受理事件{n}", now=timezone.now() - timedelta(days=days))
    dispatched(title="派遣后未签收", now=long_ago)
    dispatched(title="刚派遣的事件", priority=Priority.URGENT)
    report(point=VILLAGE_2_POINT, title="二号镇事件")
    run_sweep(timezone.now())
    page = browsing.page(cast["county_operator"])
    page.goto("/console/board/")
    expect(page.locator(".column-red .board-item").first).to_be_visible()
    expect(page.locator(".column-none .light.green").first).to_be_visible()
    screenshot(page, "board-desktop")
    page.goto("/console/map/")
    expect(page.locator("#console-map")).to_have_attribute("data-total", str(Event.objects.count()))
    screenshot(page, "map-desktop")
    phone = browsing.page(cast["county_operator"], viewport=PHONE)
    phone.goto("/console/?state=live")
    expect(phone.locator("table.queue")).to_contain_text("二号镇事件")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "console-phone")


NATURAL_DURATION = re.compile(
    r"^(剩余|已超期|距截止|距升级督办|待升级)"
    r"(\d+天(\d+小时)?|\d+小时(\d+分钟)?|\d+分钟|不到1分钟)$"
)


def test_countdowns_read_as_people_say_them(browsing, cast, report, dispatched):
    report(title="二十天前的事件", now=timezone.now() - timedelta(days=20))
    dispatched(title="刚派遣的事件")
    run_sweep(timezone.now())
    page = browsing.page(cast["county_operator"])
    page.goto("/console/?state=live")
    countdowns = page.locator("time.countdown")
    expect(countdowns.first).to_have_text(NATURAL_DURATION)
    texts = countdowns.all_inner_texts()
    assert texts and all(NATURAL_DURATION.match(text) for text in texts), texts
    assert any(re.match(r"^已超期\d+天$", text) for text in texts), texts


def test_a_map_popup_names_the_event(browsing, cast, report):
    event = report(title="桥下堆放杂物")
    page = browsing.page(cast["county_operator"])
    page.goto("/console/map/")
    expect(page.locator("#console-map")).to_have_attribute("data-total", "1")
    # Markers are drawn on a canvas: click where the event's marker is.
    x, y = page.evaluate(
        """() => {
            const map = document.getElementById("console-map").leafletMap;
            const marker = Object.values(map._layers).find((l) => l.options.eventId);
            const p = map.latLngToContainerPoint(marker.getLatLng());
            return [p.x, p.y];
        }"""
    )
    page.locator("#console-map").click(position={"x": x, "y": y})
    popup = page.locator(".leaflet-popup .map-popup")
    expect(popup.get_by_role("link", name="桥下堆放杂物")).to_be_visible()
    expect(popup).to_contain_text(event.category.name)
    expect(popup).to_contain_text("待受理")
    expect(popup).to_contain_text(event.tracking_code)
    screenshot(page, "map-popup-desktop")
