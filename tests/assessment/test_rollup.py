"""The daily rollup answers exactly what the per-event queries answer.

Every test compares `metrics_for_subject` through the rollup with the same call through
the per-event queries, over region subjects at every level and periods that start and
end on arbitrary days, so that any count the rollup keys by the wrong day, the wrong
village or the wrong state shows up as a difference.
"""

import io
import random
from datetime import date, timedelta

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.assessment.conftest import at
from tests.assessment.test_metrics_through_the_workflow import Loop
from tests.assessment.test_metrics_through_the_workflow import at as at_hours
from tests.events.conftest import categories, report  # noqa: F401 (fixtures)
from tests.jurisdiction import COUNTY, TOWNSHIP_1, TOWNSHIP_2, VILLAGE_1, VILLAGE_2
from wangge.assessment.metrics import (
    Period,
    Subject,
    build_rollup,
    metrics_for_subject,
    refresh_rollup,
    region_prefix,
)
from wangge.assessment.models import MetricsDay, MetricsRepeat
from wangge.events.choices import Channel, Rating, State, Step
from wangge.events.models import CardLevel, Category, Clock
from wangge.events.services import perform
from wangge.supervision.sweep import run_sweep

STATES = [State.CLOSED] * 6 + [
    State.REPORTED,
    State.ACCEPTED,
    State.DISPATCHED,
    State.HANDLING,
    State.SUBMITTED,
    State.SUSPENDED,
    State.SHELVED,
    State.REJECTED,
    State.MERGED,
    State.WITHDRAWN,
]
FLOW = ("dispatch", "return", "approve_shelve", "accept", "supervise")


def both_ways(subject: Subject, period: Period) -> tuple[dict, dict]:
    rolled = metrics_for_subject(subject, period).as_dict()
    per_event = metrics_for_subject(subject, period, use_rollup=False).as_dict()
    return rolled, per_event


def periods(first: date, last: date, rng: random.Random, extra: int = 12) -> list[Period]:
    """Whole months, single days, and random spans (some crossing month ends)."""
    chosen = [Period(date(2026, m, 1), date(2026, m + 1, 1) - timedelta(days=1)) for m in (9, 10)]
    chosen.append(Period(first, last))
    span = (last - first).days
    for _ in range(extra):
        a = first + timedelta(days=rng.randrange(span))
        chosen.append(Period(a, a + timedelta(days=rng.randrange(0, 20))))
    return chosen


def assert_agree(subjects: list[Subject], spans: list[Period]) -> int:
    """Compare every subject over every period; the number of non-zero figures seen."""
    nonzero = 0
    for subject in subjects:
        for period in spans:
            rolled, per_event = both_ways(subject, period)
            assert rolled == per_event, (subject, period)
            nonzero += sum(1 for v in per_event.values() if isinstance(v, int) and v)
    return nonzero


def random_history(build, rng: random.Random, count: int) -> None:
    """Events in every state over September to November, with clocks, cards and trails
    (dispatches, returns and shelvings repeated on other days), hotline and dispute cases."""
    dispute = Category.objects.create(code="dispute", name="矛盾纠纷")
    grids = ["t1_north", "t1_south", "t2_north", "t2_south"]
    for _ in range(count):
        state = rng.choice(STATES)
        created = at("2026-09-01", 8) + timedelta(hours=rng.randrange(0, 24 * 85))
        closed = None
        if state == State.CLOSED:
            closed = created + timedelta(hours=rng.randrange(1, 24 * 20))
        rating = rng.choice([*Rating.values, "", ""]) if closed else ""
        event = build.event(
            state=state,
            created=created,
            closed=closed,
            grid=rng.choice(grids),
            channel=rng.choice([Channel.HOTLINE, Channel.PUBLIC_APP, Channel.GRID_WORKER]),
            category=dispute if rng.random() < 0.2 else build.category,
            self_handled=rng.random() < 0.1,
            rating=rating,
        )
        for step in (Step.ACCEPT, Step.HANDLE)[: rng.randrange(1, 3)]:
            due = created + timedelta(hours=rng.randrange(1, 24 * 15))
            stopped = None if closed is None else min(closed, due + timedelta(hours=30))
            if rng.random() < 0.3:
                stopped = None if closed is None else due + timedelta(hours=rng.randrange(1, 40))
            card = rng.choice([CardLevel.NONE, CardLevel.NONE, CardLevel.YELLOW, CardLevel.RED])
            late = stopped is None or stopped > due
            build.clock(event, due=due, stopped=stopped, step=step, card=card if late else "none")
        when = created
        for _ in range(rng.randrange(0, 5)):
            when += timedelta(hours=rng.randrange(1, 24 * 4))
            build.trail(event, rng.choice(FLOW), when)


