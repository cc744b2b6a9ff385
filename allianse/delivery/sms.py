"""SMS backends, chosen like Django's mail backends by a dotted path in `settings.SMS_BACKEND`.

- `ConsoleBackend` prints each message to standard output (the default with DEBUG on).
- `FileBackend` appends each message to a file per day under `settings.SMS_FILE_DIR`.
- `GatewayBackend` posts to an HTTP SMS gateway (the default with DEBUG off):

      POST {SMS_GATEWAY_URL}
      Authorization: Bearer {SMS_GATEWAY_TOKEN}
      Content-Type: application/json
      {"sender": SMS_SENDER, "recipients": [{"msisdn": 4791234567}], "message": "..."}

  `msisdn` is the number in international form without `+` (a number of eight digits gets
  `SMS_DEFAULT_COUNTRY_CODE`, 47, in front). Any 2xx answer is success; any other answer, a
  timeout (`SMS_GATEWAY_TIMEOUT` seconds) or a refused connection raises `SmsError`.

`send` raises `SmsError` on failure, with a description that holds neither the number nor the text.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    pass


class BaseBackend:
    def send(self, to: str, message: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, to: str, message: str) -> None:
        self.stream.write(f"SMS to {to} at {timezone.localtime():%Y-%m-%d %H:%M}\n{message}\n{'-' * 40}\n")
        self.stream.flush()


class FileBackend(BaseBackend):
    def send(self, to: str, message: str) -> None:
        directory = Path(settings.SMS_FILE_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / f"{timezone.localdate():%Y-%m-%d}.log").open("a", encoding="utf-8") as stream:
            ConsoleBackend(stream).send(to, message)


class GatewayBackend(BaseBackend):
    def send(self, to: str, message: str) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise SmsError("no SMS gateway configured (SMS_GATEWAY_URL)")
        body = {"sender": settings.SMS_SENDER, "recipients": [{"msisdn": msisdn(to)}], "message": message}
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:
            raise SmsError(f"the SMS gateway answered HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsError(f"the SMS gateway could not be reached ({type(reason).__name__})") from None


def msisdn(number: str) -> int:
    """A normalised number (`contacts.normalise`) as the gateway takes it: digits with country code."""
    digits = number.lstrip("+")
    if not number.startswith("+") and len(digits) == 8:
        digits = settings.SMS_DEFAULT_COUNTRY_CODE + digits
    return int(digits)


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()
