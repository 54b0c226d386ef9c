#!/usr/bin/env bash
# Starts the portal with the demo organisation and demo data.
#   npm start                 embedded SQLite files under ./data (kept across restarts)
#   npm start -- --postgres   the PostgreSQL server on 127.0.0.1:5432 instead
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# absolute: the CLI resolves config paths from each package directory
configs=(--config "$root/app-config.yaml")
for arg in "$@"; do
  case "$arg" in
    --postgres) configs+=(--config "$root/app-config.postgres.yaml") ;;
    *) echo "unknown option: $arg (use --postgres)" >&2; exit 2 ;;
  esac
done
if [ -f "$root/app-config.local.yaml" ]; then configs+=(--config "$root/app-config.local.yaml"); fi
mkdir -p "$root/data/sqlite"
cat <<'BANNER'

  协同客户管理 is starting (the first build of the frontend takes a minute or two).
  Open  http://localhost:3000  and choose a demo user to sign in as.

BANNER
exec bash "$root/scripts/with-node.sh" backstage-cli repo start "${configs[@]}"
