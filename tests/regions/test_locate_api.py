"""GET /api/locate: every bad input is a 400 with the standard error body."""

import pytest

from wangge.common.crs import gcj02_to_bd09, wgs84_to_gcj02


def get_locate(client, **params):
    return client.get("/api/locate", params)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"lon": "nan", "lat": "40.07"}, "invalid_coordinates"),
        ({"lon": "120.05", "lat": "inf"}, "invalid_coordinates"),
        ({"lon": "200", "lat": "40.07"}, "invalid_coordinates"),
        ({"lon": "120.05", "lat": "-95"}, "invalid_coordinates"),
        ({"lon": "east", "lat": "40.07"}, "invalid_input"),
        ({"lat": "40.07"}, "invalid_input"),
        ({"lon": "120.05", "lat": "40.07", "crs": "cgcs2000"}, "unsupported_crs"),
        ({"lon": "121.0", "lat": "40.07"}, "outside_jurisdiction"),
    ],
)
def test_bad_points_are_400_with_an_error_body(client, jurisdiction, params, code):
    response = get_locate(client, **params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]


def test_the_error_echoes_the_raw_query(client, jurisdiction):
    body = get_locate(client, lon="nan", lat="40.07").json()
    assert body["details"] == {"lon": "nan", "lat": "40.07", "crs": None}


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "GCJ02"])
def test_phone_map_coordinates_are_converted(client, jurisdiction, crs):
    lon, lat = wgs84_to_gcj02(120.05, 40.07)
    if crs == "bd09":
        lon, lat = gcj02_to_bd09(lon, lat)
    response = get_locate(client, lon=lon, lat=lat, crs=crs)
    assert response.status_code == 200
    body = response.json()
    assert body["grid"]["code"] == "211421100201001"
    assert body["lon"] == pytest.approx(120.05, abs=1e-7)
    assert body["lat"] == pytest.approx(40.07, abs=1e-7)
