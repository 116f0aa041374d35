"""The map's bounding box, as every map endpoint receives it: "minlon,minlat,maxlon,maxlat"."""

from dataclasses import dataclass

from wangge.errors import DomainError


@dataclass(frozen=True)
class BBox:
    """A WGS-84 box; lon within ±180, lat within ±90, each minimum not above its maximum."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def parse_bbox(raw: str) -> BBox:
    """The box of a query value, or a 400 `invalid_bbox` saying what is wrong with it."""
    try:
        values = [float(part) for part in raw.split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or not all(abs(v) <= 180 for v in values):
        raise DomainError(
            "invalid_bbox", "bbox 应为 minlon,minlat,maxlon,maxlat 四个数值。", {"bbox": raw}
        )
    box = BBox(*values)
    if not (box.min_lon <= box.max_lon and -90 <= box.min_lat <= box.max_lat <= 90):
        raise DomainError(
            "invalid_bbox", "bbox 范围不合法（最小值须不大于最大值）。", {"bbox": raw}
        )
    return box
