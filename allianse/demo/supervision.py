"""The demo's supervision: the supervisor follows the MBT-G group (with the members' case
formulations shared) and the psychoeducational group (without), with notes on signed summaries."""

from allianse.accounts.models import User
from allianse.groups import supervision
from allianse.groups.models import SessionSummary, TherapyGroup

from .clinic import DemoContext

NOTES = [
    "Godt grep å stoppe og spole tilbake da det ble opphetet. Legg merke til hvem som trakk seg ut etterpå.",
    "Her kunne dere utforsket misunnelsen i gruppa mer, før dere gikk videre til neste tema.",
]


def build(context: DemoContext) -> None:
    supervisor = User.objects.get(username="supervisor")
    for group in TherapyGroup.objects.order_by("pk"):
        therapist = group.therapists.order_by("pk").first()
        shared = group.kind == TherapyGroup.Kind.DYNAMIC
        supervision.add_supervisor(group=group, user=supervisor, by=therapist, sees_case_formulations=shared)
        signed = SessionSummary.objects.filter(session__group=group, signed_at__isnull=False).order_by(
            "-session__number"
        )
        for summary, text in zip(signed[: len(NOTES)], NOTES, strict=False):
            supervision.write_note(group=group, summary=summary, by=supervisor, text=text)
        supervision.write_note(group=group, by=supervisor, text="Neste veiledning: gruppas matrise og nye medlemmer.")
    context.say(
        "Supervision: 'supervisor' follows every group (/groups/<id>/supervision/) with notes on signed summaries."
    )
