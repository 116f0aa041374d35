"""Clocks and trail entries keep their event's region code, which the metrics scope by.

The metrics read a region's clocks and trail entries through that copy instead of
joining every event of the region (docs/METRICS.md), so every writer must set it, the
backfill must derive it, and a subtree must see only its own clocks and entries.
"""

import importlib
from datetime import date, timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.assessment.conftest import at
from tests.events.conftest import T0, VILLAGE_2_POINT, categories, report  # noqa: F401
from tests.jurisdiction import TOWNSHIP_1, TOWNSHIP_2
from wangge.accounts.models import Role, User
from wangge.assessment.metrics import compute_metrics
from wangge.events.choices import State, Step
from wangge.events.models import CardLevel, Clock, Event, TrailEntry
from wangge.events.services import perform
from wangge.supervision.sweep import run_sweep

OCT = {"period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31)}


def copies_differing_from_their_event() -> list[tuple[str, int]]:
    """Clocks and entries whose region code is not their event's: empty when all agree."""
    codes = dict(Event.objects.values_list("pk", "region_code"))
    rows = [("clock", *r) for r in Clock.objects.values_list("event_id", "region_code")]
    rows += [("trail", *r) for r in TrailEntry.objects.values_list("event_id", "region_code")]
    return [(kind, event) for kind, event, code in rows if code != codes[event]]


def test_the_workflow_and_the_sweep_copy_the_region_code(cast, report):  # noqa: F811
    events = [report(now=T0), report(now=T0, point=VILLAGE_2_POINT)]
    for event in events:
        operator = User.objects.get(role_grants__role=Role.OPERATOR, unit=event.current_unit)
        perform(event.pk, "accept", operator, now=T0 + timedelta(hours=1))
        dispatch = {"lead_department": cast.department.pk}
        perform(event.pk, "dispatch", operator, now=T0 + timedelta(hours=2), **dispatch)
    run_sweep(T0 + timedelta(days=30))  # the signing clocks ran out: cards and their entries

    assert TrailEntry.objects.filter(action="supervise").exists()
    assert len({e.region_code for e in Event.objects.all()}) == 2
    assert copies_differing_from_their_event() == []


def test_save_and_bulk_create_copy_a_missing_region_code(build):
    event = build.event(state=State.HANDLING, grid="t2_south")
    single = build.clock(event, due=at("2026-10-05"))
    many = Clock.objects.bulk_create(
        [build.clock(event, due=at("2026-10-06"), save=False, step=Step.CHECK)]
    )
    entry = build.trail(event, "dispatch", at("2026-10-01"))

    codes = {single.region_code, many[0].region_code, entry.region_code}
    assert codes == {event.region_code}
    assert copies_differing_from_their_event() == []


def test_the_backfill_migrations_derive_the_copy_from_the_event(build):
    for grid in ("t1_north", "t2_south"):
        event = build.event(state=State.HANDLING, grid=grid)
        build.clock(event, due=at("2026-10-05"))
        build.trail(event, "dispatch", at("2026-10-01"))
    Clock.objects.update(region_code="")
    TrailEntry.objects.update(region_code="")

    # The models as those migrations knew them (the clock has since moved to events).
    migrations = [
        ("events", "0005_trailentry_region_code"),
        ("supervision", "0005_clock_region_code"),
    ]
    historical = MigrationExecutor(connection).loader.project_state(migrations).apps
    for app, name in migrations:
        module = f"wangge.{app}.migrations.{name}"
        importlib.import_module(module).backfill_region_code(historical, None)

    assert copies_differing_from_their_event() == []


def test_a_township_sees_only_its_own_clocks_and_trail_entries(build):
    # One case per township, left open past its handling deadline with a red card, and
    # dispatched once and returned once in October; township 2 has a second such case.
    for grid in ("t1_north", "t2_south", "t2_north"):
        event = build.event(state=State.HANDLING, grid=grid)
        build.clock(event, due=at("2026-10-08"), card=CardLevel.RED)
        build.trail(event, "dispatch", at("2026-10-02"))
        build.trail(event, "return", at("2026-10-03"))

    one = compute_metrics(region_code=TOWNSHIP_1, **OCT)
    two = compute_metrics(region_code=TOWNSHIP_2, **OCT)

    figures = ("due", "overdue", "red_cards", "dispatched", "returned")
    assert [getattr(one, f) for f in figures] == [1, 1, 1, 1, 1]
    assert [getattr(two, f) for f in figures] == [2, 2, 2, 2, 2]
