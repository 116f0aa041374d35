"""Photo uploads: checked by content, hashed, thumbnailed, and published without EXIF.

An upload is trusted for nothing it claims (name, extension, content type): Pillow must
recognise it as one of the allowed formats and verify it. The original is stored as
uploaded, for staff (it may carry the reporter's GPS position and device data); the public
copy and the thumbnail are re-encoded from pixels only, so no metadata survives. The
public copy is content-addressed by the original's SHA-256 (`public_name`).
"""

import hashlib
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from wangge.api.errors import ApiError
from wangge.events.models import Attachment, Event, TrailEntry

MAX_PIXELS = 50_000_000  # a 10 MB compressed bomb can expand to gigabytes; refuse early
THUMBNAIL_SIZE = (320, 320)
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
GPS_IFD = 0x8825


@dataclass(frozen=True)
class CheckedImage:
    """An upload that passed the checks, with what its storage needs."""

    data: bytes
    format: str
    sha256: str
    lon: float | None
    lat: float | None

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][0]

    @property
    def extension(self) -> str:
        return FORMATS[self.format][1]


def max_upload_bytes() -> int:
    return settings.WANGGE_UPLOAD_MAX_BYTES


def max_upload_files() -> int:
    return settings.WANGGE_UPLOAD_MAX_FILES


def _invalid(name: str, message: str) -> ApiError:
    return ApiError("invalid_upload", message, {"file": name})


def _open(data: bytes, name: str) -> Image.Image:
    """Open and verify, with Pillow's bomb warning turned into a refusal."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in FORMATS:
                raise _invalid(name, "只接受 JPEG、PNG 或 WebP 格式的照片。")
            if probe.width * probe.height > MAX_PIXELS:
                raise _invalid(name, "照片像素过多。")
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except ApiError:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError, Warning) as exc:
            raise _invalid(name, "文件不是有效的图片。") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise _invalid(name, "图片文件已损坏。") from exc
    return image


def _degrees(value, ref) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    return -result if str(ref).upper() in ("S", "W") else result


def exif_position(image: Image.Image) -> tuple[float | None, float | None]:
    """(lon, lat) from the EXIF GPS block, or (None, None) when absent or nonsensical."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except (OSError, ValueError, KeyError, TypeError):
        return None, None
    lat = _degrees(gps.get(2), gps.get(1, "N"))
    lon = _degrees(gps.get(4), gps.get(3, "E"))
    if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None, None
    return lon, lat


def check_upload(upload: UploadedFile) -> CheckedImage:
    name = str(upload.name or "")[:100]
    if upload.size is not None and upload.size > max_upload_bytes():
        raise ApiError(
            "upload_too_large",
            f"单个文件不能超过 {max_upload_bytes() // (1024 * 1024)} MB。",
            {"file": name, "max_bytes": max_upload_bytes()},
        )
    data = upload.read()
    if len(data) > max_upload_bytes():
        raise ApiError("upload_too_large", "文件过大。", {"file": name})
    if not data:
        raise _invalid(name, "文件为空。")
    image = _open(data, name)
    lon, lat = exif_position(image)
    return CheckedImage(data, image.format, hashlib.sha256(data).hexdigest(), lon, lat)


def check_uploads(uploads: Sequence[UploadedFile]) -> list[CheckedImage]:
    """Check every file before anything is written, so one bad file refuses the request."""
    if len(uploads) > max_upload_files():
        raise ApiError("too_many_uploads", f"一次最多上传 {max_upload_files()} 个文件。")
    return [check_upload(upload) for upload in uploads]


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Pixels only: a new image built from raw bytes carries no exif, icc, xmp or text."""
    keeps_alpha = fmt != "JPEG" and ("A" in image.getbands() or "transparency" in image.info)
    pixels = image.convert("RGBA" if keeps_alpha else "RGB")
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    options = {"quality": 85} if fmt in ("JPEG", "WEBP") else {}
    clean.save(out, fmt, **options)
    return out.getvalue()


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
        f"{stem}.{thumb_ext}", ContentFile(_encode(thumbnail, thumb_format)), save=False
    )
    name = public_name(attachment)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(_encode(image, checked.format)))
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


def save_attachments(
    event: Event, entry: TrailEntry | None, files: Sequence[UploadedFile], uploader
) -> list[Attachment]:
    """Check all files, then store each with its thumbnail and public copy."""
    return save_checked(event, entry, check_uploads(files), uploader)


PUBLIC_NAME = re.compile(r"^public/([0-9a-f]{2})/\1[0-9a-f]{62}\.(jpg|png|webp)$")
CONTENT_TYPES = {ext: content_type for content_type, ext in FORMATS.values()}


def public_content_type(name: str) -> str | None:
    """The content type of a public copy's storage name, or None for any other name.

    Only names of the shape `public_name` produces qualify, so a request for a public copy
    can never reach an original, a thumbnail or a path outside the public folder.
    """
    found = PUBLIC_NAME.match(name)
    return CONTENT_TYPES[found.group(2)] if found else None
