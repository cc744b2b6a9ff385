"""Times in a recording as people write them: "12:40" (m:ss) or "1:02:03" (h:mm:ss)."""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:[.,]\d+)?)$")


def parse_clock(text: str) -> float | None:
    """Seconds from "12:40", "1:02:03", "75" or "75.5"; None if the text is not a time."""
    match = _CLOCK.match(text.strip())
    if match is None:
        return None
    first, second, seconds = match.groups()
    hours, minutes = (first, second) if second is not None else (None, first)
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds.replace(",", "."))


def format_clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
