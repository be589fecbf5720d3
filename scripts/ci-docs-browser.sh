#!/usr/bin/env bash
# /docs in a real browser: starts a throwaway linkplane server, loads
# http://127.0.0.1:PORT/docs/ in headless Chromium (Debian's package,
# installed when missing) and checks with tests/browser/docs_check.py that
# the Swagger UI reference renders, that no request the page makes leaves
# 127.0.0.1, and saves a screenshot to target/docs-screenshot.png.
#
#   bash scripts/ci-docs-browser.sh        (DOCS_TIMEOUT=seconds, default 90)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ci-lib.sh

started=$(date +%s)
rc=0
trap 'rc=$?; stop_server "$rc"' EXIT

if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi
# /usr/bin/chromium is a shell wrapper; its first line of output is the version.
chromium_version=$(chromium --version 2>/dev/null | grep -m1 -o 'Chromium [0-9.]*' || echo 'Chromium (version unknown)')
ensure_venv

build_server
start_server
check_started=$(date +%s)
mkdir -p target
rm -f target/docs-screenshot.png
budget="${DOCS_TIMEOUT:-90}"
timeout $((budget + 15)) "$VENV/bin/python" tests/browser/docs_check.py "$LP_URL/docs/" \
  --screenshot target/docs-screenshot.png --timeout "$budget" || {
  status=$?
  if [ "$status" -eq 124 ]; then echo "ci-docs-browser: the browser check timed out" >&2; fi
  echo "ci-docs-browser: FAILED (tests/browser/docs_check.py exited $status)" >&2
  exit 1
}
[ -s target/docs-screenshot.png ] || { echo "ci-docs-browser: no screenshot was written" >&2; exit 1; }
finished=$(date +%s)
echo "ci-docs-browser: ok: $chromium_version rendered /docs/ from 127.0.0.1 only;" \
  "screenshot target/docs-screenshot.png; the check took $((finished - check_started)) s, $((finished - started)) s in all"
