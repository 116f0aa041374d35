"""Permission rules for web pages, the counterpart of wangge.api.permissions.

Every web view carries exactly one rule: `public_page` or `staff_page(*roles)`.
tests/web/test_every_page_has_a_rule.py walks the URLconf and fails for a view
without one, so a page cannot ship unguarded by accident. Data scope is not
decided here: pages call the same services as the API, which restrict by scope.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from wangge.accounts.models import PUBLIC


def public_page(view: Callable) -> Callable:
    view.permission_rule = PUBLIC
    return view


def staff_page(*allowed: str) -> Callable[[Callable], Callable]:
    """Logged-in users holding any of `allowed`; others go to the login page or get 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_superuser or user.has_role(*allowed)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.permission_rule = tuple(allowed)
        return guarded

    return decorate
