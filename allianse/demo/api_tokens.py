"""The demo's API access: a service account for a quality register with a read-only token, and a
therapist's own tokens (one of them revoked). Their secrets were shown once and are gone, as in use."""

from allianse.accounts import tokens
from allianse.accounts.models import ApiPart, Role

from .clinic import DemoContext


def build(context: DemoContext) -> None:
    register = tokens.create_service_account(
        username="kvalitetsregister",
        description="Demo: nattlig uttrekk til kvalitetsregisteret",
        roles=[Role.THERAPIST],
        by=context.administrator,
    )
    tokens.issue_for_service(
        account=register,
        name="Nattlig uttrekk",
        can_write=False,
        parts=[ApiPart.CLINIC, ApiPart.RUPTURES],
        days=365,
        by=context.administrator,
    )
    therapist = context.therapists[0]
    parts = [ApiPart.CLINIC, ApiPart.FEEDBACK]
    tokens.issue_personal(user=therapist, name="Timeplan-skript", can_write=True, parts=parts, days=90)
    old = tokens.issue_personal(user=therapist, name="Gammelt skript", can_write=False, parts=parts, days=30)
    tokens.revoke(token=old.token)
    context.say(
        f"API: tokens under 'API tokens' ({therapist.username}), the service account 'kvalitetsregister' under "
        "Staff and roles -> Service accounts (admin), documentation at /api/v1/docs/."
    )
