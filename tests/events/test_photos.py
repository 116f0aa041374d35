"""Photos go through the two services with their write: report_event and perform store them
with the trail entry in one transaction, so a bad photo refuses the write and nothing of it
is left behind."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.events.api.conftest import jpeg_bytes
from tests.events.conftest import VILLAGE_1_POINT, snapshot
from wangge.errors import DomainError
from wangge.events.choices import State
from wangge.events.models import Attachment, Event, TrailEntry
from wangge.events.services import perform, report_event


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _photo(data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile("site.jpg", data or jpeg_bytes(), "image/jpeg")


@pytest.fixture
def verifying(cast, report) -> Event:
    event = report()
    perform(event.pk, "accept", cast["village_1_operator"])
    perform(event.pk, "request_verification", cast["village_1_operator"])
    return event


def _refused(event: Event, code: str, **kwargs) -> None:
    before = snapshot(event.pk)
    with pytest.raises(DomainError) as caught:
        perform(event.pk, **kwargs)
    assert (caught.value.status, caught.value.code) == (400, code)
    assert snapshot(event.pk) == before
    assert not Attachment.objects.exists()


def test_a_bad_photo_refuses_the_whole_action(cast, verifying):
    worker = cast["grid_worker_1"]
    photos = [_photo(), _photo(b"not an image")]
    _refused(verifying, "invalid_upload", action="verify", actor=worker, photos=photos)


def test_an_action_without_photos_in_the_table_refuses_them(cast, report):
    event = report()
    operator = cast["village_1_operator"]
    _refused(event, "invalid_field", action="accept", actor=operator, photos=[_photo()])


def test_the_photos_belong_to_the_actions_trail_entry(cast, verifying):
    result = perform(
        verifying.pk, "verify", cast["grid_worker_1"], findings="属实", photos=[_photo()]
    )
    assert result.event.state == State.ACCEPTED and result.entry.comment == "属实"
    stored = Attachment.objects.get()
    assert result.attachments == (stored,)
    assert stored.trail_entry == result.entry and stored.uploaded_by == cast["grid_worker_1"]


def test_a_report_with_a_bad_photo_writes_nothing(report):
    with pytest.raises(DomainError) as caught:
        report(photos=[_photo(b"not an image")], idempotency_key="k1")
    assert caught.value.code == "invalid_upload"
    assert not Event.objects.exists() and not Attachment.objects.exists()


def test_a_resent_report_answers_the_first_with_its_photos(categories):
    def send(photos):
        return report_event(
            channel="public_app",
            category=categories.street,
            title="人行道占道经营",
            lon=VILLAGE_1_POINT[0],
            lat=VILLAGE_1_POINT[1],
            idempotency_key="resend",
            photos=photos,
        )

    first = send([_photo()])
    again = send([_photo(), _photo()])
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.event == first.event and again.entry == first.entry
    assert again.attachments == first.attachments == (Attachment.objects.get(),)
    assert first.entry.action == "report" and TrailEntry.objects.count() == 1
