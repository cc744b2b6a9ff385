"""The API's one request parser: DRF's JSON parser with a bound on nesting.

Python's json module answers deeply nested arrays with a RecursionError, and values nested deeper
than any request of the API needs only burden what reads them later; both are a 400 in the user's
language. (The size of the body is bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE.)
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deeper than any request of the API (an answer is at most a list inside the answers object).
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_("The JSON is nested too deeply.")) from error
        if _depth(data) > MAX_DEPTH:
            raise ParseError(_("The JSON is nested too deeply."))
        return data


def _depth(value) -> int:
    """How deeply lists and objects are nested in a parsed JSON value (a scalar: 0), without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if not isinstance(item, dict | list):
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest
