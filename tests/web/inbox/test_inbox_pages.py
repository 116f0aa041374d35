"""The inbox page, opening a notice, mark all read, the bell's count and stream."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wangge.notices.models import Notice
from wangge.notices.services import send

pytestmark = pytest.mark.django_db

PARAMS = {"code": "ABC234DEF567", "title": "占道经营", "actor": "张三", "note": ""}


def dispatched_to(user, event=None, count: int = 1) -> list[Notice]:
    return [send([user], "dispatched", PARAMS, event=event)[0] for _ in range(count)]


def logged_in(client, user):
    client.force_login(user)
    return client


def test_the_inbox_shows_only_my_notices(cast, client):
    dispatched_to(cast["department_handler"])
    send([cast["village_1_operator"]], "returned", {**PARAMS, "title": "别人的"})
    page = logged_in(client, cast["department_handler"]).get("/notices/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "新派遣：占道经营" in text and "别人的" not in text


def test_opening_marks_read_and_goes_to_the_event_page_of_my_role(cast, client, make_event):
    event = make_event()
    handler_notice = dispatched_to(cast["department_handler"], event)[0]
    operator_notice = dispatched_to(cast["village_1_operator"], event)[0]
    worker_notice = dispatched_to(cast["grid_worker_1"], event)[0]
    expected = {
        "department_handler": (handler_notice, f"/department/events/{event.pk}/"),
        "village_1_operator": (operator_notice, f"/console/events/{event.pk}/"),
        "grid_worker_1": (worker_notice, "/field/#tasks"),
    }
    for name, (notice, url) in expected.items():
        response = logged_in(client, cast[name]).get(f"/notices/{notice.pk}/")
        assert response.status_code == 302 and response["Location"] == url, name
        notice.refresh_from_db()
        assert notice.read_at is not None


def test_a_notice_without_an_event_opens_the_inbox(cast, client):
    notice = dispatched_to(cast["leader"])[0]
    response = logged_in(client, cast["leader"]).get(f"/notices/{notice.pk}/")
    assert response["Location"] == "/notices/"


def test_another_users_notice_is_404_and_stays_unread(cast, client):
    theirs = dispatched_to(cast["department_handler"])[0]
    response = logged_in(client, cast["village_1_operator"]).get(f"/notices/{theirs.pk}/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_mine(cast, client):
    dispatched_to(cast["department_handler"], count=3)
    other = dispatched_to(cast["village_1_operator"])[0]
    client = logged_in(client, cast["department_handler"])
    assert client.get("/notices/count/").json() == {"unread": 3}
    assert client.post("/notices/")["Location"] == "/notices/"
    assert client.get("/notices/count/").json() == {"unread": 0}
    other.refresh_from_db()
    assert other.read_at is None


def test_the_live_stream_starts_with_the_unread_count(cast, client):
    dispatched_to(cast["department_handler"], count=2)
    response = logged_in(client, cast["department_handler"]).get("/notices/live/")
    assert response["Content-Type"] == "text/event-stream"
    frames = iter(response.streaming_content)
    assert next(frames).startswith(b"retry:")
    assert next(frames) == b'event: unread\ndata: {"unread": 2}\n\n'
    response.close()


def test_the_bell_is_on_staff_pages_only(cast, client):
    assert (
        'data-unread-live="/notices/live/"'
        in logged_in(client, cast["department_handler"]).get("/department/").content.decode()
    )
    assert "data-unread-live" not in Client().get("/login/").content.decode()


def test_english_readers_see_english_notices(cast, client):
    dispatched_to(cast["department_handler"])
    client = logged_in(client, cast["department_handler"])
    page = client.get("/notices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Dispatched to you: 占道经营" in page and "Mark all read" in page


def test_the_inbox_costs_the_same_queries_for_50_notices(cast, client, make_event):
    client = logged_in(client, cast["department_handler"])
    dispatched_to(cast["department_handler"], make_event())
    client.get("/notices/")  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as one:
        client.get("/notices/")
    dispatched_to(cast["department_handler"], make_event(), count=49)
    Notice.objects.filter(pk__in=Notice.objects.values("pk")[:10]).update(read_at=timezone.now())
    with CaptureQueriesContext(connection) as fifty:
        page = client.get("/notices/?page=2")
    assert page.status_code == 200
    # session, user, roles, total, the page, unread count, and the session's save (3)
    assert len(fifty) == len(one) <= 9, [q["sql"] for q in fifty]
