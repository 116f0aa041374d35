"""Photo checks, EXIF GPS, the metadata-free public copy and the thumbnail."""

import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.events.api.conftest import VILLAGE_1_POINT, image_bytes, jpeg_bytes, store
from wangge.errors import DomainError
from wangge.events.attachments import public_name
from wangge.events.models import Attachment, Event


def _upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _open(name: str) -> Image.Image:
    with default_storage.open(name) as handle:
        return Image.open(io.BytesIO(handle.read()))


def test_exif_gps_is_read_and_only_the_original_keeps_metadata(report, cast):
    event = report()
    data = jpeg_bytes(gps=(120.0512, 40.0731))
    [saved] = store(event, event.trail.first(), [_upload(data)], cast["grid_worker_1"])
    assert saved.exif_lon == pytest.approx(120.0512, abs=1e-4)
    assert saved.exif_lat == pytest.approx(40.0731, abs=1e-4)
    assert saved.sha256 == hashlib.sha256(data).hexdigest()
    assert saved.content_type == "image/jpeg" and saved.size == len(data)
    assert saved.uploaded_by == cast["grid_worker_1"]
    assert saved.trail_entry.action == "report"
    assert _open(saved.file.name).getexif().get_ifd(0x8825)
    public = _open(public_name(saved))
    assert not public.getexif()
    assert "exif" not in public.info and public.size == (800, 600)
    thumbnail = _open(saved.thumbnail.name)
    assert max(thumbnail.size) == 320 and not thumbnail.getexif()


def test_photo_without_gps_has_no_position(report):
    event = report()
    [saved] = store(event, None, [_upload(jpeg_bytes())], None)
    assert saved.exif_lon is None and saved.exif_lat is None


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_are_accepted(report, fmt, content_type):
    event = report()
    [saved] = store(event, None, [_upload(image_bytes(fmt), "x.bin")], None)
    assert saved.content_type == content_type
    assert _open(public_name(saved)).format == fmt


@pytest.mark.parametrize(
    "data",
    [
        b"this is plain text pretending to be a JPEG",
        b"",
        jpeg_bytes()[:200],  # truncated
        image_bytes("GIF"),
        b"%PDF-1.4 fake",
    ],
    ids=["text", "empty", "truncated", "gif", "pdf"],
)
def test_content_that_is_not_an_allowed_image_is_refused(report, data):
    event = report()
    with pytest.raises(DomainError) as caught:
        store(event, None, [_upload(data)], None)
    assert caught.value.code == "invalid_upload" and caught.value.status == 400
    assert not Attachment.objects.exists()


def test_one_bad_file_refuses_the_whole_batch(report):
    event = report()
    files = [_upload(jpeg_bytes()), _upload(b"not an image")]
    with pytest.raises(DomainError):
        store(event, None, files, None)
    assert not Attachment.objects.exists()


def test_size_limit_is_configurable(report, settings):
    settings.WANGGE_UPLOAD_MAX_BYTES = 1000
    event = report()
    with pytest.raises(DomainError) as caught:
        store(event, None, [_upload(jpeg_bytes())], None)
    assert caught.value.code == "upload_too_large"


def test_identical_photos_share_one_public_copy(report):
    event = report()
    data = jpeg_bytes(gps=VILLAGE_1_POINT)
    first, second = store(event, None, [_upload(data), _upload(data)], None)
    assert public_name(first) == public_name(second)
    assert first.file.name != second.file.name
    assert Event.objects.get().attachments.count() == 2
