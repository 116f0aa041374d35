from django.contrib import admin

from wangge.events.calendar import clear_cache
from wangge.events.models import Holiday, SupervisionRule
from wangge.supervision.models import Instruction, SupervisionCard

# The admin index shows calendar warnings (years without holiday data) above the app list.
admin.site.index_template = "supervision/admin_index.html"


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        clear_cache()


@admin.register(SupervisionRule)
class SupervisionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "step",
        "yellow_after_days",
        "red_after_days",
        "normal_points",
        "yellow_points",
        "red_points",
    ]
    list_filter = ["step"]


@admin.register(SupervisionCard)
class SupervisionCardAdmin(admin.ModelAdmin):
    list_display = ["issued_at", "event", "step", "unit", "level", "points"]
    list_filter = ["level", "step"]
    search_fields = ["event__tracking_code", "unit__name"]
    list_select_related = ["event", "unit"]
    raw_id_fields = ["clock", "event"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Instruction)
class InstructionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "leader", "addressed_unit", "reply_due_at", "replied_at"]
    search_fields = ["event__tracking_code", "leader__username"]
    list_select_related = ["event", "leader"]
    raw_id_fields = ["event", "leader"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
