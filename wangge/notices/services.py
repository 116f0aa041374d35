"""Sending and reading in-app notices.

The inbox rows are written in the caller's transaction, so a rolled-back action leaves no
notice behind; the outside channels run only once that transaction has committed.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from wangge.errors import NotFound
from wangge.notices import channels
from wangge.notices.messages import render_stored
from wangge.notices.models import Notice


def notify(
    users: Iterable,
    title: str,
    body: str = "",
    event=None,
    link: str = "",
    now: datetime | None = None,
    kind: str = "",
    params: dict | None = None,
) -> list[Notice]:
    now = now or timezone.now()
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    notices = Notice.objects.bulk_create(
        Notice(
            recipient=user,
            title=title,
            body=body,
            link=link,
            event=event,
            kind=kind,
            params=params or {},
            created_at=now,
        )
        for user in recipients.values()
    )
    if notices:
        transaction.on_commit(lambda: channels.deliver(notices))
    return notices


def send(
    users: Iterable, kind: str, params: dict, event=None, now: datetime | None = None
) -> list[Notice]:
    """Notify with a message of wangge.notices.messages: stored in Chinese, shown in the
    reader's language."""
    title, body = render_stored(kind, params)
    return notify(users, title, body, event=event, now=now, kind=kind, params=params)


def inbox(user) -> QuerySet[Notice]:
    """The user's own notices, newest first (the unread ones are marked, not moved, so a
    notice keeps its place when it is read)."""
    return Notice.objects.filter(recipient=user).order_by("-created_at", "-id")


def open_notice(user, notice_id: int, now: datetime | None = None) -> Notice:
    """The user's notice, marked read; another user's notice is not found."""
    notice = Notice.objects.filter(recipient=user, pk=notice_id).first()
    if notice is None:
        raise NotFound("notice_not_found", "消息不存在。")
    if notice.read_at is None:
        notice.read_at = now or timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def mark_read(user, notice_ids: Iterable[int], now: datetime | None = None) -> int:
    return Notice.objects.filter(
        recipient=user, pk__in=list(notice_ids), read_at__isnull=True
    ).update(read_at=now or timezone.now())


def mark_all_read(user, now: datetime | None = None) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
