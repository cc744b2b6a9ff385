"""A response is visible to the therapists of its treatment; another's answers 404 like an unknown id."""

from __future__ import annotations

from allianse.accounts.access import get_visible_or_404
from allianse.feedback.models import Response


def get_response_for_user(user, public_id) -> Response:
    return get_visible_or_404(
        Response.objects.select_related("session__treatment__patient"),
        lambda response: response.session.treatment.therapists.filter(pk=user.pk).exists(),
        public_id=public_id,
    )
