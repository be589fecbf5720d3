#!/usr/bin/env bash
# The generated Python client, end to end: generates it from
# openapi/openapi.json with a pinned openapi-python-client (any generator
# warning fails), installs it into target/sdk-venv, starts a throwaway
# linkplane server and runs tests/sdk/story.py (the whole PrivateLink story,
# through the client only) against it.
#
#   bash scripts/ci-python-sdk.sh        (STORY_TIMEOUT=seconds, default 180)
#
# The client lands in target/sdk/ (package linkplane_client); use it with
# `pip install target/sdk` after a run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ci-lib.sh

started=$(date +%s)
rc=0
trap 'rc=$?; stop_server "$rc"' EXIT

ensure_venv
generator=$("$VENV/bin/openapi-python-client" --version | awk '{print $NF}')

# --- generate -------------------------------------------------------------------
echo "generating target/sdk with openapi-python-client $generator"
mkdir -p target
gen_log=$(mktemp)
# The venv's bin on PATH: the generator formats its output with the pinned ruff.
if ! PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/openapi-python-client" generate \
  --path openapi/openapi.json \
  --output-path target/sdk \
  --config scripts/sdk-config.yaml \
  --meta poetry \
  --overwrite \
  --fail-on-warning >"$gen_log" 2>&1; then
  cat "$gen_log" >&2
  rm -f "$gen_log"
  echo "ci-python-sdk: the generator failed" >&2
  exit 1
fi
# It may also print warnings it does not count as such (a skipped post
# hook, say): the output must be exactly the one "Generating" line.
if grep -v -e '^Generating ' -e '^[[:space:]]*$' "$gen_log" | grep -q .; then
  cat "$gen_log" >&2
  rm -f "$gen_log"
  echo "ci-python-sdk: the generator warned; fix the OpenAPI annotations (src/api, src/service)" >&2
  exit 1
fi
rm -f "$gen_log"
modules=$(find target/sdk/linkplane_client/api -name '*.py' ! -name '__init__.py' | wc -l)
models=$(find target/sdk/linkplane_client/models -name '*.py' ! -name '__init__.py' | wc -l)
echo "generated $modules operations and $models models"

# --- install -------------------------------------------------------------------------
# poetry-core (pinned in the venv) builds it; its dependencies (httpx, attrs)
# are pinned there too.
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation --no-deps \
  --force-reinstall target/sdk
"$VENV/bin/pip" check --disable-pip-version-check >/dev/null
"$VENV/bin/python" -c 'import linkplane_client, linkplane_client.api, linkplane_client.models'

# --- serve and run the story -----------------------------------------------------------
build_server
start_server
story_started=$(date +%s)
LINKPLANE_URL="$LP_URL" LINKPLANE_ADMIN_TOKEN="$LP_ADMIN_TOKEN" \
  timeout "${STORY_TIMEOUT:-180}" "$VENV/bin/python" tests/sdk/story.py || {
  status=$?
  if [ "$status" -eq 124 ]; then echo "ci-python-sdk: the story timed out" >&2; fi
  echo "ci-python-sdk: FAILED (tests/sdk/story.py exited $status)" >&2
  exit 1
}
finished=$(date +%s)
echo "ci-python-sdk: ok: openapi-python-client $generator generated linkplane_client ($modules operations, $models models)," \
  "the story passed through it in $((finished - story_started)) s; $((finished - started)) s in all"
