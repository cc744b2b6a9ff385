"""Writes through the API are checked by the same forms as on the pages, so a value the page would
refuse is refused here too, with the same sentence; a form's errors become a 400 by field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.settings import api_settings


class Conflict(APIException):
    """The object no longer takes this change (a closed episode, a signed summary)."""

    status_code = 409
    default_code = "conflict"


def body(request) -> dict:
    if not isinstance(request.data, dict):
        raise ParseError(_("Send a JSON object."))
    return request.data


def validated(form: forms.Form) -> dict:
    """The form's cleaned data, or a 400 with its errors by field (`non_field_errors` for the rest)."""
    if not form.is_valid():
        raise ValidationError(
            {
                (api_settings.NON_FIELD_ERRORS_KEY if field == forms.forms.NON_FIELD_ERRORS else field): messages
                for field, messages in form.errors.items()
            }
        )
    return form.cleaned_data
