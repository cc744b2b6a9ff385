"""What the feedback app announces to the apps above it, which it never imports.

Receivers connect in their app's `AppConfig.ready()` (see docs/architecture.md):

- `response_stored(sender=Response, response, defer)`: a new patient or therapist response was
  stored (not a duplicate submit). `defer` takes a callable to run once the HTTP response has been
  sent (`allianse.deferred`).
"""

from django.dispatch import Signal

response_stored = Signal()
