"""Categories, photos and a report helper for the events API tests.

Events reported at VILLAGE_1_POINT are received by the village 1 centre, whose operator is
`village_1_operator`; VILLAGE_2_POINT lies in township 2.
"""

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from wangge.common.photos import check_uploads
from wangge.events.attachments import save_checked
from wangge.events.choices import Channel
from wangge.events.models import Category, Event
from wangge.events.services import report_event

VILLAGE_1_POINT = (120.05, 40.07)
VILLAGE_2_POINT = (120.15, 40.07)
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Categories:
    urban: Category
    street: Category
    noise: Category


@pytest.fixture
def categories(cast) -> Categories:
    urban = Category.objects.create(code="urban", name="城市管理")
    street = Category.objects.create(
        code="urban.street", name="占道经营", parent=urban, default_department=cast.department
    )
    noise = Category.objects.create(code="noise", name="噪音扰民")
    return Categories(urban, street, noise)


@pytest.fixture
def report(categories):
    """Report an event through the workflow service, `minutes` after T0."""

    def make(point=VILLAGE_1_POINT, minutes: int = 0, **fields) -> Event:
        lon, lat = point
        values = {
            "channel": Channel.PUBLIC_APP,
            "category": categories.street.pk,
            "title": "人行道被占用",
            "now": T0 + timedelta(minutes=minutes),
        }
        values.update(fields)
        return report_event(lon=lon, lat=lat, **values).event

    return make


def jpeg_bytes(gps: tuple[float, float] | None = None, size=(800, 600)) -> bytes:
    """A JPEG; with `gps` (lon, lat) it carries an EXIF GPS block and a camera make."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    if gps is not None:
        lon, lat = gps
        block = exif.get_ifd(0x8825)
        block[1], block[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
        block[3], block[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return (float(degrees), float(minutes), seconds)


def image_bytes(fmt: str, size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 10)).save(out, fmt)
    return out.getvalue()


def store(event, entry, files, uploader):
    """What `perform` does with an action's photos: check them all, then store each."""
    return save_checked(event, entry, check_uploads(files), uploader)
