"""The queue rows and deadline cells, built in Python (console_tags), as the pages show them."""

import re
from datetime import timedelta

from django.utils import timezone

from wangge.events.models import Clock
from wangge.events.services import perform
from wangge.supervision.sweep import run_sweep


def _row(body: str, event_id: int) -> str:
    match = re.search(rf'<tr class="row [^"]*" data-event="{event_id}">(.*?)</tr>', body, re.S)
    assert match, event_id
    return match.group(1)


def test_a_queue_row_shows_the_event_and_its_running_deadline(cast, client, report):
    late = report(title="昨天上报", now=timezone.now() - timedelta(days=10))
    run_sweep(timezone.now())
    client.force_login(cast["county_operator"])
    row = _row(client.get("/console/queue/?state=live").content.decode(), late.pk)
    due = timezone.localtime(Clock.objects.get(event=late).due_at)
    href = f'<a href="/console/events/{late.pk}/">'
    assert f"{href}{late.tracking_code}</a>" in row and f"{href}昨天上报</a>" in row
    assert '<span class="badge state-reported">待受理</span>' in row
    assert f"<td>{timezone.localtime(late.created_at):%m-%d %H:%M}</td>" in row
    assert (
        f'<span class="light red" title="红灯"></span> <time class="countdown" '
        f'datetime="{due.isoformat()}" data-due="{due.isoformat()}" data-before="剩余" '
        f'data-after="已超期">{due:%m-%d %H:%M}</time> '
        '<span class="cardtag card-red">红牌督办</span></td>'
    ) in row


def test_an_event_without_a_running_clock_shows_a_dash(cast, client, report):
    event = report()
    perform(event.pk, "accept", cast["village_1_operator"])
    Clock.objects.filter(event=event).update(stopped_at=timezone.now())
    client.force_login(cast["county_operator"])
    row = _row(client.get("/console/?state=live").content.decode(), event.pk)
    assert row.rstrip().endswith('<td><span class="hint">—</span></td>')


def test_an_empty_queue_says_so(cast, client):
    client.force_login(cast["county_operator"])
    assert "没有符合条件的事件。" in client.get("/console/queue/?state=live").content.decode()


def test_the_department_queue_and_event_page_show_the_same_deadline_cell(cast, client, dispatched):
    event = dispatched()
    due = timezone.localtime(Clock.objects.get(event=event, stopped_at__isnull=True).due_at)
    cell = f'<time class="countdown" datetime="{due.isoformat()}"'
    client.force_login(cast["department_handler"])
    assert cell in client.get("/department/").content.decode()
    client.force_login(cast["county_operator"])
    assert cell in client.get(f"/console/events/{event.pk}/").content.decode()
