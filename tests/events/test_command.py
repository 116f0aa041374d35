"""Command across levels (跨层级指挥): take over, direct, urge and supervise.

Events are reported in village 1, so the village centre holds them; the township 1 and
county centres are above it, township 2 is out of scope. Every refusal leaves the event,
its trail, parts and clocks exactly as they were.
"""

from datetime import timedelta

import pytest

from tests.events.conftest import T0, snapshot
from wangge.errors import DomainError
from wangge.events.choices import State, Step
from wangge.events.clocks import next_check, pending_milestones
from wangge.events.models import CardLevel, Clock, Event, TrailEntry
from wangge.events.queries import available_actions
from wangge.events.services import perform
from wangge.events.trail import verify_trail
from wangge.supervision.board import board

LATER = T0 + timedelta(minutes=10)


def refused(event_id, status, code, action, actor, **fields):
    before = snapshot(event_id)
    with pytest.raises(DomainError) as caught:
        perform(event_id, action, actor, now=LATER, **fields)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert snapshot(event_id) == before


def running(event) -> list[Clock]:
    return list(Clock.objects.filter(event=event, stopped_at__isnull=True).order_by("pk"))


@pytest.fixture
def dispatched(cast, report):
    """An event accepted by the village centre and dispatched to the department at T0."""

    def make() -> Event:
        event = report()
        operator = cast["village_1_operator"]
        perform(event.pk, "accept", operator, now=T0)
        perform(event.pk, "dispatch", operator, now=T0, lead_department=cast.department.pk)
        return Event.objects.get(pk=event.pk)

    return make


def last_entry(event) -> TrailEntry:
    return TrailEntry.objects.filter(event=event).order_by("-sequence").first()


# ---------------------------------------------------------------- take over (提级办理)


@pytest.mark.parametrize("name", ["county_operator", "township_1_operator"])
def test_an_upper_centre_takes_over_a_village_event(cast, report, name):
    event = report()
    actor = cast[name]

    perform(event.pk, "take_over", actor, now=LATER, reason="跨村纠纷，提级统筹")

    event.refresh_from_db()
    assert (event.centre_id, event.current_unit_id) == (actor.unit_id, actor.unit_id)
    assert event.state == State.REPORTED
    entry = last_entry(event)
    assert (entry.action, entry.comment, entry.actor_unit_id) == (
        "take_over",
        "跨村纠纷，提级统筹",
        actor.unit_id,
    )
    assert entry.payload == {"from_centre": cast.village_1_centre.pk, "centre": actor.unit_id}
    [clock] = running(event)
    assert (clock.step, clock.unit_id, clock.started_at) == (Step.ACCEPT, actor.unit_id, LATER)
    old = Clock.objects.get(event=event, unit=cast.village_1_centre)
    assert old.stopped_at == LATER
    assert verify_trail([event.pk]) == []


def test_the_village_loses_the_taken_over_event_and_the_county_gains_it(cast, report):
    event = report()
    perform(event.pk, "take_over", cast["county_operator"], now=LATER, reason="县级统筹")
    event = Event.objects.select_related("centre", "category").get(pk=event.pk)
    village = [s.name for s in available_actions(event, cast["village_1_operator"])]
    county = [s.name for s in available_actions(event, cast["county_operator"])]
    assert "accept" not in village and "accept" in county
    refused(event.pk, 403, "forbidden", "accept", cast["village_1_operator"])


def test_a_village_operator_cannot_take_over_a_county_event(cast, report):
    event = report()
    perform(event.pk, "take_over", cast["county_operator"], now=LATER, reason="县级统筹")
    refused(event.pk, 403, "forbidden", "take_over", cast["village_1_operator"], reason="要回来")


def test_the_holding_centre_cannot_take_over_its_own_event(cast, report):
    event = report()
    refused(event.pk, 403, "forbidden", "take_over", cast["village_1_operator"], reason="本级")


def test_an_out_of_scope_township_cannot_take_over(cast, report):
    event = report()
    refused(event.pk, 403, "out_of_scope", "take_over", cast["township_2_operator"], reason="越权")


def test_a_take_over_needs_a_reason_and_a_centre_step(cast, report):
    event = report()
    refused(event.pk, 400, "missing_field", "take_over", cast["county_operator"], reason=" ")
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator, now=T0)
    perform(event.pk, "dispatch", operator, now=T0, lead_department=cast.department.pk)
    refused(event.pk, 409, "state_conflict", "take_over", cast["county_operator"], reason="晚了")


def test_an_accepted_event_taken_over_restarts_the_dispatch_clock(cast, report):
    event = report()
    perform(event.pk, "accept", cast["village_1_operator"], now=T0)
    perform(event.pk, "take_over", cast["county_operator"], now=LATER, reason="县级统筹")
    [clock] = running(event)
    assert (clock.step, clock.unit_id) == (Step.DISPATCH, cast.county_centre.pk)


# ---------------------------------------------------------------- direct (指派)


def test_the_county_directs_a_village_event_to_the_township(cast, report):
    event = report()
    perform(
        event.pk,
        "direct",
        cast["county_operator"],
        now=LATER,
        target_centre=cast.township_1_centre.pk,
        instruction="请镇里牵头处置",
    )
    event.refresh_from_db()
    assert event.centre_id == cast.township_1_centre.pk
    entry = last_entry(event)
    assert (entry.action, entry.comment) == ("direct", "请镇里牵头处置")
    assert entry.payload["from_centre"] == cast.village_1_centre.pk
    [clock] = running(event)
    assert (clock.step, clock.unit_id) == (Step.ACCEPT, cast.township_1_centre.pk)


