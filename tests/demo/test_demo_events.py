"""The demo's events: every state, real trails and clocks, scoped, deterministic, idempotent."""

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db.models import F

from tests.conftest import DEMO_EVENTS, inserted_demo
from tests.demo.conftest import SMALL_GRIDS
from wangge.accounts.models import OrgUnit, Role, UnitKind, User
from wangge.accounts.scope import restrict
from wangge.demo.builder import build_demo
from wangge.demo.categories import TREE
from wangge.demo.events import demo_events, load_demo_events
from wangge.events.choices import SATISFIED_RATINGS, Rating, State
from wangge.events.models import Category, Clock, Event, StepLimit, TrailEntry
from wangge.events.trail import verify_trail
from wangge.regions.codes import RegionLevel
from wangge.regions.locate import VERSION_KEY

SMALL_EVENTS = DEMO_EVENTS
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def new_grids_seen() -> None:
    """A rebuild inside the test transaction never commits, so bump the grid index by hand."""
    cache.set(VERSION_KEY, f"test-{uuid.uuid4()}", timeout=None)


@pytest.fixture(scope="module")
def built(demo_rows, django_db_blocker) -> Iterator[str]:
    """One demo for the module, rolled back at its end; what the command printed."""
    with inserted_demo(demo_rows, django_db_blocker):
        yield demo_rows.output


def test_every_state_appears_with_ratings_and_a_reopened_event(built, db):
    events = demo_events()
    assert events.count() == SMALL_EVENTS
    assert set(events.values_list("state", flat=True)) == set(State.values)
    closed = events.filter(state=State.CLOSED)
    ratings = list(closed.exclude(rating="").values_list("rating", flat=True))
    satisfied = sum(r in SATISFIED_RATINGS for r in ratings)
    assert satisfied > len(ratings) / 2
    assert {Rating.UNSATISFIED, Rating.VERY_UNSATISFIED} & set(ratings)
    assert closed.filter(reopen_count=1).exists()
    assert events.filter(self_handled=True, state=State.CLOSED).exists()
    assert events.filter(state=State.MERGED, merged_into__isnull=False).exists()
    assert f"已生成 {SMALL_EVENTS} 条演示事件" in built


def test_events_went_through_the_workflow(built, db):
    events = demo_events()
    assert verify_trail(events.values_list("pk", flat=True)) == []
    assert TrailEntry.objects.count() > 2 * SMALL_EVENTS
    for event in events:
        entries = list(event.trail.order_by("sequence"))
        assert entries[0].action == "report" and entries[0].created_at == event.created_at
        assert entries[-1].to_state == event.state
        assert all(a.created_at <= b.created_at for a, b in itertools.pairwise(entries))
        assert entries[-1].created_at <= datetime.now(UTC)
    # Clocks run from the category's limits; old open events are far past their deadlines.
    overdue = Clock.objects.filter(
        event__in=events,
        stopped_at__isnull=True,
        paused_at__isnull=True,
        due_at__lt=datetime.now(UTC) - timedelta(days=7),
    )
    assert overdue.exists()
    late = Clock.objects.filter(event__in=events, stopped_at__gt=F("due_at"))
    assert late.exists()


def test_events_are_in_scope_of_their_township_operators(built, db):
    townships = OrgUnit.objects.filter(kind=UnitKind.CENTRE, level=RegionLevel.TOWNSHIP)
    seen = 0
    for centre in townships.select_related("region"):
        operator = User.objects.get(unit=centre, role_grants__role=Role.OPERATOR)
        prefix = centre.region.code[:9]
        visible = set(restrict(Event.objects.all(), operator, "region_code").values_list("pk"))
        own = set(demo_events().filter(region_code__startswith=prefix).values_list("pk"))
        assert visible == own
        seen += len(own)
    assert seen == SMALL_EVENTS
    cast_operator = User.objects.get(username="township_operator")
    assert restrict(Event.objects.all(), cast_operator, "region_code").exists()


def test_categories_carry_departments_limits_and_verification(built, db):
    assert Category.objects.count() == len(TREE)
    street = Category.objects.get(name="占道经营")
    assert street.parent.name == "城市管理"
    assert street.default_department.name == "行政执法局"
    assert Category.objects.get(name="政策咨询").direct_answer
    assert Category.objects.filter(needs_verification=True).exists()
    assert StepLimit.objects.count() == len(TREE) * 3 * 6


def test_a_second_run_adds_nothing_and_reset_replaces_the_events(built, db, capsys):
    trail = TrailEntry.objects.count()
    users = User.objects.count()
    call_command("demo", grids=SMALL_GRIDS, events=SMALL_EVENTS)
    assert "已存在" in capsys.readouterr().out
    assert demo_events().count() == SMALL_EVENTS
    assert TrailEntry.objects.count() == trail and User.objects.count() == users
    before = set(demo_events().values_list("pk", flat=True))
    call_command("demo", grids=SMALL_GRIDS, events=0, reset=True)
    assert not Event.objects.exists()
    new_grids_seen()
    load_demo_events(10)
    assert demo_events().count() == 10
    assert before.isdisjoint(demo_events().values_list("pk", flat=True))
    assert User.objects.count() == users


def test_the_same_seed_and_time_give_the_same_events(db):
    build_demo(grids=SMALL_GRIDS)
    new_grids_seen()
    load_demo_events(25, now=NOW)
    fields = ("title", "state", "category__code", "channel", "priority", "grid__code", "created_at")
    first = list(demo_events().order_by("created_at", "pk").values_list(*fields))
    build_demo(grids=SMALL_GRIDS)
    new_grids_seen()
    load_demo_events(25, now=NOW)
    assert list(demo_events().order_by("created_at", "pk").values_list(*fields)) == first
    assert max(row[-1] for row in first) < NOW


@pytest.mark.parametrize("events", [-1, 100_001])
def test_an_impossible_event_count_is_refused_without_writing(db, events):
    users, categories = User.objects.count(), Category.objects.count()
    with pytest.raises(CommandError, match="事件数"):
        call_command("demo", grids=SMALL_GRIDS, events=events, reset=True)
    assert (User.objects.count(), Category.objects.count()) == (users, categories)


def test_no_events_still_loads_the_category_tree(db):
    call_command("demo", grids=SMALL_GRIDS, events=0, reset=True)
    assert not Event.objects.exists()
    assert Category.objects.filter(name="森林防火", default_department__name="林业局").exists()
