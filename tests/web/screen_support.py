"""Events for the big-screen tests, reported through the real intake service."""

from wangge.events.choices import Channel
from wangge.events.models import Category, Event
from wangge.events.services import report_event

# Inside tests/jurisdiction.py's grids: township 1 (village 1) and township 2 (village 2).
TOWNSHIP_1_POINT = (120.05, 40.07)
TOWNSHIP_2_POINT = (120.15, 40.07)


def categories() -> tuple[Category, Category]:
    """A two-level tree (城市管理 > 占道经营) and a second root (安全隐患)."""
    urban = Category.objects.create(code="urban", name="城市管理")
    street = Category.objects.create(code="urban.street", name="占道经营", parent=urban)
    hazard = Category.objects.create(code="hazard", name="安全隐患")
    return street, hazard


def report(category: Category, point=TOWNSHIP_1_POINT, **extra) -> Event:
    extra.setdefault("channel", Channel.PUBLIC_APP)
    extra.setdefault("title", "人行道占道经营")
    return report_event(category=category, lon=point[0], lat=point[1], **extra).event
