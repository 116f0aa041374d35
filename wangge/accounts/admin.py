"""Admin for units, users and their role grants, grid staffing and API tokens.

The admin is the configuration console of the system administrator, in Chinese by
default like the rest of the product.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import (
    ADMIN_ROLES,
    ApiToken,
    GridAssignment,
    LoginAttempt,
    OrgUnit,
    RoleGrant,
    User,
)

admin.site.site_header = _("网格化治理平台 · 系统配置")
admin.site.site_title = _("网格化治理平台")
admin.site.index_title = _("配置管理")


class RoleGrantFormSet(BaseInlineFormSet):
    """三权分立 across the whole form: the database constraint would only see the second
    admin role after the first was saved, and answer with an error page."""

    def clean(self) -> None:
        super().clean()
        admin_roles = {
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") in ADMIN_ROLES
        }
        if len(admin_roles) > 1:
            raise ValidationError(_("三权分立：一个用户只能担任系统、安全、审计管理员中的一种。"))


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    formset = RoleGrantFormSet
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("网格"), {"fields": ("display_name", "unit")}))
    list_display = ["username", "display_name", "unit", "roles", "is_active"]
    list_filter = ["role_grants__role", "is_active", "is_superuser", "unit__kind"]
    search_fields = ["username", "display_name", "unit__name"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    inlines = [RoleGrantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_grants")

    @admin.display(description=_("角色"))
    def roles(self, obj: User) -> str:
        return "、".join(grant.get_role_display() for grant in obj.role_grants.all())


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "region", "parent"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "region__code", "region__name"]
    list_select_related = ["region", "parent"]
    raw_id_fields = ["region", "parent"]


@admin.register(GridAssignment)
class GridAssignmentAdmin(admin.ModelAdmin):
    list_display = ["grid", "user", "duty"]
    list_filter = ["duty"]
    search_fields = ["grid__code", "grid__name", "user__username", "user__display_name"]
    list_select_related = ["grid", "user"]
    raw_id_fields = ["grid", "user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "expires_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Read-only: login records are audit evidence."""

    list_display = ["at", "username", "address", "succeeded"]
    list_filter = ["succeeded"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
