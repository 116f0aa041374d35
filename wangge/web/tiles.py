"""Map settings every page with a Leaflet map hands to Wangge.map()."""

from django.conf import settings

from wangge.regions.models import Region


def jurisdiction_centre() -> list[float] | None:
    """[lat, lon] of the top region's centroid: where a map opens when nothing is located."""
    top = (
        Region.objects.filter(parent__isnull=True, centroid_lat__isnull=False)
        .order_by("code")
        .values_list("centroid_lat", "centroid_lon")
        .first()
    )
    return list(top) if top else None


def map_settings() -> dict:
    return {
        "tileUrl": settings.WANGGE_TILE_URL,
        "attribution": settings.WANGGE_TILE_ATTRIBUTION,
        "center": jurisdiction_centre(),
    }
