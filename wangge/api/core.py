"""The NinjaAPI instance, its auth and its error handlers."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from wangge.api.auth import AUTH
from wangge.api.errors import ApiError, error_body

api = NinjaAPI(
    title="Wangge API",
    version="1",
    description="网格化社会治理与指挥调度平台 HTTP API. Errors: {code, message, details}.",
    auth=AUTH,
    urls_namespace="api",
)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return api.create_response(
        request, error_body(exc.code, exc.message, exc.details), status=exc.status
    )


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    details = [
        {"loc": [str(part) for part in err.get("loc", [])], "msg": err.get("msg", "")}
        for err in exc.errors
    ]
    body = error_body("invalid_input", "请求参数不合法。", details)
    return api.create_response(request, body, status=400)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request, exc):
    return api.create_response(request, error_body("not_authenticated", "请先登录。"), status=401)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, error_body("forbidden", "无权访问。"), status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, error_body("not_found", "未找到。"), status=404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(
        request, error_body(f"http_{exc.status_code}", str(exc)), status=exc.status_code
    )
