"""Records through the HTTP API: create, masked reads, reveal with its log, validation."""

import pytest

from tests.api.conftest import assert_error_body
from tests.basedata import samples
from wangge.basedata import access
from wangge.basedata.models import Permission, Person, RevealLog


def _person_body(grid_code: str, **values) -> dict:
    body = {
        "name": "王小明",
        "kind": "registered",
        "id_number": samples.WOMAN,
        "phone": samples.OTHER_MOBILE,
        "grid_code": grid_code,
    }
    body.update(values)
    return {"values": body}


def test_create_derives_birth_date_and_sex_and_answers_masked(as_user, t1_grid):
    response = as_user("grid_worker_1").post(
        "/api/basedata/person", _person_body(t1_grid.code), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["values"]["id_number"] == samples.WOMAN[:6] + "********" + samples.WOMAN[-4:]
    assert body["values"]["phone"] == "139****4321"
    assert body["values"]["name"] == "王**"
    assert body["values"]["sex"] == "female" and body["values"]["birth_date"] == "1992-02-29"
    assert body["region_code"] == t1_grid.village.code
    assert samples.WOMAN.encode() not in response.content


def test_each_bad_field_gets_its_own_reason_and_nothing_is_written(as_user, t1_grid):
    bad = _person_body(
        t1_grid.code, id_number=samples.WOMAN[:-1] + "0", phone="12345", kind="alien", sex="male"
    )
    response = as_user("county_operator").post(
        "/api/basedata/person", bad, content_type="application/json"
    )
    body = assert_error_body(response, 400, "invalid_input")
    fields = {d["field"] for d in body["details"]}
    assert {"身份证号", "联系电话", "人口类型"} <= fields
    assert Person.objects.count() == 0


def test_sex_contradicting_the_id_number_is_refused(as_user, t1_grid):
    response = as_user("county_operator").post(
        "/api/basedata/person",
        _person_body(t1_grid.code, sex="male"),
        content_type="application/json",
    )
    body = assert_error_body(response, 400, "invalid_input")
    assert body["details"] == [{"field": "性别", "reason": "与身份证号推算的性别不一致。"}]


def test_a_duplicate_id_number_is_refused(as_user, person, t1_grid):
    response = as_user("county_operator").post(
        "/api/basedata/person",
        _person_body(t1_grid.code, id_number=samples.MAN),
        content_type="application/json",
    )
    body = assert_error_body(response, 400, "invalid_input")
    assert body["details"][0]["field"] == "身份证号"


def test_a_point_places_the_record_in_its_grid(as_user, cast):
    body = _person_body("", lon=120.05, lat=40.02)
    del body["values"]["grid_code"]
    response = as_user("county_operator").post(
        "/api/basedata/person", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["values"]["grid_code"] == cast.jurisdiction.grids["t1_south"].code


def test_a_grid_outside_the_callers_scope_is_refused(as_user, cast):
    t2 = cast.jurisdiction.grids["t2_north"].code
    response = as_user("township_1_operator").post(
        "/api/basedata/person", _person_body(t2), content_type="application/json"
    )
    body = assert_error_body(response, 400, "invalid_input")
    assert body["details"][0]["field"] == "网格编码"


def test_reveal_needs_the_permission_and_a_reason_and_is_logged(as_user, cast, person):
    url = f"/api/basedata/person/{person.pk}/reveal"
    payload = {"field": "id_number", "reason": "核对户籍信息"}
    client = as_user("county_operator")
    assert_error_body(
        client.post(url, payload, content_type="application/json"), 403, "data_permission_required"
    )
    access.grant(cast["county_operator"], Permission.REVEAL)
    short = {"field": "id_number", "reason": "看"}
    assert_error_body(
        client.post(url, short, content_type="application/json"), 400, "reason_required"
    )
    response = client.post(url, payload, content_type="application/json")
    assert response.json() == {"field": "id_number", "value": samples.MAN}
    log = RevealLog.objects.get()
    assert (log.user, log.category, log.record_id, log.field, log.reason) == (
        cast["county_operator"],
        "person",
        person.pk,
        "id_number",
        "核对户籍信息",
    )
    name = client.post(
        url, {"field": "name", "reason": "核对户籍信息"}, content_type="application/json"
    )
    assert name.json()["value"] == "张三丰"
    not_personal = client.post(
        url, {"field": "address", "reason": "核对" * 2}, content_type="application/json"
    )
    assert_error_body(not_personal, 400, "not_revealable")


@pytest.mark.parametrize("admin", ["system_admin", "security_admin", "audit_admin"])
def test_admins_can_never_hold_personal_data_permissions(cast, admin):
    with pytest.raises(access.GrantRefused):
        access.grant(cast[admin], Permission.REVEAL)


def test_an_operator_who_becomes_an_admin_loses_reveal(cast):
    from wangge.accounts.models import User
    from wangge.accounts.services import grant_role

    user = cast["township_1_operator"]
    access.grant(user, Permission.REVEAL)
    assert access.holds(User.objects.get(pk=user.pk), Permission.REVEAL)
    grant_role(user, "audit_admin")
    assert not access.holds(User.objects.get(pk=user.pk), Permission.REVEAL)


def test_house_lists_its_residents_and_the_person_points_back(as_user, house, person, t1_grid):
    client = as_user("village_1_operator")
    detail = client.get(f"/api/basedata/house/{house.pk}").json()
    assert [r["id"] for r in detail["residents"]] == [person.pk]
    back = client.get(f"/api/basedata/person/{person.pk}").json()
    assert (
        back["values"]["house_code"] == house.code and back["values"]["grid_code"] == t1_grid.code
    )
    by_house = client.get("/api/basedata/person", {"house": house.code}).json()
    assert [r["id"] for r in by_house["results"]] == [person.pk]
    summary = client.get(f"/api/basedata/grids/{t1_grid.code}").json()
    assert summary["counts"]["person"] == 1 and summary["counts"]["house"] == 1
    assert "special_population" not in summary["counts"]


def test_update_checks_the_changed_fields_only(as_user, person):
    client = as_user("county_operator")
    url = f"/api/basedata/person/{person.pk}"
    ok = client.patch(url, {"values": {"phone": "0429-3123456"}}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["values"]["phone"] == "0429-***3456"
    bad = client.patch(url, {"values": {"phone": "12"}}, content_type="application/json")
    assert_error_body(bad, 400, "invalid_input")
