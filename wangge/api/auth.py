"""Token auth for machines, session auth for browsers."""

from ninja.security import HttpBearer, SessionAuth

from wangge.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """Django session login; CSRF is checked on unsafe methods."""


AUTH = [TokenAuth(), BrowserSessionAuth()]
