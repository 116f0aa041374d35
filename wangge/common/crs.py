"""Coordinate systems Chinese phone maps use: WGS-84 (GPS), GCJ-02 (AMap, Tencent), BD-09 (Baidu).

Storage is always WGS-84. GCJ-02 is a published forward obfuscation with no closed
inverse, so WGS-84 is recovered by fixed-point iteration to well under a millimetre
(and BD-09 likewise, as Baidu's published inverse is off by up to ~2 cm).
Outside mainland China GCJ-02 equals WGS-84 by definition.
"""

import math
from collections.abc import Callable
from enum import StrEnum

_AXIS = 6378245.0
_ECCENTRICITY_SQ = 0.00669342162296594323
_BD_FACTOR = math.pi * 3000.0 / 180.0


class Crs(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


def _outside_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _lat_shift(x: float, y: float) -> float:
    shift = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    shift += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    shift += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3
    return shift


def _lon_shift(x: float, y: float) -> float:
    shift = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    shift += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    shift += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    return shift


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if _outside_china(lon, lat):
        return lon, lat
    d_lat = _lat_shift(lon - 105.0, lat - 35.0)
    d_lon = _lon_shift(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _ECCENTRICITY_SQ * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_AXIS * (1 - _ECCENTRICITY_SQ)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_AXIS / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def _invert(
    forward: Callable[[float, float], tuple[float, float]],
    lon: float,
    lat: float,
    start: tuple[float, float],
    tolerance: float,
) -> tuple[float, float]:
    """Solve forward(x) = (lon, lat) by fixed-point iteration; the shifts are tiny and smooth."""
    x_lon, x_lat = start
    for _ in range(30):
        f_lon, f_lat = forward(x_lon, x_lat)
        d_lon, d_lat = f_lon - lon, f_lat - lat
        x_lon, x_lat = x_lon - d_lon, x_lat - d_lat
        if abs(d_lon) < tolerance and abs(d_lat) < tolerance:
            break
    return x_lon, x_lat


def gcj02_to_wgs84(lon: float, lat: float, tolerance: float = 1e-9) -> tuple[float, float]:
    if _outside_china(lon, lat):
        return lon, lat
    return _invert(wgs84_to_gcj02, lon, lat, (lon, lat), tolerance)


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _BD_FACTOR)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_FACTOR)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float, tolerance: float = 1e-9) -> tuple[float, float]:
    """Baidu's published inverse is only good to ~2 cm, so refine it by iteration."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _BD_FACTOR)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_FACTOR)
    start = z * math.cos(theta), z * math.sin(theta)
    return _invert(gcj02_to_bd09, lon, lat, start, tolerance)


def to_wgs84(lon: float, lat: float, crs: Crs) -> tuple[float, float]:
    if crs == Crs.GCJ02:
        return gcj02_to_wgs84(lon, lat)
    if crs == Crs.BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    return lon, lat
