#!/usr/bin/env bash
# Sets up everything the whole test suite needs, then runs it: a virtualenv in .venv with the pinned packages, and
# Debian's Chromium for the browser tests and a Java runtime for the HTML checker. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)            # browser tests
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)   # the HTML checker (vnu.jar)
command -v epubcheck >/dev/null 2>&1 || missing+=(epubcheck)          # the EPUB checker (tests/test_downloads.py)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
