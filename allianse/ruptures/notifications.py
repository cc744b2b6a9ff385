"""The e-mail that tells the treating therapists about new signals: a task, enqueued by
`updates.update_for_treatment` in the transaction that stores the signals."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from allianse.background import retried
from allianse.clinic.models import Treatment

from .models import RuptureEpisode


@task()
def notify_therapists(*, treatment_id: int, episode_id: int | None, attempt: int = 1) -> None:
    """E-mail the treating therapists: the pseudonymous code and a link, never health data.
    Retried when the mail server fails (`background.retried`); a treatment deleted since gets none."""
    with retried(notify_therapists, attempt=attempt, treatment_id=treatment_id, episode_id=episode_id):
        treatment = Treatment.objects.select_related("patient").filter(pk=treatment_id).first()
        recipients = [t.email for t in treatment.therapists.all() if t.email] if treatment else []
        if treatment is not None and recipients:
            send_mail(*_message(treatment, episode_id), settings.DEFAULT_FROM_EMAIL, recipients)


def _message(treatment: Treatment, episode_id: int | None) -> tuple[str, str]:
    """Subject and body, in bokmål and English: the therapist's language is not known here."""
    episode = RuptureEpisode.objects.filter(pk=episode_id).first() if episode_id else None
    path = (
        reverse("ruptures:episode", args=[episode.public_id])
        if episode
        else reverse("caseload:patient", args=[treatment.patient.public_id])
    )
    link = f"{settings.SITE_URL}{path}"
    texts = []
    for language in ("nb", "en"):
        with translation.override(language):
            texts.append(
                (
                    _("Allianse: a patient needs your attention"),
                    _(
                        "There is something new to look at for patient %(code)s in Allianse. "
                        "Sign in to see it:\n%(link)s\n\n"
                        "This message holds no health information. Please do not reply to it."
                    )
                    % {"code": treatment.patient.code, "link": link},
                )
            )
    return texts[0][0], "\n\n—\n\n".join(text for _subject, text in texts)
