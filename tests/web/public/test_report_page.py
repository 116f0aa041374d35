"""The public report page: the form, located QR links, submission, idempotency, abuse limit."""

import uuid

import pytest

from tests.web.public.conftest import T1_NORTH
from wangge.events.choices import Channel
from wangge.events.models import Event


def _form(chosen, **extra):
    data = {
        "category": chosen.pk,
        "text": "人行道被占用\n早市摊贩占满人行道",
        "lon": T1_NORTH[0],
        "lat": T1_NORTH[1],
        "reporter_name": "张三",
        "reporter_phone": "13812345678",
        "key": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def test_the_form_warns_about_emergencies_and_offers_leaf_categories(client, street):
    page = client.get("/public/report/").content.decode()
    assert "110 / 120 / 119" in page
    assert f'<option value="{street.pk}"' in page and 'optgroup label="城市管理"' in page
    assert f'<option value="{street.parent_id}"' not in page


def test_a_qr_link_opens_the_form_located_in_the_grid(client, cast, street):
    grid = cast.jurisdiction.grids["t1_south"]
    page = client.get(f"/public/report/?grid={grid.code}").content.decode()
    lon = float(page.split('name="lon" id="id_lon" value="')[1].split('"')[0])
    lat = float(page.split('name="lat" id="id_lat" value="')[1].split('"')[0])
    assert 120.0 < lon < 120.1 and 40.0 < lat < 40.05
    assert "一村第二网格" in page
    assert client.get("/public/report/?grid=nonsense").status_code == 200


def test_a_report_with_a_photo_gets_a_tracking_code(client, street, photo):
    with photo.open("rb") as handle:
        response = client.post("/public/report/", {**_form(street), "photos": handle})
    assert response.status_code == 201
    event = Event.objects.get()
    assert event.tracking_code in response.content.decode()
    assert event.channel == Channel.PUBLIC_APP and event.title == "人行道被占用"
    assert event.reporter_phone == "13812345678" and event.attachments.count() == 1


def test_anonymous_reports_keep_no_contact_and_qr_reports_say_so(client, cast, street):
    grid = cast.jurisdiction.grids["t1_north"].code
    client.post("/public/report/", _form(street, is_anonymous="on", grid=grid))
    event = Event.objects.get()
    assert event.is_anonymous and event.reporter_name == event.reporter_phone == ""
    assert event.channel == Channel.QR_CODE


def test_a_resent_form_makes_one_event(client, street):
    data = _form(street)
    first = client.post("/public/report/", data)
    again = client.post("/public/report/", data)
    assert first.status_code == again.status_code == 201
    assert Event.objects.count() == 1
    assert Event.objects.get().tracking_code in again.content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"category": ""},
        {"category": "999999"},
        {"text": ""},
        {"text": "x" * 4001},
        {"lon": ""},
        {"lon": "nan"},
        {"lon": "130.0"},
        {"key": "not-a-uuid"},
        {"reporter_phone": "1" * 33},
    ],
)
def test_bad_input_is_refused_and_nothing_is_made(client, street, bad):
    response = client.post("/public/report/", _form(street, **bad))
    assert response.status_code == 400
    assert "form-error" in response.content.decode()
    assert not Event.objects.exists()


def test_a_file_that_is_not_a_photo_refuses_the_report(client, street, tmp_path):
    fake = tmp_path / "x.jpg"
    fake.write_bytes(b"not an image")
    with fake.open("rb") as handle:
        response = client.post("/public/report/", {**_form(street), "photos": handle})
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_the_page_and_the_api_share_one_abuse_limit(client, street, settings):
    settings.WANGGE_RATE_LIMITS = {"public_intake": (2, 600)}
    api = client.post(
        "/api/public/events",
        {"category": street.pk, "title": "t", "lon": T1_NORTH[0], "lat": T1_NORTH[1]},
        content_type="application/json",
    )
    assert api.status_code == 201
    assert client.post("/public/report/", _form(street)).status_code == 201
    refused = client.post("/public/report/", _form(street))
    assert refused.status_code == 429 and "请求过于频繁" in refused.content.decode()
    assert Event.objects.count() == 2
