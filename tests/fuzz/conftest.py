"""The rating personas and objects (tests/rating/conftest.py), for the rating draft cases here."""

from tests.rating.conftest import (  # noqa: F401 (fixtures)
    _english,
    _media,
    assignment,
    assignments,
    consent,
    leader,
    rater,
    recording,
    second_rater,
    segment,
    study,
    wav,
)
