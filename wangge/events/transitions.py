"""What each action of the state table does beyond the state change: one function per action.

perform() (wangge/events/services.py) has already locked the event and checked role, scope,
state, holder and field types; these functions check the action's own guards (raising
before any write), then set the target state where the table leaves it to a rule, the
event columns to update, the trail payload, parts and clocks. The trail comment is the
action's note field (`ActionSpec.note`), set by perform().
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from wangge.accounts.models import OrgUnit, UnitKind
from wangge.accounts.scope import restrict
from wangge.errors import Conflict, DomainError, Forbidden
from wangge.events import calendar
from wangge.events.choices import SATISFIED_RATINGS, LimitUnit, PartRole, State, Step
from wangge.events.clocks import (
    TimeLimit,
    any_unmet,
    extend_clock,
    pause_clocks,
    raise_card,
    relimit_clocks,
    resume_clocks,
    start_clock,
    stop_clock,
    stop_clocks,
)
from wangge.events.models import Attachment, Clock, Event, EventPart, TrailEntry
from wangge.events.reference import reference
from wangge.events.routing import covers
from wangge.events.workflow import ActionSpec
from wangge.regions.codes import LEVEL_ORDER


@dataclass(frozen=True)
class ActionResult:
    event: Event
    entry: TrailEntry
    attachments: tuple[Attachment, ...] = ()


@dataclass
class Context:
    event: Event
    spec: ActionSpec
    actor: object
    fields: dict
    now: datetime
    parts: list[EventPart]
    to_state: str
    changes: dict = field(default_factory=dict)
    payload: dict = field(default_factory=dict)

    @property
    def lead(self) -> EventPart | None:
        return next((p for p in self.parts if p.role == PartRole.LEAD), None)

    def own_part(self) -> EventPart:
        """The acting department's lead or assist part (the holder check found one)."""
        working = (PartRole.LEAD, PartRole.ASSIST)
        return next(
            p for p in self.parts if p.department_id == self.actor.unit_id and p.role in working
        )


TRANSITIONS: dict[str, Callable[[Context], None]] = {}


def transition(name: str):
    def register(function: Callable[[Context], None]) -> Callable[[Context], None]:
        TRANSITIONS[name] = function
        return function

    return register


# ---------------------------------------------------------------- clocks


def step_limit(event: Event, step: str) -> TimeLimit | None:
    return reference().limits.get((event.category_id, event.priority, step))


def start_step(event: Event, step: str, unit: OrgUnit, now: datetime) -> None:
    """Start the step's clock; a category without a limit for the step has no clock."""
    limit = step_limit(event, step)
    if limit is not None:
        start_clock(event, step, unit, limit, now)


def stop_all(event: Event, now: datetime) -> None:
    stop_clocks(event, now)


# ---------------------------------------------------------------- helpers


def _unit(event: Event, name: str, unit_id: int, kind: str) -> OrgUnit:
    unit = OrgUnit.objects.select_related("region").filter(pk=unit_id).first()
    if unit is None or unit.kind != kind or not covers(unit, event.region_code):
        raise DomainError(
            "invalid_field", "所选单位不存在或不负责该事件所在区域。", {"field": name}
        )
    return unit


def _move_to_centre(ctx: Context, centre: OrgUnit) -> None:
    """Hand a centre-step event to another centre; the running clock restarts there."""
    step = Step.ACCEPT if ctx.event.state == State.REPORTED else Step.DISPATCH
    stop_clock(ctx.event, step, ctx.now)
    start_step(ctx.event, step, centre, ctx.now)
    ctx.changes.update(centre=centre, current_unit=centre, routed=True)
    ctx.payload["centre"] = centre.pk


def _back_to_work(ctx: Context) -> None:
    """Rework or reopen: to the lead department if there is one, else to the centre."""
    lead = ctx.lead
    if lead is not None:
        EventPart.objects.filter(pk=lead.pk).update(submitted_at=None)
        ctx.to_state = State.HANDLING
        ctx.changes["current_unit_id"] = lead.department_id
        start_step(ctx.event, Step.HANDLE, lead.department, ctx.now)
    else:
        ctx.to_state = State.ACCEPTED
        ctx.changes["current_unit_id"] = ctx.event.centre_id
        start_step(ctx.event, Step.DISPATCH, ctx.event.centre, ctx.now)


def _reopen(ctx: Context) -> None:
    if ctx.event.reopen_count >= 1:
        raise Conflict("reopen_limit", "该事件已重办过一次，不能再次重办。")
    _back_to_work(ctx)
    ctx.changes.update(
        reopen_count=ctx.event.reopen_count + 1, closed_at=None, closed_late=False, rating=""
    )
    ctx.payload["reopened"] = True


