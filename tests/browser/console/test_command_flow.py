"""Command across levels in a real browser: the county takes over a village's report and
dispatches it; the village sees who took it and why. And the console's 我的待办 view on a
desktop and a phone (screenshots for docs/screenshots with WANGGE_SCREENSHOTS=1)."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.console.test_console_flow import _act
from wangge.events.choices import State
from wangge.events.models import Event
from wangge.events.services import perform

DESKTOP = {"width": 1366, "height": 900}
REASON = "涉及县道养护和两个村，县级统筹办理"


def test_the_county_takes_over_a_village_report_and_the_village_sees_why(browsing, cast, report):
    event = report(title="村道旁堆放建筑垃圾")
    county = browsing.page(cast["county_operator"], viewport=DESKTOP)
    county.goto("/console/")
    expect(county.locator("table.queue")).not_to_contain_text("村道旁堆放建筑垃圾")
    county.goto(f"/console/events/{event.pk}/")
    _act(county, "提级办理", reason=REASON)
    expect(county.locator(".notice-command")).to_contain_text("已由 绥中县综治中心 提级办理")
    _act(county, "受理")
    _act(county, "派遣")
    expect(county.locator(".event-head .badge.state-dispatched")).to_be_visible()
    event.refresh_from_db()
    assert (event.state, event.centre) == (State.DISPATCHED, cast.county_centre)

    village = browsing.page(cast["village_1_operator"], viewport=DESKTOP)
    village.goto("/console/")
    expect(village.locator("table.queue")).not_to_contain_text("村道旁堆放建筑垃圾")
    village.get_by_role("link", name="查看辖区全部在办事件").click()
    row = village.locator("table.queue tr", has_text="村道旁堆放建筑垃圾")
    expect(row.locator(".badge.taken-over")).to_have_text("已提级")
    row.get_by_role("link", name="村道旁堆放建筑垃圾").click()
    notice = village.locator(".notice-command")
    expect(notice).to_contain_text("已由 绥中县综治中心 提级办理")
    expect(notice).to_contain_text(REASON)
    expect(village.locator(".timeline")).to_contain_text("提级办理")
    expect(village.locator("#actions summary")).to_have_count(0)
    screenshot(village, "event-taken-over-desktop")


def test_my_work_on_a_desktop_and_a_phone(browsing, cast, report, dispatched):
    operator, handler = cast["village_1_operator"], cast["department_handler"]
    for title in ("广场夜间噪音扰民", "小区门口占道经营", "河道漂浮垃圾"):
        report(title=title)
    accepted = report(title="路灯损坏需维修")
    perform(accepted.pk, "accept", operator)
    checked = dispatched(title="井盖缺失已处置")
    perform(checked.pk, "sign", handler)
    perform(checked.pk, "submit_result", handler, result="已补装井盖")
    perform(checked.pk, "supervise", cast["leader"], level="yellow", reason="群众多次反映")
    dispatched(title="部门处置中的事件")

    page = browsing.page(operator, viewport=DESKTOP)
    page.goto("/console/")
    expect(page.locator("#count-mine")).to_have_text("5")
    expect(page.locator("#count-work-supervised")).to_have_text("1")
    expect(page.locator("table.queue")).not_to_contain_text("部门处置中的事件")
    screenshot(page, "console-my-work-desktop")
    page.get_by_role("link", name="待核查 1").click()
    expect(page.locator("table.queue tr.row")).to_have_count(1)
    expect(page.locator("table.queue")).to_contain_text("井盖缺失已处置")

    phone = browsing.page(operator, viewport=PHONE)
    phone.goto("/console/")
    expect(phone.locator("table.queue")).to_contain_text("河道漂浮垃圾")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "console-my-work-phone")
    assert Event.objects.filter(centre=cast.village_1_centre).count() == 6
