"""Root URLconf: the admin, the API, public photo copies, the language switch and the web pages.

tests/api/test_every_endpoint_has_a_rule.py keeps an allowlist of these
patterns, so a new Django view cannot be added without review.
"""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults

from wangge.errors import error_body
from wangge.events.api.media import public_copy
from wangge.routes import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Only the metadata-free public copies of photos; originals go through the API with auth.
# A MEDIA_URL on another host (a CDN) is served there, not here.
if "//" not in settings.MEDIA_URL:
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/public/<str:shard>/<str:name>", public_copy)
    )

# Last: the web pages live at the root.
urlpatterns.append(path("", include("wangge.web.urls")))

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(
        error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False}
    )


def handler400(request: HttpRequest, exception=None) -> HttpResponse:
    """Requests Django itself rejects (e.g. too many query fields) before the API sees them."""
    if _is_api(request):
        return _json_error("bad_request", "请求不合法。", 400)
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return _json_error("forbidden", "无权访问。", 403)
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return _json_error("not_found", "未找到。", 404)
    return defaults.page_not_found(request, exception)
