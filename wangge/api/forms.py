"""Request bodies that come as JSON or as form fields (multipart/form-data with files).

Phones in the field send photos with their report or their result, so the operations that
take photos read the same fields from either encoding; the files themselves are read from
`request.FILES` by the handler and content-checked in wangge/events/attachments.py.
"""

import json
import types
import typing
from typing import Any

from ninja.params.models import Body, BodyModel, Form, FormModel

from wangge.errors import DomainError

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
PHOTOS_FIELD = "photos"


def _json_object(request) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise DomainError("invalid_input", "请求体不是合法的 JSON。") from exc
    if not isinstance(data, dict):
        raise DomainError("invalid_input", "请求体须为 JSON 对象。")
    return data


def _is_list(annotation: Any) -> bool:
    """True for list[...] and list[...] | None, through Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_list(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    return origin is list or annotation is list


def form_fields(request, schema) -> dict[str, Any]:
    """The schema's fields from form data; a list field takes every value sent for it."""
    lists = [name for name, field in schema.model_fields.items() if _is_list(field.annotation)]
    return {
        key: request.POST.getlist(key) if key in lists else request.POST[key]
        for key in request.POST
    }


def check_file_fields(request, accepted: tuple[str, ...]) -> None:
    """Refuse files under other names instead of silently dropping them."""
    unknown = sorted(set(request.FILES) - set(accepted))
    if unknown:
        raise DomainError(
            "invalid_input",
            f"不接受文件字段 {', '.join(unknown)}。",
            {"fields": unknown, "accepted": list(accepted)},
        )


class _FormOrJsonModel(FormModel):
    """Form fields from multipart/urlencoded bodies, or the same fields as a JSON object."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type != "application/json":
            return super().get_request_data(request, api, path_params)
        return _json_object(request)


class FormOrJson(Form):
    """Documented as a form (intake is mostly sent from phones with photos)."""

    _model = _FormOrJsonModel

    @classmethod
    def _param_source(cls) -> str:
        return "form"


class _JsonOrFormModel(BodyModel):
    """A JSON body, or the same fields as form data (to come with photo files)."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type not in FORM_TYPES:
            return super().get_request_data(request, api, path_params)
        name = cls.__read_from_single_attr__
        return {name: form_fields(request, cls.model_fields[name].annotation)}


class JsonOrForm(Body):
    """Documented as JSON (one named schema per action); the form encoding is added to the
    operation's OpenAPI by the handler that registers it."""

    _model = _JsonOrFormModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"
