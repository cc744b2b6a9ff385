"""The short code of a patient's check link: what a patient types on the start page (`/c/`) when
scanning the QR code or tapping the link is not an option.

A code is eight characters of the patient codes' alphabet (no 0/O or 1/I), shown as 'K7QF-3M9X'
(`clinic.models.readable_code`): 32**8 = 2**40, about 1.1e12 codes. That is enough because a code
is worth little and lives briefly: it opens one questionnaire to answer, shows nothing about the patient, works once and
closes with its link (72 hours by default); and the start page takes 10 wrong codes per 10 minutes
from one address. With even 10,000 links open at once, one guess hits with a chance of 1 in 10**8,
and a day of the most guesses one address may make (1,440) with about 1 in 76,000.

A code is never given twice (a unique constraint, not only among open links): at this size that
costs nothing, and an old code can then say that it has expired or was used instead of opening
another patient's check.

A group member's link has a short code too, typed on the same start page: the codes of all kinds
of link are one namespace, kept by `unused_code` (see there).
"""

from __future__ import annotations

import re

from allianse.clinic.models import CODE_ALPHABET, readable_code

from . import extensions
from .models import Administration

LENGTH = 8
_IGNORED = re.compile(r"[\s\-‐‑–—]+")


def normalise(typed: str) -> str | None:
    """The stored form ('K7QF-3M9X') of what a patient typed, in any case, with or without dashes
    and spaces; None if it cannot be a code."""
    raw = _IGNORED.sub("", typed).upper()
    if len(raw) != LENGTH or any(character not in CODE_ALPHABET for character in raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


def unused_code() -> str:
    """A code no link of any kind has had: neither a patient's (`Administration`) nor one that a
    registered resolver knows (`extensions`, e.g. a group member's), expired and used ones included.

    Checking every kind at each draw, rather than giving each kind a prefix letter, keeps all 40
    bits for every kind and the codes already given unchanged, and an old code of any kind still
    says that it expired or was used. Two links of different kinds could share a code only if they
    drew the same one of 2**40 in the same instant, before either was stored; within one kind a
    unique constraint rules even that out. A repeat is rare enough that the queries per draw cost
    nothing.
    """
    code = readable_code()
    while Administration.objects.filter(short_code=code).exists() or extensions.resolve_short_code(code):
        code = readable_code()
    return code
