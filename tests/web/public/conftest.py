"""Categories, a JPEG and a closed event for the public page tests."""

import pytest

from tests.events.api.conftest import jpeg_bytes
from wangge.events.choices import Channel
from wangge.events.models import Category
from wangge.events.services import perform, report_event

T1_NORTH = (120.05, 40.07)


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def street(cast) -> Category:
    urban = Category.objects.create(code="urban", name="城市管理")
    return Category.objects.create(code="urban.street", name="占道经营", parent=urban)


@pytest.fixture
def policy(cast) -> Category:
    return Category.objects.create(code="policy", name="政策咨询", direct_answer=True)


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(jpeg_bytes())
    return path


@pytest.fixture
def closed(cast, policy):
    """A public report answered and closed by the village centre."""
    event = report_event(
        channel=Channel.PUBLIC_APP,
        category=policy,
        title="<script>alert(1)</script>",
        description="<script>alert(1)</script>",
        lon=T1_NORTH[0],
        lat=T1_NORTH[1],
    ).event
    perform(event.pk, "answer", cast["village_1_operator"], answer="已答复")
    event.refresh_from_db()
    return event
