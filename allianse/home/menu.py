"""The site's menu, computed from the user's roles: a link appears only to those who may open its
page (each page refuses the others on its own; this only spares them the link)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from allianse.accounts.models import User
from allianse.courses.access import uses_courses
from allianse.rating.access import uses_rating


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise


def _link(name: str, label: str | Promise) -> Link:
    return Link(reverse(name), label)


def menu(user: User) -> list[Link]:
    links = [_link("home:home", _("Home"))]
    if user.is_therapist:
        links += [_link("caseload:home", _("My patients")), _link("groups:list", _("My groups"))]
    if uses_rating(user):
        links.append(_link("rating:home", _("Video rating")))
    if uses_courses(user):
        links.append(_link("courses:list", _("Courses")))
    links.append(_link("ruptures:guide", _("Repair guide")))
    if user.is_administrator:
        links += [_link("ruptures:overview", _("Ruptures in the clinic")), _link("ruptures:rules", _("Signal rules"))]
        links += [_link("accounts:staff", _("Staff and roles")), _link("accounts:audit", _("Audit log"))]
        links.append(_link("research:projects", _("Research exports")))
    return links
