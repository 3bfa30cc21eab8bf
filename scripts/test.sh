#!/usr/bin/env bash
# Install everything the test suite needs, then run it. This is the README's test command,
# and .ci/run calls exactly this. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Debian's packages the tests use, installed when missing (one apt-get update for all):
# chromium for the real-browser tests (never `playwright install`); postgresql, whose binaries
# the tests start their own server from (tests/pgserver.py); caddy, which
# tests/e2e/test_deploy_caddy.py runs deploy/Caddyfile with in front of two replicas.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v caddy >/dev/null 2>&1 || missing+=(caddy)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The npm package juxtaposejs answers streamlit-image-comparison's CDN URLs in browser tests
# and is checked byte-for-byte against the copy the app vendors.
if [ ! -f tests/e2e/node_modules/juxtaposejs/build/js/juxtapose.min.js ]; then
  npm install --silent --no-audit --no-fund --prefix tests/e2e juxtaposejs@1.1.6 >/dev/null
fi

# Two runs: first the millisecond timing checks alone, on a quiet machine (a busy neighbour
# process would disturb them, and the load average stays high for a minute after heavy work),
# then everything else on two workers (pytest-xdist; a test file stays on one worker, so its
# browser app and fixtures are made once). A run that selects nothing (pytest's exit code 5,
# e.g. a path given as an argument) is not a failure.
run() {
  local rc=0
  python -m pytest -q "$@" || rc=$?
  [ "$rc" -eq 5 ] && rc=0
  return "$rc"
}
status=0
run -p no:xdist -m timing "$@" || status=$?
run -n "${PYTEST_WORKERS:-2}" --dist loadfile -m "not timing" "$@" || status=$?
exit "$status"
