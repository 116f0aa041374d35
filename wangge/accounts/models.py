"""Org units, users, roles, grid staffing and API tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.regions.codes import RegionLevel


class Role(models.TextChoices):
    CITIZEN = "citizen", _("群众")
    GRID_WORKER = "grid_worker", _("网格员")
    OPERATOR = "operator", _("综治中心操作员")
    DEPARTMENT_HANDLER = "department_handler", _("部门处置人员")
    LEADER = "leader", _("领导")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)

# Roles that work with jurisdiction data (regions, grids, events) in their scope.
STAFF_ROLES = (
    Role.GRID_WORKER,
    Role.OPERATOR,
    Role.DEPARTMENT_HANDLER,
    Role.LEADER,
    Role.SYSTEM_ADMIN,
)

# The permission rule of what anyone may use without an account (API operations, pages).
PUBLIC = "public"


class UnitKind(models.TextChoices):
    CENTRE = "centre", _("综治中心")
    DEPARTMENT = "department", _("职能部门")


class OrgUnit(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("所辖区域"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["region__code", "kind", "name"]
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_name_unique_in_region")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("所属单位"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def role_set(self) -> frozenset[str]:
        """The user's roles, loaded once per user object (requests ask often)."""
        cached = getattr(self, "_role_set", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_set = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("角色授予")
        verbose_name_plural = _("角色授予")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_granted_once"),
            # Three-way admin split (三权分立): at most one admin role per user, enforced
            # by the database so no code path or admin form can get around it.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role__in=[r.value for r in ADMIN_ROLES]),
                name="one_admin_role_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class GridDuty(models.TextChoices):
    LEADER = "leader", _("网格长")
    WORKER = "worker", _("网格员")
    INSTRUCTOR = "instructor", _("网格指导员")
    ASSISTANT = "assistant", _("网格协管员")


class GridAssignment(models.Model):
    """One person's duty in one grid (the 一长三员 staffing)."""

    grid = models.ForeignKey("regions.Grid", on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grid_assignments")
    duty = models.CharField(_("职责"), max_length=16, choices=GridDuty.choices)

    class Meta:
        verbose_name = _("网格人员")
        verbose_name_plural = _("网格人员")
        constraints = [
            models.UniqueConstraint(fields=["grid", "user", "duty"], name="grid_duty_once"),
            models.UniqueConstraint(
                fields=["grid"], condition=models.Q(duty="leader"), name="one_leader_per_grid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} · {self.user_id} · {self.get_duty_display()}"


class ApiToken(models.Model):
    """A machine credential; only the SHA-256 digest of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginAttempt(models.Model):
    """One password login, kept for lockout and for the audit administrator (等保三级)."""

    username = models.CharField(_("用户名"), max_length=150)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    succeeded = models.BooleanField(_("成功"))
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        indexes = [models.Index(fields=["username", "at"], name="login_attempt_user_at")]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M} {'✓' if self.succeeded else '✗'}"