def test_rebuilt_rollup_equals_the_per_event_figures(build):
    random_history(build, random.Random(7), 160)
    build_rollup()
    subjects = [
        Subject(code_prefix=region_prefix(code))
        for code in (COUNTY, TOWNSHIP_1, TOWNSHIP_2, VILLAGE_1, VILLAGE_2)
    ]
    subjects.append(Subject())
    spans = periods(date(2026, 9, 1), date(2026, 11, 30), random.Random(8), extra=8)
    assert assert_agree(subjects, spans) > 100
    assert MetricsRepeat.objects.exists()  # the history does repeat actions on later days


def test_without_a_build_the_per_event_queries_answer(build):
    e = build.event(closed=at("2026-10-03"))
    build.trail(e, "dispatch", at("2026-10-02"))
    period = Period(date(2026, 10, 1), date(2026, 10, 31))
    county = Subject(code_prefix=region_prefix(COUNTY))
    assert refresh_rollup() is False
    rolled, per_event = both_ways(county, period)
    assert rolled == per_event
    assert rolled["closed"] == 1 and rolled["dispatched"] == 1
    assert not MetricsDay.objects.exists()


def test_a_rollup_not_refreshed_would_be_stale(build):
    """The comparison can fail: rows written behind the rollup's back are not in it until
    their trail entry is read, and a refresh reads it."""
    period = Period(date(2026, 10, 1), date(2026, 10, 31))
    county = Subject(code_prefix=region_prefix(COUNTY))
    build_rollup()
    e = build.event(closed=at("2026-10-03"))
    assert period_closed_in_rollup(period) == 0
    build.trail(e, "check_pass", at("2026-10-03"))
    rolled, per_event = both_ways(county, period)  # the rollup path refreshes first
    assert rolled == per_event and rolled["closed"] == 1
    assert period_closed_in_rollup(period) == 1


def period_closed_in_rollup(period: Period) -> int:
    rows = MetricsDay.objects.filter(day__gte=period.start, day__lte=period.end)
    return sum(rows.values_list("closed", flat=True))


def test_a_change_of_the_dispute_tree_rebuilds(build):
    period = Period(date(2026, 10, 1), date(2026, 10, 31))
    county = Subject(code_prefix=region_prefix(COUNTY))
    build.event(closed=at("2026-10-03"))
    build_rollup()
    assert both_ways(county, period)[0]["dispute_closed"] == 0
    build.category.name = "矛盾纠纷"  # now the dispute root, with its events
    build.category.save()
    rolled, per_event = both_ways(county, period)
    assert rolled == per_event and rolled["dispute_closed"] == 1


def test_an_idle_refresh_reads_only_the_unsettled_trail(build):
    random_history(build, random.Random(3), 30)
    build_rollup()
    refresh_rollup()
    with CaptureQueriesContext(connection) as captured:
        assert refresh_rollup() is True
    written = [q["sql"] for q in captured if q["sql"].startswith(("INSERT", "DELETE", "UPDATE"))]
    assert written == []
    assert len(captured) <= 5  # dispute tree, savepoint, state row, unsettled ids, release


