"""What every field record shares: the worker check, the phone's key, texts and a photo.

Phones send from an offline outbox and resend whatever got no answer, so each record is
created at most once per (worker, client_key): `create_once` returns the row the first call
made, also when two resends race (the unique constraint decides, the loser reads the winner).
A resend is answered from the stored row; its body is not checked again.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model

from wangge.common.photos import CheckedImage, check_upload
from wangge.fieldwork.checks import check_key, invalid

M = TypeVar("M", bound=Model)

MAX_TEXT = 4000


def existing(model: type[M], worker, client_key) -> tuple[str, M | None]:
    """The checked key and the worker's record already made with it, if any."""
    key = check_key(client_key)
    return key, model.objects.filter(worker=worker, client_key=key).first()


def create_once(model: type[M], worker, key: str, build: Callable[[], M]) -> tuple[M, bool]:
    """Run `build` (which saves the record and its effects) in one transaction; when a
    concurrent call with the same key got there first, return its record instead."""
    try:
        with transaction.atomic():
            return build(), True
    except IntegrityError:
        found = model.objects.filter(worker=worker, client_key=key).first()
        if found is None:
            raise
        return found, False


def text(value, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(field, f"{field} 须为文本。")
    value = value.strip()
    if required and not value:
        raise invalid(field, f"{field} 必填。")
    if len(value) > limit:
        raise invalid(field, f"{field} 不能超过 {limit} 个字符。")
    if "\x00" in value:
        raise invalid(field, f"{field} 含有不允许的字符。")
    return value


def check_photo(upload: UploadedFile | None) -> CheckedImage | None:
    """Checked by content like event photos (events.attachments), before any row is locked."""
    return check_upload(upload) if upload is not None else None


def attach_photo(record: Model, checked: CheckedImage | None) -> None:
    """Store the checked photo under a random name; the caller saves the record."""
    if checked is not None:
        name = f"{uuid.uuid4().hex}.{checked.extension}"
        record.photo.save(name, ContentFile(checked.data), save=False)
