"""Template helpers of the rating pages."""

import html

from django import template
from django.forms import BoundField
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from allianse.core.measures import Item
from allianse.instruments.templatetags.instrument_text import anchor, tr
from allianse.links import link_to
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


@register.filter
def rater_cells(cells: list[dict]) -> SafeString:
    """One item's cells of the consensus table, a rater each: the answer, the time it was stamped
    (a link that seeks the player there) and the note. Written in Python: a segment 60 raters
    rated on 40 items has 2,400 of them."""
    return mark_safe("".join(_rater_cell(cell) for cell in cells))  # every part escaped there


def _rater_cell(cell: dict) -> str:
    """Escaped as Django escapes (its `escape` is the standard library's, behind a check for lazy
    text that costs more than the escaping here)."""
    seconds, note = cell["time"], cell["note"]
    stamp = (
        ""
        if seconds is None
        else f' <a href="#player" class="seek" data-seek="{seconds:g}">{format_clock(seconds)}</a>'
    )
    noted = f'<br><span class="muted">{html.escape(note)}</span>' if note else ""
    return f"<td>{html.escape(cell['answer'])}{stamp}{noted}</td>"


@register.simple_tag
def rating_item(
    item: Item, field: BoundField, reason: BoundField | None, time: BoundField, note: BoundField
) -> SafeString:
    """One item of a rating form (an entry of `RatingForm.entries`): the answer, the reason it is
    left empty, the time the rater stamped and a note, with the item's errors. Written in Python:
    a form of 40 items drew thousands of template variables, the largest part of its page."""
    errors = field.errors
    ident = conditional_escape(item.id)
    described = f' aria-describedby="error-{ident}"' if errors else ""
    description = f'<p class="muted">{conditional_escape(tr(item.description))}</p>' if item.description else ""
    listed = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
    listed = f'<ul class="errorlist" id="error-{ident}">{listed}</ul>' if errors else ""
    # Not escaped, as {% translate %} leaves the catalogue's text of a literal in a template.
    stamp_now, seek = _("Stamp the player's time"), _("Go to this time")
    late = " ".join(conditional_escape(error) for error in time.errors)
    late = f'<span class="errorlist">{late}</span>' if time.errors else ""
    return mark_safe(  # every other part escaped here or in the helpers
        f'<fieldset class="rate-item{" has-error" if errors else ""}" id="item-{ident}" tabindex="-1"{described}>\n'
        f"  <legend>{conditional_escape(tr(item.text))}</legend>\n"
        f"  {description}\n"
        f"  {listed}\n"
        f"  {_answer(item, field)}\n"
        '  <div class="item-extras">\n'
        f"    {_labelled(reason) if reason else ''}\n"
        f'    <label for="{conditional_escape(time.id_for_label)}">{conditional_escape(time.label)}\n'
        f"      {_stamp(time)}</label>\n"
        f'    <button type="button" class="secondary stamp-now" hidden>{stamp_now}</button>\n'
        f'    <button type="button" class="secondary seek-stamp" hidden>{seek}</button>\n'
        f"    {_labelled(note)}\n"
        f"    {late}\n"
        "  </div>\n"
        "</fieldset>\n"
    )


def _labelled(field: BoundField) -> str:
    return f'<label for="{conditional_escape(field.id_for_label)}">{conditional_escape(field.label)} {field}</label>'


def _stamp(time: BoundField) -> str:
    """The time stamp's box, typed as minutes:seconds (the rating script fills it from the player)."""
    value = time.value()
    return (
        f'<input type="text" name="{conditional_escape(time.html_name)}" id="{conditional_escape(time.id_for_label)}"'
        f' value="{conditional_escape("" if value is None else value)}" class="stamp" inputmode="decimal" size="7"'
        ' placeholder="12:40">'
    )


def _answer(item: Item, field: BoundField) -> str:
    """The answer's inputs: numbered radio buttons with the scale's anchors, a text box, or the
    options' radio buttons or boxes as Django's widget draws them."""
    if item.type == "scale":
        return f"\n    {_scale(item, field)}\n    {_anchors(item)}\n  "
    if item.type == "text":
        label = f'<label class="visually-hidden" for="{conditional_escape(field.id_for_label)}">'
        return f"\n    {label}{conditional_escape(tr(item.text))}</label>{field}\n  "
    options = "".join(
        f'<label for="{conditional_escape(choice.id_for_label)}">{choice.tag()}'
        f" {conditional_escape(choice.choice_label)}</label>"
        for choice in field
    )
    return f'\n    <div class="options">{options}</div>\n  '


