"""Token and session authentication, and CSRF on unsafe methods under sessions."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.api.conftest import assert_error_body
from tests.api.operations import all_operations, sample_url
from tests.conftest import PASSWORD
from wangge.accounts.models import PUBLIC, ApiToken
from wangge.accounts.services import issue_token
from wangge.api.auth import BrowserSessionAuth
from wangge.errors import DomainError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_bearer_token_authenticates_and_records_use(cast):
    user = cast["township_1_operator"]
    token = issue_token(user, "integration")
    response = _bearer(token).get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    assert ApiToken.objects.get(user=user, name="integration").last_used_at is not None


def test_only_the_digest_of_a_token_is_stored(cast):
    token = issue_token(cast["leader"], "digest-check")
    row = ApiToken.objects.get(name="digest-check")
    assert token not in (row.digest, row.prefix) and row.digest != token
    assert token.startswith(row.prefix)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-real-token",
        "Bearer ",
        "Bearer",
        "Token abc",
        "Basic dXNlcjpwYXNz",
        "",
    ],
)
def test_unknown_or_malformed_credentials_get_401(cast, header):
    issue_token(cast["county_operator"], "someone else's")
    response = Client(HTTP_AUTHORIZATION=header).get("/api/me")
    assert_error_body(response, 401, "not_authenticated")


def test_expired_token_gets_401(cast):
    past = timezone.now() - timedelta(seconds=1)
    token = issue_token(cast["county_operator"], "expired", expires_at=past)
    assert_error_body(_bearer(token).get("/api/me"), 401, "not_authenticated")


def test_token_valid_until_its_expiry(cast):
    future = timezone.now() + timedelta(days=1)
    token = issue_token(cast["county_operator"], "expiring", expires_at=future)
    assert _bearer(token).get("/api/me").status_code == 200


def test_token_of_an_inactive_user_gets_401(cast):
    user = cast["county_operator"]
    token = issue_token(user, "soon revoked")
    assert _bearer(token).get("/api/me").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_error_body(_bearer(token).get("/api/me"), 401, "not_authenticated")


def test_session_login_works_for_reads_and_keeps_scope(cast, client):
    client.force_login(cast["township_2_operator"])
    assert client.get("/api/me").json()["username"] == "township_2_operator"
    response = client.get("/api/grids", {"bbox": "119,39,121,41"})
    assert response.status_code == 200
    village_2 = cast.jurisdiction.village_2.code
    assert {f["properties"]["village_code"] for f in response.json()["features"]} == {village_2}


def test_password_login_session_works(cast, client):
    assert client.login(username="leader", password=PASSWORD)
    assert client.get("/api/me").status_code == 200


def test_session_of_an_inactive_user_gets_401(cast, client):
    user = cast["county_operator"]
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_error_body(client.get("/api/me"), 401, "not_authenticated")


def test_session_role_rules_still_apply(cast, client):
    client.force_login(cast["citizen"])
    assert_error_body(client.get("/api/regions"), 403, "forbidden")


def _session_request(user, csrf: bool):
    """A POST carrying a logged-in session cookie, with or without its CSRF token."""
    factory = RequestFactory()
    request = factory.post("/api/anything")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.save()
    request.COOKIES[settings.SESSION_COOKIE_NAME] = request.session.session_key
    request.user = user
    if csrf:
        token = get_token(request)
        request.COOKIES[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
        request.META["HTTP_X_CSRFTOKEN"] = token
    return request


def test_session_auth_refuses_unsafe_method_without_csrf_token(cast):
    user = cast["county_operator"]
    with pytest.raises(DomainError) as refused:
        BrowserSessionAuth()(_session_request(user, csrf=False))
    assert (refused.value.status, refused.value.code) == (403, "csrf_failed")
    assert BrowserSessionAuth()(_session_request(user, csrf=True)) == user


# Public operations take no session (auth=None), so there is no login for a forged form to ride.
UNSAFE_OPERATIONS = [
    (op.method, op.path)
    for op in all_operations()
    if op.method not in SAFE_METHODS and op.operation.view_func.permission_rule != PUBLIC
]


@pytest.mark.skipif(not UNSAFE_OPERATIONS, reason="the API has no unsafe operation yet")
@pytest.mark.parametrize(("method", "path"), UNSAFE_OPERATIONS or [("POST", "-")])
def test_every_unsafe_operation_enforces_csrf_under_session(cast, method, path):
    """Auth (and so CSRF) runs before the body is parsed, so any payload will do."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["county_operator"])
    response = client.generic(method, sample_url(path), "{}", content_type="application/json")
    assert_error_body(response, 403, "csrf_failed")
