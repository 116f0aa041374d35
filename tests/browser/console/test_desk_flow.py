"""The desk tools in a real browser: a batch dispatch of ticked rows, the queue's export
downloaded and read back, and the hotline form (screenshots of both pages)."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from wangge.basedata.models import ExportLog
from wangge.events.choices import State
from wangge.events.models import Event
from wangge.events.services import perform

DESK = {"width": 1366, "height": 900}


def test_batch_dispatch_of_five_ticked_rows(browsing, cast, report):
    operator = cast["village_1_operator"]
    events = [report(title=f"早市占道 {i}", reporter_name="张三丰") for i in range(6)]
    for event in events:
        perform(event.pk, "accept", operator)
    page = browsing.page(operator, viewport=DESK)
    page.goto("/console/?state=accepted")
    chosen = events[:5]
    for event in chosen:
        page.locator(f"tr[data-event='{event.pk}'] input[name=ids]").check()
    expect(page.locator("#batch-selected")).to_have_text("5")
    page.locator("#batch-action").select_option("dispatch")
    fields = page.locator(".batch-fields[data-action=dispatch]")
    fields.locator("select[name=lead_department]").select_option(str(cast.department.pk))
    fields.locator("textarea[name=instruction]").fill("请当日处理")
    screenshot(page, "console-batch-desktop")
    with page.expect_navigation():
        page.locator("#batch-submit").click()
    expect(page.locator(".batch-results tr.ok")).to_have_count(5)
    states = dict(Event.objects.values_list("pk", "state"))
    assert all(states[e.pk] == State.DISPATCHED for e in chosen)
    assert states[events[5].pk] == State.ACCEPTED


def test_the_export_holds_the_queues_rows_masked(browsing, cast, report, categories):
    for i in range(3):
        report(title=f"占道 {i}", reporter_name="张三丰", reporter_phone="13812345678")
    report(title="噪音", category=categories.noise.pk)
    page = browsing.page(cast["village_1_operator"], viewport=DESK)
    page.goto(f"/console/?category={categories.urban.pk}")
    shown = page.locator("table.queue tbody tr .title").all_inner_texts()
    assert len(shown) == 3
    with page.expect_download() as download:
        page.locator("#export-link").click()
    data = download.value.path().read_bytes()
    rows = list(load_workbook(io.BytesIO(data)).active.values)[1:]
    assert sorted(r[1] for r in rows) == sorted(t.strip() for t in shown)
    assert {r[10] for r in rows} == {"张**"} and {r[11] for r in rows} == {"138****5678"}
    assert ExportLog.objects.get().rows == 3


def test_hotline_form_on_desktop_and_phone(browsing, cast, report, categories):
    grid = cast.jurisdiction.grids["t1_north"]
    report(point=(120.05, 40.075), title="早上已报的占道")  # the grid's middle
    page = browsing.page(cast["county_operator"], viewport=DESK)
    page.goto("/console/hotline/")
    page.locator("input[name=caller_name]").fill("王五")
    page.locator("input[name=caller_phone]").fill("13700001234")
    page.locator("select[name=category]").select_option(str(categories.street.pk))
    page.locator("input[name=title]").fill("来电：路口占道")
    page.locator("#place-search").fill("一村第一")
    expect(page.locator("#place-options option")).to_have_count(1)
    page.locator("#place-search").fill(f"{grid.name} {grid.code}")  # picked from the list
    page.locator("input[name=address]").fill("一村东路口")
    expect(page.locator("#point-shown")).to_have_text("120.050000, 40.075000")
    screenshot(page, "hotline-entry-desktop")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.locator(".duplicates")).to_contain_text("早上已报的占道")
    with page.expect_navigation():
        page.get_by_role("button", name="确认新建").click()
    expect(page.locator("h1.event-title")).to_have_text("来电：路口占道")
    assert Event.objects.filter(channel="hotline").count() == 1

    phone = browsing.page(cast["county_operator"], viewport=PHONE)
    phone.goto("/console/hotline/")
    expect(phone.locator("#hotline-map")).to_be_visible()
    # The top bar's sections take a row of their own on a phone, each one fully in view.
    rights = phone.eval_on_selector_all(
        ".topbar .sections a", "links => links.map(a => a.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= PHONE["width"], rights
    screenshot(phone, "hotline-entry-phone")
