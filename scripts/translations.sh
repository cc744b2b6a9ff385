#!/usr/bin/env bash
# Usage: scripts/translations.sh update|check|compile
#   update  : refresh every nb catalogue from the code (no source locations, so diffs stay small)
#   check   : refresh, then fail if any nb string is missing or fuzzy
#   compile : build the .mo files
# The project catalogue (allianse/locale) covers the shared templates and the apps without a
# locale folder of their own; an app with allianse/<app>/locale keeps its own catalogue.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=allianse.settings PYTHONPATH="$PWD" DEBUG=${DEBUG:-1}

app_dirs() { for d in allianse/*/locale; do [ "$d" = allianse/locale ] || dirname "$d"; done; }

update() {
  local ignores=()
  for app in $(app_dirs); do ignores+=(--ignore "$(basename "$app")/*"); done
  mkdir -p allianse/locale
  (cd allianse && "../$PY" -m django makemessages -l nb --no-location --no-obsolete "${ignores[@]}" --ignore "core/*" -v0)
  for app in $(app_dirs); do
    (cd "$app" && "$OLDPWD/$PY" -m django makemessages -l nb --no-location --no-obsolete -v0)
  done
}

check() {
  update
  local failed=0
  for po in allianse/locale/nb/LC_MESSAGES/django.po allianse/*/locale/nb/LC_MESSAGES/django.po; do
    [ -f "$po" ] || continue
    local untranslated fuzzy
    untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
    fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
    # msgattrib prints the header entry (msgid "") when anything is left; count beyond it
    [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
    [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
    if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
      echo "$po: $untranslated untranslated, $fuzzy fuzzy nb strings" >&2
      msgattrib --only-fuzzy --no-obsolete "$po" | grep '^msgid ' | head -20 >&2 || true
      msgattrib --untranslated --no-obsolete "$po" | grep '^msgid ' | head -20 >&2 || true
      failed=1
    fi
  done
  [ "$failed" = 0 ] && echo "translations: every nb string is translated"
  return "$failed"
}

compile() {
  "$PY" -m django compilemessages -v0 --ignore ".venv/*"
}

"${1:-check}"
