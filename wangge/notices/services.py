"""Sending and reading in-app notices.

The inbox rows are written in the caller's transaction, so a rolled-back action leaves no
notice behind; the outside channels run only once that transaction has committed.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from wangge.notices import channels
from wangge.notices.models import Notice


def notify(
    users: Iterable,
    title: str,
    body: str = "",
    event=None,
    link: str = "",
    now: datetime | None = None,
) -> list[Notice]:
    now = now or timezone.now()
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    notices = Notice.objects.bulk_create(
        Notice(recipient=user, title=title, body=body, link=link, event=event, created_at=now)
        for user in recipients.values()
    )
    if notices:
        transaction.on_commit(lambda: channels.deliver(notices))
    return notices


def mark_read(user, notice_ids: Iterable[int], now: datetime | None = None) -> int:
    return Notice.objects.filter(
        recipient=user, pk__in=list(notice_ids), read_at__isnull=True
    ).update(read_at=now or timezone.now())


def unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
