"""The live channel: server-sent events of what changed in the user's scope.

A response polls the trail every POLL_SECONDS for at most MAX_SECONDS and then ends; the
browser's EventSource reconnects by itself and sends the id of the last message it got as
`Last-Event-ID`, so nothing is missed or repeated across responses. Short polling
responses keep one worker thread busy for seconds, not forever, which works the same on
the embedded runserver and behind any WSGI server, with no broker. The cursor is the trail
entry id: every report and action appends one, in id order (see events.queries).
"""

import json
import time
from collections.abc import Callable, Iterator

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse

from wangge.events.display import state_label
from wangge.events.models import TrailEntry
from wangge.events.queries import changes_since, is_emergency, latest_trail_id
from wangge.events.workflow import action_label

POLL_SECONDS = 2.0
MAX_SECONDS = 25.0
RETRY_MILLISECONDS = 2000
BATCH = 50


def cursor_from(request: HttpRequest) -> int:
    """Last-Event-ID from a reconnecting EventSource, else `?cursor=` from the page, else now."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("cursor") or ""
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return latest_trail_id()


def message(entry: TrailEntry) -> dict:
    """What a page needs to react; built for textContent, never HTML."""
    event = entry.event
    return {
        "id": event.pk,
        "tracking_code": event.tracking_code,
        "title": event.title,
        "state": event.state,
        "state_label": state_label(event.state),
        "priority": event.priority,
        "action": entry.action,
        "action_label": action_label(entry.action),
        "new": entry.action == "report",
        "emergency": is_emergency(event),
    }


def _frame(entry: TrailEntry) -> str:
    data = json.dumps(message(entry), ensure_ascii=False)
    return f"id: {entry.pk}\nevent: change\ndata: {data}\n\n"


def _stream(entries: Callable[[], QuerySet], cursor: int) -> Iterator[str]:
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    deadline = time.monotonic() + MAX_SECONDS
    while True:
        for entry in changes_since(entries(), cursor, BATCH):
            cursor = entry.pk
            yield _frame(entry)
        if time.monotonic() + POLL_SECONDS > deadline:
            break
        time.sleep(POLL_SECONDS)
        # A comment before each poll: writing to a connection the browser has closed ends
        # the response here, before another query.
        yield ": poll\n\n"


def sse_response(request: HttpRequest, entries: Callable[[], QuerySet]) -> StreamingHttpResponse:
    """Stream `entries()` (a scoped TrailEntry queryset, re-evaluated per poll) as SSE."""
    response = StreamingHttpResponse(
        _stream(entries, cursor_from(request)), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each message through at once
    return response


# The bell polls more slowly than the console: it is on every staff page.
COUNT_POLL_SECONDS = 5.0


def _count_stream(count: Callable[[], int]) -> Iterator[str]:
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    deadline = time.monotonic() + MAX_SECONDS
    last = None
    while True:
        value = count()
        if value != last:
            last = value
            yield f"event: unread\ndata: {json.dumps({'unread': value})}\n\n"
        if time.monotonic() + COUNT_POLL_SECONDS > deadline:
            break
        time.sleep(COUNT_POLL_SECONDS)
        yield ": poll\n\n"


def count_response(count: Callable[[], int]) -> StreamingHttpResponse:
    """Stream `count()` (one cheap query per poll) as an `unread` event whenever it changes;
    each response starts with the current value, so a reconnect needs no cursor."""
    response = StreamingHttpResponse(_count_stream(count), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
