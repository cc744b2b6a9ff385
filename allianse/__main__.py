"""The `allianse` command: Django's manage.py under the product's own name."""

import os
import secrets
import sys

# Commands that read files, print results and sign nothing: they run without a configured
# SECRET_KEY. Every other command (runserver, demo with its signed check link, ...) still
# requires one when DEBUG is off.
OFFLINE_COMMANDS = frozenset({"instruments", "score", "signals", "reliability", "fhir"})


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allianse.settings")
    if sys.argv[1:2] and sys.argv[1] in OFFLINE_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
