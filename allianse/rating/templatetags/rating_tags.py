"""Template helpers of the rating pages."""

from django import template

from allianse.rating.forms import format_clock

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """Seconds as minutes:seconds (or hours:minutes:seconds), as a player shows time."""
    return format_clock(seconds)


@register.filter
def percent(share) -> str:
    return "" if share is None else f"{round(share * 100)} %"
