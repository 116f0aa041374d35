"""Admin: X-category definitions are edited here; base-data records are shown masked only.

Records are written through the API's services (validation, encryption, placement), so
the admin offers no add or change form for them; it never shows a ciphertext or index
either, only masked values.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from wangge.basedata import models as m
from wangge.basedata.categories import BUILTIN
from wangge.basedata.custom import check_definition
from wangge.basedata.services import display_value


class CustomCategoryForm(ModelForm):
    class Meta:
        model = m.CustomCategory
        fields = ["code", "name", "fields", "sensitive", "is_active"]

    def clean_fields(self):  # the JSON "fields" column, not Form.clean_fields
        value = self.cleaned_data["fields"]
        problems = check_definition(value)
        if problems:
            raise ValidationError([f"{p['field']}: {p['reason']}" for p in problems])
        return value


@admin.register(m.CustomCategory)
class CustomCategoryAdmin(admin.ModelAdmin):
    form = CustomCategoryForm
    list_display = ["code", "name", "sensitive", "is_active", "created_at"]


def _masked_admin(key: str):
    category = BUILTIN[key]
    shown = [s for s in category.fields if s.kind.value not in ("float",)][:6]

    def column(spec):
        def value(obj):
            return display_value(category, obj, spec)

        value.short_description = spec.label
        return value

    class MaskedAdmin(admin.ModelAdmin):
        list_display = ["id", *[column(s) for s in shown], "region_code"]
        list_select_related = ["grid"]
        search_fields = ["region_code"]

        def has_add_permission(self, request):
            return False

        def has_change_permission(self, request, obj=None):
            return False

        def get_fields(self, request, obj=None):
            return []

    MaskedAdmin.__name__ = f"{category.model.__name__}Admin"
    admin.site.register(category.model, MaskedAdmin)


for _key in ("house", "organization", "key_place", "dispute", "school_area", "line_protection"):
    _masked_admin(_key)


@admin.register(m.RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "category", "record_id", "field", "reason"]
    list_filter = ["category"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.ExportLog)
class ExportLogAdmin(RevealLogAdmin):
    list_display = ["at", "user", "category", "format", "rows", "reason"]
