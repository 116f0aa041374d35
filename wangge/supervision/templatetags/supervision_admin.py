from django import template

from wangge.events.calendar import calendar_warnings

register = template.Library()


@register.simple_tag
def working_calendar_warnings() -> list[str]:
    return calendar_warnings()
