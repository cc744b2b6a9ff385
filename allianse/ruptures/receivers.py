"""How rupture signals follow what the apps below announce; connected in `RupturesConfig.ready()`.

The work goes to the event's `defer`, so a patient or therapist never waits for it.
"""

from .updates import update_after_response, update_for_treatment


def response_stored(sender, *, response, defer, **kwargs) -> None:
    defer(lambda: update_after_response(response))


def session_missed(sender, *, session, defer, **kwargs) -> None:
    defer(lambda: update_for_treatment(treatment=session.treatment))
