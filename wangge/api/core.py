"""The NinjaAPI instance, its auth and its error handlers.

Besides the handlers, the API guards what ninja answers on its own (405, NUL
input that PostgreSQL cannot store, non-standard JSON floats), so that every
refusal has the body {"code", "message", "details"}.
"""

import math
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from wangge.api.auth import AUTH
from wangge.errors import DomainError, error_body


def _json_error(code: str, message: str, details=None, status: int = 400) -> JsonResponse:
    body = error_body(code, message, details)
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


# A JSON "\u0000" escape that is not itself an escaped backslash followed by "u0000".
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")


def _has_nul(request) -> bool:
    """PostgreSQL text cannot hold NUL, so such input would fail deep in a query as a 500.

    Checked: the path, every query value, and JSON or form bodies (binary uploads
    may hold NUL legitimately and are left to their own validation).
    """
    if "\x00" in request.path:
        return True
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return True
    if request.content_type in _TEXT_BODIES:
        body = request.body
        return b"\x00" in body or b"%00" in body or bool(_JSON_NUL.search(body))
    return False


def _url_guard(view: Callable) -> Callable:
    """Refusals ninja makes outside its exception handlers, given the standard error body."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if _has_nul(request):
            return _json_error("invalid_input", "请求参数中含有不允许的空字符（NUL）。")
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = sorted(m.strip() for m in response["Allow"].split(",") if m.strip())
        refusal = _json_error(
            "method_not_allowed", "不支持该请求方法。", {"allowed": allowed}, status=405
        )
        refusal["Allow"] = response["Allow"]
        return refusal

    return guarded


def _finite(data: Any) -> Any:
    """`data` with NaN and ±Infinity replaced by None, as JavaScript's JSON.stringify does."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data


class StandardJSONRenderer(JSONRenderer):
    """Only standard JSON: NaN and ±Infinity (e.g. echoed bad input) become null.

    Python would write them as the bare words NaN and Infinity, which browsers'
    JSON.parse rejects. The walk over the data runs only when such a value occurs.
    """

    json_dumps_params = {"allow_nan": False}

    def render(self, request, data: Any, *, response_status: int) -> str:
        try:
            return super().render(request, data, response_status=response_status)
        except ValueError:
            return super().render(request, _finite(data), response_status=response_status)


class ErrorOut(Schema):
    """The body of every 4xx answer."""

    code: str
    message: str
    details: Any


ERROR_RESPONSE = {
    "description": "Refused; `code` says why (machine-readable), `message` for people.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


class WanggeAPI(NinjaAPI):
    """NinjaAPI whose URLs refuse NUL input and unsupported methods with the error body,
    and whose OpenAPI document declares that body for every operation's 4xx answers."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = ErrorOut.model_json_schema()
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                # Status keys as strings, as in the JSON itself (ninja uses ints).
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                responses.setdefault("4XX", ERROR_RESPONSE)
                operation["responses"] = responses
        return schema

    def get_openapi_operation_id(self, operation) -> str:
        """`<app>_<handler>`: stable when a handler moves between modules of its app, so
        clients generated from the document keep their method names."""
        app = operation.view_func.__module__.split(".")[1]
        return f"{app}_{operation.view_func.__name__}"

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = _url_guard(pattern.callback)
        return patterns, app_name, namespace


api = WanggeAPI(
    title="Wangge API",
    version="1",
    description="网格化社会治理与指挥调度平台 HTTP API. Errors: {code, message, details}.",
    auth=AUTH,
    renderer=StandardJSONRenderer(),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def _api_error(request, exc: DomainError):
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
