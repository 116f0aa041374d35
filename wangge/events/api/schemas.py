"""Request and response schemas of the events API."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, create_model

from wangge.events.choices import Channel, Priority, Rating, State
from wangge.events.workflow import ActionSpec, FieldKind


def _no_nul(value: str) -> str:
    """PostgreSQL cannot store NUL in text; refuse it as bad input, not a server error."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
MAX_ID = 2**63 - 1  # the largest primary key any supported database stores
Id = Annotated[int, Field(gt=0, le=MAX_ID)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
Crs = Literal["wgs84", "gcj02", "bd09"]
MAX_TEXT = 4000

PUBLIC_CHANNELS = (Channel.PUBLIC_APP, Channel.QR_CODE, Channel.MINI_PROGRAM)
STAFF_CHANNELS = (Channel.GRID_WORKER, Channel.OPERATOR, Channel.HOTLINE, Channel.VIDEO_PATROL)


class IntakeBase(Schema):
    model_config = ConfigDict(extra="forbid")

    category: Id = Field(..., description="事件分类编号")
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    description: Annotated[Text, Field(max_length=MAX_TEXT)] = ""
    lon: FiniteFloat
    lat: FiniteFloat
    crs: Crs = "wgs84"
    address: Annotated[Text, Field(max_length=200)] = ""


class PublicIntakeIn(IntakeBase):
    channel: Literal[PUBLIC_CHANNELS] = Channel.PUBLIC_APP  # type: ignore[valid-type]
    reporter_name: Annotated[Text, Field(max_length=50)] = ""
    reporter_phone: Annotated[Text, Field(max_length=32)] = ""
    is_anonymous: bool = False


class StaffIntakeIn(IntakeBase):
    channel: Literal[STAFF_CHANNELS]  # type: ignore[valid-type]
    priority: Priority = Priority.NORMAL
    reporter_name: Annotated[Text, Field(max_length=50)] = ""
    reporter_phone: Annotated[Text, Field(max_length=32)] = ""
    is_anonymous: bool = False
    self_handled: bool = False
    result: Annotated[Text, Field(max_length=MAX_TEXT)] = ""


class HotlineIntakeIn(IntakeBase):
    external_case_id: Annotated[Text, Field(min_length=1, max_length=64, pattern=r"^[\w.:-]+$")]
    priority: Priority = Priority.NORMAL
    caller_name: Annotated[Text, Field(max_length=50)] = ""
    caller_phone: Annotated[Text, Field(max_length=32)] = ""


class IntakeOut(Schema):
    tracking_code: str
    state: str
    state_label: str
    created_at: datetime
    attachments: int
    duplicate: bool = Field(description="true when an earlier request with this key made it")


class StaffIntakeOut(IntakeOut):
    id: int
    version: int


class NamedRef(Schema):
    id: int
    name: str


class ClockOut(Schema):
    step: str
    unit: str
    started_at: datetime
    due_at: datetime
    paused_at: datetime | None
    stopped_at: datetime | None
    card_level: str
    light: str | None = Field(description="green/yellow/red while running, null when stopped")


class EventRow(Schema):
    id: int
    tracking_code: str
    title: str
    state: str
    state_label: str
    category: NamedRef
    priority: str
    channel: str
    region_code: str
    grid_code: str
    current_unit: NamedRef
    reporter_name: str
    reporter_phone: str
    is_anonymous: bool
    self_handled: bool
    created_at: datetime
    due_at: datetime | None
    overdue: bool
    card_level: str
    version: int


class PartOut(Schema):
    department: NamedRef
    role: str
    instruction: str
    signed_at: datetime | None
    submitted_at: datetime | None
    result: str


class AttachmentOut(Schema):
    id: int
    content_type: str
    size: int
    sha256: str
    url: str = Field(description="the original as uploaded (staff only; may hold EXIF)")
    public_url: str = Field(description="a re-encoded copy without any metadata")
    thumbnail_url: str | None
    exif_lon: float | None
    exif_lat: float | None
    trail_sequence: int | None
    created_at: datetime


class TrailOut(Schema):
    sequence: int
    action: str
    label: str
    actor: str | None
    actor_unit: str | None
    from_state: str
    to_state: str
    comment: str
    payload: dict[str, Any]
    created_at: datetime


class EventDetail(EventRow):
    description: str
    address: str
    lon: float
    lat: float
    rating: str
    reopen_count: int
    accepted_at: datetime | None
    closed_at: datetime | None
    merged_into: str | None
    parts: list[PartOut]
    attachments: list[AttachmentOut]
    clocks: list[ClockOut]
    trail: list[TrailOut]


class EventPage(Schema):
    count: int
    next: str | None
    results: list[EventRow]


class EventFilters(Schema):
    state: list[State] = Field(default_factory=list)
    category: Id | None = Field(None, description="a category and its children")
    region: Annotated[str, Field(pattern=r"^\d{2,12}$")] | None = Field(
        None, description="region code or code prefix"
    )
    grid: Annotated[str, Field(pattern=r"^\d{1,20}$")] | None = None
    unit: Id | None = Field(None, description="current holding unit")
    channel: list[Channel] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    overdue: bool | None = None
    card_level: Literal["none", "normal", "yellow", "red"] | None = None
    created_from: date | None = None
    created_to: date | None = None
    q: Annotated[Text, Field(max_length=100)] | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: Annotated[str, Field(max_length=200, pattern=r"^[A-Za-z0-9_=-]+$")] | None = None


class TrackStep(Schema):
    action: str
    label: str
    state: str
    state_label: str
    at: datetime


class TrackOut(Schema):
    tracking_code: str
    state: str
    state_label: str
    category: str
    created_at: datetime
    closed_at: datetime | None
    rating: str
    timeline: list[TrackStep]


class ActionOut(Schema):
    id: int
    tracking_code: str
    state: str
    state_label: str
    version: int
    entry: TrailOut


class TrackActionOut(Schema):
    tracking_code: str
    state: str
    state_label: str


FIELD_TYPES: dict[str, Any] = {
    FieldKind.TEXT: Annotated[Text, Field(max_length=MAX_TEXT)],
    FieldKind.DAYS: Annotated[int, Field(ge=1, le=365)],
    FieldKind.BOOL: bool,
    FieldKind.RATING: Rating,
    FieldKind.EVENT: Id,
    FieldKind.UNIT: Id,
    FieldKind.UNITS: Annotated[list[Id], Field(max_length=50)],
    FieldKind.NUMBER: FiniteFloat,
    FieldKind.CHOICE: Annotated[Text, Field(max_length=64)],
    FieldKind.CATEGORY: Id,
}


class ActionBody(Schema):
    model_config = ConfigDict(extra="forbid")


def action_schema(spec: ActionSpec, *, staff: bool) -> type[Schema]:
    """The request body of one action, from the state table's fields for it."""
    fields: dict[str, Any] = {}
    for field in spec.required_fields:
        fields[field.name] = (FIELD_TYPES[field.kind], Field(..., description=field.label))
    for field in spec.optional_fields:
        fields[field.name] = (FIELD_TYPES[field.kind] | None, Field(None, description=field.label))
    if staff:
        fields["expected_version"] = (
            int | None,
            Field(
                None, ge=0, le=2**31 - 1, description="refuse with 409 if the event changed since"
            ),
        )
    name = "".join(part.title() for part in spec.name.split("_"))
    return create_model(
        f"{name}{'' if staff else 'Public'}ActionIn",
        __base__=ActionBody,
        **fields,
    )
