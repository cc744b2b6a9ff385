"""Links to many objects of one kind in one page, reversed once.

Reversing a URL costs tens of microseconds; a list of hundreds of rows written in Python (the
caseload, a rating study's segments and raters) reverses each kind of link once and fills in
each row's public id.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.urls import reverse

_ANY_ID = UUID(int=0)  # stands for the row's public id in the reversed URL


def link_to(name: str, *args) -> Callable[[object], str]:
    """The URL of `name` with `args` and then a public id, as a function of that public id."""
    head, _id, tail = reverse(name, args=[*args, _ANY_ID]).partition(str(_ANY_ID))
    return lambda public_id: f"{head}{public_id}{tail}"
