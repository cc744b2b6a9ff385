"""The widgets written in Python give the HTML of Django's own, whatever the value, the choices and
the attributes (escaping included); the rating forms drawn with them: tests/rating/test_widgets.py."""

from __future__ import annotations

import pytest
from django import forms

from allianse import widgets

CHOICES = [("", "Everyone"), ("a", "Ann <& Co>"), (2, 'Bo "B"'), ("Group <1>", [("b", "Bea"), ("c", "Cy's")])]
ATTRS = {"id": "id_actor", "required": True, "disabled": False, "data-note": 'a"<b>'}


@pytest.mark.parametrize("value", [None, "", "a", 2, "c"])
def test_the_select_is_written_as_djangos(value):
    expected = forms.Select(choices=CHOICES).render("actor", value, ATTRS)
    assert widgets.Select(choices=CHOICES).render("actor", value, ATTRS) == expected


@pytest.mark.parametrize("value", [None, [], ["a"], ["a", 2]])
def test_the_checkboxes_are_written_as_djangos(value):
    choices = [choice for choice in CHOICES if not isinstance(choice[1], list)]
    expected = forms.CheckboxSelectMultiple(choices=choices).render("raters", value, ATTRS)
    assert widgets.Checkboxes(choices=choices).render("raters", value, ATTRS) == expected


@pytest.mark.parametrize(
    "attrs", [{}, {"class": "boxes", "id": "id_raters", "data-x": "1"}, {"class": "boxes", "required": True}]
)
def test_the_checkboxes_carry_any_attributes_as_djangos(attrs):
    """Each box repeats the shared attributes, its own id where the shared id stands, as Django's do."""
    choices = [choice for choice in CHOICES if not isinstance(choice[1], list)]
    expected = forms.CheckboxSelectMultiple(choices=choices).render("raters", ["", 2], attrs)
    assert widgets.Checkboxes(choices=choices).render("raters", ["", 2], attrs) == expected


@pytest.mark.parametrize("value", [None, "", "plain", "a<b\"c&'d"])
def test_the_text_input_is_written_as_djangos(value):
    attrs = {"size": 30, **ATTRS}
    assert widgets.TextInput().render("note", value, attrs) == forms.TextInput().render("note", value, attrs)
