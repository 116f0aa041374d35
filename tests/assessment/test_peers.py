"""Departments and grid workers counted together get what each gets alone.

`metrics_for_peers` groups the per-event queries by department or reporter;
`metrics_for_subject` of one department or grid worker aggregates the same rows without
grouping. Histories where events have several parts (lead, assist, copy), clocks of
several units, and trails by several actors make any row
counted under the wrong member, or twice, show up as a difference.
"""

import random
from datetime import timedelta

from tests.assessment.conftest import at
from tests.assessment.test_rollup import FLOW, STATES, periods
from tests.assessment.test_rollup_demo import demo_db, demo_periods  # noqa: F401 (fixture)
from wangge.accounts.models import OrgUnit, Role, UnitKind, User
from wangge.accounts.scope import EVERYTHING
from wangge.assessment.metrics import (
    Peers,
    Period,
    Subject,
    metrics_for_peers,
    metrics_for_subject,
)
from wangge.assessment.ranking import rank_units
from wangge.events.choices import Channel, PartRole, Rating, State, Step
from wangge.events.models import CardLevel
from wangge.regions.codes import RegionLevel


def assert_peers_agree(peers: Peers, spans) -> int:
    """Each member's figures in the group equal its own; the non-zero figures seen."""
    nonzero = 0
    for period in spans:
        together = metrics_for_peers(peers, period)
        assert list(together) == list(peers.ids)
        for key in peers.ids:
            alone = Subject(department_id=key) if peers.is_department else Subject(reporter_id=key)
            own = metrics_for_subject(alone, period).as_dict()
            assert together[key].as_dict() == own, (key, period)
            nonzero += sum(1 for v in own.values() if isinstance(v, int) and v)
    return nonzero


def _history(build, cast, rng: random.Random, count: int) -> tuple[list, list]:
    departments = [cast.department] + [
        OrgUnit.objects.create(
            name=f"部门{n}",
            kind=UnitKind.DEPARTMENT,
            level=RegionLevel.COUNTY,
            region=cast.jurisdiction.county,
        )
        for n in range(3)
    ]
    workers = [cast["grid_worker_1"], cast["grid_worker_2"]]
    units = [*departments, cast.township_1_centre]
    for _ in range(count):
        state = rng.choice(STATES)
        created = at("2026-09-01", 8) + timedelta(hours=rng.randrange(0, 24 * 85))
        closed = created + timedelta(hours=rng.randrange(1, 24 * 20))
        closed = closed if state == State.CLOSED else None
        event = build.event(
            state=state,
            created=created,
            closed=closed,
            grid=rng.choice(["t1_north", "t2_south"]),
            channel=rng.choice([Channel.HOTLINE, Channel.GRID_WORKER]),
            reporter=rng.choice([*workers, None]),
            self_handled=rng.random() < 0.1,
            rating=rng.choice([*Rating.values, ""]) if closed else "",
        )
        for department in rng.sample(departments, rng.randrange(0, 3)):
            build.part(event, department, rng.choice(PartRole.values))
        for step in (Step.ACCEPT, Step.HANDLE)[: rng.randrange(1, 3)]:
            due = created + timedelta(hours=rng.randrange(1, 24 * 15))
            stopped = None if closed is None else due + timedelta(hours=rng.randrange(-30, 40))
            card = rng.choice([CardLevel.NONE, CardLevel.YELLOW, CardLevel.RED])
            late = stopped is None or stopped > due
            build.clock(
                event,
                due=due,
                stopped=stopped,
                step=step,
                unit=rng.choice(units),
                card=card if late else CardLevel.NONE,
            )
        when = created
        for _ in range(rng.randrange(0, 4)):
            when += timedelta(hours=rng.randrange(1, 24 * 4))
            action = rng.choice([*FLOW, "verify"])
            build.trail(event, action, when, actor=rng.choice(workers))
    return departments, workers


def test_departments_and_grid_workers_together_equal_each_alone(build, cast):
    departments, workers = _history(build, cast, random.Random(23), 140)
    spans = periods(at("2026-09-01").date(), at("2026-11-30").date(), random.Random(5), extra=8)
    assert assert_peers_agree(Peers(tuple(d.pk for d in departments), True), spans) > 50
    assert assert_peers_agree(Peers(tuple(w.pk for w in workers), False), spans) > 50


def test_a_member_without_events_gets_zeros(build, cast):
    idle = OrgUnit.objects.create(
        name="空闲局",
        kind=UnitKind.DEPARTMENT,
        level=RegionLevel.COUNTY,
        region=cast.jurisdiction.county,
    )
    build.part(build.event(closed=at("2026-10-08")), cast.department)
    spans = periods(at("2026-10-01").date(), at("2026-10-31").date(), random.Random(1), extra=2)
    assert assert_peers_agree(Peers((cast.department.pk, idle.pk), True), spans) > 0
    assert metrics_for_peers(Peers((idle.pk,), True), spans[0])[idle.pk].closed == 0


def test_rankings_read_the_grouped_figures(build, cast):
    departments, _ = _history(build, cast, random.Random(29), 60)
    october = Period(at("2026-10-01").date(), at("2026-10-31").date())
    rows = rank_units(
        kind="department", scope=EVERYTHING, period_start=october.start, period_end=october.end
    )
    assert {row.key for row in rows} == {str(d.pk) for d in departments}
    assert any(row.metrics.due for row in rows)
    for row in rows:
        assert row.metrics == metrics_for_subject(Subject(department_id=int(row.key)), october)


# Last: the demo database (a module fixture) stays until the module ends.
def test_the_demo_departments_and_grid_workers_agree(demo_db, db):  # noqa: F811 (fixture)
    departments = OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("pk")
    workers = User.objects.filter(role_grants__role=Role.GRID_WORKER).order_by("pk")
    spans = demo_periods()[-6:]
    assert assert_peers_agree(Peers(tuple(departments.values_list("pk", flat=True)), True), spans)
    assert assert_peers_agree(Peers(tuple(workers.values_list("pk", flat=True)), False), spans)
