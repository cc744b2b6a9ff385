"""Answer errors as the API returns them: per item, a code from the core and its sentence in the
user's language. Shared by every app whose API takes answers to an instrument."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .forms import ERROR_MESSAGES


class AnswerErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class AnswerErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(child=AnswerErrorSerializer())


# The core's error codes with the form's sentences, and one the API adds: an item id the
# instrument does not have (a typo would otherwise drop an optional answer without a word).
MESSAGES = {**ERROR_MESSAGES, "unknown_item": _("This instrument has no question with this id.")}


def answer_errors(codes: dict[str, str], messages=None) -> dict:
    """Per item: the error code and its sentence in the user's language (from `messages`, by
    default the questionnaire form's)."""
    messages = messages or MESSAGES
    return {
        "errors": {
            item: {"code": code, "message": str(messages.get(code, messages["required"]))}
            for item, code in codes.items()
        }
    }
