"""Settings of the test suite: the product's settings with a signing key that exists only for the
tests, so `pytest` needs no environment variables. A key given in the environment still wins."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-never-used-to-serve")

from allianse.settings import *  # noqa: E402, F403
from allianse.settings import DATABASES  # noqa: E402

# SQLite's test database would otherwise live in shared-cache memory, where a second writer fails
# at once ("table is locked") instead of waiting as it does in the product's WAL file with its busy
# timeout. A file of this process's own (pytest-xdist adds each worker's suffix) keeps the tests on
# the product's locking.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"allianse-test-{os.getpid()}.sqlite3")}
