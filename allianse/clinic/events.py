"""What the clinic announces to the apps above it, which it never imports.

Receivers connect in their app's `AppConfig.ready()` (see docs/architecture.md):

- `session_missed(sender=Session, session, defer)`: a session was recorded as missed. `defer`
  takes a callable to run once the HTTP response has been sent (`allianse.deferred`).
"""

from django.dispatch import Signal

session_missed = Signal()
