"""The printable QR poster: staff only, in scope, encoding the located public form."""

import base64
import urllib.parse


def _svg(page: str) -> str:
    uri = page.split('class="qr-code" src="')[1].split('"')[0]
    assert uri.startswith("data:image/svg+xml")
    payload = uri.split(",", 1)[1]
    if ";base64" in uri.split(",", 1)[0]:
        return base64.b64decode(payload).decode()
    return urllib.parse.unquote(payload)


def test_an_operator_prints_the_qr_code_of_a_grid_in_scope(client, cast):
    grid = cast.jurisdiction.grids["t1_north"]
    client.force_login(cast["township_1_operator"])
    response = client.get(f"/public/qr/{grid.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"http://testserver/public/report/?grid={grid.code}" in page
    assert "<svg" in _svg(page) and "110 / 120 / 119" in page


def test_qr_pages_follow_roles_and_scope(client, cast):
    grid = cast.jurisdiction.grids["t1_north"].code
    url = f"/public/qr/{grid}/"
    assert client.get(url)["Location"].startswith("/login/")
    expected = {
        "county_operator": 200,
        "township_1_operator": 200,
        "village_1_operator": 200,
        "township_2_operator": 404,
        "grid_worker_1": 200,
        "grid_worker_2": 404,
        "department_handler": 403,
        "leader": 403,
        "system_admin": 403,
        "security_admin": 403,
        "audit_admin": 403,
        "citizen": 403,
    }
    assert set(expected) == set(cast.users)
    for name, status in expected.items():
        client.force_login(cast[name])
        assert client.get(url).status_code == status, name
    client.force_login(cast["county_operator"])
    assert client.get("/public/qr/000000000000000/").status_code == 404
