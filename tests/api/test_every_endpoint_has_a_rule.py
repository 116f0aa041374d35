"""Every URL is reviewed: each API operation carries one permission rule, public
operations are on a short allowlist, and no other Django view exists."""

from django.urls import URLPattern, URLResolver

from tests.api.operations import all_operations
from wangge import urls
from wangge.accounts.models import PUBLIC, Role
from wangge.api.auth import AUTH
from wangge.api.permissions import public, roles

# Operations anyone may call without credentials. This list may only shrink:
# adding to it needs a review of why the data is safe to publish.
PUBLIC_OPERATIONS = {
    ("GET", "/api/locate"),
    # SPEC §3: citizens report without an account, rate-limited per client.
    ("POST", "/api/public/events"),
    # The tracking code is the reporter's credential: the public timeline carries no
    # staff names or contact data, and only the reporter's own actions are offered.
    ("GET", "/api/track/{tracking_code}"),
    ("POST", "/api/track/{tracking_code}/withdraw"),
    ("POST", "/api/track/{tracking_code}/evaluate"),
}

# Top-level Django URL patterns. Anything else is a view outside the API's rules; the
# web pages under "" carry their own rules (tests/web/test_every_page_has_a_rule.py).
# media/public/: the metadata-free, content-addressed public copies of photos only
# (wangge/events/api/media.py); originals are downloaded through the API with auth.
DJANGO_PATTERNS = {"", "admin/", "api/", "i18n/", "media/public/<str:shard>/<str:name>"}

# Patterns under api/ that django-ninja serves besides operations: the OpenAPI
# document, its interactive docs and the API root (which only answers 404).
NINJA_EXTRA_PATTERNS = {"openapi.json", "docs", ""}


def _rule_layers(view) -> list:
    """The permission rules set by each decorator layer of a view, outermost first.

    functools.wraps copies the inner layer's attributes outwards, so a layer only
    counts when its rule is not the very object it inherited from the layer below.
    """
    layers = []
    while view is not None:
        inner = getattr(view, "__wrapped__", None)
        rule = vars(view).get("permission_rule")
        if rule is not None and rule is not getattr(inner, "permission_rule", None):
            layers.append(rule)
        view = inner
    return layers


def test_rule_layers_sees_stacked_decorators():
    def view(request):
        return None

    assert _rule_layers(public(view)) == [PUBLIC]
    assert _rule_layers(roles(Role.LEADER)(lambda request: None)) == [(Role.LEADER,)]
    stacked = roles(Role.LEADER)(roles(Role.OPERATOR)(lambda request: None))
    assert len(_rule_layers(stacked)) == 2


def test_operations_are_found():
    ops = all_operations()
    paths = {(op.method, op.path) for op in ops}
    assert ("GET", "/api/regions") in paths
    assert len(paths) == len(ops), "an operation was listed twice"


def test_every_operation_carries_exactly_one_permission_rule():
    missing = [
        f"{op.method} {op.path}"
        for op in all_operations()
        if getattr(op.operation.view_func, "permission_rule", None) is None
    ]
    assert not missing, f"operations without @public or @roles(...): {missing}"
    doubled = [
        f"{op.method} {op.path}: {layers}"
        for op in all_operations()
        if len(layers := _rule_layers(op.operation.view_func)) != 1
    ]
    assert not doubled, f"operations with more than one permission decorator: {doubled}"


def test_role_rules_name_real_roles():
    for op in all_operations():
        rule = op.operation.view_func.permission_rule
        if rule == PUBLIC:
            continue
        assert isinstance(rule, tuple) and rule, f"{op.method} {op.path}: empty role rule"
        unknown = set(rule) - set(Role.values)
        assert not unknown, f"{op.method} {op.path}: unknown roles {unknown}"


def test_public_operations_are_allowlisted_and_need_no_auth():
    public = {
        (op.method, op.path): op
        for op in all_operations()
        if op.operation.view_func.permission_rule == PUBLIC
    }
    unlisted = set(public) - PUBLIC_OPERATIONS
    assert not unlisted, f"public operations not on the allowlist: {sorted(unlisted)}"
    stale = PUBLIC_OPERATIONS - set(public)
    assert not stale, f"allowlist entries that are no longer public, remove them: {stale}"
    for key, op in public.items():
        assert not op.operation.auth_callbacks, f"{key} is @public but has auth; use auth=None"


def test_non_public_operations_require_our_auth():
    for op in all_operations():
        if op.operation.view_func.permission_rule == PUBLIC:
            continue
        callbacks = op.operation.auth_callbacks
        assert callbacks, f"{op.method} {op.path} has a role rule but auth=None"
        foreign = [cb for cb in callbacks if not any(cb is ours for ours in AUTH)]
        assert not foreign, f"{op.method} {op.path} uses auth outside wangge.api.auth: {foreign}"


def test_every_django_url_pattern_is_allowlisted():
    top = {str(p.pattern) for p in urls.urlpatterns}
    assert top == DJANGO_PATTERNS, f"unreviewed Django URL patterns: {top ^ DJANGO_PATTERNS}"


def test_every_pattern_under_api_is_an_operation_or_a_ninja_page():
    (api_include,) = [p for p in urls.urlpatterns if str(p.pattern) == "api/"]
    assert isinstance(api_include, URLResolver)
    operation_routes = {op.path.removeprefix("/api/") for op in all_operations()}
    for pattern in api_include.url_patterns:
        assert isinstance(pattern, URLPattern), f"nested include under api/: {pattern}"
        route = str(pattern.pattern)
        # ninja turns "{code}" into the Django converter "<code>".
        as_ninja = route.replace("<", "{").replace(">", "}")
        assert as_ninja in operation_routes or route in NINJA_EXTRA_PATTERNS, (
            f"api/{route} is neither an API operation nor an allowlisted ninja page"
        )
