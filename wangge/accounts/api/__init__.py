"""Who am I: the caller's identity, roles and data scope."""

from ninja import Router, Schema

from wangge.accounts.models import Role
from wangge.accounts.scope import scope_of
from wangge.api.permissions import roles

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    unit: str | None
    scope_region: str | None


@router.get("/me", response=MeOut, summary="The authenticated caller")
@roles(*Role.values)
def me(request):
    user = request.auth
    unit = user.unit
    scope = scope_of(user)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(user.role_set),
        "unit": unit.name if unit else None,
        "scope_region": unit.region.code if unit and scope.prefix else None,
    }
