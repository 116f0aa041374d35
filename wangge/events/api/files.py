"""Photos over HTTP: staff download originals and thumbnails in their scope; the public
sees only the metadata-free copies of the report's and the result's photos.

Originals may carry the reporter's GPS position and device data, so they are never given
a media URL: the API streams them to staff after the same data-scope check as the event
detail (an event or photo outside the scope is a 404, as for the detail).
"""

from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from wangge.accounts.models import STAFF_ROLES
from wangge.accounts.scope import restrict
from wangge.api.permissions import roles
from wangge.errors import NotFound
from wangge.events.api.router import router
from wangge.events.api.schemas import MAX_ID, TrackOut
from wangge.events.attachments import public_url
from wangge.events.models import Attachment, Event
from wangge.events.workflow import ACTIONS

# The actions whose photos the reporter sees by tracking code (`public_photos` in the
# state table): what they sent themselves and the department's result (群众很快就能看到相关
# 部门的处理结果). Photos of on-site verification and checks stay with staff.
PUBLIC_PHOTO_ACTIONS = tuple(spec.name for spec in ACTIONS.values() if spec.public_photos)
NOT_FOUND = "附件不存在或不在您的管辖范围内。"
IMAGE_RESPONSE = {
    200: {
        "description": "The image bytes, with its content type (image/jpeg, png or webp).",
        "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class PublicPhotoOut(Schema):
    url: str = Field(description="the re-encoded copy without any metadata")
    content_type: str
    action: str = Field(description="report (the reporter's own) or submit_result (the result)")
    created_at: datetime


class TrackProgressOut(TrackOut):
    photos: list[PublicPhotoOut]


def original_url(item: Attachment) -> str:
    return reverse(
        "api:event_attachment", kwargs={"event_id": item.event_id, "attachment_id": item.pk}
    )


def thumbnail_url(item: Attachment) -> str | None:
    if not item.thumbnail:
        return None
    return reverse(
        "api:event_attachment_thumbnail",
        kwargs={"event_id": item.event_id, "attachment_id": item.pk},
    )


def attachment_out(item: Attachment) -> dict[str, Any]:
    """One photo in the staff detail; every URL in it answers (none is a bare media path)."""
    return {
        "id": item.pk,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "url": original_url(item),
        "public_url": public_url(item),
        "thumbnail_url": thumbnail_url(item),
        "exif_lon": item.exif_lon,
        "exif_lat": item.exif_lat,
        "trail_sequence": item.trail_entry.sequence if item.trail_entry else None,
        "created_at": item.created_at,
    }


def public_photos(event: Event) -> list[dict[str, Any]]:
    """The public copies the tracking-code view may show, oldest first."""
    items = (
        Attachment.objects.filter(event=event, trail_entry__action__in=PUBLIC_PHOTO_ACTIONS)
        .select_related("trail_entry")
        .order_by("trail_entry__sequence", "pk")
    )
    return [
        {
            "url": public_url(item),
            "content_type": item.content_type,
            "action": item.trail_entry.action,
            "created_at": item.created_at,
        }
        for item in items
    ]


def _in_scope(user, event_id: int, attachment_id: int) -> Attachment:
    if event_id > MAX_ID or attachment_id > MAX_ID:
        raise NotFound("attachment_not_found", NOT_FOUND)
    events: QuerySet = restrict(Event.objects.all(), user, "region_code")
    item = (
        Attachment.objects.filter(pk=attachment_id, event_id=event_id, event__in=events)
        .only("pk", "event_id", "file", "thumbnail", "content_type")
        .first()
    )
    if item is None:
        raise NotFound("attachment_not_found", NOT_FOUND)
    return item


def _stream(name: str, content_type: str, filename: str) -> FileResponse:
    try:
        handle = default_storage.open(name)
    except FileNotFoundError as exc:
        raise NotFound("attachment_missing", "附件文件已丢失，请联系管理员。") from exc
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.get(
    "/events/{event_id}/attachments/{attachment_id}",
    url_name="event_attachment",
    summary="Download a photo as uploaded (staff, in scope; may carry EXIF GPS)",
    openapi_extra={"responses": IMAGE_RESPONSE},
)
@roles(*STAFF_ROLES)
def download_original(request, event_id: int, attachment_id: int):
    item = _in_scope(request.auth, event_id, attachment_id)
    ext = item.file.name.rsplit(".", 1)[-1]
    return _stream(item.file.name, item.content_type, f"{event_id}-{item.pk}.{ext}")


@router.get(
    "/events/{event_id}/attachments/{attachment_id}/thumbnail",
    url_name="event_attachment_thumbnail",
    summary="Download a photo's thumbnail (staff, in scope; no metadata)",
    openapi_extra={"responses": IMAGE_RESPONSE},
)
@roles(*STAFF_ROLES)
def download_thumbnail(request, event_id: int, attachment_id: int):
    item = _in_scope(request.auth, event_id, attachment_id)
    if not item.thumbnail:
        raise NotFound("attachment_not_found", NOT_FOUND)
    ext = item.thumbnail.name.rsplit(".", 1)[-1]
    content_type = "image/png" if ext == "png" else "image/jpeg"
    return _stream(item.thumbnail.name, content_type, f"{event_id}-{item.pk}-thumb.{ext}")
