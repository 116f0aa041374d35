"""The closed loop as one state table: every action, its states, who may act and its fields.

The services (wangge/events/services.py), the API, the web forms (console, department
workspace, grid-worker app), the docs (`wangge workflow-table`, docs/WORKFLOW.md) and the
tests all read ACTIONS, so a transition exists exactly when it is written here, and an
action takes photos, is drawn as a warning or keeps a field as its trail comment exactly
when its row says so. Where the target state depends on the input or on the event,
`to_state` is None and `to_rule` says how it is chosen; the per-action code in
wangge/events/transitions.py applies that rule.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils import translation

from wangge.accounts.models import Role
from wangge.events.choices import Priority, State


class Holder(StrEnum):
    """Who, beyond holding the right role and scope, may act on a given event."""

    ANYONE = "anyone"
    REPORTER = "reporter"
    CENTRE = "centre"
    RETURN_VISIT = "return_visit"
    LEAD_DEPARTMENT = "lead_department"
    PART_DEPARTMENT = "part_department"
    GRID_WORKER = "grid_worker"
    LEADER = "leader"
    UPPER_CENTRE = "upper_centre"


HOLDER_ROLES: dict[Holder, str | None] = {
    Holder.ANYONE: None,
    Holder.REPORTER: None,
    Holder.CENTRE: Role.OPERATOR,
    Holder.RETURN_VISIT: Role.OPERATOR,
    Holder.LEAD_DEPARTMENT: Role.DEPARTMENT_HANDLER,
    Holder.PART_DEPARTMENT: Role.DEPARTMENT_HANDLER,
    Holder.GRID_WORKER: Role.GRID_WORKER,
    Holder.LEADER: Role.LEADER,
    Holder.UPPER_CENTRE: Role.OPERATOR,
}

HOLDER_RULES: dict[Holder, str] = {
    Holder.ANYONE: "anyone, through an intake channel",
    Holder.REPORTER: "the reporter, by tracking code or own account",
    Holder.CENTRE: "operator of the centre responsible for the event (`Event.centre`)",
    Holder.RETURN_VISIT: "operator of the responsible centre, for hotline/operator-entered "
    "events (return visit, 回访)",
    Holder.LEAD_DEPARTMENT: "handler of the department holding the lead part",
    Holder.PART_DEPARTMENT: "handler of a department holding the lead or an assist part",
    Holder.GRID_WORKER: "grid worker whose scope or grid assignment covers the event's grid",
    Holder.LEADER: "leader whose scope covers the event",
    Holder.UPPER_CENTRE: "operator of a centre above the responsible centre whose region covers "
    "the event (command across levels, 跨层级指挥)",
}


class FieldKind(StrEnum):
    TEXT = "text"
    DAYS = "days"
    BOOL = "bool"
    RATING = "rating"
    EVENT = "event"
    UNIT = "unit"
    UNITS = "units"
    NUMBER = "number"
    CHOICE = "choice"
    CATEGORY = "category"


@dataclass(frozen=True)
class FieldSpec:
    """One input of an action; a CHOICE field lists its (value, label) pairs in `choices`."""

    name: str
    kind: FieldKind
    label: str
    choices: tuple[tuple[str, str], ...] = ()


def text(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, FieldKind.TEXT, label)


REASON = text("reason", "理由")
COMMENT = text("comment", "意见")
INSTRUCTION = text("instruction", "交办意见")
TARGET_CENTRE = FieldSpec("target_centre", FieldKind.UNIT, "下级中心")
# The manual supervision levels (督办级别): the card levels of the clocks, without "none".
SUPERVISION_LEVELS = (("normal", "普通督办"), ("yellow", "黄牌督办"), ("red", "红牌督办"))
PRIORITIES = tuple((value, str(label)) for value, label in Priority.choices)


@dataclass(frozen=True)
class ActionSpec:
    """One row of the table.

    `note` names the text field kept as the trail entry's comment (the findings, the
    reason, the result...). `photos`: the action takes photos (someone on site has
    something to show); `public_photos`: the reporter sees them by tracking code (their own
    report, the department's result; on-site checks may show third parties). `danger`: the
    action ends or refuses something, so forms draw it in red and ask before sending.
    Every form shows `fields`: the required ones, then the optional ones.
    """

    name: str
    label: str
    from_states: tuple[State, ...]
    to_state: State | None
    holders: tuple[Holder, ...]
    required_fields: tuple[FieldSpec, ...] = ()
    optional_fields: tuple[FieldSpec, ...] = ()
    to_rule: str = ""
    guards: tuple[str, ...] = ()
    clocks: str = ""
    intake: bool = False
    note: str = ""
    photos: bool = False
    public_photos: bool = False
    danger: bool = False

    def __post_init__(self) -> None:
        texts = {f.name for f in self.fields if f.kind == FieldKind.TEXT}
        if self.note and self.note not in texts:
            raise ValueError(f"{self.name}: note {self.note!r} is not one of its text fields")
        if self.public_photos and not self.photos:
            raise ValueError(f"{self.name}: public_photos without photos")

    @property
    def roles(self) -> tuple[str, ...]:
        """Staff roles that may act (the reporter acts through the tracking code)."""
        roles = (HOLDER_ROLES[h] for h in self.holders)
        return tuple(dict.fromkeys(r for r in roles if r))

    @property
    def public(self) -> bool:
        """True when the reporter may act without an account, by tracking code."""
        return Holder.REPORTER in self.holders

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return self.required_fields + self.optional_fields

    def target(self) -> str:
        return self.to_state.value if self.to_state else self.to_rule


OPEN_STATES = (State.ACCEPTED, State.VERIFYING, State.DISPATCHED, State.HANDLING, State.SUBMITTED)
CENTRE_STEPS = (State.REPORTED, State.ACCEPTED)
SHELVABLE = (State.ACCEPTED, State.DISPATCHED, State.HANDLING)
# Live states in which someone is expected to work: what an upper level may urge or supervise.
IN_WORK = (State.REPORTED, *OPEN_STATES)
# Reclassify (改类): every state in which the case is still open, closure not yet reached.
LIVE_BEFORE_CLOSURE = CENTRE_STEPS + OPEN_STATES[1:] + (State.SUSPENDED, State.SHELVED)
BACK_TO_WORK = (
    "handling at the lead department; accepted at the centre when no department has a part"
)

_SPECS = [
    ActionSpec(
        "report",
        "上报",
        (),
        None,
        (Holder.ANYONE,),
        required_fields=(
            FieldSpec("channel", FieldKind.CHOICE, "渠道"),
            FieldSpec("category", FieldKind.CATEGORY, "事件分类"),
            text("title", "标题"),
            FieldSpec("lon", FieldKind.NUMBER, "经度"),
            FieldSpec("lat", FieldKind.NUMBER, "纬度"),
        ),
        optional_fields=(
            FieldSpec("crs", FieldKind.CHOICE, "坐标系"),
            text("description", "描述"),
            FieldSpec("priority", FieldKind.CHOICE, "紧急程度", PRIORITIES),
            text("address", "地址"),
            text("reporter_name", "联系人"),
            text("reporter_phone", "联系电话"),
            FieldSpec("is_anonymous", FieldKind.BOOL, "匿名"),
            text("idempotency_key", "幂等键"),
            FieldSpec("self_handled", FieldKind.BOOL, "自行处置"),
            text("result", "处置结果"),
        ),
        to_rule="reported; submitted when self-handled (自行处置) by a grid worker",
        clocks="start accept (submitted: start check)",
        intake=True,
        note="result",
        photos=True,
        public_photos=True,
    ),
    ActionSpec(
        "accept",
        "受理",
        (State.REPORTED,),
        State.ACCEPTED,
        (Holder.CENTRE,),
        optional_fields=(COMMENT,),
        clocks="stop accept; start dispatch",
        note="comment",
    ),
    ActionSpec(
        "reject",
        "不予受理",
        (State.REPORTED,),
        State.REJECTED,
        (Holder.CENTRE,),
        required_fields=(REASON,),
        clocks="stop all",
        note="reason",
        danger=True,
    ),
    ActionSpec(
        "merge",
        "合并",
        (State.REPORTED,),
        State.MERGED,
        (Holder.CENTRE,),
        required_fields=(FieldSpec("target_event", FieldKind.EVENT, "合并到的事件"),),
        optional_fields=(COMMENT,),
        guards=("target is another live event in the actor's scope",),
        clocks="stop all",
        note="comment",
    ),
    ActionSpec(
        "withdraw",
        "撤销",
        (State.REPORTED,),
        State.WITHDRAWN,
        (Holder.REPORTER,),
        optional_fields=(REASON,),
        clocks="stop all",
        note="reason",
    ),
    ActionSpec(
        "request_verification",
        "申请核实",
        (State.ACCEPTED,),
        State.VERIFYING,
        (Holder.CENTRE,),
        optional_fields=(INSTRUCTION,),
        clocks="start verify",
        note="instruction",
    ),
    ActionSpec(
        "verify",
        "核实",
        (State.VERIFYING,),
        State.ACCEPTED,
        (Holder.GRID_WORKER,),
        required_fields=(text("findings", "核实情况"),),
        clocks="stop verify",
        note="findings",
        photos=True,
    ),
    ActionSpec(
        "dispatch",
        "派遣",
        (State.ACCEPTED,),
        State.DISPATCHED,
        (Holder.CENTRE,),
        required_fields=(FieldSpec("lead_department", FieldKind.UNIT, "主办部门"),),
        optional_fields=(
            FieldSpec("assist_departments", FieldKind.UNITS, "协同部门"),
            FieldSpec("copy_departments", FieldKind.UNITS, "抄告部门"),
            INSTRUCTION,
        ),
        guards=(
            "departments' jurisdiction covers the event",
            "a category needing verification has been verified",
        ),
        clocks="stop dispatch; start sign (lead)",
        note="instruction",
    ),
    ActionSpec(
        "delegate",
        "下派",
        CENTRE_STEPS,
        None,
        (Holder.CENTRE,),
        required_fields=(TARGET_CENTRE,),
        optional_fields=(COMMENT,),
        to_rule="unchanged; the lower-level centre becomes responsible",
        guards=("target is a lower-level centre whose region covers the event",),
        clocks="restart the running accept/dispatch clock for the new centre",
        note="comment",
    ),
    ActionSpec(
        "escalate",
        "上报上级",
        CENTRE_STEPS,
        None,
        (Holder.CENTRE,),
        required_fields=(REASON,),
        to_rule="unchanged; the parent centre becomes responsible",
        guards=("the responsible centre has a parent centre",),
        clocks="restart the running accept/dispatch clock for the parent centre",
        note="reason",
    ),
    ActionSpec(
        "sign",
        "签收",
        (State.DISPATCHED, State.HANDLING),
        None,
        (Holder.PART_DEPARTMENT,),
        optional_fields=(COMMENT,),
        to_rule="handling when the lead signs (from dispatched); unchanged for an assist part",
        guards=("the department's part is not signed yet",),
        clocks="lead: stop sign; start handle",
        note="comment",
    ),
    ActionSpec(
        "return",
        "退回",
        (State.DISPATCHED,),
        State.ACCEPTED,
        (Holder.LEAD_DEPARTMENT,),
        required_fields=(REASON,),
        clocks="stop sign; start dispatch (centre)",
        note="reason",
        danger=True,
    ),
    ActionSpec(
        "submit_result",
        "反馈",
        (State.HANDLING,),
        None,
        (Holder.PART_DEPARTMENT,),
        required_fields=(text("result", "处置结果"),),
        to_rule="submitted (back at the centre) when the lead submits; unchanged for an assist",
        guards=("the department's part is signed",),
        clocks="lead: stop handle; start check",
        note="result",
        photos=True,
        public_photos=True,
    ),
    ActionSpec(
        "check_pass",
        "核查通过",
        (State.SUBMITTED,),
        State.CLOSED,
        (Holder.CENTRE, Holder.GRID_WORKER),
        guards=("not by the grid worker who self-handled it",),
        optional_fields=(COMMENT,),
        clocks="stop all",
        note="comment",
        photos=True,
    ),
    ActionSpec(
        "check_fail",
        "核查不通过",
        (State.SUBMITTED,),
        None,
        (Holder.CENTRE, Holder.GRID_WORKER),
        guards=("not by the grid worker who self-handled it",),
        required_fields=(REASON,),
        to_rule=BACK_TO_WORK + " (返工)",
        clocks="stop check; restart handle (or start dispatch)",
        note="reason",
        photos=True,
        danger=True,
    ),
    ActionSpec(
        "evaluate",
        "评价",
        (State.CLOSED,),
        None,
        (Holder.REPORTER, Holder.RETURN_VISIT),
        required_fields=(FieldSpec("rating", FieldKind.RATING, "评价"),),
        optional_fields=(COMMENT, FieldSpec("reopen", FieldKind.BOOL, "申请重办")),
        to_rule="closed; with reopen=true on an unsatisfied rating: " + BACK_TO_WORK,
        guards=(
            "rated once per closure",
            "reopen only once per event (reopen_count); reopening clears `rating` so the "
            "next closure is rated afresh (the trail keeps every rating)",
        ),
        clocks="on reopen: start handle (or dispatch)",
        note="comment",
    ),
    ActionSpec(
        "reopen",
        "重办",
        (State.CLOSED,),
        None,
        (Holder.CENTRE,),
        required_fields=(REASON,),
        to_rule=BACK_TO_WORK,
        guards=("rating is unsatisfied", "reopen only once per event (reopen_count)"),
        clocks="start handle (or dispatch)",
        note="reason",
    ),
    ActionSpec(
        "request_extension",
        "申请延期",
        (State.HANDLING,),
        None,
        (Holder.LEAD_DEPARTMENT,),
        required_fields=(FieldSpec("days", FieldKind.DAYS, "延期工作日"), REASON),
        to_rule="unchanged; the request awaits the centre",
        guards=("no other extension request pending",),
        note="reason",
    ),
    ActionSpec(
        "approve_extension",
        "批准延期",
        (State.HANDLING,),
        None,
        (Holder.CENTRE,),
        optional_fields=(COMMENT,),
        to_rule="unchanged",
        guards=("an extension request is pending",),
        clocks="extend handle by the requested working days",
        note="comment",
    ),
    ActionSpec(
        "deny_extension",
        "驳回延期",
        (State.HANDLING,),
        None,
        (Holder.CENTRE,),
        required_fields=(REASON,),
        to_rule="unchanged",
        guards=("an extension request is pending",),
        note="reason",
        danger=True,
    ),
    ActionSpec(
        "suspend",
        "挂起",
        OPEN_STATES,
        State.SUSPENDED,
        (Holder.CENTRE,),
        required_fields=(REASON,),
        clocks="pause all",
        note="reason",
        danger=True,
    ),
    ActionSpec(
        "resume",
        "恢复",
        (State.SUSPENDED,),
        None,
        (Holder.CENTRE,),
        optional_fields=(COMMENT,),
        to_rule="the state it was suspended from (`suspended_from`)",
        clocks="resume all",
        note="comment",
    ),
    ActionSpec(
        "request_shelve",
        "申请挂账",
        SHELVABLE,
        None,
        (Holder.CENTRE, Holder.LEAD_DEPARTMENT),
        required_fields=(text("explanation", "挂账说明"),),
        to_rule="unchanged; the request awaits a leader",
        guards=("no shelve request pending",),
        note="explanation",
    ),
    ActionSpec(
        "approve_shelve",
        "批准挂账",
        SHELVABLE,
        State.SHELVED,
        (Holder.LEADER,),
        optional_fields=(COMMENT,),
        guards=("a shelve request is pending",),
        clocks="pause all",
        note="comment",
    ),
    ActionSpec(
        "deny_shelve",
        "驳回挂账",
        SHELVABLE,
        None,
        (Holder.LEADER,),
        required_fields=(REASON,),
        to_rule="unchanged; the request is withdrawn and the work goes on",
        guards=("a shelve request is pending",),
        note="reason",
        danger=True,
    ),
    ActionSpec(
        "unshelve",
        "解除挂账",
        (State.SHELVED,),
        None,
        (Holder.CENTRE, Holder.LEADER),
        optional_fields=(COMMENT,),
        to_rule="the state it was shelved from (`suspended_from`)",
        clocks="resume all",
        note="comment",
    ),
    ActionSpec(
        "answer",
        "直接答复",
        CENTRE_STEPS,
        State.CLOSED,
        (Holder.CENTRE,),
        required_fields=(text("answer", "答复内容"),),
        guards=("the category allows a direct answer (政策咨询)",),
        clocks="stop all",
        note="answer",
    ),
    ActionSpec(
        "take_over",
        "提级办理",
        CENTRE_STEPS,
        None,
        (Holder.UPPER_CENTRE,),
        required_fields=(REASON,),
        to_rule="unchanged; the actor's centre becomes responsible",
        guards=("the actor's unit is a centre above the responsible centre",),
        clocks="restart the running accept/dispatch clock for the actor's centre",
        note="reason",
    ),
    ActionSpec(
        "direct",
        "指派",
        CENTRE_STEPS,
        None,
        (Holder.CENTRE, Holder.UPPER_CENTRE),
        required_fields=(TARGET_CENTRE, INSTRUCTION),
        to_rule="unchanged; the named lower centre becomes responsible",
        guards=(
            "target is a centre below the actor's centre whose region covers the event, "
            "other than the responsible centre",
        ),
        clocks="restart the running accept/dispatch clock for the named centre",
        note="instruction",
    ),
    ActionSpec(
        "urge",
        "催办",
        IN_WORK,
        None,
        (Holder.UPPER_CENTRE, Holder.LEADER),
        required_fields=(text("comment", "催办意见"),),
        to_rule="unchanged; the trail names the unit urged (the current holder)",
        note="comment",
    ),
    ActionSpec(
        "supervise",
        "督办",
        IN_WORK,
        None,
        (Holder.UPPER_CENTRE, Holder.LEADER),
        required_fields=(
            FieldSpec("level", FieldKind.CHOICE, "督办级别", SUPERVISION_LEVELS),
            text("reason", "督办事由"),
        ),
        optional_fields=(FieldSpec("due_days", FieldKind.DAYS, "答复期限（工作日）"),),
        to_rule="unchanged; the trail keeps the level, the unit supervised and the reply deadline",
        clocks="raise the card of the running clocks to the level where it is lower",
        note="reason",
    ),
    ActionSpec(
        "reclassify",
        "改类",
        LIVE_BEFORE_CLOSURE,
        None,
        (Holder.CENTRE,),
        required_fields=(
            FieldSpec("category", FieldKind.CATEGORY, "事件分类"),
            FieldSpec("priority", FieldKind.CHOICE, "紧急程度", PRIORITIES),
            REASON,
        ),
        to_rule="unchanged",
        guards=("the category or the priority changes", "the category is active"),
        clocks="recompute the running clocks' deadlines from the new category's step limits",
        note="reason",
    ),
]

ACTIONS: dict[str, ActionSpec] = {spec.name: spec for spec in _SPECS}


def action_label(action: str) -> str:
    """The action's Chinese label; a name the table does not know (e.g. a leader's
    "instruct") is shown as is."""
    spec = ACTIONS.get(action)
    return spec.label if spec else action


CHECKS = [
    "## How `perform` decides",
    "",
    "Photos are checked before the row is locked: photos on an action whose *photos* column"
    " is empty → 400 `invalid_field`; a file that is not a JPEG, PNG or WebP image → 400"
    " `invalid_upload` (too large `upload_too_large`, too many `too_many_uploads`).",
    "",
    "Then in one transaction, with the event row locked, before anything is written:",
    "",
    "1. unknown action → 400 `unknown_action`; unknown event → 404 `event_not_found`;",
    "2. the reporter (matching tracking code, or the reporter's own account) skips 3, 4 and 6;",
    "3. none of the action's roles → 403 `forbidden`;",
    "4. the event outside the actor's data scope → 403 `out_of_scope`;",
    "5. `expected_version` stale or state not in *from* → 409 `state_conflict`;",
    "6. not the holder named in *who* → 403 `forbidden`;",
    "7. a required field missing → 400 `missing_field`; a field of the wrong type or unknown"
    " → 400 `invalid_field`;",
    "8. an action's own guard fails → 409 with its own code (e.g. `verification_required`,"
    " `reopen_limit`, `extension_pending`) or 400 `invalid_field` for a bad target.",
    "",
    "Then the state and `version` change by a conditional update (a lost race is 409"
    " `state_conflict`), the SM3-chained trail entry is appended, clocks are started, stopped,"
    " paused or extended, and the photos are stored with the trail entry, all in the same"
    " transaction.",
    "",
]


def markdown_table() -> str:
    """The state table as Markdown, the source of docs/WORKFLOW.md: in the project's own
    language whatever the caller's (a request or a test may have switched to English)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _markdown_table()


def _photos_cell(spec: ActionSpec) -> str:
    if not spec.photos:
        return "—"
    return "yes, the reporter sees them" if spec.public_photos else "yes, staff only"


def _markdown_table() -> str:
    lines = [
        "# Workflow state table",
        "",
        "Generated by `wangge workflow-table` from `wangge/events/workflow.py`; do not edit.",
        "",
        "| action | label | from | to | who | required | optional | note | photos | danger"
        " | guards | clocks |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for spec in _SPECS:
        cells = [
            f"`{spec.name}`",
            spec.label,
            ", ".join(s.value for s in spec.from_states) or "—",
            spec.target(),
            "; ".join(HOLDER_RULES[h] for h in spec.holders),
            ", ".join(f"`{f.name}` ({f.kind})" for f in spec.required_fields) or "—",
            ", ".join(f"`{f.name}` ({f.kind})" for f in spec.optional_fields) or "—",
            f"`{spec.note}`" if spec.note else "—",
            _photos_cell(spec),
            "yes" if spec.danger else "—",
            "; ".join(spec.guards) or "—",
            spec.clocks or "—",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "States: " + ", ".join(f"`{s.value}` {s.label}" for s in State), ""]
    lines += CHECKS
    return "\n".join(lines)
