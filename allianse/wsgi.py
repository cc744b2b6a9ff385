import gc
import os
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.template import engines
from django.urls import reverse
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allianse.settings")
application = get_wsgi_application()

# The URLs and every view with them, which Django would import at the first request: in gunicorn's
# master (preload_app) they are imported once, not by each worker in its first request (WeasyPrint
# alone looks for its libraries with a compiler run, seconds on a busy machine).
import_module(settings.ROOT_URLCONF)

# What each process would otherwise build at its first request, and again whenever gunicorn
# replaces a worker (`max_requests`): each language's translation catalogue and URL tables, and
# the product's templates compiled into the cached loader (about 0.1 s of a new worker's CPU on a
# patient's first check).
for code, _name in settings.LANGUAGES:
    with translation.override(code):
        reverse("healthz")
for folder in map(Path, engines["django"].template_dirs):
    if folder.is_relative_to(settings.BASE_DIR):  # the product's own, not the admin's or other apps'
        for template in folder.rglob("*.html"):
            engines["django"].get_template(str(template.relative_to(folder)))

# Everything loaded so far (Django, pandas, the chart schemas, the views) lives as long as the process.
# Moving it out of the collector's reach keeps full collections short (about 15 ms instead of
# 150-230 ms), so they no longer stall a request now and then.
gc.freeze()
