"""Which centre receives a new event.

Rule, in order:
1. Hotline (便民热线/12345) events go to the county-level centre covering the event, since the
   hotline is run by the county; it delegates down when a lower level should handle it.
2. An event an operator enters on behalf of a caller stays with that operator's centre when
   the centre's region covers the event.
3. Everything else goes to the lowest-level centre whose region covers the event's village
   ("网格发现、社区呼叫"): the village centre where one exists, else the township's, else the
   county's. Higher centres get the event by escalation.

Region codes are prefix-hierarchical, so the covering regions are the village code's
prefixes padded with zeros: one query finds every candidate centre, and each process keeps
the answer per village (wangge/events/reference.py).
"""

from wangge.accounts.models import OrgUnit
from wangge.errors import DomainError
from wangge.events.choices import Channel
from wangge.events.reference import reference
from wangge.regions.codes import LEVEL_ORDER, REGION_CODE_LENGTH, SIGNIFICANT_DIGITS, RegionLevel


def covering_codes(village_code: str) -> list[str]:
    """The codes of the regions containing the village, lowest level first."""
    codes = []
    for level in reversed(LEVEL_ORDER):
        prefix = village_code[: SIGNIFICANT_DIGITS[level]]
        codes.append(prefix.ljust(REGION_CODE_LENGTH, "0"))
    return list(dict.fromkeys(codes))


def covers(unit: OrgUnit, region_code: str) -> bool:
    """True when the unit's region contains the region with this code."""
    return region_code.startswith(unit.region.code[: SIGNIFICANT_DIGITS[unit.region.level]])


def receiving_centre(village_code: str, channel: str, reporter=None) -> OrgUnit:
    codes = covering_codes(village_code)
    centres = sorted(
        reference().centres_covering(codes), key=lambda unit: codes.index(unit.region.code)
    )
    if not centres:
        raise DomainError("no_receiving_centre", "该位置没有负责受理的综治中心，请联系管理员配置。")
    if channel == Channel.HOTLINE:
        county = [c for c in centres if c.level == RegionLevel.COUNTY]
        return county[0] if county else centres[-1]
    if channel == Channel.OPERATOR and reporter is not None and reporter.unit_id:
        own = [c for c in centres if c.pk == reporter.unit_id]
        if own:
            return own[0]
    return centres[0]
