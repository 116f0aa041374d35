from django.contrib import admin

from wangge.assessment.models import ScoringRule


@admin.register(ScoringRule)
class ScoringRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "active",
        "base",
        "yellow_card",
        "red_card",
        "overdue",
        "unsatisfied",
        "self_handled_bonus",
        "created_at",
    ]
    list_filter = ["active"]
    search_fields = ["name"]
