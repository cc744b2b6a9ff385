"""What the clinic announces to the apps above it, which it never imports.

Receivers connect in their app's `AppConfig.ready()` (see docs/architecture.md):

- `session_missed(sender=Session, session)`: a session was recorded as missed. Sent inside the
  transaction that stores it: work a receiver enqueues (`allianse.background.enqueue`) is committed
  or rolled back with the session.
- `treatment_ended(sender=Treatment, treatment)`: a treatment was ended (`services.end_treatment`),
  sent inside the transaction that stores the end: its open check links stop with it.
"""

from django.dispatch import Signal

session_missed = Signal()
treatment_ended = Signal()
