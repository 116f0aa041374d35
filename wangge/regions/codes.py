"""Statistical division codes (12 digits) and grid codes, and their prefix arithmetic.

A region's subtree is exactly the set of codes sharing its significant prefix, so
data scope is a range condition on an indexed code column rather than a tree walk.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

REGION_CODE_LENGTH = 12


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县/区")
    TOWNSHIP = "township", _("乡镇/街道")
    VILLAGE = "village", _("村/社区")


LEVEL_ORDER = [
    RegionLevel.PROVINCE,
    RegionLevel.CITY,
    RegionLevel.COUNTY,
    RegionLevel.TOWNSHIP,
    RegionLevel.VILLAGE,
]

SIGNIFICANT_DIGITS = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}

GRID_SEQUENCE_DIGITS = {"village": 3, "cjt349": 8}

# Upper bound for any code column that scope ranges run over (grid codes are the longest).
MAX_CODE_LENGTH = 20


def child_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(RegionLevel(level))
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


def significant_prefix(code: str, level: str) -> str:
    return code[: SIGNIFICANT_DIGITS[RegionLevel(level)]]


def prefix_range(prefix: str) -> tuple[str, str]:
    """Inclusive bounds of every digit code that starts with `prefix`."""
    return prefix, prefix + "9" * (MAX_CODE_LENGTH - len(prefix))


def grid_sequence_digits() -> int:
    return GRID_SEQUENCE_DIGITS[settings.WANGGE_GRID_CODE_LAYOUT]


def make_grid_code(village_code: str, sequence: int) -> str:
    digits = grid_sequence_digits()
    return f"{village_code}{sequence:0{digits}d}"
