"""Delivery channels beyond the inbox (SMS gateway, e-mail, WeChat template message …).

A channel is any class with `deliver(notices)`; WANGGE_NOTICE_CHANNELS lists their dotted
paths. Channels run after the transaction that wrote the notices commits, and a failing
channel is logged, never raised into the action that caused the notice.
"""

import logging
import re
from collections.abc import Sequence
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from wangge.notices.models import Notice

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = ["wangge.notices.channels.ConsoleChannel"]
# Mainland mobile numbers and other long digit runs that look like phone numbers.
PHONE = re.compile(r"(?<!\d)(\d{3})\d{4,}(\d{4})(?!\d)")


class Channel(Protocol):
    def deliver(self, notices: Sequence[Notice]) -> None: ...


def mask_phones(text: str) -> str:
    return PHONE.sub(r"\1****\2", text)


class ConsoleChannel:
    """Writes each notice to the log; phone numbers never appear in clear."""

    def deliver(self, notices: Sequence[Notice]) -> None:
        for notice in notices:
            logger.info(
                "notice to user %s: %s — %s",
                notice.recipient_id,
                mask_phones(notice.title),
                mask_phones(notice.body),
            )


@cache
def _load(paths: tuple[str, ...]) -> tuple[Channel, ...]:
    return tuple(import_string(path)() for path in paths)


def configured_channels() -> tuple[Channel, ...]:
    return _load(tuple(getattr(settings, "WANGGE_NOTICE_CHANNELS", DEFAULT_CHANNELS)))


def deliver(notices: Sequence[Notice]) -> None:
    for channel in configured_channels():
        try:
            channel.deliver(notices)
        except Exception:
            logger.exception("notice channel %s failed", type(channel).__name__)
