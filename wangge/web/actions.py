"""Action forms generated from the state table, and their submission through `perform`.

The console and the department workspace show one form per action the user may take now
(events.queries.available_actions), the grid-worker app one per task action; each form's
inputs are the action's required and optional fields from wangge/events/workflow.py, its
photo input and its warning colour are the row's `photos` and `danger`, so a change to the
table appears on every page without a template change. Submitting calls the same
`perform` as the API, photos included, so a bad photo leaves the event untouched.
"""

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.translation import gettext as _

from wangge.accounts.models import OrgUnit, UnitKind
from wangge.errors import DomainError
from wangge.events.choices import Rating
from wangge.events.models import Event
from wangge.events.queries import available_actions, default_department_id
from wangge.events.reporting import reportable_categories
from wangge.events.routing import covers
from wangge.events.services import perform
from wangge.events.transitions import ActionResult
from wangge.events.workflow import ActionSpec, FieldKind, FieldSpec
from wangge.regions.codes import LEVEL_ORDER

NUMBER_KINDS = (FieldKind.DAYS, FieldKind.NUMBER, FieldKind.UNIT, FieldKind.CATEGORY)


@dataclass
class Input:
    name: str
    kind: str
    label: str
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)
    initial: str = ""


@dataclass
class ActionForm:
    name: str
    label: str
    inputs: list[Input]
    photos: bool
    danger: bool


def _departments(event: Event) -> list[OrgUnit]:
    units = OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT).select_related("region")
    return [u for u in units.order_by("name") if covers(u, event.region_code)]


def _lower_centres(event: Event, above: OrgUnit | None) -> list[OrgUnit]:
    """Centres below `above` whose region covers the event, other than the responsible one:
    where 下派 (from the responsible centre) and 指派 (from the actor's centre) may send it."""
    if above is None:
        return []
    level = LEVEL_ORDER.index(above.level)
    units = OrgUnit.objects.filter(kind=UnitKind.CENTRE).select_related("region")
    return [
        u
        for u in units.order_by("region__code")
        if LEVEL_ORDER.index(u.level) > level
        and covers(u, event.region_code)
        and u.pk != event.centre_id
    ]


def _choices(spec: FieldSpec, event: Event, cache: dict) -> list[tuple[str, str]]:
    if spec.kind == FieldKind.RATING:
        return [(value, str(label)) for value, label in Rating.choices]
    if spec.kind == FieldKind.CHOICE:
        return [(value, _(label)) for value, label in spec.choices]
    if spec.kind == FieldKind.CATEGORY:
        return [(str(c.pk), c.name) for g in reportable_categories() for c in g.categories]
    if spec.name == "target_centre":
        # 指派 counts down from the actor's own centre (cache["unit"]), 下派 from the event's.
        above = cache.get("unit") if cache.get("action") == "direct" else event.centre
        return [(str(u.pk), u.name) for u in _lower_centres(event, above)]
    if spec.kind in (FieldKind.UNIT, FieldKind.UNITS):
        if "departments" not in cache:
            cache["departments"] = [(str(u.pk), u.name) for u in _departments(event)]
        return cache["departments"]
    return []


def _input(spec: FieldSpec, required: bool, event: Event, cache: dict) -> Input:
    initial = ""
    if spec.name == "lead_department":
        initial = str(default_department_id(event.category) or "")
    elif spec.kind == FieldKind.CATEGORY:
        initial = str(event.category_id)
    elif spec.kind == FieldKind.CHOICE:
        initial = str(getattr(event, spec.name, ""))
    return Input(
        name=spec.name,
        kind=str(spec.kind),
        label=_(spec.label),
        required=required,
        choices=_choices(spec, event, cache),
        initial=initial,
    )


def action_form(spec: ActionSpec, event: Event, cache: dict) -> ActionForm | None:
    """The action's form on this event; None when a required choice has no option.

    `cache` is shared by the forms of one event, so the departments are read once; its
    "unit" is the user's unit (where 指派 counts down from).
    """
    cache["action"] = spec.name
    inputs = [_input(f, True, event, cache) for f in spec.required_fields]
    if any(i.kind == FieldKind.UNIT and not i.choices for i in inputs):
        return None  # e.g. 下派 from a village centre: there is no one to send it to
    inputs += [_input(f, False, event, cache) for f in spec.optional_fields]
    return ActionForm(
        name=spec.name,
        label=_(spec.label),
        inputs=inputs,
        photos=spec.photos,
        danger=spec.danger,
    )


def action_forms(event: Event, user) -> list[ActionForm]:
    cache: dict = {"unit": user.unit}
    forms = (action_form(spec, event, cache) for spec in available_actions(event, user))
    return [form for form in forms if form is not None]


def _integer(name: str, raw: str) -> int:
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise DomainError("invalid_field", _("请填写正整数。"), {"field": name})
    return int(raw)


def _event_by_code(name: str, raw: str) -> int:
    """An event field is typed as a tracking code (what operators read and say), never as an
    internal id; the action itself checks that the event is in the actor's scope."""
    code = raw.strip().split()[0].upper()
    found = Event.objects.filter(tracking_code=code).values_list("pk", flat=True).first()
    if found is None:
        raise DomainError("invalid_field", _("没有这个查询码的事件。"), {"field": name})
    return found


def fields_from_post(spec: ActionSpec, post) -> dict:
    """The form's values typed as `perform` expects; blanks are left out (it names them)."""
    fields: dict = {}
    for item in spec.fields:
        if item.kind == FieldKind.UNITS:
            values = [v for v in post.getlist(item.name) if v.strip()]
            if values:
                fields[item.name] = [_integer(item.name, v) for v in values]
            continue
        raw = post.get(item.name, "")
        if item.kind == FieldKind.BOOL:
            if raw:
                fields[item.name] = raw in ("on", "true", "1")
        elif raw.strip() and item.kind == FieldKind.EVENT:
            fields[item.name] = _event_by_code(item.name, raw)
        elif raw.strip():
            fields[item.name] = _integer(item.name, raw) if item.kind in NUMBER_KINDS else raw
    return fields


def submit(request: HttpRequest, event_id: int, spec: ActionSpec) -> ActionResult:
    """Perform the action from a posted form; photos are saved with it or not at all."""
    fields = fields_from_post(spec, request.POST)
    version = request.POST.get("version", "")
    expected = _integer("version", version) if version else None
    photos = request.FILES.getlist("photos")
    return perform(
        event_id, spec.name, request.user, expected_version=expected, photos=photos, **fields
    )
