"""What apps above feedback add to its pages, without feedback importing them.

An app registers in its `AppConfig.ready()` (see docs/architecture.md):

- `short_code_resolvers`: callables `(code) -> ShortCodeTarget | None` for links of another kind
  that carry a short code from `short_codes.unused_code` (a group member's link): None when the
  code is not theirs, else where it leads or why it cannot. The start page (`/c/`) asks feedback's
  own links first, then these; `short_codes.unused_code` asks them too, so a code is given once
  across all kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ShortCodeTarget:
    """The link behind a short code: the page it opens (`url`), or why it cannot be answered
    (`problem`: 'expired' or 'used')."""

    url: str = ""
    problem: str = ""


short_code_resolvers: list[Callable[[str], ShortCodeTarget | None]] = []


def register_short_code_resolver(resolver: Callable[[str], ShortCodeTarget | None]) -> None:
    if resolver not in short_code_resolvers:
        short_code_resolvers.append(resolver)


def resolve_short_code(code: str) -> ShortCodeTarget | None:
    """The first registered link that holds `code` (stored form, as `short_codes.normalise` gives)."""
    for resolver in short_code_resolvers:
        target = resolver(code)
        if target is not None:
            return target
    return None