def _close(ctx: Context) -> None:
    """Close the case: stop its clocks, and record whether any clock of any round was unmet."""
    stop_all(ctx.event, ctx.now)
    ctx.changes.update(closed_at=ctx.now, closed_late=any_unmet(ctx.event))


# ---------------------------------------------------------------- centre steps


@transition("accept")
def accept(ctx: Context) -> None:
    ctx.changes["accepted_at"] = ctx.now
    stop_clock(ctx.event, Step.ACCEPT, ctx.now)
    start_step(ctx.event, Step.DISPATCH, ctx.event.centre, ctx.now)


@transition("reject")
def reject(ctx: Context) -> None:
    stop_all(ctx.event, ctx.now)


@transition("merge")
def merge(ctx: Context) -> None:
    candidates = restrict(Event.objects.all(), ctx.actor, "region_code")
    target = candidates.filter(pk=ctx.fields["target_event"]).first()
    dead = (State.MERGED, State.WITHDRAWN, State.REJECTED)
    if target is None or target.pk == ctx.event.pk or target.state in dead:
        raise DomainError(
            "invalid_field", "合并目标须为您管辖范围内的另一有效事件。", {"field": "target_event"}
        )
    ctx.changes["merged_into"] = target
    ctx.payload.update(target_event=target.pk, target_tracking_code=target.tracking_code)
    stop_all(ctx.event, ctx.now)


@transition("withdraw")
def withdraw(ctx: Context) -> None:
    stop_all(ctx.event, ctx.now)


@transition("answer")
def answer(ctx: Context) -> None:
    if not ctx.event.category.direct_answer:
        raise Conflict("answer_not_allowed", "该分类的事件不能直接答复结案。")
    ctx.changes["accepted_at"] = ctx.event.accepted_at or ctx.now
    _close(ctx)


@transition("request_verification")
def request_verification(ctx: Context) -> None:
    start_step(ctx.event, Step.VERIFY, ctx.event.centre, ctx.now)


@transition("verify")
def verify(ctx: Context) -> None:
    stop_clock(ctx.event, Step.VERIFY, ctx.now)


@transition("delegate")
def delegate(ctx: Context) -> None:
    target = _unit(ctx.event, "target_centre", ctx.fields["target_centre"], UnitKind.CENTRE)
    if LEVEL_ORDER.index(target.level) <= LEVEL_ORDER.index(ctx.event.centre.level):
        raise DomainError("invalid_field", "只能下派给下级综治中心。", {"field": "target_centre"})
    _move_to_centre(ctx, target)


def higher_centre(event: Event) -> OrgUnit | None:
    """The centre above the responsible one, where 上报上级 sends the event (None at the top)."""
    parent = event.centre.parent if event.centre_id else None
    return parent if parent is not None and parent.kind == UnitKind.CENTRE else None


@transition("escalate")
def escalate(ctx: Context) -> None:
    parent = higher_centre(ctx.event)
    if parent is None:
        raise Conflict("no_higher_centre", "没有可上报的上级综治中心。")
    _move_to_centre(ctx, parent)


# ---------------------------------------------------------------- command across levels


@transition("take_over")
def take_over(ctx: Context) -> None:
    """提级办理: the actor's own centre (a level above, checked as the holder) takes it."""
    ctx.payload["from_centre"] = ctx.event.centre_id
    _move_to_centre(ctx, ctx.actor.unit)


@transition("direct")
def direct(ctx: Context) -> None:
    """指派: the named centre must be below the actor's centre, not the one holding it."""
    target = _unit(ctx.event, "target_centre", ctx.fields["target_centre"], UnitKind.CENTRE)
    below = LEVEL_ORDER.index(target.level) > LEVEL_ORDER.index(ctx.actor.unit.level)
    if not below or target.pk == ctx.event.centre_id:
        raise DomainError(
            "invalid_field", "只能指派给本中心以下的其他综治中心。", {"field": "target_centre"}
        )
    ctx.payload["from_centre"] = ctx.event.centre_id
    _move_to_centre(ctx, target)


@transition("urge")
def urge(ctx: Context) -> None:
    """催办: nothing moves; the trail names whom the upper level urged."""
    ctx.payload["unit"] = ctx.event.current_unit_id


