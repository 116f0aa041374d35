"""基础数据 pages in a real browser: an operator imports a file with bad rows and sees the
row-by-row report with nothing imported, then a good file whose progress reaches done;
the list, the masked person page, the map and the search on a phone."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.basedata import samples
from tests.browser.conftest import PHONE, screenshot
from wangge.basedata import access
from wangge.basedata.categories import BUILTIN
from wangge.basedata.models import House, Permission
from wangge.basedata.services import create_record

HEADER = "房屋编码,地址,用途,网格编码,经度,纬度\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _import_runner(settings):
    """Background threads on PostgreSQL, as in production. The test server's in-memory
    SQLite is one shared-cache database whose table locks make a second writer thread
    fail at once, so there the import runs inline (the page then finds it already done)."""
    settings.WANGGE_JOB_RUNNER = "thread" if connection.vendor == "postgresql" else "inline"


def _csv(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_operator_imports_houses_then_browses_them_masked(browsing, cast):
    grid = cast.jurisdiction.grids["t1_north"].code
    operator = cast["township_1_operator"]
    page = browsing.page(operator)
    page.goto("/base/import/?category=house")
    expect(page.locator("a", has_text="Excel (.xlsx)")).to_have_attribute(
        "href", "/api/basedata/house/template?format=xlsx"
    )

    bad = (
        HEADER
        + f"H-1,一村一组 1 号,自住,{grid},,\nH-2,一村一组 2 号,城堡,{grid},,\nH-3,一村,自住,999,,\n"
    )
    page.set_input_files("input[name=file]", _csv("bad.csv", bad))
    page.get_by_role("button", name="开始导入").click()
    job = page.locator(".import-job[data-status=rejected]")
    expect(job).to_be_visible()
    rows = job.locator("table.errors tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("3")
    expect(rows.nth(0)).to_contain_text("用途")
    expect(rows.nth(1)).to_contain_text("4")
    expect(rows.nth(1)).to_contain_text("网格编码")
    expect(job.locator("a", has_text="下载完整错误报告")).to_have_attribute(
        "href", re.compile(r"^/api/basedata/imports/\d+/errors$")
    )
    assert House.objects.count() == 0
    screenshot(page, "base-import-desktop")

    good = HEADER + "".join(
        f"H-{n},一村一组 {n} 号,自住,{grid},120.0{n},40.07\n" for n in range(1, 4)
    )
    page.set_input_files("input[name=file]", _csv("good.csv", good))
    page.get_by_role("button", name="开始导入").click()
    done = page.locator(".import-job[data-status=done]")
    expect(done).to_be_visible()
    expect(done.locator(".rows-imported")).to_have_text("3")
    assert House.objects.count() == 3

    create_record(
        BUILTIN["person"],
        operator,
        {
            "name": "张三丰",
            "kind": "户籍人口",
            "id_number": samples.MAN,
            "phone": samples.MOBILE,
            "house_code": "H-1",
        },
    )
    page.goto("/base/house/")
    expect(page.locator("table.base-list tbody tr")).to_have_count(3)
    screenshot(page, "base-list-desktop")

    access.grant(operator, Permission.REVEAL)
    page.goto("/base/person/")
    page.get_by_role("link", name="详情").first.click()
    fields = page.locator("dl.fields")
    expect(fields).to_contain_text(samples.MAN[:6] + "********" + samples.MAN[-4:])
    expect(fields).to_contain_text("138****5678")
    expect(fields).to_contain_text("张**")
    assert samples.MAN not in page.content() and samples.MOBILE not in page.content()
    expect(page.get_by_role("link", name="H-1")).to_be_visible()
    screenshot(page, "base-person-desktop")

    page.goto("/base/map/")
    points = "document.getElementById('base-map').dataset.points"
    page.wait_for_function(f"Number({points}) >= 4")
    shown = page.evaluate(points)
    layers = page.locator("input[name=layer]")
    for i in range(layers.count()):
        layers.nth(i).uncheck()
    page.wait_for_function(f"{points} === '0'")  # nothing to fetch: drawn empty at once
    for i in range(layers.count()):
        layers.nth(i).check()
    page.wait_for_function(f"{points} === '{shown}'")


def test_search_on_a_phone(browsing, cast):
    grid = cast.jurisdiction.grids["t1_north"].code
    worker = cast["grid_worker_1"]
    house = create_record(
        BUILTIN["house"],
        cast["county_operator"],
        {"code": "H-9", "address": "一村九组 9 号", "use": "出租", "grid_code": grid},
    )
    create_record(
        BUILTIN["person"],
        cast["county_operator"],
        {
            "name": "李四光",
            "kind": "流动人口",
            "id_number": samples.WOMAN,
            "house_code": house.code,
        },
    )
    page = browsing.page(worker, viewport=PHONE)
    page.goto("/base/search/")
    page.get_by_role("searchbox").fill(samples.WOMAN)
    page.get_by_role("button", name="查询").click()
    results = page.locator("table.base-results")
    expect(results).to_contain_text("李**")
    expect(page.locator(".searched")).to_have_text(
        samples.WOMAN[:6] + "********" + samples.WOMAN[-4:]
    )
    assert samples.WOMAN not in page.content()
    screenshot(page, "base-search-phone")
    results.get_by_role("link", name=grid).click()
    expect(page.locator("h1")).to_contain_text("一村第一网格")
