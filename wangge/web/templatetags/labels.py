"""Labels kept in Chinese in the code (base-data categories and fields: import and export
headers must stay as they are) shown in the reader's language on the pages."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def in_language(label: str) -> str:
    """The label translated when the catalogue has it; an administrator's own label as typed."""
    return gettext(label) if label else label