def _scale(item: Item, field: BoundField) -> str:
    """Each radio button labelled by its number and, for screen readers, its anchor text where it
    has one. The button chosen is the field's value (posted, else initial) as Django's radio
    widget chooses it; the widget itself builds a dictionary of attributes per button first.
    The standard library escapes the plain text of the many buttons as Django's `escape` does."""
    value = field.value()
    chosen = "" if value is None else str(value)
    name = conditional_escape(field.html_name)
    ident = conditional_escape(field.field.widget.attrs.get("id") or field.auto_id)
    labels = []
    for index, (option, label) in enumerate(field.field.choices):
        text = anchor(item, option)
        hidden = f'<span class="visually-hidden"> – {html.escape(text)}</span>' if text else ""
        checked = " checked" if str(option) == chosen else ""
        labels.append(
            f'<label for="{ident}_{index}"><input type="radio" name="{name}" value="{html.escape(str(option))}"'
            f' id="{ident}_{index}"{checked}><span>{html.escape(str(label))}{hidden}</span></label>'
        )
    return f'<div class="scale">{"".join(labels)}</div>'


def _anchors(item: Item) -> str:
    """The scale's ends (and middle, where it has an anchor) written out, for sighted readers."""
    middle = anchor(item, item.midpoint) if item.midpoint is not None else ""
    middle = f"<span>{item.midpoint} = {conditional_escape(middle)}</span>" if middle else ""
    low, high = conditional_escape(anchor(item, item.min)), conditional_escape(anchor(item, item.max))
    ends = f"<span>{item.min} = {low}</span>{middle}<span>{item.max} = {high}</span>"
    return f'<div class="anchors" aria-hidden="true">{ends}</div>'


# -- The study page: its lists of segments, assignments and raters, written in Python (a study of 80
# segments and 60 raters drew thousands of template variables and a reversed URL per line).


@register.simple_tag
def study_segments(study, segments: list, withdrawn: set[int]) -> SafeString:
    """Each segment with its time in the recording, whether consent was withdrawn and a link to
    its ratings side by side."""
    url = link_to("rating:consensus_segment", study.public_id)
    side_by_side = _("ratings side by side")  # not escaped, as {% translate %} leaves it
    mark = render_to_string("rating/_withdrawn_mark.html", {"withdrawn": True})
    return mark_safe(  # every part escaped here
        "".join(
            f'<li>{html.escape(segment.name)} <span class="muted">{format_clock(segment.start_seconds)}–'
            f"{format_clock(segment.end_seconds)}</span>{mark if segment.pk in withdrawn else ''} · "
            f'<a href="{url(segment.public_id)}">{side_by_side}</a></li>'
            for segment in segments
        )
    )


@register.simple_tag
def segment_options(segments: list, chosen: str) -> SafeString:
    """The segment filter's options, the chosen one (a public id) selected."""
    return mark_safe(  # every part escaped here
        "".join(
            f'<option value="{segment.public_id}"{" selected" if str(segment.public_id) == chosen else ""}>'
            f"{html.escape(segment.name)}</option>"
            for segment in segments
        )
    )


@register.simple_tag
def assignment_rows(assignments) -> SafeString:
    """A page of the study's assignments: segment, rater (as `rater_label` names them), kind and state."""
    states = (_("submitted"), _("draft saved"), _("not started"))
    return mark_safe(  # every part escaped here
        "".join(
            f"\n      <tr><td>{html.escape(assignment.segment.name)}</td><td>{html.escape(assignment.rater_label)}</td>"
            f"<td>{conditional_escape(assignment.get_kind_display())}</td>\n"
            f"        <td>{states[0 if assignment.submitted else 1 if assignment.drafted else 2]}</td></tr>\n    "
            for assignment in assignments
        )
    )


@register.simple_tag
def calibration_links(study, raters: list) -> SafeString:
    """A link to each rater's calibration, as the viewer may name them."""
    url = link_to("rating:calibration", study.public_id)
    return mark_safe(  # every part escaped here
        "".join(f'<li><a href="{url(rater.public_id)}">{html.escape(label)}</a></li>' for rater, label in raters)
    )