@pytest.mark.parametrize("target", ["village_1_centre", "county_centre", "township_2_centre"])
def test_direct_only_to_another_centre_below_the_actor(cast, report, target):
    """Not the one holding it, not the actor's own level or above, not out of the region."""
    event = report()
    refused(
        event.pk,
        400,
        "invalid_field",
        "direct",
        cast["county_operator"],
        target_centre=getattr(cast, target).pk,
        instruction="请办理",
    )


def test_direct_needs_an_instruction_and_a_lower_centre_may_not_direct_up(cast, report):
    event = report()
    target = cast.township_1_centre.pk
    refused(event.pk, 400, "missing_field", "direct", cast["county_operator"], target_centre=target)
    perform(event.pk, "take_over", cast["county_operator"], now=T0, reason="县级统筹")
    refused(
        event.pk,
        403,
        "forbidden",
        "direct",
        cast["village_1_operator"],
        target_centre=target,
        instruction="请办理",
    )


# ---------------------------------------------------------------- urge (催办)


@pytest.mark.parametrize("name", ["county_operator", "leader"])
def test_an_upper_centre_or_a_leader_urges_without_moving_anything(cast, dispatched, name):
    event = dispatched()
    clocks = [(c.pk, c.due_at, c.card_level) for c in running(event)]

    perform(event.pk, "urge", cast[name], now=LATER, comment="请加快处置进度")

    after = Event.objects.get(pk=event.pk)
    assert (after.state, after.current_unit_id) == (State.DISPATCHED, cast.department.pk)
    assert [(c.pk, c.due_at, c.card_level) for c in running(event)] == clocks
    entry = last_entry(event)
    assert (entry.action, entry.comment) == ("urge", "请加快处置进度")
    assert entry.payload == {"unit": cast.department.pk}


def test_urging_is_refused_to_the_holder_below_and_out_of_scope(cast, report):
    event = report()
    refused(event.pk, 403, "forbidden", "urge", cast["village_1_operator"], comment="自己催自己")
    refused(event.pk, 403, "out_of_scope", "urge", cast["township_2_operator"], comment="越权")
    refused(event.pk, 400, "missing_field", "urge", cast["county_operator"])


# ---------------------------------------------------------------- supervise (督办)


def test_a_manual_supervision_raises_the_card_on_the_running_clock(cast, dispatched):
    event = dispatched()
    [clock] = running(event)

    perform(
        event.pk,
        "supervise",
        cast["county_operator"],
        now=LATER,
        level=CardLevel.YELLOW,
        reason="群众多次来电反映",
        due_days=2,
    )

    clock.refresh_from_db()
    assert clock.card_level == CardLevel.YELLOW
    ahead = [m.card for m in pending_milestones(clock, None) if m.card]
    assert ahead == [CardLevel.RED]  # the ladder goes on from the manual card
    assert clock.next_check_at == next_check(clock)  # the warning lights stay ahead
    entry = last_entry(event)
    assert (entry.action, entry.comment, entry.to_state) == (
        "supervise",
        "群众多次来电反映",
        State.DISPATCHED,
    )
    assert entry.payload["manual"] is True
    assert entry.payload["level"] == CardLevel.YELLOW
    assert entry.payload["clocks"] == [clock.pk]
    assert entry.payload["unit"] == cast.department.pk
    assert entry.payload["reply_due"] > LATER.isoformat()


def test_a_lower_manual_card_never_lowers_the_clock(cast, dispatched):
    event = dispatched()
    leader = cast["leader"]
    perform(event.pk, "supervise", leader, now=LATER, level=CardLevel.RED, reason="红牌")
    perform(event.pk, "supervise", leader, now=LATER, level=CardLevel.NORMAL, reason="再督")
    [clock] = running(event)
    assert clock.card_level == CardLevel.RED
    assert last_entry(event).payload["clocks"] == []


def test_supervision_is_refused_for_bad_input_and_the_wrong_people(cast, report):
    event = report()
    county = cast["county_operator"]
    refused(event.pk, 400, "invalid_field", "supervise", county, level="purple", reason="x")
    refused(event.pk, 400, "missing_field", "supervise", county, level=CardLevel.RED)
    refused(
        event.pk, 403, "forbidden", "supervise", cast["village_1_operator"], level="red", reason="x"
    )
    refused(
        event.pk,
        403,
        "out_of_scope",
        "supervise",
        cast["township_2_operator"],
        level="red",
        reason="x",
    )


def test_the_supervision_board_reads_a_manual_card_from_the_clock(cast, dispatched):
    """Supervision reads the manual card where events put it (docs/SUPERVISION.md)."""
    event = dispatched()
    perform(event.pk, "supervise", cast["leader"], now=LATER, level=CardLevel.YELLOW, reason="督")
    columns = {c.level: c for c in board(cast["county_operator"], LATER)}
    assert [i.clock.event_id for i in columns[CardLevel.YELLOW].items] == [event.pk]
    assert columns[CardLevel.NONE].count == 0


def test_a_leader_urges_and_supervises_through_the_api(cast, report, as_user):
    event = report()
    client = as_user("leader")
    path = f"/api/events/{event.pk}/actions"
    body = {"level": "red", "reason": "群众反映强烈", "due_days": 2}
    response = client.post(f"{path}/supervise", body, content_type="application/json")
    assert response.status_code == 200, response.content
    bad = client.post(f"{path}/supervise", {**body, "level": "x"}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_field")
    urged = client.post(f"{path}/urge", {"comment": "请尽快"}, content_type="application/json")
    assert urged.status_code == 200
    outsider = as_user("township_2_operator")
    refused = outsider.post(f"{path}/urge", {"comment": "越权"}, content_type="application/json")
    assert refused.status_code in (403, 404)
    actions = list(TrailEntry.objects.filter(event=event).values_list("action", flat=True))
    assert actions == ["report", "supervise", "urge"]
