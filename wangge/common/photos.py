"""Photo checks every upload passes: the content decides, never the name or the type claimed.

Pillow must recognise the bytes as one of the allowed formats and verify them; pixel bombs
and oversized files are refused before decoding; the EXIF GPS position is read for staff.
`pixels_only` re-encodes an image from its pixels, so no metadata survives in a copy.
Events, field records and any later app that takes photos check them here.
"""

import hashlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from wangge.errors import DomainError

MAX_PIXELS = 50_000_000  # a 10 MB compressed bomb can expand to gigabytes; refuse early
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


def _invalid(name: str, message: str) -> DomainError:
    return DomainError("invalid_upload", message, {"file": name})


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
        except DomainError:
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
        raise DomainError(
            "upload_too_large",
            f"单个文件不能超过 {max_upload_bytes() // (1024 * 1024)} MB。",
            {"file": name, "max_bytes": max_upload_bytes()},
        )
    data = upload.read()
    if len(data) > max_upload_bytes():
        raise DomainError("upload_too_large", "文件过大。", {"file": name})
    if not data:
        raise _invalid(name, "文件为空。")
    image = _open(data, name)
    lon, lat = exif_position(image)
    return CheckedImage(data, image.format, hashlib.sha256(data).hexdigest(), lon, lat)


def check_uploads(uploads: Sequence[UploadedFile]) -> list[CheckedImage]:
    """Check every file before anything is written, so one bad file refuses the request."""
    if len(uploads) > max_upload_files():
        raise DomainError("too_many_uploads", f"一次最多上传 {max_upload_files()} 个文件。")
    return [check_upload(upload) for upload in uploads]


def pixels_only(image: Image.Image, fmt: str) -> bytes:
    """Pixels only: a new image built from raw bytes carries no exif, icc, xmp or text."""
    keeps_alpha = fmt != "JPEG" and ("A" in image.getbands() or "transparency" in image.info)
    pixels = image.convert("RGBA" if keeps_alpha else "RGB")
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    options = {"quality": 85} if fmt in ("JPEG", "WEBP") else {}
    clean.save(out, fmt, **options)
    return out.getvalue()
