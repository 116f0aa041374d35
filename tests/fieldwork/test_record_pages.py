"""The field app's record pages: what the forms offer (own grids, masked names, the
permission), the household ledger and its QR poster per role and scope."""

import pytest
from django.test import Client

from tests.basedata import samples
from wangge.basedata import access
from wangge.basedata.models import Permission
from wangge.fieldwork import points


def _page(user, url: str):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_visit_page_offers_own_grid_houses_and_masked_special_populations(field_data, cast):
    page = _page(cast["grid_worker_1"], "/field/visit/").content.decode()
    assert "H-1" in page and "H-2" not in page  # H-2 lies in 二村第一网格
    assert 'id="special-visit"' in page and "张**" in page
    assert "张三丰" not in page and samples.MAN not in page
    access.revoke(cast["grid_worker_1"], Permission.SPECIAL_POPULATION)
    page = _page(cast["grid_worker_1"], "/field/visit/").content.decode()
    assert 'id="special-visit"' not in page and "张**" not in page


def test_tasks_page_lists_the_overdue_visit(field_data, cast):
    page = _page(cast["grid_worker_1"], "/field/").content.decode()
    assert 'id="visit-tasks"' in page and "张**" in page and "张三丰" not in page
    assert f"/field/visit/?special={field_data.special.pk}" in page
    assert 'id="visit-tasks"' not in _page(cast["grid_worker_2"], "/field/").content.decode()


def test_inspect_and_diary_pages(field_data, cast):
    inspect = _page(cast["grid_worker_1"], "/field/inspect/").content.decode()
    assert "平安网吧" in inspect
    assert "平安网吧" not in _page(cast["grid_worker_2"], "/field/inspect/").content.decode()
    diary = _page(cast["grid_worker_1"], "/field/diary/").content.decode()
    assert 'id="diary"' in diary and 'capture="environment"' in diary


def test_points_page_shows_the_ledger_of_the_household_in_scope(field_data, cast):
    worker = cast["grid_worker_1"]
    house = field_data.house_1.pk
    points.add_entry(worker=worker, client_key="a", house_id=house, points=8, reason="<b>助人</b>")
    page = _page(worker, f"/field/points/?house={house}").content.decode()
    assert 'id="ledger"' in page and '<strong id="balance">8</strong>' in page
    assert "&lt;b&gt;助人&lt;/b&gt;" in page and "<b>助人</b>" not in page
    outside = _page(cast["grid_worker_2"], f"/field/points/?house={house}").content.decode()
    assert 'id="ledger"' not in outside and "助人" not in outside


QR_ALLOWED = {
    "grid_worker_1": 200,
    "county_operator": 200,
    "township_1_operator": 200,
    "village_1_operator": 200,
    "township_2_operator": 404,
    "grid_worker_2": 404,
    "department_handler": 403,
    "leader": 403,
    "citizen": 403,
    "system_admin": 403,
    "security_admin": 403,
    "audit_admin": 403,
}


@pytest.mark.parametrize(("name", "status"), QR_ALLOWED.items())
def test_household_qr_poster_per_role_and_scope(field_data, cast, name, status):
    response = _page(cast[name], f"/field/points/{field_data.house_1.pk}/qr/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert 'src="data:image/svg+xml' in page
        assert f"/field/points/?house={field_data.house_1.pk}" in page


def test_qr_poster_needs_a_login(client, field_data):
    response = client.get(f"/field/points/{field_data.house_1.pk}/qr/")
    assert response.status_code == 302 and "/login" in response["Location"]
