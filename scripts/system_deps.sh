#!/usr/bin/env bash
# Debian packages the product and its tests need: gettext (translations), chromium (browser
# tests), postgresql (the suite's second database), Pango and DejaVu fonts (WeasyPrint's PDFs).
# Installed with apt-get when run as root;
# otherwise we say what is missing and the tests that need it are skipped (failed under CI=true).
set -euo pipefail
need=()
command -v msgfmt >/dev/null || need+=(gettext)
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p | grep -q 'libharfbuzz-subset.so.0' || need+=(libharfbuzz-subset0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Missing Debian packages (not root, so not installed): ${need[*]}" >&2
fi
