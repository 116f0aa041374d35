"""Field records in a real browser: a household visit recorded without signal stays in the
outbox across a reload and arrives exactly once when back online; the diary and the
household points page (as a QR code opens it) send through the same outbox."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.events.api.conftest import jpeg_bytes
from tests.fieldwork.conftest import assigned, field_data  # noqa: F401 (fixtures)
from wangge.fieldwork.models import DiaryEntry, HouseholdVisit, PointsEntry, SpecialVisit

XSS = "<script>alert(1)</script>"
HERE = {"latitude": 40.07, "longitude": 120.05}  # inside 一村第一网格


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _phone(browsing, worker):
    page = browsing.page(
        worker,
        viewport=PHONE,
        permissions=["geolocation"],
        geolocation=HERE,
        service_workers="allow",
    )
    dialogs: list = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return page, dialogs


def _wait_for(condition, page, tries: int = 150) -> None:
    """The outbox count can read 0 before it re-renders: ask the database."""
    for _ in range(tries):
        if condition():
            return
        page.wait_for_timeout(100)


def test_offline_visit_arrives_exactly_once(browsing, field_data, cast):  # noqa: F811
    worker = cast["grid_worker_1"]
    page, dialogs = _phone(browsing, worker)
    page.goto("/field/visit/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    household = page.locator("#household-visit")
    household.get_by_label("房屋（户）").select_option(label="H-1 · 一村一组 1 号")
    household.get_by_label("走访情况").fill(XSS)
    household.get_by_label("需跟进事项（选填）").fill("协调上门体检")
    household.get_by_label("照片（选填）").set_input_files(
        {"name": "door.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    household.get_by_role("button", name="保存并发送").click()
    expect(page.locator("#outbox-count")).to_have_text("1")
    expect(page.locator("#outbox-list")).to_contain_text("入户走访：H-1")
    screenshot(page, "field-visit-phone")
    assert not HouseholdVisit.objects.exists()

    reloaded = page.reload()  # no signal: the page comes from the service worker's cache
    assert reloaded is not None and reloaded.from_service_worker
    expect(page.locator("#outbox-count")).to_have_text("1")

    page.context.set_offline(False)
    expect(page.locator("#outbox-count")).to_have_text("0", timeout=15_000)
    _wait_for(HouseholdVisit.objects.exists, page)
    visit = HouseholdVisit.objects.get()
    assert visit.notes == XSS and visit.worker == worker and visit.photo
    assert visit.house == field_data.house_1 and visit.follow_up == "协调上门体检"
    page.get_by_role("button", name="立即发送").click()  # a further sync sends nothing again
    page.wait_for_timeout(300)
    assert HouseholdVisit.objects.count() == 1

    # The overdue special-population visit is a task; its link opens the form preselected.
    page.goto("/field/")
    expect(page.locator("#visit-tasks")).to_contain_text("张**")
    page.locator("#visit-tasks").get_by_role("link", name="记录走访").click()
    special = page.locator("#special-visit")
    expect(special.get_by_label("对象")).to_have_value(str(field_data.special.pk))
    special.get_by_label("类型").select_option("help")
    special.get_by_label("走访情况").fill("帮教谈话，情绪稳定")
    special.get_by_role("button", name="保存并发送").click()
    _wait_for(SpecialVisit.objects.exists, page)
    assert SpecialVisit.objects.get().kind == "help"
    page.goto("/field/")
    expect(page.locator("#visit-tasks")).to_have_count(0)
    assert dialogs == []


def test_diary_and_points_through_the_outbox(browsing, field_data, cast):  # noqa: F811
    worker = cast["grid_worker_1"]
    page, dialogs = _phone(browsing, worker)
    page.goto("/field/diary/")
    page.get_by_label("内容").fill("走访三户，收集意见两条：路灯不亮、垃圾清运不及时。")
    page.get_by_label("附上当前位置").check()
    page.get_by_role("button", name="保存并发送").click()
    _wait_for(DiaryEntry.objects.exists, page)
    entry = DiaryEntry.objects.get()
    assert entry.lat == pytest.approx(40.07) and entry.worker == worker
    page.reload()
    expect(page.locator("#diary-entries")).to_contain_text("路灯不亮")
    screenshot(page, "field-diary-phone")

    house = field_data.house_1.pk
    page.goto(f"/field/points/?house={house}")  # where the household's QR code leads
    expect(page.get_by_label("房屋（户）")).to_have_value(str(house))
    page.get_by_label("分值（加分为正，扣分为负）").fill("0")
    page.get_by_label("事由").fill("参加义务劳动")
    page.get_by_role("button", name="保存并发送").click()
    expect(page.locator("#points .form-error")).to_contain_text("非零整数")
    page.get_by_label("分值（加分为正，扣分为负）").fill("5")
    page.get_by_role("button", name="保存并发送").click()
    _wait_for(PointsEntry.objects.exists, page)
    assert PointsEntry.objects.get().points == 5
    page.reload()
    expect(page.locator("#balance")).to_have_text("5")
    screenshot(page, "field-points-phone")
    assert dialogs == []
