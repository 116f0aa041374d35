"""A fixed-window request limiter on Django's cache, for the public endpoints.

The client is identified by REMOTE_ADDR only: a forwarded-for header is set by the client
and would let anyone pick a fresh identity per request. Behind a reverse proxy, the proxy
must set REMOTE_ADDR (e.g. uWSGI/gunicorn behind nginx with the real-IP module).
With the default per-process memory cache the limit is per app server; configure Redis
(WANGGE_REDIS_URL) to share it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from wangge.errors import DomainError


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


DEFAULT_RATES = {
    "public_intake": Rate(10, 600),
    "public_track": Rate(120, 600),
}


def rate_for(bucket: str) -> Rate:
    configured = getattr(settings, "WANGGE_RATE_LIMITS", {}).get(bucket)
    return Rate(*configured) if configured else DEFAULT_RATES[bucket]


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def check_rate(request: HttpRequest, bucket: str) -> None:
    """Count this request against the client's window; raise 429 once the window is full."""
    rate = rate_for(bucket)
    key = f"wangge:rate:{bucket}:{client_ip(request)}"
    if cache.add(key, 1, timeout=rate.seconds):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=rate.seconds)
        return
    if count > rate.count:
        raise DomainError(
            "rate_limited",
            "请求过于频繁，请稍后再试。",
            {"limit": rate.count, "window_seconds": rate.seconds},
            status=429,
        )
