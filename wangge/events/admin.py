"""Admin: categories with their step limits are configured here; events and trail are read-only.

Events change only through the workflow services, and the trail is append-only, so the
admin offers no add, change or delete for them.
"""

from django.contrib import admin

from wangge.events.models import Category, Event, EventPart, StepLimit, TrailEntry


class StepLimitInline(admin.TabularInline):
    model = StepLimit
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "tree_name",
        "code",
        "default_department",
        "needs_verification",
        "direct_answer",
        "active",
    ]
    list_filter = ["active", "needs_verification", "direct_answer"]
    search_fields = ["code", "name"]
    list_select_related = ["parent__parent", "default_department"]
    raw_id_fields = ["parent", "default_department"]
    inlines = [StepLimitInline]

    @admin.display(description="分类", ordering="code")
    def tree_name(self, obj: Category) -> str:
        depth, parent = 0, obj.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        return "　" * depth + obj.name


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventPartInline(admin.TabularInline):
    model = EventPart
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["tracking_code", "title", "category", "state", "current_unit", "created_at"]
    list_filter = ["state", "channel", "priority", "self_handled"]
    list_select_related = ["category", "current_unit"]
    search_fields = ["tracking_code", "title"]
    exclude = ["reporter_phone"]
    inlines = [EventPartInline]


@admin.register(TrailEntry)
class TrailEntryAdmin(ReadOnlyAdmin):
    list_display = ["event", "sequence", "action", "actor", "from_state", "to_state", "created_at"]
    list_filter = ["action"]
    list_select_related = ["event", "actor"]
    search_fields = ["event__tracking_code"]
