from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from wangge.accounts.models import (
    ApiToken,
    GridAssignment,
    LoginAttempt,
    OrgUnit,
    RoleGrant,
    User,
)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("网格", {"fields": ("display_name", "unit")}))
    list_display = ["username", "display_name", "unit", "is_active"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    inlines = [RoleGrantInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "region"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "region__code"]
    raw_id_fields = ["region", "parent"]


@admin.register(GridAssignment)
class GridAssignmentAdmin(admin.ModelAdmin):
    list_display = ["grid", "user", "duty"]
    raw_id_fields = ["grid", "user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "expires_at"]
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
