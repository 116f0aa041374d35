"""Token auth for machines, session auth for browsers."""

from django.conf import settings
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from wangge.accounts.services import user_for_token
from wangge.errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """Django session login; CSRF is checked on unsafe methods.

    The check runs only when a session cookie is sent, so a caller with no
    credentials at all gets 401 rather than a CSRF refusal, and the refusal
    carries the standard error body instead of ninja's generic one.
    """

    def _get_key(self, request) -> str | None:
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise DomainError("csrf_failed", "CSRF 校验失败，请刷新页面后重试。", status=403)
        return key


AUTH = [TokenAuth(), BrowserSessionAuth()]
