#!/usr/bin/env bash
# End-to-end tests: Playwright drives Debian's Chromium against the real portal
# (backend + frontend dev server) started on its own ports with fresh data.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
# Playwright's own browser download does not work on this kind of machine; Debian's
# Chromium does. A CJK font makes Chinese text render (and screenshots readable).
missing=()
[ -x "$chromium" ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qiE 'wqy|noto sans cjk' || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "› installing ${missing[*]} from Debian" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) >&2
  else
    echo "Missing Debian packages: ${missing[*]} (or set CHROMIUM_PATH)" >&2
    exit 1
  fi
fi
export CHROMIUM_PATH="$chromium"

rm -rf "$root/data/e2e-sqlite"
mkdir -p "$root/data/e2e-sqlite"
exec bash scripts/with-node.sh playwright test "$@"
