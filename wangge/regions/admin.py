from django.contrib import admin

from wangge.regions.models import Grid, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_synthetic"]
    list_filter = ["level", "is_synthetic"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    exclude = ["boundary"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "subject", "village", "households"]
    list_filter = ["kind", "subject"]
    search_fields = ["code", "name"]
    raw_id_fields = ["village"]
    exclude = ["polygon", "min_lon", "min_lat", "max_lon", "max_lat"]
