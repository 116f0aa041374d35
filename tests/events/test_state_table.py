"""Every action of the state table, allowed and refused, parametrised from workflow.ACTIONS.

Each action is set up by putting an event straight into one of its from-states with the
holder arrangement that state implies (the setup writes rows directly; the action under
test goes through perform). Refusals must leave the event, its trail, parts and clocks
exactly as they were.
"""

from datetime import timedelta

import pytest

from tests.events.conftest import T0, snapshot
from wangge.accounts.models import Role
from wangge.errors import DomainError
from wangge.events.choices import PartRole, Rating, State
from wangge.events.models import Event, EventPart, TrailEntry
from wangge.events.services import perform
from wangge.events.trail import verify_trail
from wangge.events.transitions import TRANSITIONS
from wangge.events.workflow import ACTIONS, Holder

ACTION_NAMES = [name for name, spec in ACTIONS.items() if not spec.intake]
LATER = T0 + timedelta(hours=1)

# Valid input per action; callables get the test's setup (cast, event, other event).
FIELDS = {
    "accept": {},
    "reject": {"reason": "不属于受理范围"},
    "merge": {"target_event": lambda s: s["other"].pk},
    "withdraw": {"reason": "已自行解决"},
    "request_verification": {"instruction": "请现场核实"},
    "verify": {"findings": "情况属实"},
    "dispatch": {"lead_department": lambda s: s["cast"].department.pk, "instruction": "请处置"},
    "delegate": {"target_centre": lambda s: s["cast"].village_1_centre.pk},
    "escalate": {"reason": "本级无法解决"},
    "sign": {},
    "return": {"reason": "不属于本部门职责"},
    "submit_result": {"result": "已清理占道摊位"},
    "check_pass": {},
    "check_fail": {"reason": "现场仍有摊位"},
    "evaluate": {"rating": Rating.SATISFIED},
    "reopen": {"reason": "群众不满意"},
    "request_extension": {"days": 3, "reason": "需协调多方"},
    "approve_extension": {},
    "deny_extension": {"reason": "理由不充分"},
    "suspend": {"reason": "等待司法鉴定"},
    "resume": {},
    "request_shelve": {"explanation": "历史遗留问题，暂不具备解决条件"},
    "approve_shelve": {},
    "deny_shelve": {"reason": "仍具备解决条件"},
    "unshelve": {},
    "answer": {"answer": "请携带身份证到便民服务中心办理"},
    "take_over": {"reason": "涉及多个乡镇，县级统筹"},
    "direct": {
        "target_centre": lambda s: s["cast"].village_1_centre.pk,
        "instruction": "请村里先行处置",
    },
    "urge": {"comment": "请尽快办理"},
    "supervise": {"level": "yellow", "reason": "群众多次反映", "due_days": 3},
    "reclassify": {
        "category": lambda s: s["categories"].hazard.pk,
        "priority": "urgent",
        "reason": "实为安全隐患",
    },
}

# Where the table gives a rule instead of a state: the result for the setup below.
RULE_RESULTS = {
    "delegate": State.REPORTED,
    "escalate": State.REPORTED,
    "take_over": State.REPORTED,
    "direct": State.REPORTED,
    "urge": State.REPORTED,
    "supervise": State.REPORTED,
    "sign": State.HANDLING,
    "submit_result": State.SUBMITTED,
    "check_fail": State.HANDLING,
    "evaluate": State.CLOSED,
    "reopen": State.HANDLING,
    "request_extension": State.HANDLING,
    "approve_extension": State.HANDLING,
    "deny_extension": State.HANDLING,
    "resume": State.ACCEPTED,
    "request_shelve": State.ACCEPTED,
    "deny_shelve": State.ACCEPTED,
    "unshelve": State.ACCEPTED,
    "reclassify": State.REPORTED,
}

# Preconditions an action's guards need beyond its from-state.
PRECONDITIONS = {
    "approve_extension": {"pending_extension_days": 3},
    "deny_extension": {"pending_extension_days": 3},
    "approve_shelve": {"shelve_requested": True},
    "deny_shelve": {"shelve_requested": True},
    "reopen": {"rating": Rating.UNSATISFIED},
}

