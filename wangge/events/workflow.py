# STAND-IN: replaced by the workflow branch at integration
"""A minimal slice of the state table, shaped like the workflow branch's ActionSpec."""

from dataclasses import dataclass
from enum import StrEnum

from wangge.accounts.models import Role
from wangge.events.choices import State


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
    name: str
    kind: FieldKind
    label: str


@dataclass(frozen=True)
class ActionSpec:
    name: str
    label: str
    from_states: tuple[State, ...]
    to_state: State | None
    roles: tuple[str, ...]
    required_fields: tuple[FieldSpec, ...] = ()
    optional_fields: tuple[FieldSpec, ...] = ()
    public: bool = False
    intake: bool = False

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return self.required_fields + self.optional_fields


REASON = FieldSpec("reason", FieldKind.TEXT, "理由")
COMMENT = FieldSpec("comment", FieldKind.TEXT, "意见")
OPERATOR = (Role.OPERATOR,)

_SPECS = [
    ActionSpec("report", "上报", (), State.REPORTED, (), intake=True),
    ActionSpec("accept", "受理", (State.REPORTED,), State.ACCEPTED, OPERATOR, (), (COMMENT,)),
    ActionSpec("reject", "不予受理", (State.REPORTED,), State.REJECTED, OPERATOR, (REASON,)),
    ActionSpec(
        "dispatch",
        "派遣",
        (State.ACCEPTED,),
        State.DISPATCHED,
        OPERATOR,
        (FieldSpec("lead_department", FieldKind.UNIT, "主办部门"),),
        (FieldSpec("assist_departments", FieldKind.UNITS, "协同部门"),),
    ),
    ActionSpec(
        "withdraw", "撤销", (State.REPORTED,), State.WITHDRAWN, (), (), (REASON,), public=True
    ),
    ActionSpec(
        "evaluate",
        "评价",
        (State.CLOSED,),
        State.CLOSED,
        OPERATOR,
        (FieldSpec("rating", FieldKind.RATING, "评价"),),
        (COMMENT, FieldSpec("reopen", FieldKind.BOOL, "申请重办")),
        public=True,
    ),
]

ACTIONS: dict[str, ActionSpec] = {spec.name: spec for spec in _SPECS}
