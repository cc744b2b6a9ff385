#!/usr/bin/env bash
# `make run`'s last step: the periodic jobs queued (`allianse schedule`, once each), the task worker
# (`allianse db_worker`, which runs the background tasks queued in the database) in the background
# and the development server in the foreground; the worker stops when the server does. Settings
# come from the environment as for any command.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

$PY -m allianse schedule
$PY -m allianse db_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
$PY -m allianse runserver "127.0.0.1:${PORT:-8000}"
