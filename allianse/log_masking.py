"""Link tokens kept out of the logs. The paths of a patient's check (/c/<token>/), a group
member's check (/g/<token>/) and a staff member's enrolment (/accounts/enrol/<token>/) are the
secret itself: anyone holding the path can answer until the link is used or expires. A log line
shows a short id instead, the same for every request of one link (so they can be followed) and
useless for answering. Used by Django's loggers (settings.LOGGING) and gunicorn's access log
(deploy/gunicorn.conf.py); pure Python, so gunicorn can import it before Django is set up."""

from __future__ import annotations

import hashlib
import logging
import re

# Only long path segments are tokens (/c/thanks/ is kept).
TOKEN_IN_PATH = re.compile(r"(/(?:c|g|enrol)/)([^/?#\s\"]{16,})")


def mask_tokens(text: str) -> str:
    return TOKEN_IN_PATH.sub(lambda match: f"{match[1]}…{short_id(match[2])}", text)


def short_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:6]


class MaskedTokens(logging.Filter):
    """Rewrites a record whose message holds a link token; lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
