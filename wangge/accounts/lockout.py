"""Login-failure lockout (等保三级: 登录失败处理).

After `WANGGE_LOGIN_MAX_FAILURES` failed passwords for one username within
`WANGGE_LOGIN_LOCK_MINUTES`, further attempts are refused, even with the right
password, until the window has passed since the last failure. Attempts are rows, not
cache entries, so every app server sees the same count and the audit administrator
can read them.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from wangge.accounts.models import LoginAttempt


def _window() -> timedelta:
    return timedelta(minutes=settings.WANGGE_LOGIN_LOCK_MINUTES)


def is_locked(username: str, now: datetime | None = None) -> bool:
    """True when the recent failures since the last success reach the limit."""
    now = now or timezone.now()
    recent = LoginAttempt.objects.filter(username=username, at__gt=now - _window())
    last_success = recent.filter(succeeded=True).order_by("-at").values_list("at", flat=True)
    failures = recent.filter(succeeded=False)
    if last_success:
        failures = failures.filter(at__gt=last_success[0])
    return failures.count() >= settings.WANGGE_LOGIN_MAX_FAILURES


def record_attempt(username: str, address: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(
        username=username[:150], address=address, succeeded=succeeded, at=timezone.now()
    )
