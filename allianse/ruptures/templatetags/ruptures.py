"""Rupture parts of the clinic's pages (the therapist's home and the session page), and the
sentences that describe an episode's history."""

from __future__ import annotations

from django import template
from django.core.paginator import Paginator
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from allianse.accounts import audit
from allianse.core.response_rates import Rate
from allianse.instruments.language import current_language
from allianse.instruments.templatetags.instrument_text import tr
from allianse.ruptures import guide, pages, services
from allianse.ruptures.models import EpisodeEvent, EpisodeKind, Outcome, Recovery

register = template.Library()
Action = EpisodeEvent.Action


ATTENTION_PAGE = 10


@register.inclusion_tag("ruptures/_needs_attention.html", takes_context=True)
def needs_attention(context) -> dict:
    """'Needs attention' on the therapist's home: most urgent first, each with why and what to do,
    `ATTENTION_PAGE` at a time (a caseload taken over with its history can have thousands; only
    the page's items are read in full, see `pages.AttentionList`). Every patient listed is written
    to the audit log (one query for all)."""
    request = context["request"]
    items = Paginator(pages.needs_attention(request.user), ATTENTION_PAGE).get_page(request.GET.get("attention"))
    audit.record_patients_shown(
        request, [patient for item in items for patient in item.patients], detail="needs attention"
    )
    return {"items": items, "request": request, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("ruptures/_session_ruptures.html", takes_context=True)
def session_ruptures(context, session) -> dict:
    return {**pages.session_ruptures(session), "request": context["request"]}


@register.filter
def stage_total(kind: str) -> int:
    return services.stage_count(kind)


@register.filter
def percent(share: float | None) -> str:
    """A share as a whole percentage, written the language's way (42 % in bokmål, 42% in English)."""
    if share is None:
        return "–"
    value = round(share * 100)
    return f"{value}%" if current_language() == "en" else f"{value}\u00a0%"


@register.filter
def rate_cell(rate: Rate | None) -> SafeString:
    """A response rate with its 95 % interval (dashes where the group is too small to show),
    written in Python: the overview's table has hundreds of them."""
    if rate is None:
        hidden = escape(_("too few to show"))
        return mark_safe(f'<span aria-hidden="true">–</span><span class="visually-hidden">{hidden}</span>')
    if not rate.checks:
        none = escape(_("no checks"))
        return mark_safe(f'<span class="muted">{none}</span>')
    # Counts and percentages only, nothing to escape.
    counts = _("%(answered)s of %(checks)s (%(share)s)") % {
        "answered": rate.answered,
        "checks": rate.checks,
        "share": percent(rate.rate),
    }
    interval = _("95%% interval %(low)s–%(high)s") % {"low": percent(rate.low), "high": percent(rate.high)}
    return mark_safe(f'{counts} <span class="muted">{interval}</span>')


@register.filter
def strategy_label(key: str) -> str:
    return tr(guide.get().strategies.get(key)) or key


@register.filter
def marker_label(key: str) -> str:
    texts = {value: text for _kind, value, text in services.marker_options()}
    return tr(texts.get(key)) or key


@register.filter
def event_text(event: EpisodeEvent) -> str:
    """One whole sentence per kind of change, with its details."""
    data, actor = event.data, event.actor.display_name if event.actor else ""
    if event.action == Action.OPENED:
        if actor:
            return _("%(actor)s opened the episode from session %(session)s.") % {"actor": actor, **data}
        return _("Opened from the signals of session %(session)s.") % data
    if event.action == Action.SIGNAL_JOINED:
        return _("New signals from session %(session)s joined the episode.") % data
    if event.action == Action.KIND_CHANGED:
        kind = EpisodeKind(data["after"]["kind"]).label
        return _("%(actor)s set the kind to %(kind)s and updated the markers.") % {"actor": actor, "kind": kind}
    if event.action == Action.STAGE_CHANGED:
        return _("%(actor)s moved the episode from stage %(before)s to stage %(after)s.") % {"actor": actor, **data}
    if event.action == Action.NOTE_ADDED:
        return _("%(actor)s wrote a note at stage %(stage)s.") % {"actor": actor, **data}
    if event.action == Action.RECOVERY_CHANGED:
        recovery = Recovery(data["recovery"]).label
        if data.get("session"):
            return _("The patient's checks: %(recovery)s (session %(session)s).") % {**data, "recovery": recovery}
        return _("The patient's checks: %(recovery)s.") % {"recovery": recovery}
    return _("%(actor)s closed the episode: %(outcome)s.") % {"actor": actor, "outcome": Outcome(data["outcome"]).label}


@register.filter
def observer_of(views: dict, session):
    """The observers' view of `session` from a page's `observers` (ruptures.observers), or None."""
    return views.get(session.pk) if views else None
