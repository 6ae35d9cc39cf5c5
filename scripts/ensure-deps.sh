#!/bin/sh
# Installs the npm dependencies when node_modules is missing or older than the lock file, so the
# README's commands work in a fresh clone. Idempotent: a second run does nothing.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "kconform: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
