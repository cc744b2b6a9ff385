"""The rating forms drawn with the widgets written in Python (allianse.widgets) give the HTML of
Django's own widgets, as rendered, chosen and in error."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string

from allianse import widgets
from allianse.instruments import registry as instruments
from allianse.rating.forms import AssignForm, RatingForm
from tests.conftest import make_user

STOCK = {
    widgets.Checkboxes: forms.CheckboxSelectMultiple,
    widgets.TextInput: forms.TextInput,
    widgets.Select: forms.Select,
}


def with_stock_widgets(form: forms.Form) -> forms.Form:
    """The form with Django's own widgets in place of the rating app's."""
    for field in form.fields.values():
        stock = STOCK.get(type(field.widget))
        if stock is not None:
            widget = stock(attrs=dict(field.widget.attrs))
            widget.choices = getattr(field.widget, "choices", [])
            field.widget = widget
    return form


@pytest.mark.parametrize("posted", [None, "kind=rater&segments=bogus", "raters={rater}&segments={segment}"])
def test_the_assign_form_is_drawn_as_django_draws_it(study, segment, rater, posted):
    make_user('rater<&"', "rater")
    data = QueryDict(posted.format(rater=rater.pk, segment=segment.pk)) if posted else None
    ours, django = AssignForm(data, study=study), with_stock_widgets(AssignForm(data, study=study))
    if data is not None:
        assert not ours.is_valid() and not django.is_valid()
    assert ours.as_div() == django.as_div()
    assert "rater&lt;&amp;&quot;" in ours.as_div()


@pytest.mark.parametrize(
    "posted", [None, "i01_adherence__note=a<b\"c&'d&i01_adherence__reason=not_observed&i01_quality__note=" + "x" * 400]
)
def test_the_rating_form_is_drawn_as_django_draws_it(study, posted):
    instrument = instruments.get(study.instrument_key)
    data = QueryDict(posted) if posted else None
    ours, django = (RatingForm(data, instrument=instrument, language="en") for _ in range(2))
    with_stock_widgets(django)
    if data is not None:
        assert not ours.is_valid() and not django.is_valid()
    drawn = render_to_string("rating/_rating_fields.html", {"form": ours})
    assert drawn == render_to_string("rating/_rating_fields.html", {"form": django})
    assert "<select" in drawn and 'size="30"' in drawn
    if data is not None:
        assert 'value="not_observed" selected' in drawn and 'aria-invalid="true"' in drawn and "a&lt;b&quot;" in drawn
