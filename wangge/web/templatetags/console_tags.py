"""Labels for the codes the console shows (states, cards, lights, priorities) in templates."""

from django import template

from wangge.events.choices import Priority, State, Step
from wangge.supervision.models import CardLevel, Light

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