OUTSIDERS = {
    Role.OPERATOR: "township_2_operator",
    Role.DEPARTMENT_HANDLER: "t2_handler",
    Role.GRID_WORKER: "grid_worker_2",
    Role.LEADER: "t2_leader",
}


def place(event: Event, state: str, cast, action: str, categories) -> None:
    """Put the event into `state` with the parts and holder that state implies."""
    dept = cast.department
    lead_signed = {State.HANDLING: True, State.SUBMITTED: True, State.CLOSED: True}
    if state in (State.DISPATCHED, *lead_signed, State.SUSPENDED, State.SHELVED):
        signed = T0 if state != State.DISPATCHED else None
        EventPart.objects.create(event=event, department=dept, role=PartRole.LEAD, signed_at=signed)
    holder = dept if state in (State.DISPATCHED, State.HANDLING) else event.centre
    changes = {"state": state, "current_unit": holder, **PRECONDITIONS.get(action, {})}
    if state in (State.SUSPENDED, State.SHELVED):
        changes["suspended_from"] = State.ACCEPTED
    if state == State.CLOSED:
        changes["closed_at"] = T0
    if action == "answer":
        changes["category"] = categories.policy
    if action in ("delegate", "direct"):
        changes.update(centre=cast.township_1_centre, current_unit=cast.township_1_centre)
    Event.objects.filter(pk=event.pk).update(**changes)


def actor_for(holder: Holder, cast, event: Event):
    """(actor, tracking_code) of the rightful holder in the setup above."""
    if holder == Holder.REPORTER:
        return None, event.tracking_code
    names = {
        Holder.LEAD_DEPARTMENT: "department_handler",
        Holder.PART_DEPARTMENT: "department_handler",
        Holder.GRID_WORKER: "grid_worker_1",
        Holder.LEADER: "leader",
        Holder.UPPER_CENTRE: "county_operator",
    }
    if holder == Holder.CENTRE:
        centre = Event.objects.get(pk=event.pk).centre
        return next(u for u in cast.users.values() if u.unit_id == centre.pk), None
    return cast[names[holder]], None


def arrange(action, state, cast, categories, report):
    event = report()
    other = report() if action == "merge" else None
    place(event, state, cast, action, categories)
    setup = {"cast": cast, "event": event, "other": other, "categories": categories}
    fields = {k: v(setup) if callable(v) else v for k, v in FIELDS[action].items()}
    actor, code = actor_for(ACTIONS[action].holders[0], cast, event)
    return event, actor, code, fields


def refused(event_id, status, code, **kwargs):
    before = snapshot(event_id)
    with pytest.raises(DomainError) as caught:
        perform(event_id, now=LATER, **kwargs)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert snapshot(event_id) == before


def test_every_action_has_a_transition_and_test_data():
    assert set(TRANSITIONS) == set(ACTION_NAMES)
    assert set(FIELDS) == set(ACTION_NAMES)
    for name in ACTION_NAMES:
        required = {f.name for f in ACTIONS[name].required_fields}
        assert required <= set(FIELDS[name]), name
        assert (ACTIONS[name].to_state is None) == (name in RULE_RESULTS), name


@pytest.mark.parametrize("action", ACTION_NAMES)
def test_the_holder_may_act(action, cast, categories, report):
    spec = ACTIONS[action]
    event, actor, code, fields = arrange(action, spec.from_states[0], cast, categories, report)
    before = Event.objects.get(pk=event.pk)

    result = perform(event.pk, action, actor, now=LATER, tracking_code=code, **fields)

    after = Event.objects.get(pk=event.pk)
    assert after.state == (spec.to_state or RULE_RESULTS[action])
    assert after.version == before.version + 1
    trail = list(TrailEntry.objects.filter(event=event).order_by("sequence"))
    assert [e.action for e in trail] == ["report", action]
    assert (trail[-1].from_state, trail[-1].to_state) == (before.state, after.state)
    assert result.entry == trail[-1] and result.event.state == after.state
    assert trail[-1].comment == fields.get(spec.note, "")
    assert verify_trail([event.pk]) == []


