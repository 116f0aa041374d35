"""The in-app inbox and its pluggable channels."""

import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from wangge.events.choices import LimitUnit, Step
from wangge.events.clocks import TimeLimit, start_clock
from wangge.events.models import CardLevel, Clock
from wangge.jobs import SWEEP
from wangge.notices import channels
from wangge.notices.models import Notice
from wangge.notices.services import mark_read, notify, unread_count

pytestmark = pytest.mark.django_db

delivered: list[str] = []


class RecordingChannel:
    def deliver(self, notices) -> None:
        delivered.extend(n.title for n in notices)


def test_notices_land_in_the_inbox_and_channels_run_after_commit(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.WANGGE_NOTICE_CHANNELS = ["tests.supervision.test_notices.RecordingChannel"]
    delivered.clear()
    users = [cast["township_1_operator"], cast["leader"], cast["leader"]]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(users, "黄牌督办：占道经营", "请尽快处理")
    assert delivered == []  # nothing leaves before the commit
    assert Notice.objects.count() == 2  # one per distinct recipient
    for callback in callbacks:
        callback()
    assert delivered == ["黄牌督办：占道经营"] * 2
    assert unread_count(cast["leader"]) == 1
    notice = Notice.objects.get(recipient=cast["leader"])
    assert mark_read(cast["leader"], [notice.pk]) == 1
    assert mark_read(cast["township_1_operator"], [notice.pk]) == 0  # not theirs
    assert unread_count(cast["leader"]) == 0


def test_the_console_channel_never_logs_a_phone_number(cast, caplog):
    notice = Notice(
        recipient=cast["leader"], title="回访", body="联系人 13812345678", created_at=timezone.now()
    )
    with caplog.at_level(logging.INFO, logger="wangge.notices.channels"):
        channels.ConsoleChannel().deliver([notice])
    assert "13812345678" not in caplog.text
    assert "138****5678" in caplog.text


def test_a_failing_channel_is_logged_not_raised(cast, settings, caplog):
    settings.WANGGE_NOTICE_CHANNELS = ["tests.supervision.test_notices.BrokenChannel"]
    notice = Notice(recipient=cast["leader"], title="t", created_at=timezone.now())
    channels.deliver([notice])
    assert "BrokenChannel" in caplog.text


class BrokenChannel:
    def deliver(self, notices) -> None:
        raise ConnectionError("gateway down")


def overdue_clock(make_event, cast) -> Clock:
    start = timezone.now() - timezone.timedelta(days=1)
    return start_clock(
        make_event(), Step.ACCEPT, cast.township_1_centre, TimeLimit(1, LimitUnit.MINUTES), start
    )


def test_the_embedded_worker_command_runs_a_sweep(make_event, cast):
    clock = overdue_clock(make_event, cast)
    call_command("run_worker", "--once")
    clock.refresh_from_db()
    assert clock.card_level == CardLevel.NORMAL


def test_the_celery_task_runs_the_sweep(make_event, cast):
    from wangge.celery import app

    app.loader.import_default_modules()  # what a Celery worker does at start: autodiscovery
    clock = overdue_clock(make_event, cast)
    app.conf.task_always_eager = True
    try:
        result = app.tasks[SWEEP].delay().get()
    finally:
        app.conf.task_always_eager = False
    clock.refresh_from_db()
    assert clock.card_level == CardLevel.NORMAL
    assert result["cards"] == {CardLevel.NORMAL: 1}
    assert app.conf.beat_schedule[SWEEP]["task"] == SWEEP
