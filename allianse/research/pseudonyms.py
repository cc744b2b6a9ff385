"""Project-level pseudonyms: a keyed hash (HMAC-SHA256) of an object's public id, so the same
patient has the same pseudonym in every table of one project, and nobody without the project's
key can recompute or reverse it."""

from __future__ import annotations

import hmac
import uuid


def pseudonym(key: str, prefix: str, public_id: uuid.UUID | str | int | None) -> str:
    """`prefix` followed by twelve hexadecimal digits (48 bits), or "" for a missing object."""
    if public_id is None:
        return ""
    return prefix + hmac.digest(key.encode(), f"{prefix}:{public_id}".encode(), "sha256").hex()[:12]
