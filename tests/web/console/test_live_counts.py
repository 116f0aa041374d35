"""The console's live counts: per state from the live-events index, overdue from the clocks.

`live_counts` counts overdue events from their running clocks without joining events, so
these tests hold it to the plain definition (a live event in scope with a running clock
past its deadline) for every operator, and check the rule that makes the shortcut exact:
every action into a final state stops all clocks of the event.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from tests.web.console.conftest import VILLAGE_2_POINT
from wangge.accounts.scope import restrict
from wangge.events.choices import State
from wangge.events.models import LIVE_STATES, Clock, Event
from wangge.events.queries import live_counts
from wangge.events.services import perform
from wangge.events.workflow import ACTIONS

OPERATORS = ["county_operator", "township_1_operator", "township_2_operator", "village_1_operator"]


def plain_counts(user, now) -> dict[str, int]:
    """The definition, read the slow way: live events in scope, joined to their clocks."""
    live = restrict(Event.objects.filter(state__in=LIVE_STATES), user, "region_code")
    counts = {state.value: 0 for state in LIVE_STATES}
    for row in live.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    late = Clock.objects.filter(
        event=OuterRef("pk"), stopped_at__isnull=True, paused_at__isnull=True, due_at__lt=now
    )
    counts["overdue"] = live.filter(Exists(late)).count()
    return counts


@pytest.fixture
def spread(cast, report, dispatched):
    """Live, overdue, final and closed events in both townships."""
    long_ago = timezone.now() - timedelta(days=10)
    report(title="一号镇刚上报")
    report(title="一号镇受理超期", now=long_ago)
    dispatched(title="一号镇处置超期", now=long_ago)
    rejected = report(title="一号镇超期后不予受理", now=long_ago)
    perform(rejected.pk, "reject", cast["village_1_operator"], reason="不属于受理范围")
    report(point=VILLAGE_2_POINT, title="二号镇刚上报")
    report(point=VILLAGE_2_POINT, title="二号镇受理超期", now=long_ago)
    report(point=VILLAGE_2_POINT, title="二号镇又一件受理超期", now=long_ago)


@pytest.mark.parametrize("name", OPERATORS)
def test_counts_agree_with_the_plain_definition_for_every_operator(cast, spread, name):
    now = timezone.now()
    assert live_counts(cast[name], now) == plain_counts(cast[name], now)


def test_a_township_operator_never_counts_another_township(cast, spread):
    now = timezone.now()
    one, two = (
        live_counts(cast["township_1_operator"], now),
        live_counts(cast["township_2_operator"], now),
    )
    county = live_counts(cast["county_operator"], now)
    assert (one[State.REPORTED], one[State.DISPATCHED], one["overdue"]) == (2, 1, 2)
    assert (two[State.REPORTED], two[State.DISPATCHED], two["overdue"]) == (3, 0, 2)
    assert county["overdue"] == one["overdue"] + two["overdue"] == 4
    assert county[State.REPORTED] == one[State.REPORTED] + two[State.REPORTED]


def test_an_event_with_two_late_clocks_is_counted_once(cast, report):
    event = report(now=timezone.now() - timedelta(days=10))
    first = Clock.objects.get(event=event)
    Clock.objects.create(
        event=event,
        step=first.step,
        unit_id=first.unit_id,
        started_at=first.started_at,
        due_at=first.due_at,
    )
    assert live_counts(cast["county_operator"], timezone.now())["overdue"] == 1


def test_paused_and_stopped_clocks_are_not_overdue(cast, report):
    paused, stopped = (report(now=timezone.now() - timedelta(days=10)) for _ in range(2))
    Clock.objects.filter(event=paused).update(paused_at=timezone.now())
    Clock.objects.filter(event=stopped).update(stopped_at=timezone.now())
    assert live_counts(cast["county_operator"], timezone.now())["overdue"] == 0


def test_every_action_into_a_final_state_stops_all_clocks():
    """The state table's promise that lets the overdue count skip the events' states."""
    final = [s for s in ACTIONS.values() if s.to_state and s.to_state not in LIVE_STATES]
    assert {s.name for s in final} >= {"reject", "merge", "withdraw", "check_pass", "answer"}
    assert all(s.clocks == "stop all" for s in final), [(s.name, s.clocks) for s in final]


def _close_by(action: str, event: Event, cast, duplicate: Event) -> None:
    operator = cast["village_1_operator"]
    if action == "reject":
        perform(event.pk, action, operator, reason="不属于受理范围")
    elif action == "merge":
        perform(event.pk, action, operator, target_event=duplicate.pk)
    elif action == "withdraw":
        perform(event.pk, action, AnonymousUser(), tracking_code=event.tracking_code)
    elif action == "answer":
        event.category.direct_answer = True
        event.category.save()
        perform(event.pk, action, operator, answer="已答复")
    else:
        handler = cast["department_handler"]
        perform(event.pk, "sign", handler)
        perform(event.pk, "submit_result", handler, result="已清理")
        perform(event.pk, "check_pass", operator)


@pytest.mark.parametrize("action", ["reject", "merge", "withdraw", "answer", "check_pass"])
def test_an_overdue_event_leaving_the_live_states_leaves_the_overdue_count(
    cast, report, dispatched, action
):
    long_ago = timezone.now() - timedelta(days=10)
    event = dispatched(now=long_ago) if action == "check_pass" else report(now=long_ago)
    duplicate = report(title="重复上报")
    operator = cast["township_1_operator"]
    assert live_counts(operator, timezone.now())["overdue"] == 1
    _close_by(action, event, cast, duplicate)
    assert not Clock.objects.filter(event=event, stopped_at__isnull=True).exists()
    assert live_counts(operator, timezone.now()) == plain_counts(operator, timezone.now())
    assert live_counts(operator, timezone.now())["overdue"] == 0
