"""Object access by id that tells nothing about which ids exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Manager, Model, QuerySet
from django.http import Http404

T = TypeVar("T", bound=Model)


def get_visible_or_404(queryset: QuerySet[T] | Manager[T], may_see: Callable[[T], bool], **lookup) -> T:
    """The object, or a bare Http404 both when none matches and when the user may not see it.

    A refusal of an existing object answering differently from an unknown id (403 against 404, or
    a 404 naming the model) would let anyone probe which ids exist.
    """
    try:
        found = queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if not may_see(found):
        raise Http404
    return found
