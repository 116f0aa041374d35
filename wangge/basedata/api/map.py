"""Base data on the map: houses, people and key places of the caller's scope as GeoJSON.

The query (scope, masking, limits) is `basedata.queries.map_features`; this module only
exposes it at /api/map/basedata, beside the events' /api/map/events and /api/map/grids.
"""

from typing import Annotated

from ninja import Field, Query, Router, Schema

from wangge.api.permissions import roles
from wangge.basedata import access, queries
from wangge.common.bbox import parse_bbox

router = Router(tags=["basedata"])


class BaseMapQuery(Schema):
    bbox: Annotated[str, Field(max_length=200, description="minlon,minlat,maxlon,maxlat (WGS-84)")]
    layer: list[str] = Field(
        default_factory=lambda: list(queries.MAP_LAYERS),
        description="house, person and/or key_place; default: all three",
    )


@router.get(
    "/map/basedata",
    summary="Houses, people and key places in a bbox as GeoJSON points (masked labels)",
)
@roles(*access.READ_ROLES)
def basedata_on_map(request, query: Query[BaseMapQuery]):
    """A FeatureCollection; properties: category, id, label (names masked), grid. At most
    2,000 points per layer: a layer listed in `truncated` has more, zoom in to see them."""
    box = parse_bbox(query.bbox)
    return queries.map_features(request.auth, box, list(query.layer))
