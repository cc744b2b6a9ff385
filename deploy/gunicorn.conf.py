"""Gunicorn in production: `gunicorn -c deploy/gunicorn.conf.py` (see deploy/allianse.service).

Every value can be overridden on the command line (which wins over this file), and the ones a
host usually changes come from the environment: BIND, WEB_CONCURRENCY.
"""

from __future__ import annotations

import multiprocessing
import os

from gunicorn.glogging import Logger, SafeAtoms

from allianse.log_masking import mask_tokens

wsgi_app = "allianse.wsgi:application"

# Behind the clinic's reverse proxy (TLS ends there) on the loopback interface.
bind = os.environ.get("BIND", "127.0.0.1:8000")

# Sync workers: each request holds one worker for as long as it runs, and the pages do their work
# in Python and in the database. Two per core plus one keeps a core busy while a worker waits for
# the database. Measured with loadtest.run (PostgreSQL, 32 clients, patients with 16 to 31 answered
# sessions): a patient's check (form and submit) costs the server about 15 ms of CPU (the trivial
# view 2 ms) and waits on the database for 7 short queries, so the workers are bound by the CPU,
# not by waiting. Threads (gthread) would add no CPU under the GIL, and more processes would only
# share the same two cores with PostgreSQL and the task worker (`allianse db_worker`) beside
# gunicorn; so sync workers, as many as this.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))

# A request still running after 30 s (SQLite's busy timeout is 20 s) is killed and its worker
# replaced; its transaction is rolled back. On SIGTERM or SIGHUP the workers get 30 s to finish the
# requests they are serving.
timeout = 30
graceful_timeout = 30
keepalive = 5

# Each worker is replaced after about a thousand requests, at staggered times, so that slow growth
# of a process's memory never builds up and the workers are never all replaced at once.
max_requests = 1000
max_requests_jitter = 100

# The application (Django, pandas, the chart schemas) is imported once in the master and shared
# by the workers through copy-on-write; allianse/wsgi.py freezes it out of the garbage collector's
# reach, which keeps those pages shared. Database connections open in each worker, after the fork.
# A new release needs a restart, not a reload.
preload_app = True

# Logs to stdout/stderr, which systemd sends to the journal.
accesslog = "-"
errorlog = "-"
loglevel = "info"

# No referer (it holds the previous page's path) and no query string of its own: the request line
# is enough, and its link tokens are masked (below).
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


class MaskedAtoms(SafeAtoms):
    """The access log's values with link tokens replaced by a short id (allianse.log_masking),
    whichever atoms the format uses."""

    def __init__(self, atoms):
        super().__init__({key: _masked(value) for key, value in atoms.items()})


def _masked(value):
    return mask_tokens(value) if isinstance(value, str) else value


class MaskedTokensLogger(Logger):
    atoms_wrapper_class = MaskedAtoms


logger_class = MaskedTokensLogger