@transition("supervise")
def supervise(ctx: Context) -> None:
    """督办 (manual): the card goes on the running clocks; the reply deadline is kept in
    the trail, where supervision reads it (docs/SUPERVISION.md)."""
    level = ctx.fields["level"]
    ctx.payload.update(
        manual=True,
        level=level,
        unit=ctx.event.current_unit_id,
        clocks=raise_card(ctx.event, level),
    )
    days = ctx.fields.get("due_days")
    if days:
        due = calendar.add(ctx.now, days, LimitUnit.WORKING_DAYS)
        ctx.payload.update(due_days=days, reply_due=due.isoformat())


def _departments(ctx: Context, name: str) -> list[OrgUnit]:
    ids = ctx.fields.get(name, [])
    return [_unit(ctx.event, name, unit_id, UnitKind.DEPARTMENT) for unit_id in ids]


def awaits_verification(event: Event) -> bool:
    """A category needing on-site verification is dispatched only after a 核实."""
    if not event.category.needs_verification:
        return False
    return not TrailEntry.objects.filter(event=event, action="verify").exists()


@transition("dispatch")
def dispatch(ctx: Context) -> None:
    event = ctx.event
    if awaits_verification(event):
        raise Conflict("verification_required", "该分类的事件须先经网格员现场核实再派遣。")
    lead = _unit(event, "lead_department", ctx.fields["lead_department"], UnitKind.DEPARTMENT)
    assist = _departments(ctx, "assist_departments")
    copy = _departments(ctx, "copy_departments")
    ids = [lead.pk] + [u.pk for u in assist + copy]
    if len(set(ids)) != len(ids):
        raise DomainError(
            "invalid_field", "同一部门只能承担一个角色。", {"field": "assist_departments"}
        )
    instruction = ctx.fields.get("instruction", "")
    EventPart.objects.filter(event=event).delete()
    roles = [(lead, PartRole.LEAD)] + [(u, PartRole.ASSIST) for u in assist]
    roles += [(u, PartRole.COPY) for u in copy]
    EventPart.objects.bulk_create(
        EventPart(event=event, department=unit, role=role, instruction=instruction)
        for unit, role in roles
    )
    ctx.payload.update(
        lead_department=lead.pk,
        assist_departments=[u.pk for u in assist],
        copy_departments=[u.pk for u in copy],
    )
    ctx.changes.update(current_unit=lead, routed=True)
    stop_clock(event, Step.DISPATCH, ctx.now)
    start_step(event, Step.SIGN, lead, ctx.now)


# ---------------------------------------------------------------- department steps


@transition("sign")
def sign(ctx: Context) -> None:
    part = ctx.own_part()
    if part.signed_at is not None:
        raise Conflict("already_signed", "本部门已签收该事件。")
    EventPart.objects.filter(pk=part.pk).update(signed_at=ctx.now)
    ctx.payload.update(part=part.role, department=part.department_id)
    if part.role == PartRole.LEAD:
        ctx.to_state = State.HANDLING
        stop_clock(ctx.event, Step.SIGN, ctx.now)
        start_step(ctx.event, Step.HANDLE, part.department, ctx.now)


@transition("return")
def return_(ctx: Context) -> None:
    EventPart.objects.filter(event=ctx.event).delete()
    ctx.changes["current_unit_id"] = ctx.event.centre_id
    stop_clock(ctx.event, Step.SIGN, ctx.now)
    start_step(ctx.event, Step.DISPATCH, ctx.event.centre, ctx.now)


@transition("submit_result")
def submit_result(ctx: Context) -> None:
    part = ctx.own_part()
    if part.signed_at is None:
        raise Conflict("not_signed", "请先签收再反馈处置结果。")
    EventPart.objects.filter(pk=part.pk).update(result=ctx.fields["result"], submitted_at=ctx.now)
    ctx.payload.update(part=part.role, department=part.department_id)
    if part.role == PartRole.LEAD:
        ctx.to_state = State.SUBMITTED
        ctx.changes["current_unit_id"] = ctx.event.centre_id
        stop_clock(ctx.event, Step.HANDLE, ctx.now)
        start_step(ctx.event, Step.CHECK, ctx.event.centre, ctx.now)


@transition("request_extension")
def request_extension(ctx: Context) -> None:
    if ctx.event.pending_extension_days is not None:
        raise Conflict("extension_pending", "已有延期申请等待审批。")
    ctx.changes["pending_extension_days"] = ctx.fields["days"]
    ctx.payload["days"] = ctx.fields["days"]


def _pending_extension(ctx: Context) -> int:
    days = ctx.event.pending_extension_days
    if days is None:
        raise Conflict("no_pending_extension", "没有待审批的延期申请。")
    ctx.changes["pending_extension_days"] = None
    ctx.payload["days"] = days
    return days


