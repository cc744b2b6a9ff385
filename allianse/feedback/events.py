"""What the feedback app announces to the apps above it, which it never imports.

Receivers connect in their app's `AppConfig.ready()` (see docs/architecture.md):

- `response_stored(sender=Response, response)`: a new patient or therapist response was stored
  (not a duplicate submit). Sent inside the transaction that stores it: work a receiver enqueues
  (`allianse.background.enqueue`) is committed or rolled back with the response.
"""

from django.dispatch import Signal

response_stored = Signal()
