"""Disputes with parties and mediations (feeding 调解成功率), inspections, X categories."""

from datetime import date, timedelta
from decimal import Decimal

from tests.api.conftest import assert_error_body
from tests.basedata import samples
from wangge.assessment.metrics import compute_metrics
from wangge.basedata.models import CustomRecord, Dispute, DisputeParty
from wangge.basedata.subrecords import mediation_counts

TODAY = date.today()  # noqa: DTZ011


def _dispute(client, grid, title="宅基地边界纠纷") -> int:
    values = {
        "title": title,
        "kind": "土地山林",
        "occurred_on": str(TODAY - timedelta(days=3)),
        "grid_code": grid,
    }
    response = client.post(
        "/api/basedata/dispute", {"values": values}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_mediation_closes_the_dispute_and_feeds_the_success_rate(as_user, t1_grid, cast):
    client = as_user("grid_worker_1")
    first, second = _dispute(client, t1_grid.code), _dispute(client, t1_grid.code, "劳务费纠纷")
    party = {
        "role": "applicant",
        "name": "赵六",
        "id_number": samples.WOMAN,
        "phone": samples.MOBILE,
    }
    assert (
        client.post(
            f"/api/basedata/dispute/{first}/parties", party, content_type="application/json"
        ).status_code
        == 201
    )
    assert samples.WOMAN not in repr(list(DisputeParty.objects.values_list()))

    def mediate(pk, result):
        body = {"mediated_on": str(TODAY), "content": "双方达成协议", "result": result}
        return client.post(
            f"/api/basedata/dispute/{pk}/mediations", body, content_type="application/json"
        )

    assert mediate(first, "continue").json()["dispute_status"] == "mediating"
    assert mediate(first, "success").json()["dispute_status"] == "resolved"
    assert mediate(second, "failure").json()["dispute_status"] == "failed"
    assert_error_body(mediate(first, "success"), 409, "dispute_closed")
    counts = mediation_counts(t1_grid.village.code[:6], TODAY, TODAY + timedelta(days=1))
    assert (counts.closed, counts.resolved, counts.success_rate) == (2, 1, 0.5)
    assert mediation_counts("211421101", TODAY, TODAY + timedelta(days=1)).closed == 0
    detail = client.get(f"/api/basedata/dispute/{first}").json()
    assert [p["name"] for p in detail["parties"]] == ["赵*"]
    assert [m["result"] for m in detail["mediations"]] == ["continue", "success"]
    assert Dispute.objects.get(pk=first).closed_on == TODAY


def test_inspection_updates_the_key_place(as_user, t1_grid):
    client = as_user("village_1_operator")
    values = {
        "name": "一村加油站",
        "kind": "加油站",
        "address": "一村路口",
        "grid_code": t1_grid.code,
    }
    place = client.post(
        "/api/basedata/key_place", {"values": values}, content_type="application/json"
    ).json()
    body = {"inspected_on": str(TODAY), "hazards_found": True, "findings": "灭火器过期"}
    response = client.post(
        f"/api/basedata/key_place/{place['id']}/inspections", body, content_type="application/json"
    )
    assert response.status_code == 201
    detail = client.get(f"/api/basedata/key_place/{place['id']}").json()
    assert detail["values"]["last_inspected_on"] == str(TODAY)
    assert detail["inspections"][0]["findings"] == "灭火器过期"
    future = {"inspected_on": str(TODAY + timedelta(days=2))}
    bad = client.post(
        f"/api/basedata/key_place/{place['id']}/inspections",
        future,
        content_type="application/json",
    )
    assert_error_body(bad, 400, "invalid_input")


def test_organization_credit_code_is_checked(as_user, t1_grid):
    client = as_user("county_operator")
    values = {
        "name": "一村合作社",
        "kind": "社会组织",
        "credit_code": samples.CREDIT_CODES[0],
        "address": "一村",
        "grid_code": t1_grid.code,
    }
    assert (
        client.post(
            "/api/basedata/organization", {"values": values}, content_type="application/json"
        ).status_code
        == 201
    )
    values["credit_code"] = samples.CREDIT_CODES[0][:-1] + "4"
    body = assert_error_body(
        client.post(
            "/api/basedata/organization", {"values": values}, content_type="application/json"
        ),
        400,
    )
    assert body["details"][0]["field"] == "统一社会信用代码"


DEFINITION = {
    "code": "pets",
    "name": "犬只登记",
    "fields": [
        {"key": "owner", "label": "犬主", "type": "name", "required": True},
        {"key": "owner_id", "label": "犬主身份证号", "type": "id_number", "required": True},
        {"key": "breed", "label": "品种", "type": "choice", "choices": ["中华田园犬", "其他"]},
        {"key": "vaccinated_on", "label": "免疫日期", "type": "date"},
    ],
}


def test_an_admin_defines_an_x_category_and_records_are_validated_against_it(as_user, t1_grid):
    admin = as_user("system_admin")
    bad = dict(DEFINITION, fields=[{"key": "Owner", "label": "", "type": "blob"}])
    assert_error_body(
        admin.post("/api/basedata/custom-categories", bad, content_type="application/json"),
        400,
        "invalid_definition",
    )
    assert (
        admin.post(
            "/api/basedata/custom-categories", DEFINITION, content_type="application/json"
        ).status_code
        == 201
    )
    assert_error_body(
        as_user("county_operator").post(
            "/api/basedata/custom-categories", DEFINITION, content_type="application/json"
        ),
        403,
    )
    client = as_user("grid_worker_1")
    values = {
        "owner": "钱七",
        "owner_id": samples.MAN[:-1] + "0",
        "breed": "藏獒",
        "grid_code": t1_grid.code,
    }
    body = assert_error_body(
        client.post("/api/basedata/x-pets", {"values": values}, content_type="application/json"),
        400,
    )
    assert {d["field"] for d in body["details"]} == {"犬主身份证号", "品种"}
    values.update(owner_id=samples.MAN, breed="其他", vaccinated_on="2026-01-05")
    created = client.post(
        "/api/basedata/x-pets", {"values": values}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["values"]["owner_id"] == samples.MAN[:6] + "********" + samples.MAN[-4:]
    record = CustomRecord.objects.get()
    assert samples.MAN not in repr(record.data) and record.data["breed"] == "其他"
    listed = client.get("/api/basedata/x-pets").json()
    assert listed["count"] == 1 and listed["results"][0]["values"]["owner"] == "钱*"


def test_the_register_feeds_mediation_success_in_the_metrics(as_user, t1_grid, cast):
    client = as_user("grid_worker_1")
    outcomes = {"success": 2, "failure": 1}
    for result, times in outcomes.items():
        for n in range(times):
            pk = _dispute(client, t1_grid.code, f"{result}{n}")
            body = {"mediated_on": str(TODAY), "content": "调解", "result": result}
            client.post(
                f"/api/basedata/dispute/{pk}/mediations", body, content_type="application/json"
            )
    _dispute(client, t1_grid.code, "尚在调解")
    today = {"period_start": TODAY, "period_end": TODAY}
    county = compute_metrics(region_code=cast.jurisdiction.county.code, **today)
    assert (county.mediations_ended, county.mediations_succeeded) == (3, 2)
    assert county.mediation_success_rate == Decimal("0.6667")
    other = compute_metrics(region_code=cast.jurisdiction.township_2.code, **today)
    assert (other.mediations_ended, other.mediation_success_rate) == (0, None)
    department = compute_metrics(unit=cast.department, **today)
    assert department.mediations_ended == 0