@pytest.mark.parametrize("action", ACTION_NAMES)
def test_a_wrong_role_is_refused(action, cast, categories, report):
    spec = ACTIONS[action]
    event, _, _, fields = arrange(action, spec.from_states[0], cast, categories, report)
    candidates = ["audit_admin", "citizen", "grid_worker_1", "leader", "county_operator"]
    name = next(n for n in candidates if not cast[n].has_role(*spec.roles))
    refused(event.pk, 403, "forbidden", action=action, actor=cast[name], **fields)


@pytest.mark.parametrize("action", [a for a in ACTION_NAMES if ACTIONS[a].roles])
def test_the_right_role_out_of_scope_is_refused(action, cast, outsiders, categories, report):
    spec = ACTIONS[action]
    event, _, _, fields = arrange(action, spec.from_states[0], cast, categories, report)
    name = OUTSIDERS[spec.roles[0]]
    actor = outsiders[name] if name in outsiders else cast[name]
    refused(event.pk, 403, "out_of_scope", action=action, actor=actor, **fields)


CHECKABLE_HOLDERS = {
    Holder.REPORTER: "citizen",
    Holder.CENTRE: "county_operator",
    Holder.RETURN_VISIT: "county_operator",
    Holder.LEAD_DEPARTMENT: "other_handler",
    Holder.PART_DEPARTMENT: "other_handler",
    # The village centre holds the event (or is below the township that does): not above it.
    Holder.UPPER_CENTRE: "village_1_operator",
}


@pytest.mark.parametrize(
    "action", [a for a in ACTION_NAMES if set(ACTIONS[a].holders) <= set(CHECKABLE_HOLDERS)]
)
def test_the_right_role_in_scope_but_not_holding_is_refused(
    action, cast, outsiders, categories, report
):
    spec = ACTIONS[action]
    event, _, _, fields = arrange(action, spec.from_states[0], cast, categories, report)
    name = CHECKABLE_HOLDERS[spec.holders[-1]]
    actor = outsiders[name] if name in outsiders else cast[name]
    refused(event.pk, 403, "forbidden", action=action, actor=actor, **fields)


@pytest.mark.parametrize("action", [a for a in ACTION_NAMES if ACTIONS[a].public])
def test_a_wrong_tracking_code_is_refused(action, cast, categories, report):
    spec = ACTIONS[action]
    event, _, _, fields = arrange(action, spec.from_states[0], cast, categories, report)
    refused(event.pk, 403, "forbidden", action=action, actor=None, tracking_code="WRONG", **fields)


@pytest.mark.parametrize("action", ACTION_NAMES)
def test_every_state_outside_the_from_states_is_a_conflict(action, cast, categories, report):
    for state in State:
        if state in ACTIONS[action].from_states:
            continue
        event, actor, code, fields = arrange(action, state, cast, categories, report)
        refused(
            event.pk,
            409,
            "state_conflict",
            action=action,
            actor=actor,
            tracking_code=code,
            **fields,
        )


@pytest.mark.parametrize(
    ("action", "missing"),
    [(a, f.name) for a in ACTION_NAMES for f in ACTIONS[a].required_fields],
)
def test_a_missing_required_field_is_refused(action, missing, cast, categories, report):
    spec = ACTIONS[action]
    event, actor, code, fields = arrange(action, spec.from_states[0], cast, categories, report)
    del fields[missing]
    refused(
        event.pk, 400, "missing_field", action=action, actor=actor, tracking_code=code, **fields
    )


@pytest.mark.parametrize("action", ACTION_NAMES)
def test_a_stale_version_is_a_conflict(action, cast, categories, report):
    spec = ACTIONS[action]
    event, actor, code, fields = arrange(action, spec.from_states[0], cast, categories, report)
    refused(
        event.pk,
        409,
        "state_conflict",
        action=action,
        actor=actor,
        tracking_code=code,
        expected_version=event.version + 1,
        **fields,
    )
