"""The 基础数据 pages without a browser: every page x every role, scope, forms, search,
grid links, reveal and export logs, import progress."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.basedata import samples
from tests.web.basedata.conftest import (
    NOT_READERS,
    READERS,
    WRITERS,
    all_category_keys,
    masked_id,
    masked_phone,
)
from wangge.basedata import access
from wangge.basedata import models as m

pytestmark = pytest.mark.usefixtures("special_for_readers")
# A well-formed ID number with a wrong check character.
WRONG_ID = samples.MAN[:-1] + ("0" if samples.MAN[-1] != "0" else "1")


def _get(client, user, path, **extra):
    client.force_login(user)
    return client.get(path, **extra)


def record_pages(known) -> list[str]:
    pages = []
    for key, record in known.records.items():
        pages += [f"/base/{key}/", f"/base/{key}/{record.pk}/"]
    return pages


def write_pages(known) -> list[str]:
    pages = []
    for key, record in known.records.items():
        pages += [f"/base/{key}/new/", f"/base/{key}/{record.pk}/edit/"]
    return pages


# ---------------------------------------------------------------- roles x pages with arguments


def test_readers_open_every_list_detail_and_grid_page(cast, client, known):
    grid = cast.jurisdiction.grids["t1_north"].code
    for name in READERS:
        for path in [*record_pages(known), f"/base/grids/{grid}/"]:
            assert _get(client, cast[name], path).status_code == 200, (name, path)


def test_writers_open_forms_and_the_leader_does_not(cast, client, known):
    for name in WRITERS:
        for path in write_pages(known):
            assert _get(client, cast[name], path).status_code == 200, (name, path)
    for path in write_pages(known):
        assert _get(client, cast["leader"], path).status_code == 403, path


def test_other_roles_are_refused_and_anonymous_visitors_go_to_login(cast, client, known):
    grid = cast.jurisdiction.grids["t1_north"].code
    pages = [*record_pages(known), *write_pages(known), f"/base/grids/{grid}/"]
    for name in NOT_READERS:
        for path in pages:
            assert _get(client, cast[name], path).status_code == 403, (name, path)
    client.logout()
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_import_job_page_is_the_uploaders_only(cast, client, known):
    job = m.ImportJob.objects.create(
        user=cast["county_operator"], category="house", file_name="a.csv", path="", format="csv"
    )
    assert _get(client, cast["county_operator"], f"/base/import/jobs/{job.pk}/").status_code == 200
    assert (
        _get(client, cast["township_1_operator"], f"/base/import/jobs/{job.pk}/").status_code == 404
    )
    for name in ["grid_worker_1", "leader", *NOT_READERS]:
        assert _get(client, cast[name], f"/base/import/jobs/{job.pk}/").status_code == 403


# ---------------------------------------------------------------- scope and permissions


def test_township_2_sees_nothing_of_township_1(cast, client, known):
    user = cast["township_2_operator"]
    access.grant(user, m.Permission.SPECIAL_POPULATION)
    for key, record in known.records.items():
        assert _get(client, user, f"/base/{key}/{record.pk}/").status_code == 404, key
        assert _get(client, user, f"/base/{key}/{record.pk}/edit/").status_code == 404, key
        listing = _get(client, user, f"/base/{key}/").content.decode()
        assert f"/base/{key}/{record.pk}/" not in listing, key
    grid = cast.jurisdiction.grids["t1_north"].code
    assert _get(client, user, f"/base/grids/{grid}/").status_code == 404
    own = _get(client, user, "/base/person/").content.decode()
    assert f"/base/person/{known.other['person'].pk}/" in own
    found = client.post("/base/search/", {"q": "张三丰"}).content.decode()
    assert f"/base/person/{known.records['person'].pk}/" not in found


def test_special_population_pages_need_their_permission(cast, client, known):
    user = cast["county_operator"]
    access.revoke(user, m.Permission.SPECIAL_POPULATION)
    for key in ("special_population", "key_youth"):
        record = known.records[key]
        assert _get(client, user, f"/base/{key}/").status_code == 403
        assert _get(client, user, f"/base/{key}/{record.pk}/").status_code == 403
        assert _get(client, user, f"/base/{key}/new/").status_code == 403
    index = _get(client, user, "/base/").content.decode()
    assert "/base/special_population/" not in index and "/base/person/" in index
    person = _get(client, user, f"/base/person/{known.records['person'].pk}/").content.decode()
    assert "/base/special_population/" not in person


# ---------------------------------------------------------------- the key acceptance: masking


def test_no_id_number_or_phone_in_clear_on_any_page_without_reveal(cast, client, known):
    grid = cast.jurisdiction.grids["t1_north"].code
    person = known.records["person"]
    for name in READERS:
        user = cast[name]
        assert not access.holds(user, m.Permission.REVEAL)
        pages = [
            "/base/",
            "/base/search/",
            "/base/map/",
            f"/base/grids/{grid}/",
            *record_pages(known),
            *(write_pages(known) if name in WRITERS else []),
        ]
        if name in ("county_operator", "township_1_operator", "village_1_operator"):
            pages.append("/base/import/")
        html = []
        for path in pages:
            response = _get(client, user, path)
            assert response.status_code == 200, (name, path)
            html.append((path, response.content.decode()))
        for query in (samples.MAN, samples.MOBILE, "张三", "一村"):
            response = client.post("/base/search/", {"q": query})
            html.append((f"search {query}", response.content.decode()))
        for path, text in html:
            for value in known.clear:
                assert value not in text, (name, path, value)
        detail = dict(html)[f"/base/person/{person.pk}/"]
        assert masked_id(samples.MAN) in detail and masked_phone(samples.MOBILE) in detail
        assert "张**" in detail and "张三丰" not in detail
        house = dict(html)[f"/base/house/{known.records['house'].pk}/"]
        assert masked_id(samples.WOMAN) in house and masked_phone(samples.OTHER_MOBILE) in house
        listing = dict(html)["/base/person/"]
        assert masked_id(samples.MAN) in listing


def test_search_by_exact_id_number_finds_the_person_and_shows_it_masked(cast, client, known):
    client.force_login(cast["township_1_operator"])
    text = client.post("/base/search/", {"q": samples.MAN}).content.decode()
    assert f"/base/person/{known.records['person'].pk}/" in text
    assert masked_id(samples.MAN) in text and samples.MAN not in text
    by_phone = client.post("/base/search/", {"q": samples.MOBILE}).content.decode()
    assert f"/base/person/{known.records['person'].pk}/" in by_phone
    by_address = client.get("/base/search/", {"q": "一村一组"}).content.decode()
    assert f"/base/house/{known.records['house'].pk}/" in by_address
    assert "请至少输入 2 个字符" in client.get("/base/search/", {"q": "张"}).content.decode()


# ---------------------------------------------------------------- reveal and export logs


def test_reveal_shows_the_clear_value_once_and_logs_it(cast, client, known):
    user = cast["township_1_operator"]
    person = known.records["person"]
    path = f"/base/person/{person.pk}/"
    assert "查看完整信息" not in _get(client, user, path).content.decode()
    refused = client.post(path + "reveal/", {"field": "id_number", "reason": "核实身份信息"})
    assert refused.status_code == 403 and not m.RevealLog.objects.exists()

    access.grant(user, m.Permission.REVEAL)
    page = client.get(path).content.decode()
    assert "查看完整信息" in page and samples.MAN not in page
    short = client.post(path + "reveal/", {"field": "id_number", "reason": "看"})
    assert short.status_code == 400 and samples.MAN not in short.content.decode()
    assert not m.RevealLog.objects.exists()

    shown = client.post(path + "reveal/", {"field": "id_number", "reason": "核实身份信息"})
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    assert samples.MAN in shown.content.decode()
    log = m.RevealLog.objects.get()
    assert (log.user, log.category, log.record_id, log.field, log.reason) == (
        user,
        "person",
        person.pk,
        "id_number",
        "核实身份信息",
    )
    assert samples.MAN not in client.get(path).content.decode()  # once: the next view is masked


def test_export_form_streams_a_masked_file_and_logs_it(cast, client, known):
    user = cast["township_1_operator"]
    listing = _get(client, user, "/base/person/").content.decode()
    assert 'action="/api/basedata/person/export"' in listing and 'name="reason"' in listing
    response = client.get(
        "/api/basedata/person/export", {"format": "csv", "reason": "季度报表核对"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert masked_id(samples.MAN) in body and samples.MAN not in body
    log = m.ExportLog.objects.get()
    assert (log.user, log.category, log.reason, log.rows) == (user, "person", "季度报表核对", 1)
    grid_worker_list = _get(client, cast["grid_worker_1"], "/base/person/").content.decode()
    assert "/api/basedata/person/export" not in grid_worker_list


# ---------------------------------------------------------------- lists, forms, links


def test_list_filters_by_grid_and_text_and_pages(cast, client, known):
    user = cast["county_operator"]
    t1, t2 = (cast.jurisdiction.grids[g].code for g in ("t1_north", "t2_north"))
    houses = _get(client, user, "/base/house/", data={"grid": t2}).content.decode()
    assert "H-T2-0001" in houses and "H-T1-0001" not in houses
    houses = client.get("/base/house/", {"q": "一村"}).content.decode()
    assert "H-T1-0001" in houses and "H-T2-0001" not in houses
    people = client.get("/base/person/", {"house": "H-T1-0001"}).content.decode()
    assert f"/base/person/{known.records['person'].pk}/" in people
    assert f"/base/person/{known.other['person'].pk}/" not in people
    assert client.get("/base/house/", {"page": "x"}).status_code == 200
    empty = client.get("/base/house/", {"grid": t1, "page": "5"}).content.decode()
    assert "没有符合条件的记录" in empty


def test_person_house_grid_links_go_both_ways(cast, client, known):
    client.force_login(cast["grid_worker_1"])
    person, house = known.records["person"], known.records["house"]
    grid = house.grid.code
    person_page = client.get(f"/base/person/{person.pk}/").content.decode()
    assert f"/base/house/{house.pk}/" in person_page and f"/base/grids/{grid}/" in person_page
    house_page = client.get(f"/base/house/{house.pk}/").content.decode()
    assert f"/base/person/{person.pk}/" in house_page and f"/base/grids/{grid}/" in house_page
    grid_page = client.get(f"/base/grids/{grid}/").content.decode()
    assert f"/base/house/{house.pk}/" in grid_page and f"/base/person/{person.pk}/" in grid_page


def test_create_form_reports_one_clear_error_per_field(cast, client, known):
    client.force_login(cast["village_1_operator"])
    grid = cast.jurisdiction.grids["t1_south"].code
    bad = {
        "name": "",
        "kind": "registered",
        "id_number": WRONG_ID,
        "phone": "12345",
        "grid_code": grid,
    }
    response = client.post("/base/person/new/", bad)
    text = response.content.decode()
    assert response.status_code == 400
    assert text.count('class="error field-error"') == 3
    assert WRONG_ID not in text  # a typed ID number is not echoed back either
    good = {
        **bad,
        "name": "刘一手",
        "id_number": samples.id_number(date(1990, 3, 3), 111),
        "phone": "13911112222",
    }
    created = client.post("/base/person/new/", good)
    assert created.status_code == 302
    record = m.Person.objects.get(name="刘一手")
    assert created["Location"] == f"/base/person/{record.pk}/"
    assert record.grid.code == grid


def test_edit_keeps_blank_personal_fields_and_changes_the_rest(cast, client, known):
    client.force_login(cast["grid_worker_1"])
    house = known.records["house"]
    form = client.get(f"/base/house/{house.pk}/edit/").content.decode()
    assert masked_phone(samples.OTHER_MOBILE) in form and samples.OTHER_MOBILE not in form
    response = client.post(
        f"/base/house/{house.pk}/edit/",
        {"code": house.code, "address": "一村一组 2 号", "use": "self_occupied", "owner_phone": ""},
    )
    assert response.status_code == 302
    page = client.get(f"/base/house/{house.pk}/").content.decode()
    assert "一村一组 2 号" in page and masked_phone(samples.OTHER_MOBILE) in page
    bad = client.post(f"/base/house/{house.pk}/edit/", {"owner_phone": "99"})
    assert bad.status_code == 400 and "房主电话" in bad.content.decode()


def test_only_operators_delete(cast, client, known):
    place = known.records["key_place"]
    client.force_login(cast["grid_worker_1"])
    assert client.post(f"/base/key_place/{place.pk}/delete/").status_code == 403
    client.force_login(cast["township_1_operator"])
    assert client.post(f"/base/key_place/{place.pk}/delete/").status_code == 302
    assert not m.KeyPlace.objects.filter(pk=place.pk).exists()


def test_every_category_has_its_pages(cast, client, known):
    client.force_login(cast["county_operator"])
    index = client.get("/base/").content.decode()
    for key in all_category_keys():
        assert f"/base/{key}/" in index, key
        assert client.get(f"/base/{key}/").status_code == 200, key
    assert client.get("/base/nothing/").status_code == 404


# ---------------------------------------------------------------- import


def test_import_page_shows_templates_and_a_finished_jobs_report(
    cast, client, known, django_capture_on_commit_callbacks
):
    user = cast["township_1_operator"]
    page = _get(client, user, "/base/import/", data={"category": "house"}).content.decode()
    assert "/api/basedata/house/template?format=xlsx" in page
    assert 'data-api="/api/basedata/house/imports"' in page
    upload = ("code,地址,用途,网格编码\nH-9,一村,自住,999\n").encode()
    with django_capture_on_commit_callbacks(execute=True):  # the job runs on commit
        response = client.post(
            "/api/basedata/house/imports",
            {"file": SimpleUploadedFile("houses.csv", upload, content_type="text/csv")},
        )
    assert response.status_code == 202
    job = response.json()["id"]
    fragment = client.get(f"/base/import/jobs/{job}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment  # finished: no more polling
    assert "有错误，未导入" in fragment and f"/api/basedata/imports/{job}/errors" in fragment
    assert "网格编码" in fragment
    assert not m.House.objects.filter(code="H-9").exists()
    assert "houses.csv" in client.get("/base/import/").content.decode()


def test_a_running_job_is_polled(cast, client, known):
    user = cast["county_operator"]
    job = m.ImportJob.objects.create(
        user=user,
        category="house",
        file_name="big.csv",
        path="",
        format="csv",
        status=m.ImportStatus.RUNNING,
    )
    fragment = _get(client, user, f"/base/import/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
