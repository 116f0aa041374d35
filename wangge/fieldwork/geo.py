"""The worker's grids as GeoJSON, for the field app's map and the API."""

from typing import Any

from shapely.geometry import mapping

from wangge.regions.models import Grid


def grid_feature(grid: Grid) -> dict[str, Any]:
    centre = grid.geometry.representative_point()
    return {
        "type": "Feature",
        "geometry": mapping(grid.geometry),
        "properties": {
            "code": grid.code,
            "name": grid.name,
            # Inside the polygon even for a concave grid, unlike the centroid.
            "centre": [centre.x, centre.y],
        },
    }


def grid_collection(grids) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [grid_feature(g) for g in grids]}
