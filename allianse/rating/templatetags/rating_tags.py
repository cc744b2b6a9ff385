"""Template helpers of the rating pages."""

from django import template

from allianse.rating import consents
from allianse.rating.forms import format_clock

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """Seconds as minutes:seconds (or hours:minutes:seconds), as a player shows time."""
    return format_clock(seconds)


@register.filter
def percent(share) -> str:
    return "" if share is None else f"{round(share * 100)} %"


@register.inclusion_tag("rating/_withdrawn_mark.html")
def withdrawn_mark(segment):
    """A mark beside a segment (and so its ratings) whose recording someone withdrew consent from:
    the ratings are kept, left out of agreement, and marked wherever they are listed."""
    return {"withdrawn": consents.is_withdrawn(segment.recording)}
