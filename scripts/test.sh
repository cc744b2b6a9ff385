#!/usr/bin/env bash
# The whole test run: the static checks (lock, ruff, import layers, mypy), migrations,
# translations, the suite on SQLite, the suite on a real PostgreSQL server started here, and the
# browser tests. Under CI=true nothing may be skipped. `scripts/test.sh lint` stops after the
# static checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONPATH="$PWD" SECRET_KEY=test-only-not-secret DEBUG=0 ALLIANSE_VAR_DIR="${TMPDIR:-/tmp}/allianse-test-var"
mkdir -p "$ALLIANSE_VAR_DIR"
step() { printf '\n== %s\n' "$*"; }

step "requirements.lock pins what pyproject.toml asks for"
$PY scripts/lock_check.py

step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

step "import layers (.importlinter)"
.venv/bin/lint-imports --no-logo

step "types (mypy) of the core and the services"
.venv/bin/mypy
[ "${1:-}" = lint ] && exit 0

step "migrations are complete"
DEBUG=1 $PY -m allianse makemigrations --check --dry-run

step "translations (nb) are complete"
scripts/translations.sh check
scripts/translations.sh compile

step "suite on SQLite"
$PY -m pytest -m "not browser" -n 2 -q

step "suite on PostgreSQL"
if url=$(scripts/postgres.sh start); then
  trap 'scripts/postgres.sh stop' EXIT
  DATABASE_URL="$url" $PY -m pytest -m "not browser" -n 2 -q
else
  [ "${CI:-}" = true ] && { echo "PostgreSQL could not be started; it is required under CI" >&2; exit 1; }
  echo "SKIPPED: PostgreSQL is not installed (make test installs it when run as root)"
fi

step "browser tests (Chromium)"
$PY -m pytest -m browser -q
