"""Pick the current language's text from an instrument's {"nb": ..., "en": ...} mapping."""

from django import template
from django.utils.formats import number_format

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
def range_text(bounds: tuple[float, float]) -> str:
    """A score's range as the pages write it: (0.0, 6.0) -> "0–6"."""
    return "–".join(_number(value) for value in bounds)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else number_format(value)


@register.filter
def role_score(response, role: str) -> float | None:
    """The response's score with `role` (roles in allianse.core.measures.roles); None without a response."""
    if response is None:
        return None
    instrument = instruments.get(response.instrument_key)
    return response.scores.get(instrument.score_with_role(role).id)


@register.filter
def role_scores(response, role: str) -> list[float | None]:
    """The response's scores with `role`, in definition order."""
    instrument = instruments.get(response.instrument_key)
    return [response.scores.get(score.id) for score in instrument.scores_with_role(role)]


@register.filter
def role_item(response, role: str):
    """The item with `role` of the response's instrument."""
    return instruments.get(response.instrument_key).item_with_role(role)


@register.filter
def role_answer(response, role: str):
    """The response's answer to the item with `role`."""
    return response.answers.get(role_item(response, role).id)


@register.filter
def role_option(response, role: str) -> str:
    """The text of the option the response chose for the choice item with `role`, in the page's
    language (the stored value is a code, e.g. "withdrawal"); an empty string if none was chosen."""
    item = role_item(response, role)
    value = response.answers.get(item.id)
    return next((tr(option.text) for option in item.options if option.value == value), "")


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


@register.inclusion_tag("instruments/_not_validated.html")
def not_validated_note(instrument_key: str) -> dict:
    """A short note, beside a score or band, that its instrument is not validated (nothing if it is)."""
    try:
        shown = not instruments.get(instrument_key).validated
    except KeyError:
        shown = False
    return {"shown": shown}
