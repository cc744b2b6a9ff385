"""Times of day the Norwegian way in bokmål (09.00) and with a colon in English (09:00)."""

from datetime import time

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def clock(value: time | None) -> str:
    if value is None:
        return ""
    separator = "." if (get_language() or "nb").startswith("nb") else ":"
    return f"{value:%H}{separator}{value:%M}"


@register.filter
def minutes_clock(minutes: int) -> str:
    return clock(time(minutes // 60, minutes % 60))
