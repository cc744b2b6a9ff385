"""Shared personas for Django tests: real rows, no fixtures files, no ORM mocks."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.signals import setting_changed
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from allianse.accounts.models import Role, User
from allianse.clinic.models import Session
from allianse.clinic.services import register_patient


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """Compile the nb catalogues (.po -> .mo) before any test, so the pages speak bokmål in a fresh
    clone. Test processes (the two pytest-xdist workers, or separate runs of the same tree) take a
    lock in turn: the first compiles, the next finds every catalogue up to date and compiles nothing."""
    package = Path(settings.BASE_DIR)
    lock = Path(tempfile.gettempdir()) / f"allianse-{hashlib.sha256(bytes(package)).hexdigest()[:16]}.mo.lock"
    with lock.open("w") as handle, contextlib.chdir(package):
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            call_command("compilemessages", verbosity=0)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    # Catalogues looked up before they existed would stay cached as missing; Django's own handler
    # of a LOCALE_PATHS change forgets them.
    setting_changed.send(sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)


def make_user(username: str, *roles: str) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery staple")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, user: User) -> None:
    """Password and second factor, as a verified staff session."""
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


@pytest.fixture
def therapist(db) -> User:
    return make_user("therapist", Role.THERAPIST)


@pytest.fixture
def other_therapist(db) -> User:
    return make_user("outsider", Role.THERAPIST)


@pytest.fixture
def administrator(db) -> User:
    return make_user("administrator", Role.ADMINISTRATOR)


@pytest.fixture
def treatment(therapist):
    return register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())


@pytest.fixture
def session(treatment) -> Session:
    return Session.objects.create(treatment=treatment, number=1, starts_at=timezone.now(), attended=True)


@pytest.fixture
def therapist_client(client, therapist):
    sign_in(client, therapist)
    return client


@pytest.fixture
def outsider_client(client, other_therapist):
    sign_in(client, other_therapist)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached: counts a page keeps for minutes belong to one test's data."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


LOCK_WAIT_MS = 300  # how long another writer waits for a lock before it gives up


def short_lock_wait() -> None:
    """Make this thread's connection give up on a held lock at once instead of after the product's
    timeout (for tests where a second connection writes while the first holds a lock)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        else:
            cursor.execute(f"SET lock_timeout = '{LOCK_WAIT_MS}ms'")
