#!/usr/bin/env bash
# The whole test suite: type check, lint, unit and API tests on SQLite and
# PostgreSQL, frontend tests, and the end-to-end tests in Chromium.
#   npm test                  everything
#   npm test -- --no-e2e      without the browser tests
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run_e2e=1
for arg in "$@"; do
  case "$arg" in
    --no-e2e) run_e2e=0 ;;
    *) echo "unknown option: $arg (use --no-e2e)" >&2; exit 2 ;;
  esac
done
cd "$root"
started=$(date +%s)
step() { printf '\n\033[1m== %s (%ss)\033[0m\n' "$1" "$(( $(date +%s) - started ))"; }

# PostgreSQL: the server on 127.0.0.1:5432 unless told otherwise. Backstage's
# TestDatabases would silently skip it when unreachable; CI must not allow that.
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if [ -n "${CI:-}" ]; then export CRM_REQUIRE_POSTGRES=1; fi

step "install"
bash scripts/with-node.sh true
# real servers the tests start themselves: OpenLDAP (org ingestion) and Dovecot (mail sync);
# under CI those tests fail without them
missing=()
[ -x /usr/sbin/slapd ] || missing+=(slapd ldap-utils)
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "› installing ${missing[*]} from Debian" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) >&2
  else
    echo "missing Debian packages: ${missing[*]} (those tests are skipped outside CI)" >&2
  fi
fi

step "type check"
bash scripts/with-node.sh tsc --noEmit -p .

step "lint"
bash scripts/with-node.sh backstage-cli repo lint

step "unit, API (SQLite + PostgreSQL) and frontend tests"
CI=true bash scripts/with-node.sh backstage-cli repo test --maxWorkers=2

if [ "$run_e2e" = 1 ]; then
  step "end-to-end tests in Chromium"
  bash scripts/e2e.sh
fi
step "all tests passed"
