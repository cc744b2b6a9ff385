"""What apps above ruptures add to its pages, without ruptures importing them.

An app registers in its `AppConfig.ready()` (see docs/architecture.md):

- `attention_sources`: callables `(therapist) -> list of items` for "needs attention"; an item has
  `latest` (datetime), `urgency` (int, lower first), `patients`, `shown_signals` and `group`
  (None for a patient's own treatment). A source returns its items in full, each time the list is
  read: it must stay small (a therapist leads few groups). The patients' own items, which can be
  thousands, are ranked from light rows and read in full only for the page shown
  (`pages.AttentionList`); a source's items are ranked among them by `urgency` and `latest`.
- `episode_details`: callables `(episode) -> dict | None` adding to the episode page what an episode
  with someone other than an individual patient needs (e.g. a group member's signals and scores).
- `response_sources`: (title, callable `(period, *, therapist=None) -> list of link rows`) pairs,
  each a column of the clinic overview's response rates (rows as `allianse.core.response_rates`
  reads them, with a `therapist` user id; e.g. the group members' checks).
- `observer_sources`: objects with `views(sessions) -> {session id: observers.ObserverView}` for a
  queryset of clinic sessions, and `rated_sessions(*, rupture) -> queryset of session ids` (those
  observers rated, or coded a rupture in; used as a subquery): the third perspective (observers'
  ratings of recordings) on the session, patient and episode pages, in the signals and the overview.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

attention_sources: list[Callable[[Any], list]] = []
episode_details: list[Callable[[Any], dict | None]] = []
response_sources: list[tuple[Any, Callable[..., list[dict]]]] = []
observer_sources: list[Any] = []


def register_attention_source(source: Callable[[Any], list]) -> None:
    if source not in attention_sources:
        attention_sources.append(source)


def register_episode_details(details: Callable[[Any], dict | None]) -> None:
    if details not in episode_details:
        episode_details.append(details)


def register_response_source(title: Any, links: Callable[..., list[dict]]) -> None:
    if all(known is not links for _title, known in response_sources):
        response_sources.append((title, links))


def register_observer_source(source: Any) -> None:
    if source not in observer_sources:
        observer_sources.append(source)
