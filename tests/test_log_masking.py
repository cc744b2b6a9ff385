"""Link tokens never reach a log: Django's loggers and gunicorn's access log show a short id."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from allianse.log_masking import mask_tokens, short_id

TOKEN = "eyJhbGciOiJIUzI1NiJ9:1a2b3c4d5e6f7g8h9i0j"


@pytest.mark.parametrize("prefix", ["/c/", "/g/", "/accounts/enrol/"])
def test_a_token_in_a_path_becomes_a_short_id(prefix):
    masked = mask_tokens(f'"GET {prefix}{TOKEN}/?lang=nb HTTP/1.1" 200')
    assert TOKEN not in masked and f"{prefix}…{short_id(TOKEN)}/?lang=nb" in masked
    assert short_id(TOKEN) == short_id(TOKEN) != short_id(TOKEN + "x")


def test_short_paths_are_kept():
    assert mask_tokens("GET /c/thanks/ and /g/thanks/") == "GET /c/thanks/ and /g/thanks/"


class Caught(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.mark.parametrize("name", ["django.server", "django.request"])
def test_djangos_request_loggers_mask_tokens(name):
    logger, caught = logging.getLogger(name), Caught()
    logger.addHandler(caught)
    try:
        logger.warning('"%s" %s %s', f"GET /c/{TOKEN}/ HTTP/1.1", 404, 179)
    finally:
        logger.removeHandler(caught)
    assert caught.lines == [f'"GET /c/…{short_id(TOKEN)}/ HTTP/1.1" 404 179']


@pytest.mark.django_db
def test_a_not_found_link_is_logged_without_its_token(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(reverse("groups:member_check", args=[TOKEN]))
    assert caplog.messages and all(TOKEN not in message for message in caplog.messages)


def test_gunicorns_access_log_masks_tokens():
    path = Path(settings.BASE_DIR).parent / "deploy" / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    atoms = conf.MaskedAtoms({"r": f"GET /g/{TOKEN}/ HTTP/1.1", "s": 200})
    assert atoms["r"] == f"GET /g/…{short_id(TOKEN)}/ HTTP/1.1" and atoms["s"] == 200
