"""What higher apps add to the groups' pages, registered in their AppConfig.ready() (the groups
app never imports them):

- `session_sections`: callables `(user, session) -> Section | None`, a section of the group
  session page rendered from the higher app's own template (e.g. the session's recordings).
- `group_links`: callables `(user, group) -> list of (label, url)`, buttons on the group page
  (e.g. the members' consents to recording).
- `supervision_sections`: callables `(user, group) -> Section | None`, a section of the group's
  supervision page (e.g. the group's recordings the supervisor may watch).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


session_sections: list[Callable[[Any, Any], Section | None]] = []
group_links: list[Callable[[Any, Any], list[tuple[str, str]]]] = []
supervision_sections: list[Callable[[Any, Any], Section | None]] = []


def register_session_section(section: Callable[[Any, Any], Section | None]) -> None:
    if section not in session_sections:
        session_sections.append(section)


def register_group_links(links: Callable[[Any, Any], list[tuple[str, str]]]) -> None:
    if links not in group_links:
        group_links.append(links)


def register_supervision_section(section: Callable[[Any, Any], Section | None]) -> None:
    if section not in supervision_sections:
        supervision_sections.append(section)


def supervision_sections_for(user, group) -> list[Section]:
    return [section for build in supervision_sections if (section := build(user, group)) is not None]


def sections_for(user, session) -> list[Section]:
    return [section for build in session_sections if (section := build(user, session)) is not None]


def links_for(user, group) -> list[tuple[str, str]]:
    return [link for build in group_links for link in build(user, group)]
