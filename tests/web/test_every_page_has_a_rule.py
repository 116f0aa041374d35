"""Every web page is reviewed: each view carries one rule, public pages are allowlisted,
and a visitor without the role is turned away from every staff page."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from wangge.accounts.models import PUBLIC
from wangge.web import urls as web_urls

# Pages anyone may open without logging in. Adding one needs a review of what it shows.
PUBLIC_PAGES = {
    "web:home",
    "web:login",
    "web:logout",
    "web:public_report",
    # Tracking by code: the code is the reporter's credential; the page shows the state,
    # the reporter's own text and the names and times of actions, never staff names,
    # comments or contact data. Rate-limited with the API's public_track bucket.
    "web:public_track_lookup",
    "web:public_track",
    # The grid-worker app's service worker and manifest: static app-shell code and
    # metadata, no data. Browsers fetch the manifest without cookies, and a service
    # worker update must not be redirected to the login page.
    "web:field_sw",
    "web:field_manifest",
}


def _walk(patterns, namespace: str = "web", prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, namespace, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield f"{namespace}:{entry.name}", prefix + str(entry.pattern), entry.callback


def web_pages() -> list[tuple[str, str, object]]:
    return list(_walk(web_urls.urlpatterns))


def test_every_page_carries_a_rule():
    missing = [
        name for name, _, view in web_pages() if getattr(view, "permission_rule", None) is None
    ]
    assert not missing, f"web views without public_page or staff_page(...): {missing}"


def test_public_pages_are_allowlisted():
    public = {name for name, _, view in web_pages() if view.permission_rule == PUBLIC}
    assert public - PUBLIC_PAGES == set(), f"unreviewed public pages: {public - PUBLIC_PAGES}"
    assert PUBLIC_PAGES - public == set(), f"stale allowlist entries: {PUBLIC_PAGES - public}"


def _staff_pages_without_arguments() -> list[tuple[str, str, tuple]]:
    resolver = get_resolver()
    pages = []
    for name, route, view in web_pages():
        if view.permission_rule == PUBLIC or "<" in route:
            continue
        pages.append((name, "/" + route, view.permission_rule))
    assert pages and all(resolver.resolve(path) for _, path, _ in pages)
    return pages


@pytest.mark.django_db
def test_staff_pages_send_anonymous_visitors_to_login(client):
    for name, path, _ in _staff_pages_without_arguments():
        response = client.get(path)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/login/"), name


def test_staff_pages_refuse_roles_not_in_their_rule(cast, client):
    for name, path, allowed in _staff_pages_without_arguments():
        for username, user in cast.users.items():
            client.force_login(user)
            status = client.get(path).status_code
            if user.is_superuser or user.has_role(*allowed):
                assert status == 200, (name, username, status)
            else:
                assert status == 403, (name, username, status)
