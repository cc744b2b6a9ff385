"""Refuse a request body in a character set that cannot be read, before anything reads it.

Django decodes form fields with the charset of the Content-Type header; an unknown one (or a
binary codec such as "base64") raises LookupError deep inside, and forms must be UTF-8 anyway.
Such a request gets the 400 page in the user's language (this runs after LocaleMiddleware).
"""

from __future__ import annotations

import codecs

from django.core.exceptions import BadRequest

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def readable_charset(content_type: str, charset: str | None) -> bool:
    if charset is None:
        return True
    try:
        "".encode(charset)  # unlike codecs.lookup, refuses codecs of bytes to bytes
    except LookupError:
        return False
    return codecs.lookup(charset).name == "utf-8" if content_type in FORM_TYPES else True


class RequestCharsetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not readable_charset(request.content_type, request.content_params.get("charset")):
            raise BadRequest("The request body's character set is not one this site reads.")
        return self.get_response(request)
