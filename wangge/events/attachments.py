"""Event photos: checked by content (wangge/common/photos.py), stored with a thumbnail, and
published without EXIF.

The original is stored as uploaded, for staff (it may carry the reporter's GPS position and
device data); the public copy and the thumbnail are re-encoded from pixels only, so no
metadata survives. The public copy is content-addressed by the original's SHA-256
(`public_name`).
"""

import io
import re
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from wangge.common.photos import FORMATS, CheckedImage, pixels_only
from wangge.events.models import Attachment, Event, TrailEntry

THUMBNAIL_SIZE = (320, 320)


def public_name(attachment: Attachment) -> str:
    ext = attachment.file.name.rsplit(".", 1)[-1]
    return f"public/{attachment.sha256[:2]}/{attachment.sha256}.{ext}"


def public_url(attachment: Attachment) -> str:
    return default_storage.url(public_name(attachment))


def _store(event: Event, entry: TrailEntry | None, checked: CheckedImage, uploader) -> Attachment:
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(checked.data)))
    stem = f"{event.pk}-{checked.sha256[:16]}"
    attachment = Attachment(
        event=event,
        trail_entry=entry,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        exif_lon=checked.lon,
        exif_lat=checked.lat,
        uploaded_by=uploader if uploader is not None and uploader.is_authenticated else None,
    )
    attachment.file.save(f"{stem}.{checked.extension}", ContentFile(checked.data), save=False)
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    thumb_format = "PNG" if checked.format == "PNG" else "JPEG"
    thumb_ext = "png" if thumb_format == "PNG" else "jpg"
    attachment.thumbnail.save(
        f"{stem}.{thumb_ext}", ContentFile(pixels_only(thumbnail, thumb_format)), save=False
    )
    name = public_name(attachment)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(pixels_only(image, checked.format)))
    attachment.save()
    return attachment


def save_checked(
    event: Event, entry: TrailEntry | None, checked: Sequence[CheckedImage], uploader
) -> list[Attachment]:
    """Store images already through `check_uploads`.

    Actions check their photos before taking the event's row lock and store them inside
    the action's transaction, so decoding never happens while the lock is held.
    """
    return [_store(event, entry, item, uploader) for item in checked]


PUBLIC_NAME = re.compile(r"^public/([0-9a-f]{2})/\1[0-9a-f]{62}\.(jpg|png|webp)$")
CONTENT_TYPES = {ext: content_type for content_type, ext in FORMATS.values()}


def public_content_type(name: str) -> str | None:
    """The content type of a public copy's storage name, or None for any other name.

    Only names of the shape `public_name` produces qualify, so a request for a public copy
    can never reach an original, a thumbnail or a path outside the public folder.
    """
    found = PUBLIC_NAME.match(name)
    return CONTENT_TYPES[found.group(2)] if found else None
