"""Who may do what with base data, on top of roles and data scope.

Roles decide which operations a user may call (see `api/`); two personal-data permissions
narrow them further: `reveal` (see one clear value, logged) and `special_population` (see
special populations and key youth at all). They are granted only to holders of a staff role
and never to any of the three administrators (三权分立: system, security and audit admins
configure, secure and audit; none of them reads personal data). A user who later receives
an admin role loses them at once, since the check runs on every call.
"""

from django.db import transaction

from wangge.accounts.models import ADMIN_ROLES, Role, User
from wangge.basedata.models import DataPermission, Permission
from wangge.errors import Forbidden

# Operations by role. Department handlers work on events, not on the population register.
READ_ROLES = (Role.GRID_WORKER, Role.OPERATOR, Role.LEADER)
WRITE_ROLES = (Role.GRID_WORKER, Role.OPERATOR)
IMPORT_ROLES = (Role.OPERATOR,)
EXPORT_ROLES = (Role.OPERATOR, Role.LEADER)
DEFINE_ROLES = (Role.SYSTEM_ADMIN,)  # custom ("X") category definitions
GRANTABLE_TO = (Role.GRID_WORKER, Role.OPERATOR, Role.LEADER)


class GrantRefused(ValueError):
    pass


def holds(user: User, permission: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(*ADMIN_ROLES):
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_data_permissions", None)
    if cache is None:
        cache = frozenset(user.data_permissions.values_list("permission", flat=True))
        user._data_permissions = cache
    return permission in cache


def require(user: User, permission: str) -> None:
    if not holds(user, permission):
        label = Permission(permission).label
        raise Forbidden(
            "data_permission_required", f"需要“{label}”权限。", {"permission": permission}
        )


def require_category(user: User, category) -> None:
    if category.sensitive:
        require(user, Permission.SPECIAL_POPULATION)


@transaction.atomic
def grant(user: User, permission: str, granted_by: User | None = None) -> DataPermission:
    Permission(permission)  # ValueError on an unknown permission
    if user.has_role(*ADMIN_ROLES):
        raise GrantRefused(f"{user.username} 是管理员（三权分立），不能查看个人信息。")
    if not user.has_role(*GRANTABLE_TO):
        raise GrantRefused(f"{user.username} 没有可授予个人信息权限的业务角色。")
    row, _ = DataPermission.objects.get_or_create(
        user=user, permission=permission, defaults={"granted_by": granted_by}
    )
    user.__dict__.pop("_data_permissions", None)
    return row


def revoke(user: User, permission: str) -> None:
    DataPermission.objects.filter(user=user, permission=permission).delete()
    user.__dict__.pop("_data_permissions", None)
