#!/usr/bin/env bash
# The entry point of `npm start`, `npm test` and `npm run bench`: works on a fresh Debian machine
# with nothing but Node and npm. It installs the dependencies when they are missing or older than
# package-lock.json, then runs scripts/<command>.ts with the Node 24 that the repo installs as the
# npm package `node` (the system's Node may be older; Node 24 runs .ts files directly).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

COMMAND="${1:-}"
if [[ -z "$COMMAND" || ! -f "scripts/$COMMAND.ts" ]]; then
  echo "usage: bash scripts/bootstrap.sh <$(cd scripts && ls -- *.ts | sed 's/\.ts$//' | paste -sd '|')> [args...]" >&2
  exit 2
fi
shift

# npm keeps a copy of the lock it installed in node_modules/.package-lock.json and writes it last,
# so a package-lock.json newer than that copy means someone changed the dependencies since.
deps_are_stale() {
  [[ ! -f node_modules/.package-lock.json ]] ||
    [[ ! -x node_modules/.bin/node ]] ||
    [[ package-lock.json -nt node_modules/.package-lock.json ]]
}

if deps_are_stale; then
  echo "bootstrap: installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi

NODE="$ROOT/node_modules/.bin/node"
NODE_MAJOR="$("$NODE" -p 'process.versions.node.split(".")[0]')"
if [[ "$NODE_MAJOR" -lt 24 ]]; then
  echo "bootstrap: $NODE is Node $NODE_MAJOR, need 24 or newer (run: npm ci)" >&2
  exit 1
fi

# Everything below (turbo, tsc, vitest, the apps) finds Node 24 first on the PATH.
export PATH="$ROOT/node_modules/.bin:$PATH"
# exec: the script gets Ctrl-C and SIGTERM itself and its exit code is ours.
exec "$NODE" "scripts/$COMMAND.ts" "$@"
