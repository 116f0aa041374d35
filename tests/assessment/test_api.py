"""The metrics, rankings and report endpoints: who may ask for what."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.assessment.conftest import at
from tests.jurisdiction import COUNTY, TOWNSHIP_1, TOWNSHIP_2
from wangge.assessment.metrics import compute_metrics
from wangge.events.choices import State

OCT = {"period_start": "2026-10-01", "period_end": "2026-10-31"}


@pytest.fixture
def october(build):
    """Township 1: two closures, one late; township 2: one case left open."""
    on_time = build.event(closed=at("2026-10-05"), grid="t1_north")
    build.clock(on_time, due=at("2026-10-06"), stopped=at("2026-10-05"))
    late = build.event(closed=at("2026-10-05"), grid="t1_south")
    build.clock(late, due=at("2026-10-04"), stopped=at("2026-10-05"))
    build.part(late, build.cast.department)
    left_open = build.event(state=State.HANDLING, grid="t2_north")
    build.clock(left_open, due=at("2026-10-09"))
    return build


def test_anonymous_callers_are_refused(client, cast):
    response = client.get("/api/metrics", OCT)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_citizens_are_refused(as_user):
    response = as_user("citizen").get("/api/metrics", OCT)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_staff_without_a_unit_see_nothing(as_user, cast, october):
    operator = cast["county_operator"]
    operator.unit = None
    operator.save(update_fields=["unit"])
    response = as_user("county_operator").get("/api/metrics", OCT)
    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"


def test_a_township_operator_cannot_see_another_township(as_user, october):
    response = as_user("township_1_operator").get("/api/metrics", {**OCT, "region": TOWNSHIP_2})
    assert response.status_code == 404
    assert response.json()["code"] == "region_not_found"


def test_a_township_operator_sees_its_own_township_by_default(as_user, october):
    response = as_user("township_1_operator").get("/api/metrics", OCT)
    assert response.status_code == 200
    body = response.json()
    assert body["subject"] == {"kind": "region", "key": TOWNSHIP_1, "name": "一号镇"}
    figures = body["metrics"]
    assert (figures["due"], figures["closed"], figures["closed_on_time"]) == (2, 2, 1)
    assert figures["closure_rate"] == 1.0
    assert figures["on_time_closure_rate"] == 0.5
    assert figures["satisfaction_rate"] is None


def test_the_api_returns_what_the_service_computes(as_user, october):
    body = as_user("leader").get("/api/metrics", {**OCT, "region": COUNTY}).json()
    expected = compute_metrics(
        region_code=COUNTY,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
    )
    assert body["metrics"]["due"] == expected.due == 3
    assert Decimal(str(body["metrics"]["closure_rate"])) == expected.closure_rate


def test_a_department_handler_sees_only_its_own_department(as_user, october, cast):
    handler = as_user("department_handler")
    own = handler.get("/api/metrics", OCT)
    assert own.status_code == 200
    assert own.json()["subject"]["key"] == str(cast.department.pk)
    assert own.json()["metrics"]["due"] == 1
    other = handler.get("/api/metrics", {**OCT, "unit": cast.township_1_centre.pk})
    assert other.status_code == 404
    assert other.json()["code"] == "unit_not_found"
    region = handler.get("/api/metrics", {**OCT, "region": COUNTY})
    assert region.status_code == 403


def test_grid_worker_metrics_are_scoped(as_user, cast):
    ok = as_user("township_1_operator").get("/api/metrics", {**OCT, "grid_worker": "grid_worker_1"})
    assert ok.status_code == 200
    assert ok.json()["subject"]["kind"] == "grid_worker"
    refused = as_user("township_1_operator").get(
        "/api/metrics", {**OCT, "grid_worker": "grid_worker_2"}
    )
    assert refused.status_code == 404


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"period_start": "2026-10-31", "period_end": "2026-10-01"}, "invalid_period"),
        ({"period_start": "2026-10-01", "period_end": "x"}, "invalid_input"),
        ({**OCT, "region": "2114"}, "invalid_region"),
        ({**OCT, "region": COUNTY, "unit": 1}, "invalid_input"),
    ],
)
def test_bad_queries_get_a_clear_400(as_user, params, code):
    response = as_user("county_operator").get("/api/metrics", params)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_rankings_of_townships_put_the_better_one_first(as_user, october):
    response = as_user("county_operator").get("/api/rankings", {**OCT, "kind": "township"})
    assert response.status_code == 200
    rows = response.json()
    # Township 1: 100 - 1 overdue = 99; township 2: 100 - 1 overdue = 99 -> shared rank 1.
    assert [(r["key"], r["rank"], r["score"]) for r in rows] == [
        (TOWNSHIP_1, 1, 99.0),
        (TOWNSHIP_2, 1, 99.0),
    ]


def test_rankings_stay_inside_the_callers_scope(as_user, october):
    rows = as_user("township_2_operator").get("/api/rankings", {**OCT, "kind": "township"}).json()
    assert [r["key"] for r in rows] == [TOWNSHIP_2]


def test_rankings_refuse_department_handlers(as_user):
    response = as_user("department_handler").get("/api/rankings", {**OCT, "kind": "township"})
    assert response.status_code == 403


def test_monthly_report_downloads_as_excel(as_user, october):
    response = as_user("county_operator").get(
        "/api/reports/monthly", {"month": "2026-10", "region": COUNTY}
    )
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=4, values_only=True)}
    assert summary["应结案数"] == 3
    assert summary["结案率"] == pytest.approx(0.6667)
    rate_row = next(row for row in book["汇总"].iter_rows(min_row=4) if row[0].value == "结案率")
    assert rate_row[1].number_format == "0.00%"
    assert "乡镇（街道）排名" in book.sheetnames


def test_monthly_report_downloads_as_pdf(as_user, october):
    response = as_user("leader").get(
        "/api/reports/monthly", {"month": "2026-10", "region": COUNTY, "format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_monthly_report_is_scoped(as_user, october):
    response = as_user("township_1_operator").get(
        "/api/reports/monthly", {"month": "2026-10", "region": TOWNSHIP_2}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"month": "2026-13"}, "invalid_month"),
        ({"month": "2026-10", "format": "doc"}, "invalid_format"),
    ],
)
def test_monthly_report_rejects_bad_input(as_user, params, code):
    response = as_user("county_operator").get("/api/reports/monthly", params)
    assert response.status_code == 400
    assert response.json()["code"] == code
