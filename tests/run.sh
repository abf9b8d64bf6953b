#!/usr/bin/env bash
# Sets up everything the whole test suite needs, then runs it: a virtualenv in .venv with the pinned packages, and
# Debian's Chromium for the browser tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
