"""Settings of the test suite: the product's settings with a signing key that exists only for the
tests, so `pytest` needs no environment variables. A key given in the environment still wins."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-never-used-to-serve")

from allianse.settings import *  # noqa: E402, F403