def test_workflow_changes_after_the_build_are_read_by_a_refresh(
    cast,
    categories,  # noqa: F811
    report,  # noqa: F811
):
    """Built before any event exists; every later change arrives through the trail."""
    build_rollup()
    loop = Loop(cast)
    closed = [report(now=at_hours(0)) for _ in range(3)]
    for n, event in enumerate(closed):
        loop.to_handling(event, accept_at=0.5 * n)
        loop.finish(event, 2 + n, 3 + n)
    perform(
        closed[0].pk, "evaluate", None, tracking_code=closed[0].tracking_code, rating="satisfied"
    )
    evaluate = {"tracking_code": closed[1].tracking_code, "rating": Rating.UNSATISFIED}
    perform(closed[1].pk, "evaluate", None, now=at_hours(30), reopen=True, **evaluate)
    returned = report(now=at_hours(1))
    perform(returned.pk, "accept", loop.operator, now=at_hours(1.5))
    dispatch = {"lead_department": loop.department}
    perform(returned.pk, "dispatch", loop.operator, now=at_hours(2), **dispatch)
    perform(returned.pk, "return", loop.handler, now=at_hours(26), reason="不属本部门")
    perform(returned.pk, "dispatch", loop.operator, now=at_hours(50), **dispatch)
    hotline = report(now=at_hours(3), channel=Channel.HOTLINE, category=categories.policy)
    perform(hotline.pk, "answer", cast["county_operator"], now=at_hours(3.2), answer="可办理")
    rejected = report(now=at_hours(4))
    perform(rejected.pk, "reject", loop.operator, now=at_hours(4.1), reason="重复上报")
    left = report(now=at_hours(5))
    loop.to_handling(left)
    # Carded, read into the rollup, then its deadline moved by an extension: the card
    # leaves the day it was counted on, a day no trail entry names.
    moved = report(now=at_hours(6))
    loop.to_handling(moved, accept_at=6.1)
    assert sum(run_sweep(at_hours(24 * 11)).cards.values()) > 0
    county = Subject(code_prefix=region_prefix(COUNTY))
    whole_march = Period(date(2026, 3, 1), date(2026, 3, 31))
    rolled = both_ways(county, whole_march)[0]
    assert rolled["yellow_cards"] + rolled["red_cards"] > 0
    carded = Clock.objects.get(event=moved, step=Step.HANDLE)
    assert carded.card_level in (CardLevel.YELLOW, CardLevel.RED)
    carded_day = carded.due_at
    extension = {"days": 5, "reason": "需协调"}
    perform(moved.pk, "request_extension", loop.handler, now=at_hours(24 * 11), **extension)
    perform(moved.pk, "approve_extension", loop.operator, now=at_hours(24 * 11 + 1))
    assert Clock.objects.get(event=moved, step=Step.HANDLE).due_at.date() > carded_day.date()
    assert sum(run_sweep(at_hours(24 * 12)).cards.values()) > 0

    assert clock_copies_out_of_step() == []

    march = [Period(date(2026, 3, d), date(2026, 3, d2)) for d, d2 in ((1, 31), (2, 2), (3, 9))]
    march += [Period(carded_day.date(), carded_day.date())]
    rolled, per_event = both_ways(county, march[0])
    assert rolled == per_event
    # closed: two of the three loops (one was reopened) and the hotline answer
    assert (rolled["closed"], rolled["dispatched"], rolled["returned"]) == (3, 6, 1)
    assert rolled["yellow_cards"] + rolled["red_cards"] > 0
    assert assert_agree([county, Subject(code_prefix=region_prefix(VILLAGE_1))], march) > 20


def clock_copies_out_of_step() -> list[int]:
    """Clocks whose copies of their event's state, closure, acceptance or category differ."""
    wrong = []
    for clock in Clock.objects.select_related("event"):
        event = clock.event
        copies = (clock.event_state, clock.event_closed_at, clock.event_accepted)
        if copies != (event.state, event.closed_at, event.accepted_at is not None):
            wrong.append(clock.pk)
        elif clock.event_category_id != event.category_id:
            wrong.append(clock.pk)
    return wrong


def test_a_card_whose_deadline_moved_leaves_its_old_day(build):
    """An extension moves a carded deadline to a later day; the day it was counted on is
    named by no trail entry, and must still lose the card."""
    event = build.event(state=State.HANDLING, created=at("2026-10-01"))
    clock = build.clock(event, due=at("2026-10-09"), card=CardLevel.YELLOW)
    build_rollup()
    county = Subject(code_prefix=region_prefix(COUNTY))
    old_day = Period(date(2026, 10, 9), date(2026, 10, 9))
    assert both_ways(county, old_day)[0]["yellow_cards"] == 1
    clock.due_at = at("2026-10-20")
    clock.save(update_fields=["due_at"])
    build.trail(event, "approve_extension", at("2026-10-15"))
    for period in (old_day, Period(date(2026, 10, 20), date(2026, 10, 20))):
        rolled, per_event = both_ways(county, period)
        assert rolled == per_event
    assert both_ways(county, old_day)[0]["yellow_cards"] == 0


def test_the_command_builds_then_refreshes(build):
    event = build.event(closed=at("2026-10-03"))
    build.trail(event, "check_pass", at("2026-10-03"))
    first, second = io.StringIO(), io.StringIO()
    call_command("metrics_rollup", stdout=first)
    assert "重建" in first.getvalue()
    assert period_closed_in_rollup(Period(date(2026, 10, 1), date(2026, 10, 31))) == 1
    call_command("metrics_rollup", stdout=second)
    assert "更新" in second.getvalue()
