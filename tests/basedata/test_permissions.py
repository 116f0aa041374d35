"""Every role against every base-data endpoint: 403 for the wrong role, 404 (or nothing
found) out of scope, success in scope. Expectations come from the role sets written here,
not from the code under test."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.operations import all_operations
from tests.basedata import samples
from wangge.basedata import access
from wangge.basedata.categories import BUILTIN
from wangge.basedata.models import Permission
from wangge.basedata.services import create_record

CAST = [
    "county_operator",
    "township_1_operator",
    "township_2_operator",
    "village_1_operator",
    "department_handler",
    "grid_worker_1",
    "grid_worker_2",
    "leader",
    "system_admin",
    "security_admin",
    "audit_admin",
    "citizen",
]
OUT_OF_SCOPE = {"township_2_operator", "grid_worker_2"}  # the records live in township 1
READ = {"operator", "grid_worker", "leader"}
WRITE = {"operator", "grid_worker"}
OPERATOR = {"operator"}
EXPORT = {"operator", "leader"}
DEFINE = {"system_admin"}


@pytest.fixture
def records(cast, t1_grid, house, person):
    op = cast["county_operator"]
    dispute = create_record(
        BUILTIN["dispute"],
        op,
        {
            "title": "邻里纠纷",
            "kind": "neighbour",
            "occurred_on": "2026-01-02",
            "grid_code": t1_grid.code,
        },
    )
    place = create_record(
        BUILTIN["key_place"],
        op,
        {"name": "网吧", "kind": "internet_cafe", "address": "一村", "grid_code": t1_grid.code},
    )
    for name in CAST:
        try:
            access.grant(cast[name], Permission.REVEAL)
        except access.GrantRefused:
            pass
    return {"person": person, "house": house, "dispute": dispute, "place": place, "grid": t1_grid}


def _csv_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("h.csv", "房屋编码,地址,用途\n".encode("utf-8-sig"))


# name, method, path (format fields from `records`), body, allowed, out-of-scope answer
ENDPOINTS = [
    ("search", "get", "/api/basedata/search?q={person_name}", None, READ, "empty"),
    ("categories", "get", "/api/basedata/categories", None, READ | DEFINE, "same"),
    ("grid", "get", "/api/basedata/grids/{grid_code}", None, READ, 404),
    ("list", "get", "/api/basedata/person", None, READ, "empty"),
    ("detail", "get", "/api/basedata/person/{person_id}", None, READ, 404),
    ("create", "post", "/api/basedata/house", "house", WRITE, 400),
    ("update", "patch", "/api/basedata/house/{house_id}", "patch", WRITE, 404),
    ("delete", "delete", "/api/basedata/house/{house_id}", None, OPERATOR, 404),
    ("reveal", "post", "/api/basedata/person/{person_id}/reveal", "reveal", READ, 404),
    ("party", "post", "/api/basedata/dispute/{dispute_id}/parties", "party", WRITE, 404),
    ("mediation", "post", "/api/basedata/dispute/{dispute_id}/mediations", "mediation", WRITE, 404),
    ("inspection", "post", "/api/basedata/key_place/{place_id}/inspections", "inspect", WRITE, 404),
    ("template", "get", "/api/basedata/person/template?format=csv", None, OPERATOR, "same"),
    ("export", "get", "/api/basedata/person/export?format=csv", None, EXPORT, "same"),
    ("import", "post", "/api/basedata/house/imports", "file", OPERATOR, "same"),
    ("custom", "post", "/api/basedata/custom-categories", "definition", DEFINE, "same"),
]

BODIES = {
    "house": lambda r: {
        "values": {"code": "H-9", "address": "一村", "use": "vacant", "grid_code": r["grid"].code}
    },
    "patch": lambda r: {"values": {"address": "一村二组"}},
    "reveal": lambda r: {"field": "phone", "reason": "电话回访核实"},
    "party": lambda r: {"role": "respondent", "name": "孙八"},
    "mediation": lambda r: {"mediated_on": "2026-01-03", "content": "调解", "result": "continue"},
    "inspect": lambda r: {"inspected_on": "2026-01-03"},
    "definition": lambda r: {
        "code": "wells",
        "name": "机井",
        "fields": [{"key": "depth", "label": "井深", "type": "int"}],
    },
}


def test_the_table_covers_every_basedata_operation():
    ours = {(op.method, op.path) for op in all_operations() if op.path.startswith("/api/basedata/")}
    assert len(ours) == len(ENDPOINTS) + 2, "get_import and get_import_errors are tested per owner"


def _role(cast, name: str) -> str:
    roles = cast[name].role_set
    return next(iter(roles)) if roles else ""


@pytest.mark.parametrize("name", CAST)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_role_and_scope(as_user, cast, records, name, endpoint):
    label, method, path, body_key, allowed, outside = endpoint
    url = path.format(
        person_name="张三",
        grid_code=records["grid"].code,
        person_id=records["person"].pk,
        house_id=records["house"].pk,
        dispute_id=records["dispute"].pk,
        place_id=records["place"].pk,
    )
    client = as_user(name)
    if body_key == "file":
        response = client.post(url, {"file": _csv_upload()})
    elif body_key:
        response = getattr(client, method)(
            url, BODIES[body_key](records), content_type="application/json"
        )
    else:
        response = getattr(client, method)(url)
    role = _role(cast, name)
    if role not in allowed:
        assert response.status_code == 403, (label, name, response.content)
        return
    if name in OUT_OF_SCOPE and outside != "same":
        if outside == "empty":
            body = response.json()
            results = body["results"] if isinstance(body, dict) else body
            assert response.status_code == 200 and results == [], (label, name)
        else:
            assert response.status_code == outside, (label, name, response.content)
        return
    assert response.status_code in (200, 201, 202, 204), (label, name, response.content)
    if label in ("export", "template"):
        content = b"".join(response.streaming_content)
        assert samples.MAN.encode() not in content


@pytest.mark.parametrize("name", ["county_operator", "grid_worker_1", "leader"])
def test_special_populations_need_their_own_permission(as_user, cast, person, name):
    values = {"person_id_number": samples.MAN, "kind": "刑满释放人员", "level": "high"}
    client = as_user(name)
    refused = client.get("/api/basedata/special_population")
    assert refused.status_code == 403 and refused.json()["code"] == "data_permission_required"
    access.grant(cast[name], Permission.SPECIAL_POPULATION)
    client = as_user(name)
    if name != "leader":
        created = client.post(
            "/api/basedata/special_population", {"values": values}, content_type="application/json"
        )
        assert created.status_code == 201, created.content
        assert created.json()["values"]["visit_days"] == 7
        assert created.json()["values"]["next_visit_due"] is not None
    listed = client.get("/api/basedata/special_population")
    assert listed.status_code == 200
    assert samples.MAN.encode() not in listed.content


def test_special_population_is_invisible_out_of_scope(as_user, cast, person):
    for name in ("county_operator", "township_2_operator"):
        access.grant(cast[name], Permission.SPECIAL_POPULATION)
    values = {
        "person_id_number": samples.MAN,
        "kind": "drug_user",
        "level": "medium",
        "last_visited_on": str(date(2026, 1, 1)),
    }
    created = (
        as_user("county_operator")
        .post(
            "/api/basedata/special_population", {"values": values}, content_type="application/json"
        )
        .json()
    )
    outside = as_user("township_2_operator")
    assert outside.get(f"/api/basedata/special_population/{created['id']}").status_code == 404
    assert outside.get("/api/basedata/special_population").json()["count"] == 0
    assert created["values"]["next_visit_due"] == "2026-01-31"
    # a person outside the caller's scope cannot be referenced either
    refused = outside.post(
        "/api/basedata/special_population", {"values": values}, content_type="application/json"
    )
    assert refused.status_code == 400
