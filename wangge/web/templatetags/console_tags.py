"""Labels for the codes the console shows (states, cards, lights, priorities) in templates,
and the deadline cell and queue rows, built in Python because they are the hot path."""

from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from wangge.events.choices import Priority, State, Step
from wangge.events.models import CardLevel, Light

register = template.Library()


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


@register.filter
def state_label(value: str) -> str:
    return _label(State, value)


@register.filter
def card_label(value: str) -> str:
    return _label(CardLevel, value)


@register.filter
def light_label(value: str) -> str:
    return _label(Light, value)


@register.filter
def priority_label(value: str) -> str:
    return _label(Priority, value)


@register.filter
def step_label(value: str) -> str:
    return _label(Step, value)


# The deadline cell and the queue's rows are built here rather than as templates: the
# queue re-renders on every filter change and every live message of the scope, and as a
# template loop with an included cell its 30 rows cost about half a millisecond each
# (docs/CONSOLE.md, "Costs at scale"). The markup is the same as the templates had.
DEADLINE = (
    '<span class="light {light}" title="{light_label}"></span> <time class="countdown" '
    'datetime="{due}" data-due="{due}" data-before="{before}" data-after="{after}">'
    "{shown}</time>"
)
NO_DEADLINE = mark_safe('<span class="hint">—</span>')  # noqa: S308 - a constant
CARD = ' <span class="cardtag card-{level}">{label}</span>'
TAKEN = ' <span class="badge taken-over">{label}</span>'
ROW = """
    <tr class="row priority-{priority}" data-event="{pk}">{select}
      <td><a href="{href}">{code}</a></td>
      <td class="title"><a href="{href}">{title}</a>{taken}</td>
      <td>{category}</td>
      <td><span class="badge priority-{priority}">{priority_label}</span></td>
      <td><span class="badge state-{state}">{state_label}</span></td>
      <td>{grid}</td>
      <td>{unit}</td>
      <td>{created}</td>
      <td>{deadline}</td>
    </tr>
  """


def _local(value: datetime, shape: str) -> str:
    """`value|date:shape` as a template shows it: in the current time zone."""
    return dateformat.format(timezone.localtime(value), shape)


@register.simple_tag
def deadline(clock) -> SafeString:
    """Light, countdown and card of an event's clock summary (queries.ClockSummary)."""
    shown = NO_DEADLINE
    if clock.due_at:
        shown = format_html(
            DEADLINE,
            light=clock.light,
            light_label=light_label(clock.light),
            due=_local(clock.due_at, "c"),
            before=gettext("剩余"),
            after=gettext("已超期"),
            shown=_local(clock.due_at, "m-d H:i"),
        )
    if clock.card_level != CardLevel.NONE:
        card = format_html(CARD, level=clock.card_level, label=card_label(clock.card_level))
        shown = mark_safe(shown + card)  # noqa: S308 - both parts built by format_html
    return shown


def _name(related) -> str:
    return related.name if related is not None else ""


# The desk's row checkbox (wangge/web/console/desk.py: batch actions on selected rows).
SELECT = (
    '\n      <td class="select"><input type="checkbox" name="ids" value="{pk}" form="batch" '
    'aria-label="{label} {code}"></td>'
)


def _select(event, selectable: bool) -> str:
    if not selectable:
        return ""
    return format_html(SELECT, pk=event.pk, code=event.tracking_code, label=gettext("选择"))


@register.simple_tag
def queue_rows(events, selectable: bool = False) -> SafeString:
    """The console queue's table rows, one per event, without the empty-queue row;
    `selectable` adds the checkbox the batch bar acts on."""
    rows = [
        format_html(
            ROW,
            select=_select(e, selectable),
            priority=e.priority,
            pk=e.pk,
            href=reverse("web:console_event", args=[e.pk]),
            code=e.tracking_code,
            title=e.title,
            taken=format_html(TAKEN, label=gettext("已提级"))
            if getattr(e, "taken_over", False)
            else "",
            category=_name(e.category),
            priority_label=priority_label(e.priority),
            state=e.state,
            state_label=state_label(e.state),
            grid=_name(e.grid),
            unit=_name(e.current_unit),
            created=_local(e.created_at, "m-d H:i"),
            deadline=deadline(e.clock),
        )
        for e in events
    ]
    return mark_safe("".join(rows))  # noqa: S308 - every row built by format_html