@transition("approve_extension")
def approve_extension(ctx: Context) -> None:
    days = _pending_extension(ctx)
    ctx.changes["extended"] = True
    extend_clock(ctx.event, Step.HANDLE, TimeLimit(days, LimitUnit.WORKING_DAYS), ctx.now)


@transition("deny_extension")
def deny_extension(ctx: Context) -> None:
    _pending_extension(ctx)


# ---------------------------------------------------------------- checking and evaluation


def _not_own_work(ctx: Context) -> None:
    """A self-handled report is still checked, by someone other than who fixed it."""
    if ctx.event.self_handled and ctx.event.reporter_id == ctx.actor.pk:
        raise Forbidden("forbidden", "不能核查本人自行处置的事件。")


@transition("check_pass")
def check_pass(ctx: Context) -> None:
    _not_own_work(ctx)
    _close(ctx)


@transition("check_fail")
def check_fail(ctx: Context) -> None:
    _not_own_work(ctx)
    ctx.changes["reworked"] = True
    stop_clock(ctx.event, Step.CHECK, ctx.now)
    _back_to_work(ctx)


@transition("evaluate")
def evaluate(ctx: Context) -> None:
    if ctx.event.rating:
        raise Conflict("already_rated", "该事件已评价。")
    rating = ctx.fields["rating"]
    ctx.changes["rating"] = rating
    ctx.payload["rating"] = rating
    if ctx.fields.get("reopen"):
        if rating in SATISFIED_RATINGS:
            raise DomainError(
                "invalid_field", "只有不满意的评价才能申请重办。", {"field": "reopen"}
            )
        _reopen(ctx)


@transition("reopen")
def reopen(ctx: Context) -> None:
    rating = ctx.event.rating
    if not rating or rating in SATISFIED_RATINGS:
        raise Conflict("reopen_not_allowed", "只有评价为不满意的事件才能重办。")
    ctx.payload["rating"] = rating
    _reopen(ctx)


# ---------------------------------------------------------------- suspension and shelving


@transition("suspend")
def suspend(ctx: Context) -> None:
    ctx.changes["suspended_from"] = ctx.event.state
    pause_clocks(ctx.event, ctx.now)


def _restore(ctx: Context) -> None:
    ctx.to_state = ctx.event.suspended_from
    ctx.changes["suspended_from"] = ""
    resume_clocks(ctx.event, ctx.now)


@transition("resume")
def resume(ctx: Context) -> None:
    _restore(ctx)


@transition("request_shelve")
def request_shelve(ctx: Context) -> None:
    if ctx.event.shelve_requested:
        raise Conflict("shelve_pending", "已有挂账申请等待领导审批。")
    ctx.changes["shelve_requested"] = True


@transition("approve_shelve")
def approve_shelve(ctx: Context) -> None:
    if not ctx.event.shelve_requested:
        raise Conflict("no_pending_shelve", "没有待审批的挂账申请。")
    ctx.changes.update(shelve_requested=False, suspended_from=ctx.event.state)
    pause_clocks(ctx.event, ctx.now)


@transition("deny_shelve")
def deny_shelve(ctx: Context) -> None:
    """Refused: the request is cleared so the centre or department may ask again later."""
    if not ctx.event.shelve_requested:
        raise Conflict("no_pending_shelve", "没有待审批的挂账申请。")
    ctx.changes["shelve_requested"] = False


@transition("unshelve")
def unshelve(ctx: Context) -> None:
    _restore(ctx)


# ---------------------------------------------------------------- desk corrections


@transition("reclassify")
def reclassify(ctx: Context) -> None:
    """Correct what the case is (category) and how urgent (priority); the running clocks
    take the step limits of the new category and priority."""
    event = ctx.event
    category = reference().categories.get(ctx.fields["category"])
    if category is None or not category.active:
        raise DomainError("invalid_field", "事件分类不存在或已停用。", {"field": "category"})
    priority = ctx.fields["priority"]
    if category.pk == event.category_id and priority == event.priority:
        raise DomainError("invalid_field", "分类和紧急程度均未改变。", {"field": "category"})
    running = Clock.objects.filter(event=event, stopped_at__isnull=True)
    limits = reference().limits
    keys = {step: (category.pk, priority, step) for step in running.values_list("step", flat=True)}
    relimit_clocks(event, {s: limits[k] for s, k in keys.items() if k in limits}, ctx.now)
    ctx.payload.update(
        from_category=event.category_id,
        to_category=category.pk,
        from_priority=event.priority,
        to_priority=priority,
    )
    ctx.changes.update(category=category, priority=priority)
