"""What apps above ruptures add to its pages, without ruptures importing them.

An app registers in its `AppConfig.ready()` (see docs/architecture.md):

- `attention_sources`: callables `(therapist) -> list of items` for "needs attention"; an item has
  `latest` (datetime), `urgency` (int, lower first), `patients`, `shown_signals` and `group`
  (None for a patient's own treatment).
- `episode_details`: callables `(episode) -> dict | None` adding to the episode page what an episode
  with someone other than an individual patient needs (e.g. a group member's signals and scores).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

attention_sources: list[Callable[[Any], list]] = []
episode_details: list[Callable[[Any], dict | None]] = []


def register_attention_source(source: Callable[[Any], list]) -> None:
    if source not in attention_sources:
        attention_sources.append(source)


def register_episode_details(details: Callable[[Any], dict | None]) -> None:
    if details not in episode_details:
        episode_details.append(details)
