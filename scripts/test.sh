#!/usr/bin/env bash
# Install everything the test suite needs, then run it. This is the README's test command,
# and .ci/run calls exactly this. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Debian's chromium for the real-browser tests (never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# Debian's PostgreSQL server: the tests start their own from its binaries (tests/pgserver.py).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

# The npm package juxtaposejs answers streamlit-image-comparison's CDN URLs in browser tests
# and is checked byte-for-byte against the copy the app vendors.
if [ ! -f tests/e2e/node_modules/juxtaposejs/build/js/juxtapose.min.js ]; then
  npm install --silent --no-audit --no-fund --prefix tests/e2e juxtaposejs@1.1.6 >/dev/null
fi

exec python -m pytest -q "$@"
