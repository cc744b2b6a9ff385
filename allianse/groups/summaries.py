"""The session summary (referat) workflows: either co-therapist writes, both edit until one signs;
a signed summary never changes, and later corrections are addenda (docs/methods.md#session-summary
and #interpersonal-events)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import GroupSession, InterpersonalEvent, Membership, SessionSummary, SummaryAddendum
from .services import GroupRuleError


class SummarySigned(GroupRuleError):
    """The summary is signed: it can no longer be changed, only added to."""


def summary_template(language: str) -> dict[str, str]:
    """The headings a new summary starts with, in the writer's chosen language (nb or en)."""
    with translation.override(language):
        return {
            "themes": "\n".join(
                (_("Themes the members brought (there and then):"), _("Themes in the room (here and now):"))
            ),
            "phases": "\n".join((_("Opening:"), _("Working phase:"), _("Closing:"))),
            "agreements": "\n".join((_("Agreed for next time:"), _("To follow up with a member:"))),
        }


def start_summary(*, session: GroupSession, by, language: str) -> SessionSummary:
    """The session's summary, started from the template in `language` if it does not exist yet."""
    with transaction.atomic():
        summary, _created = SessionSummary.objects.get_or_create(
            session=session, defaults={**summary_template(language), "written_by": by, "updated_by": by}
        )
    return summary


def update_summary(*, summary: SessionSummary, by, themes: str, phases: str, agreements: str) -> SessionSummary:
    with transaction.atomic():
        summary = _draft(summary)
        summary.themes, summary.phases, summary.agreements = themes, phases, agreements
        summary.updated_by, summary.updated_at = by, timezone.now()
        summary.save(update_fields=["themes", "phases", "agreements", "updated_by", "updated_at"])
    return summary


def save_event(
    *,
    summary: SessionSummary,
    by,
    members: list[Membership],
    what_happened: str,
    failure: str,
    intervention: str,
    intervention_note: str = "",
    event: InterpersonalEvent | None = None,
) -> InterpersonalEvent:
    """Add an interpersonal event to a draft summary, or change one of its events."""
    with transaction.atomic():
        summary = _draft(summary)
        event = event or InterpersonalEvent(summary=summary)
        event.what_happened, event.failure = what_happened, failure
        event.intervention, event.intervention_note = intervention, intervention_note
        event.save()
        event.members.set(members)
        _touch(summary, by)
    return event


def remove_event(*, event: InterpersonalEvent, by) -> None:
    with transaction.atomic():
        summary = _draft(event.summary)
        event.members.clear()
        event.delete()
        _touch(summary, by)


def sign_summary(*, summary: SessionSummary, by) -> SessionSummary:
    """Sign the summary: from now on it is immutable."""
    with transaction.atomic():
        summary = _draft(summary)
        summary.signed_by, summary.signed_at = by, timezone.now()
        summary.save(update_fields=["signed_by", "signed_at"])
    return summary


def add_addendum(*, summary: SessionSummary, by, text: str) -> SummaryAddendum:
    """A correction or addition to a signed summary (a draft is simply edited instead)."""
    if not SessionSummary.objects.filter(pk=summary.pk, signed_at__isnull=False).exists():
        raise GroupRuleError(_("The summary is not signed yet; edit it instead of adding an addendum."))
    return SummaryAddendum.objects.create(summary=summary, text=text, written_by=by)


def _draft(summary: SessionSummary) -> SessionSummary:
    """The summary, locked for the change; SummarySigned if it was signed meanwhile."""
    locked = SessionSummary.objects.select_for_update().get(pk=summary.pk)
    if locked.is_signed:
        raise SummarySigned(_("The summary has been signed and can no longer be changed. Add an addendum instead."))
    return locked


def _touch(summary: SessionSummary, by) -> None:
    summary.updated_by, summary.updated_at = by, timezone.now()
    summary.save(update_fields=["updated_by", "updated_at"])
