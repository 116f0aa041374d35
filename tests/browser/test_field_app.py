"""The grid-worker app in a real browser: offline reporting through the outbox (kept in
IndexedDB across a reload without signal, sent exactly once when back online), the
patrol recorder, and tasks shown as text and verified with a photo."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.events.api.conftest import jpeg_bytes
from tests.events.conftest import with_limits
from wangge.accounts.models import GridAssignment, GridDuty
from wangge.events.choices import Channel
from wangge.events.models import Attachment, Category, Event
from wangge.events.services import perform, report_event
from wangge.fieldwork.models import Patrol

XSS = "<script>alert(1)</script>"
HERE = {"latitude": 40.07, "longitude": 120.05}  # inside 一村第一网格


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def worker(cast):
    GridAssignment.objects.create(
        grid=cast.jurisdiction.grids["t1_north"], user=cast["grid_worker_1"], duty=GridDuty.WORKER
    )
    return cast["grid_worker_1"]


@pytest.fixture
def hazard(cast) -> Category:
    return with_limits(
        Category.objects.create(code="hazard", name="安全隐患", needs_verification=True)
    )


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


def _installed(page) -> None:
    """Wait until the service worker has cached the shell and controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_offline_report_survives_a_reload_and_is_sent_once(browsing, worker, hazard):
    page, dialogs = _phone(browsing, worker)
    page.goto("/field/report/")
    _installed(page)
    expect(page.locator("#f-location-status")).to_contain_text("已定位")
    screenshot(page, "field-report-phone")

    page.context.set_offline(True)
    page.get_by_label("问题类别").select_option(label="安全隐患")
    page.get_by_label("问题描述").fill(XSS)
    page.get_by_label("现场照片").set_input_files(
        {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    page.get_by_role("button", name="保存并发送").click()
    expect(page.locator("#outbox-count")).to_have_text("1")
    expect(page.locator("#outbox-list")).to_contain_text(XSS)
    assert not Event.objects.exists()

    reloaded = page.reload()  # no signal: the page comes from the service worker's cache
    assert reloaded is not None and reloaded.from_service_worker
    expect(page.locator("#net-status")).to_have_text("离线")
    expect(page.locator("#outbox-count")).to_have_text("1")

    page.context.set_offline(False)
    expect(page.locator("#outbox-count")).to_have_text("0", timeout=15_000)
    event = Event.objects.get()
    assert event.description == XSS and event.channel == Channel.GRID_WORKER
    assert event.attachments.count() == 1 and event.reporter == worker
    page.get_by_role("button", name="立即发送").click()  # a further sync sends nothing again
    page.wait_for_timeout(300)
    assert Event.objects.count() == 1
    assert dialogs == []


def test_patrol_records_a_track_and_sends_it(browsing, worker):
    page, _ = _phone(browsing, worker)
    page.goto("/field/patrol/")
    page.get_by_role("button", name="开始巡查").click()
    for step in range(1, 4):
        page.context.set_geolocation({"latitude": 40.07 + step * 0.001, "longitude": 120.05})
        expect(page.locator("#p-points")).not_to_have_text(str(step - 1))
    screenshot(page, "field-patrol-phone")
    page.get_by_role("button", name="结束巡查").click()
    expect(page.get_by_role("button", name="开始巡查")).to_be_visible()
    for _ in range(150):  # the outbox count may read 0 before it re-renders: ask the DB
        if Patrol.objects.filter(ended_at__isnull=False).exists():
            break
        page.wait_for_timeout(100)
    expect(page.locator("#outbox-count")).to_have_text("0")
    patrol = Patrol.objects.get()
    assert patrol.worker == worker and patrol.ended_at is not None
    assert patrol.track.count() >= 3
    assert patrol.track.order_by("recorded_at").last().lat == pytest.approx(40.073)


def test_tasks_show_reports_as_text(browsing, worker, hazard, cast):
    event = report_event(
        channel=Channel.PUBLIC_APP,
        category=hazard,
        title=XSS,
        description=XSS,
        lon=120.05,
        lat=40.07,
    ).event
    perform(event.pk, "accept", cast["village_1_operator"])
    perform(event.pk, "request_verification", cast["village_1_operator"])
    page, dialogs = _phone(browsing, worker)
    page.goto("/field/")
    expect(page.locator(".task-title")).to_have_text(XSS)
    screenshot(page, "field-phone")
    page.get_by_text("核实", exact=True).click()
    page.get_by_label("核实情况").fill("属实，井盖缺失")
    page.get_by_label("照片").set_input_files(
        {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    page.get_by_role("button", name="提交核实").click()
    expect(page.locator(".task")).to_have_count(0)
    assert dialogs == []
    photo = Attachment.objects.get(event=event)
    assert photo.trail_entry.action == "verify" and photo.uploaded_by == worker
