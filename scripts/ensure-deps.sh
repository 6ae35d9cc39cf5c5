#!/bin/sh
# Installs the npm dependencies when node_modules is missing or older than the lock file, so the
# README's commands work in a fresh clone. Idempotent: a second run does nothing.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "kconform: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

# The test suite alone needs a real browser: the HTML report is checked in headless Chromium.
# `kconform doctor` does not ask for it, since running the conformance suite never needs it.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "kconform: installing chromium for the HTML report test (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
  else
    echo "kconform: chromium is missing; the HTML report test will fail (apt-get install chromium, as root)" >&2
  fi
fi
