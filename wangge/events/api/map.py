"""Map data over the API: events as points or counts per area, and the grids to draw them on.

The rules (scope, limits, aggregation, simplification) live in wangge/events/mapdata.py.
"""

from typing import Annotated

from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from wangge.accounts.models import STAFF_ROLES
from wangge.api.permissions import roles
from wangge.common.bbox import parse_bbox
from wangge.events.choices import State
from wangge.events.mapdata import grids_geojson, map_events

router = Router(tags=["map"])


class MapEventsQuery(Schema):
    bbox: Annotated[str, Field(max_length=200, description="minlon,minlat,maxlon,maxlat (WGS-84)")]
    state: list[State] = Field(
        default_factory=list, description="states to show; default: every live state"
    )
    zoom: int = Field(12, ge=0, le=22, description="the map's zoom; below 12 counts per village")
    days: int = Field(30, ge=1, le=366, description="window for closed and other final states")


class MapEventsOut(Schema):
    mode: str = Field(description="points, grids or villages")
    points: list[list] = Field(description="[id, lon, lat, state, priority] in points mode")
    cells: list[list] = Field(
        description="[code, name, lon, lat, total, {state: count}] in grids or villages mode"
    )


@router.get(
    "/map/events",
    response=MapEventsOut,
    summary="Events in a bbox for the map: points, or counts per grid/village when many",
)
@roles(*STAFF_ROLES)
def events_on_map(request, query: Query[MapEventsQuery]):
    """At most 2,000 points; when more events match, counts per grid (zoom 12 and closer)
    or per village, so the answer stays small and fast at any number of events."""
    box = parse_bbox(query.bbox)
    return map_events(request.auth, box, list(query.state), query.zoom, query.days, timezone.now())


class MapGridsQuery(Schema):
    zoom: int = Field(12, ge=0, le=22, description="outlines are simplified to a pixel at it")


@router.get(
    "/map/grids",
    summary="The caller's grids as simplified GeoJSON outlines (cacheable, ETag)",
)
@roles(*STAFF_ROLES)
def grids_on_map(request, query: Query[MapGridsQuery]):
    """A FeatureCollection with properties code and name; send If-None-Match to revalidate."""
    text, etag = grids_geojson(request.auth, query.zoom)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(text, content_type="application/geo+json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    response["Vary"] = "Cookie, Authorization"
    return response
