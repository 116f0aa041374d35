"""The caller's own inbox."""

from datetime import datetime

from ninja import Query, Router, Schema

from wangge.accounts.models import Role
from wangge.api.permissions import roles
from wangge.notices.models import Notice
from wangge.notices.services import mark_read, unread_count

router = Router(tags=["notices"])

MAX_PAGE = 100


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    link: str
    event_id: int | None
    created_at: datetime
    read_at: datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NoticeOut]


class InboxQuery(Schema):
    unread_only: bool = False
    limit: int = 20
    offset: int = 0


class ReadIn(Schema):
    ids: list[int]


class ReadOut(Schema):
    updated: int


@router.get("/notices", response=InboxOut, summary="My inbox, newest first")
@roles(*Role.values)
def inbox(request, query: Query[InboxQuery]):
    limit = min(max(query.limit, 1), MAX_PAGE)
    offset = max(query.offset, 0)
    notices = Notice.objects.filter(recipient=request.auth)
    if query.unread_only:
        notices = notices.filter(read_at__isnull=True)
    return {
        "unread": unread_count(request.auth),
        "items": list(notices[offset : offset + limit]),
    }


@router.post("/notices/read", response=ReadOut, summary="Mark some of my notices read")
@roles(*Role.values)
def read(request, payload: ReadIn):
    return {"updated": mark_read(request.auth, payload.ids[:MAX_PAGE])}
