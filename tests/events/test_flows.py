"""Whole paths through the loop: levels, departments, verification, reopening, pausing."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.events.conftest import T0, VILLAGE_2_POINT, snapshot
from wangge.errors import DomainError
from wangge.events.choices import Channel, PartRole, Rating, State, Step
from wangge.events.models import Clock, Event, EventPart
from wangge.events.services import perform
from wangge.events.trail import verify_trail


def at(hours: float):
    return T0 + timedelta(hours=hours)


def refused(event_id, status, code, *args, **kwargs):
    before = snapshot(event_id)
    with pytest.raises(DomainError) as caught:
        perform(event_id, *args, **kwargs)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert snapshot(event_id) == before


def clocks(event):
    rows = Clock.objects.filter(event=event).order_by("pk")
    return [(c.step, c.unit_id, c.stopped_at is not None) for c in rows]


def to_handling(event, cast, **dispatch):
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator, now=at(0.1))
    perform(event.pk, "dispatch", operator, now=at(0.2), **dispatch)
    perform(event.pk, "sign", cast["department_handler"], now=at(0.3))


def to_closed(event, cast):
    to_handling(event, cast, lead_department=cast.department.pk)
    perform(event.pk, "submit_result", cast["department_handler"], now=at(1), result="已清理")
    perform(event.pk, "check_pass", cast["village_1_operator"], now=at(2))


def test_the_full_loop_with_an_assisting_department_and_rework(cast, outsiders, report):
    event = report()
    dept, helper = cast.department, outsiders["other_department"]
    helper_handler = outsiders["other_handler"]
    operator, handler = cast["village_1_operator"], cast["department_handler"]
    perform(event.pk, "accept", operator, now=at(0.1))
    perform(
        event.pk,
        "dispatch",
        operator,
        now=at(0.2),
        lead_department=dept.pk,
        assist_departments=[helper.pk],
        instruction="请联合处置",
    )
    parts = {p.department_id: p.role for p in EventPart.objects.filter(event=event)}
    assert parts == {dept.pk: PartRole.LEAD, helper.pk: PartRole.ASSIST}

    assert perform(event.pk, "sign", helper_handler, now=at(0.3)).event.state == State.DISPATCHED
    assert perform(event.pk, "sign", handler, now=at(0.4)).event.state == State.HANDLING
    refused(event.pk, 409, "already_signed", "sign", handler, now=at(0.5))
    result = perform(event.pk, "submit_result", helper_handler, now=at(1), result="配合清理")
    assert result.event.state == State.HANDLING
    result = perform(event.pk, "submit_result", handler, now=at(2), result="已清理")
    assert (result.event.state, result.event.current_unit_id) == (State.SUBMITTED, operator.unit_id)

    failed = perform(event.pk, "check_fail", cast["grid_worker_1"], now=at(3), reason="仍有摊位")
    assert (failed.event.state, failed.event.current_unit_id) == (State.HANDLING, dept.pk)
    perform(event.pk, "submit_result", handler, now=at(4), result="已彻底清理")
    closed = perform(event.pk, "check_pass", operator, now=at(5)).event
    assert (closed.state, closed.closed_at) == (State.CLOSED, at(5))
    perform(event.pk, "evaluate", None, tracking_code=event.tracking_code, rating=Rating.SATISFIED)

    centre = cast.village_1_centre.pk
    assert clocks(event) == [
        (Step.ACCEPT, centre, True),
        (Step.DISPATCH, centre, True),
        (Step.SIGN, dept.pk, True),
        (Step.HANDLE, dept.pk, True),
        (Step.CHECK, centre, True),
        (Step.HANDLE, dept.pk, True),
        (Step.CHECK, centre, True),
    ]
    assert Event.objects.get(pk=event.pk).rating == Rating.SATISFIED
    assert verify_trail() == []


def test_escalation_climbs_village_township_county(cast, report):
    event = report()
    perform(event.pk, "escalate", cast["village_1_operator"], now=at(0.1), reason="村级无法解决")
    assert Event.objects.get(pk=event.pk).centre == cast.township_1_centre
    refused(event.pk, 403, "forbidden", "accept", cast["village_1_operator"])
    perform(event.pk, "escalate", cast["township_1_operator"], now=at(0.2), reason="镇级无法解决")
    event.refresh_from_db()
    assert (event.centre, event.current_unit, event.state) == (
        cast.county_centre,
        cast.county_centre,
        State.REPORTED,
    )
    refused(event.pk, 409, "no_higher_centre", "escalate", cast["county_operator"], reason="再上报")
    perform(event.pk, "accept", cast["county_operator"], now=at(0.3))
    units = [cast.village_1_centre.pk, cast.township_1_centre.pk, cast.county_centre.pk]
    accept_clocks = [(Step.ACCEPT, unit, True) for unit in units]
    assert clocks(event) == [*accept_clocks, (Step.DISPATCH, cast.county_centre.pk, False)]


def test_delegation_goes_down_to_a_covering_lower_centre_only(cast, report):
    event = report(channel=Channel.HOTLINE)
    county = cast["county_operator"]
    assert event.centre == cast.county_centre
    for target in (cast.township_2_centre, cast.county_centre, cast.department):
        refused(event.pk, 400, "invalid_field", "delegate", county, target_centre=target.pk)
    perform(event.pk, "delegate", county, now=at(0.1), target_centre=cast.township_1_centre.pk)
    township = cast["township_1_operator"]
    refused(
        event.pk, 400, "invalid_field", "delegate", township, target_centre=cast.county_centre.pk
    )
    perform(event.pk, "delegate", township, now=at(0.2), target_centre=cast.village_1_centre.pk)
    accepted = perform(event.pk, "accept", cast["village_1_operator"], now=at(0.3)).event
    assert (accepted.state, accepted.centre) == (State.ACCEPTED, cast.village_1_centre)


def test_a_category_needing_verification_is_verified_before_dispatch(cast, categories, report):
    event = report(category=categories.hazard)
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator, now=at(0.1))
    dispatch = {"lead_department": cast.department.pk}
    refused(event.pk, 409, "verification_required", "dispatch", operator, **dispatch)
    assert perform(event.pk, "request_verification", operator).event.state == State.VERIFYING
    refused(event.pk, 403, "out_of_scope", "verify", cast["grid_worker_2"], findings="属实")
    perform(event.pk, "verify", cast["grid_worker_1"], findings="现场确有隐患")
    assert perform(event.pk, "dispatch", operator, **dispatch).event.state == State.DISPATCHED


def test_an_unsatisfied_rating_reopens_once_only(cast, report):
    event = report()
    to_closed(event, cast)
    code = event.tracking_code
    refused(
        event.pk,
        400,
        "invalid_field",
        "evaluate",
        None,
        tracking_code=code,
        rating=Rating.SATISFIED,
        reopen=True,
    )
    reopened = perform(
        event.pk, "evaluate", None, tracking_code=code, rating=Rating.UNSATISFIED, reopen=True
    ).event
    assert (reopened.state, reopened.reopen_count, reopened.rating) == (State.HANDLING, 1, "")
    assert reopened.closed_at is None
    perform(event.pk, "submit_result", cast["department_handler"], result="重新处置")
    perform(event.pk, "check_pass", cast["village_1_operator"])
    refused(
        event.pk,
        409,
        "reopen_limit",
        "evaluate",
        None,
        tracking_code=code,
        rating=Rating.VERY_UNSATISFIED,
        reopen=True,
    )
    perform(event.pk, "evaluate", None, tracking_code=code, rating=Rating.VERY_UNSATISFIED)
    refused(event.pk, 409, "reopen_limit", "reopen", cast["village_1_operator"], reason="不满意")
    refused(
        event.pk, 409, "already_rated", "evaluate", None, tracking_code=code, rating="satisfied"
    )


def test_a_policy_question_is_answered_and_rated_by_return_visit(cast, categories, report):
    county = cast["county_operator"]
    street = report(channel=Channel.HOTLINE)
    refused(street.pk, 409, "answer_not_allowed", "answer", county, answer="请咨询执法局")
    event = report(channel=Channel.HOTLINE, category=categories.policy)
    closed = perform(event.pk, "answer", county, answer="可凭身份证到便民服务中心办理").event
    assert (closed.state, closed.closed_at is not None) == (State.CLOSED, True)
    perform(event.pk, "evaluate", county, rating=Rating.BASICALLY_SATISFIED)
    assert Event.objects.get(pk=event.pk).rating == Rating.BASICALLY_SATISFIED

    app_event = report(category=categories.policy)
    operator = cast["village_1_operator"]
    perform(app_event.pk, "answer", operator, answer="可凭身份证办理")
    refused(app_event.pk, 403, "forbidden", "evaluate", operator, rating=Rating.SATISFIED)


def test_suspension_pauses_clocks_and_resume_returns_to_the_previous_state(cast, report):
    event = report()
    to_handling(event, cast, lead_department=cast.department.pk)
    handle = Clock.objects.get(event=event, step=Step.HANDLE)
    operator = cast["village_1_operator"]
    perform(event.pk, "suspend", operator, now=at(1), reason="等待鉴定结论")
    assert Clock.objects.get(pk=handle.pk).paused_at == at(1)
    refused(
        event.pk, 409, "state_conflict", "submit_result", cast["department_handler"], result="x"
    )
    resumed = perform(event.pk, "resume", operator, now=at(3)).event
    assert (resumed.state, resumed.suspended_from) == (State.HANDLING, "")
    assert Clock.objects.get(pk=handle.pk).due_at == handle.due_at + timedelta(hours=2)


def test_an_approved_extension_moves_the_handling_deadline(cast, report):
    event = report()
    to_handling(event, cast, lead_department=cast.department.pk)
    handler, operator = cast["department_handler"], cast["village_1_operator"]
    due = Clock.objects.get(event=event, step=Step.HANDLE).due_at
    perform(event.pk, "request_extension", handler, days=2, reason="需协调")
    refused(event.pk, 409, "extension_pending", "request_extension", handler, days=1, reason="再")
    perform(event.pk, "approve_extension", operator)
    assert Clock.objects.get(event=event, step=Step.HANDLE).due_at > due
    refused(event.pk, 409, "no_pending_extension", "deny_extension", operator, reason="无")


def test_shelving_needs_a_leader_and_unshelving_resumes(cast, outsiders, report):
    event = report()
    to_handling(event, cast, lead_department=cast.department.pk)
    leader = cast["leader"]
    refused(event.pk, 409, "no_pending_shelve", "approve_shelve", leader)
    perform(event.pk, "request_shelve", cast["department_handler"], explanation="历史遗留")
    refused(event.pk, 403, "out_of_scope", "approve_shelve", outsiders["t2_leader"])
    shelved = perform(event.pk, "approve_shelve", leader, now=at(1)).event
    assert (shelved.state, shelved.suspended_from) == (State.SHELVED, State.HANDLING)
    assert Clock.objects.get(event=event, step=Step.HANDLE).paused_at == at(1)
    assert perform(event.pk, "unshelve", leader, now=at(2)).event.state == State.HANDLING


def test_a_department_return_sends_the_event_back_to_the_centre(cast, report):
    event = report()
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator)
    perform(event.pk, "dispatch", operator, lead_department=cast.department.pk)
    returned = perform(event.pk, "return", cast["department_handler"], reason="非本部门职责").event
    assert (returned.state, returned.current_unit_id) == (State.ACCEPTED, operator.unit_id)
    assert not EventPart.objects.filter(event=event).exists()


def test_merge_needs_another_live_event_in_scope(cast, report):
    event, duplicate = report(), report()
    far = report(point=VILLAGE_2_POINT)
    operator = cast["village_1_operator"]
    for target in (event, far):
        refused(event.pk, 400, "invalid_field", "merge", operator, target_event=target.pk)
    merged = perform(event.pk, "merge", operator, target_event=duplicate.pk).event
    assert (merged.state, merged.merged_into_id) == (State.MERGED, duplicate.pk)
    assert not Clock.objects.filter(event=event, stopped_at__isnull=True).exists()


def test_unknown_actions_events_and_fields_are_refused(cast, report):
    event = report()
    operator = cast["village_1_operator"]
    with pytest.raises(DomainError) as caught:
        perform(event.pk, "report", operator)
    assert caught.value.code == "unknown_action"
    with pytest.raises(DomainError) as caught:
        perform(event.pk + 1000, "accept", operator)
    assert (caught.value.status, caught.value.code) == (404, "event_not_found")
    refused(event.pk, 400, "invalid_field", "accept", operator, colour="red")
    refused(event.pk, 400, "invalid_field", "reject", operator, reason=42)


def test_the_reporter_acts_by_tracking_code_or_own_account(cast, report):
    by_code = report()
    lowered = by_code.tracking_code.lower()
    perform(by_code.pk, "withdraw", AnonymousUser(), tracking_code=lowered, reason="已解决")
    assert Event.objects.get(pk=by_code.pk).state == State.WITHDRAWN

    citizen = cast["citizen"]
    own = report(reporter=citizen)
    refused(own.pk, 403, "forbidden", "withdraw", cast["grid_worker_1"])
    entry = perform(own.pk, "withdraw", citizen).entry
    assert (entry.actor, entry.to_state) == (citizen, State.WITHDRAWN)
