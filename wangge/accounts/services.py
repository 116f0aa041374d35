"""Account actions: granting roles and issuing and checking API tokens."""

import hashlib
import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.accounts.models import ADMIN_ROLES, ApiToken, RoleGrant, User


class RoleConflict(ValueError):
    """Granting the role would give one user two of the three admin roles."""


TOKEN_BYTES = 32


def grant_role(user: User, role: str) -> RoleGrant:
    if role in ADMIN_ROLES and user.role_grants.filter(role__in=ADMIN_ROLES).exclude(role=role):
        raise RoleConflict(f"{user.username} already holds an admin role (三权分立)")
    try:
        with transaction.atomic():
            grant, _ = RoleGrant.objects.get_or_create(user=user, role=role)
    except IntegrityError as exc:
        raise RoleConflict(f"{user.username} already holds an admin role (三权分立)") from exc
    user.__dict__.pop("_role_set", None)
    return grant


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str, expires_at: datetime | None = None) -> str:
    """Create a token and return it; it is shown once and only its digest is kept."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    ApiToken.objects.create(
        user=user, name=name, digest=_digest(token), prefix=token[:8], expires_at=expires_at
    )
    return token


def user_for_token(token: str) -> User | None:
    row = (
        ApiToken.objects.select_related("user", "user__unit__region")
        .filter(digest=_digest(token))
        .first()
    )
    now = timezone.now()
    if row is None or not row.user.is_active or (row.expires_at and row.expires_at <= now):
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
