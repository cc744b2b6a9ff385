"""Pick the current language's text from an instrument's {"nb": ..., "en": ...} mapping."""

from django import template

from allianse.instruments import registry as instruments
from allianse.instruments.language import current_language

register = template.Library()


@register.filter
def tr(text: dict | None) -> str:
    if not text:
        return ""
    return text.get(current_language()) or text.get("nb", "")


@register.filter
def anchor(item, value) -> str:
    """The anchor text of a scale value, or an empty string."""
    return tr(item.anchors.get(int(value)))


@register.filter
def shown_when(item) -> str:
    """`data-shown-when` value for the form script: "<item>=<form value>"."""
    condition = item.shown_when
    if condition is None:
        return ""
    value = condition.equals
    if isinstance(value, bool):
        value = "yes" if value else "no"
    return f"{condition.item}={value}"


@register.filter
def concern_label(response) -> str:
    """The label of the response's primary band when the instrument marks that band a concern."""
    instrument = instruments.get(response.instrument_key)
    primary = instrument.primary_score
    if primary is None:
        return ""
    band_id = response.bands.get(primary.id)
    band = next((b for b in instrument.bands.get(primary.id, ()) if b.id == band_id and b.concern), None)
    return tr(band.label) if band else ""
