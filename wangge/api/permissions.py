"""Per-endpoint permission rules.

Every API operation is decorated with exactly one rule, `public` or `roles(...)`;
the meta-test in tests/api/test_every_endpoint_has_a_rule.py fails for any
operation without one, so a new endpoint cannot ship unguarded by accident.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from wangge.accounts.models import PUBLIC
from wangge.errors import DomainError, Forbidden


def public(view: Callable) -> Callable:
    view.permission_rule = PUBLIC
    return view


def roles(*allowed: str) -> Callable[[Callable], Callable]:
    """Allow the operation to authenticated users holding any of `allowed`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args: Any, **kwargs: Any):
            user = request.auth
            if user is None or not getattr(user, "is_authenticated", False):
                raise DomainError("not_authenticated", "请先登录。", status=401)
            if not (user.is_superuser or user.has_role(*allowed)):
                raise Forbidden("forbidden", "您的角色无权执行此操作。")
            return view(request, *args, **kwargs)

        guarded.permission_rule = tuple(allowed)
        return guarded

    return decorate
