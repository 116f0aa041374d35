"""The 统计 pages: every role, scope, the drill-down lists adding up to the figures shown,
the monthly report downloads, bad input and the page's query count."""

import io
import random

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.assessment.conftest import Builder
from tests.assessment.test_peers import _history

OCTOBER = {"period": "month", "month": "2026-10"}
AUTUMN = {"period": "range", "start": "2026-09-01", "end": "2026-11-30"}
ALLOWED = ("county_operator", "leader", "system_admin")
REFUSED = ("grid_worker_1", "department_handler", "security_admin", "audit_admin", "citizen")
PAGES = ("/stats/", "/stats/events/?figure=due")


def client_of(cast, name: str | None) -> Client:
    client = Client()
    if name:
        client.force_login(cast[name])
    return client


@pytest.fixture
def build(cast) -> Builder:
    return Builder(cast)


@pytest.fixture
def history(cast, build):
    return _history(build, cast, random.Random(41), 120)


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_goes_to_the_login_page(cast, url):
    response = client_of(cast, None).get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("name", REFUSED)
def test_other_roles_are_refused(cast, url, name):
    assert client_of(cast, name).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("name", ALLOWED)
def test_operators_leaders_and_admins_see_their_scope(cast, url, name):
    assert client_of(cast, name).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_a_subject_outside_the_scope_is_not_found(cast, url):
    client = client_of(cast, "township_1_operator")
    j = cast.jurisdiction
    joiner = "&" if "?" in url else "?"
    outside = [
        f"region:{j.township_2.code}",
        f"region:{j.county.code}",
        f"unit:{cast.township_2_centre.pk}",
        "worker:grid_worker_2",
        "unit:999999",
    ]
    for subject in outside:
        response = client.get(f"{url}{joiner}subject={subject}")
        assert response.status_code == 404, subject
        assert response.context["code"].endswith("not_found")
    inside = [f"region:{j.township_1.code}", f"region:{j.village_1.code}", "worker:grid_worker_1"]
    for subject in inside:
        assert client.get(f"{url}{joiner}subject={subject}").status_code == 200, subject


@pytest.mark.parametrize(
    "query,code",
    [
        ("period=week", "invalid_input"),
        ("period=month&month=2026-13", "invalid_input"),
        ("period=quarter&quarter=2026-Q5", "invalid_input"),
        ("period=range&start=2026-10-05&end=2026-10-01", "invalid_period"),
        ("period=range&start=2025-01-01&end=2026-10-01", "invalid_period"),
        ("period=range&start=yesterday&end=2026-10-01", "invalid_input"),
        ("subject=planet:earth", "invalid_input"),
        ("subject=unit:99999999999999999999", "invalid_input"),
        ("subject=region:12", "invalid_region"),
    ],
)
def test_bad_input_is_a_400_with_a_code(cast, query, code):
    for url in ("/stats/?", "/stats/events/?figure=due&"):
        response = client_of(cast, "county_operator").get(url + query)
        assert response.status_code == 400, (url, query)
        assert response.context["code"] == code


@pytest.mark.parametrize(
    "query", ["figure=yellow_cards", "figure=score", "figure=due&page=0", "page=x"]
)
def test_a_list_of_something_else_is_refused(cast, query):
    response = client_of(cast, "county_operator").get(f"/stats/events/?{query}")
    assert response.status_code == 400


def _listed(client: Client, url: str) -> int:
    """Every row of every page of a list, checked against the total it prints."""
    response = client.get(url)
    total, seen, pages = response.context["total"], set(), 0
    while True:
        assert response.status_code == 200
        seen |= {row.pk for row in response.context["rows"]}
        pages += 1
        if not response.context["next"]:
            break
        response = client.get(f"/stats/events/?{response.context['next']}")
    assert len(seen) == total
    return total


@pytest.mark.parametrize(
    "subject", ["", "region:{township_1}", "unit:{department}", "worker:grid_worker_1"]
)
def test_each_rate_lists_as_many_events_as_its_figures(cast, history, subject, settings):
    subject = subject.format(
        township_1=cast.jurisdiction.township_1.code, department=cast.department.pk
    )
    client = client_of(cast, "county_operator")
    page = client.get("/stats/", {**OCTOBER, "subject": subject})
    assert page.status_code == 200
    rates = {r["name"]: r for r in page.context["rates"]}
    assert rates["on_time_closure_rate"]["denominator"]["value"] > 0 or subject
    drilled = 0
    for r in rates.values():
        for part in ("numerator", "denominator"):
            figure = r[part]
            if r["name"] == "mediation_success_rate":
                assert not figure["url"]
                continue
            assert _listed(client, figure["url"]) == figure["value"], (r["name"], part)
            drilled += 1
    assert drilled == 14


def test_lists_page_and_link_to_the_event(cast, history, settings):
    client = client_of(cast, "county_operator")
    page = client.get("/stats/", AUTUMN)
    url = next(c["url"] for c in page.context["counts"] if c["name"] == "received")
    first = client.get(url.replace("/stats/events/?", "/stats/events/?page=1&"))
    assert first.context["total"] > 50  # more than one page
    assert len(first.context["rows"]) == 50 and first.context["next"]
    assert _listed(client, url) == next(
        c["value"] for c in page.context["counts"] if c["name"] == "received"
    )
    event = first.context["rows"][0]
    assert f'href="/console/events/{event.pk}/"' in first.content.decode()
    leader_page = client_of(cast, "leader").get(url).content.decode()
    assert f'href="/leader/events/{event.pk}/"' in leader_page  # the leader's own event page
    assert "/console/events/" not in leader_page


def test_the_monthly_report_downloads_from_the_page(cast, history):
    client = client_of(cast, "leader")
    page = client.get("/stats/", OCTOBER)
    links = {r["format"]: r["url"] for r in page.context["reports"]}
    assert "month=2026-10" in links["xlsx"]
    xlsx = client.get(links["xlsx"])
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.worksheets
    pdf = client.get(links["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert links["xlsx"] in page.content.decode().replace("&amp;", "&")


def test_rankings_are_on_the_page_and_open_their_subject(cast, history):
    client = client_of(cast, "county_operator")
    page = client.get("/stats/", OCTOBER)
    kinds = {r["kind"]: r for r in page.context["rankings"]}
    assert set(kinds) == {"township", "department", "grid_worker"}
    row = kinds["department"]["rows"][0]
    assert client.get(f"/stats/{row['url']}").status_code == 200


def test_the_page_costs_a_bounded_number_of_queries(cast, build):
    """As many queries for 120 events as for none, rankings cached or not."""
    client = client_of(cast, "county_operator")
    client.get("/stats/", OCTOBER)  # the session, the category reference cache

    def counted(query: dict, cold: bool) -> int:
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/stats/", query).status_code == 200
        return len(queries)

    department = {**OCTOBER, "subject": f"unit:{cast.department.pk}"}
    cases = [(q, cold) for q in (OCTOBER, department) for cold in (True, False)]
    empty = [counted(*case) for case in cases]
    _history(build, cast, random.Random(43), 120)
    assert [counted(*case) for case in cases] == empty
    # Rankings cached, as between two changes (PostgreSQL reads a few more than SQLite).
    assert max(empty[1], empty[3]) <= 30, empty
