"""How rupture signals follow what the apps below announce; connected in `RupturesConfig.ready()`.

The events are sent in the transaction that stores the response or the session; the update is
enqueued in it as a task (`tasks.update_treatment`), so the respondent never waits for it and it
is lost neither to a rollback nor to a crash of the web process.
"""

from allianse import background
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK

from .tasks import update_treatment


def response_stored(sender, *, response, **kwargs) -> None:
    if response.instrument_key in (PATIENT_CHECK, THERAPIST_CHECK):
        background.enqueue(update_treatment, treatment_id=response.session.treatment_id)


def session_missed(sender, *, session, **kwargs) -> None:
    background.enqueue(update_treatment, treatment_id=session.treatment_id)
