from django.contrib import admin

from wangge.fieldwork.models import Patrol


@admin.register(Patrol)
class PatrolAdmin(admin.ModelAdmin):
    """Read-only: patrols are recorded by grid workers' phones, never edited by hand."""

    list_display = ("worker", "grid", "started_at", "ended_at")
    list_select_related = ("worker", "grid")
    search_fields = ("worker__username", "grid__code")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
