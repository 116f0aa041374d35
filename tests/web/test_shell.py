"""The page shell: front door, login, language switch and the vendored browser libraries."""

from django.contrib.staticfiles import finders

from tests.conftest import PASSWORD
from wangge.web import vendor


def test_front_door_sends_anonymous_visitors_to_login(client, db):
    assert client.get("/")["Location"] == "/login/"


def test_front_door_sends_staff_to_their_first_section(cast, client):
    expectations = {
        "county_operator": "/console/",
        "department_handler": "/department/",
        "grid_worker_1": "/field/",
        "leader": "/leader/",
        "citizen": "/public/report/",
    }
    for username, target in expectations.items():
        client.force_login(cast[username])
        assert client.get("/")["Location"] == target, username


def test_the_system_administrator_lands_on_the_configuration_console(cast, client):
    admin = cast["system_admin"]
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    assert client.get("/")["Location"] == "/admin/"


def test_login_with_password_then_wrong_password(cast, client):
    response = client.post("/login/", {"username": "county_operator", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    client.logout()
    response = client.post("/login/", {"username": "county_operator", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_chinese_by_default_and_english_on_request(client, db):
    page = client.get("/login/").content.decode()
    assert 'lang="zh-hans"' in page and "工作人员登录" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/").content.decode()
    assert 'lang="en"' in page and "Staff login" in page


def test_every_listed_browser_library_is_installed_and_found():
    assert vendor.node_modules().is_dir(), "run ./dev test: it installs the npm packages"
    for entry in vendor.FILES:
        if not entry.endswith("/"):
            assert finders.find(f"vendor/{entry}"), entry
    assert finders.find("vendor/leaflet/dist/images/marker-icon.png")
    assert finders.find("vendor/leaflet/package.json") is None
