"""A citizen reports with a photo and a map pin, gets a code, tracks it and rates it; the
QR poster a centre prints for a grid."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot
from tests.events.api.conftest import jpeg_bytes
from wangge.events.choices import Channel, Rating
from wangge.events.models import Category, Event
from wangge.events.services import perform

XSS = "<script>alert(1)</script>"


@pytest.fixture
def street(cast) -> Category:
    urban = Category.objects.create(code="urban", name="城市管理")
    return Category.objects.create(
        code="urban.street", name="占道经营", parent=urban, direct_answer=True
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _no_dialogs(page) -> list:
    dialogs: list = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def test_citizen_reports_with_photo_and_pin_then_tracks_and_rates(browsing, cast, street):
    desktop = browsing.page()
    desktop.goto("/public/report/")
    expect(desktop.get_by_role("alert").first).to_contain_text("110 / 120 / 119")
    screenshot(desktop, "public-report-desktop")

    page = browsing.page(viewport=PHONE)
    dialogs = _no_dialogs(page)
    page.goto("/public/report/")
    page.get_by_label("问题类别").select_option(label="占道经营")
    page.get_by_label("问题描述").fill(XSS)
    page.get_by_label("照片（可多张）").set_input_files(
        {"name": "street.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    page.locator("#pin-map").click()  # the map opens on the county: its centre is inside
    expect(page.locator("#id_lon")).not_to_have_value("")
    page.get_by_label("联系电话").fill("13812345678")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "public-report-phone")
    page.get_by_role("button", name="提交").click()
    code = page.locator("#tracking-code").inner_text().strip()

    event = Event.objects.get(tracking_code=code)
    assert event.channel == Channel.PUBLIC_APP and event.description == XSS
    assert event.attachments.count() == 1 and 120.0 < event.lon < 120.2

    page.get_by_role("link", name="查询进度").click()
    expect(page.locator("#report-text")).to_have_text(XSS)
    expect(page.locator("#state")).to_have_text("待受理")
    perform(event.pk, "answer", cast["village_1_operator"], answer="已转城管")
    page.reload()
    expect(page.locator("#state")).to_have_text("已结案")
    screenshot(page, "track-phone")
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#rating-form")).to_have_count(0)
    event.refresh_from_db()
    assert event.rating == Rating.SATISFIED
    assert dialogs == []


def test_qr_poster_for_a_grid(browsing, cast):
    grid = cast.jurisdiction.grids["t1_north"]
    page = browsing.page(cast["township_1_operator"])
    page.goto(f"/public/qr/{grid.code}/")
    expect(page.locator("img.qr-code")).to_be_visible()
    assert page.locator("img.qr-code").evaluate("img => img.naturalWidth") > 0
    screenshot(page, "qr-desktop")
    page.goto(page.locator(".qr-url").inner_text())
    expect(page.locator(".located")).to_contain_text("一村第一网格")
    lon = float(page.locator("#id_lon").input_value())
    assert 120.0 < lon < 120.1
