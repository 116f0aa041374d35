"""Login-failure lockout on the staff login and the admin login (等保三级)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from wangge.accounts.lockout import is_locked
from wangge.accounts.models import LoginAttempt

LOCKED = "登录失败次数过多"


def _fail(client, username: str, times: int, url: str = "/login/") -> None:
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong-password"})
        assert response.status_code == 200


@pytest.fixture
def limits(settings):
    settings.WANGGE_LOGIN_MAX_FAILURES = 3
    settings.WANGGE_LOGIN_LOCK_MINUTES = 15
    return settings


def test_right_password_is_refused_after_too_many_failures(cast, client, limits):
    _fail(client, "county_operator", 3)
    response = client.post("/login/", {"username": "county_operator", "password": PASSWORD})
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(cast, client, limits):
    _fail(client, "county_operator", 2)
    response = client.post("/login/", {"username": "county_operator", "password": PASSWORD})
    assert response.status_code == 302


def test_a_success_resets_the_count(cast, client, limits):
    _fail(client, "county_operator", 2)
    client.post("/login/", {"username": "county_operator", "password": PASSWORD})
    client.logout()
    _fail(client, "county_operator", 2)
    assert not is_locked("county_operator")


def test_the_lock_expires_after_the_window(cast, client, limits):
    _fail(client, "county_operator", 3)
    assert is_locked("county_operator")
    later = timezone.now() + timedelta(minutes=16)
    assert not is_locked("county_operator", now=later)


def test_lockout_is_per_username(cast, client, limits):
    _fail(client, "county_operator", 3)
    response = client.post("/login/", {"username": "leader", "password": PASSWORD})
    assert response.status_code == 302


def test_every_attempt_is_recorded_with_its_outcome(cast, client, limits):
    _fail(client, "county_operator", 1)
    client.post("/login/", {"username": "county_operator", "password": PASSWORD})
    outcomes = list(
        LoginAttempt.objects.filter(username="county_operator")
        .order_by("at", "pk")
        .values_list("succeeded", flat=True)
    )
    assert outcomes == [False, True]


def test_admin_login_is_locked_too(cast, client, limits):
    admin = cast["system_admin"]
    admin.is_staff = True
    admin.save()
    _fail(client, admin.username, 3, url="/admin/login/")
    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 200 and LOCKED in response.content.decode()
