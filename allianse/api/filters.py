"""The filters of the API's lists, declared on each list view as `list_filters`: query parameter ->
`Filter` (an ORM lookup and the parameter's type). The lists of apps below the API declare them
without importing anything of it; this backend (DEFAULT_FILTER_BACKENDS) applies them and describes
them in the schema.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

TYPES = {str: "string", uuid.UUID: "string", date: "string", bool: "boolean"}
FORMATS = {uuid.UUID: "uuid", date: "date"}


def _parse(kind: type, text: str):
    if "\x00" in text:  # no database takes it (PostgreSQL refuses it when the query runs)
        raise ValueError(text)
    if kind is bool:
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if kind is date:
        return date.fromisoformat(text)
    return kind(text)


class DeclaredFilters(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        errors = {}
        for name, (lookup, kind, _description) in getattr(view, "list_filters", {}).items():
            text = request.query_params.get(name)
            if text is None or text == "":
                continue
            try:
                queryset = queryset.filter(**{lookup: _parse(kind, text)})
            except ValueError:
                errors[name] = [_("This value is not valid here.")]
        if errors:
            raise ValidationError(errors)
        return queryset

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": str(description),
                "schema": {"type": TYPES[kind], **({"format": FORMATS[kind]} if kind in FORMATS else {})},
            }
            for name, (_lookup, kind, description) in getattr(view, "list_filters", {}).items()
        ]
