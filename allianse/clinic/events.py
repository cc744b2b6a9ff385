"""What the clinic announces to the apps above it, which it never imports.

Receivers connect in their app's `AppConfig.ready()` (see docs/architecture.md):

- `session_missed(sender=Session, session)`: a session was recorded as missed. Sent inside the
  transaction that stores it: work a receiver enqueues (`allianse.background.enqueue`) is committed
  or rolled back with the session.
"""

from django.dispatch import Signal

session_missed = Signal()
