#!/usr/bin/env bash
# Schema-driven fuzzing: schemathesis (pinned in scripts/fuzz-requirements.txt,
# installed into target/fuzz-venv) generates requests from the OpenAPI
# document the server serves (GET /openapi.json) and runs all its checks
# against a throwaway linkplane server, once on SQLite and once on a fresh
# Postgres schema. It fails on any 5xx, any response the document does not
# describe (status, content type, headers, body schema), any schema-invalid
# request the server accepts, and any schema-valid request the server refuses
# for a reason of shape (scripts/fuzz/hooks.py tells those from refusals of
# state, such as an id in the body that does not exist, and lists the few
# other failures it drops, each with its reason).
#
#   bash scripts/ci-fuzz.sh
#
# Settings (environment):
#   FUZZ_DATABASES       sqlite postgres (default both; the order they run in)
#   FUZZ_MAX_EXAMPLES    test cases per operation and phase (default 25)
#   FUZZ_TIMEOUT         seconds one database's run may take (default 300)
#   FUZZ_SEED            a seed to replay a run (printed by every run)
#   FUZZ_WORKERS         concurrent schemathesis workers (default 1: more
#                        threads crash hypothesis in ast.parse on CPython 3.11.7,
#                        "AST constructor recursion depth mismatch")
#   LINKPLANE_TEST_POSTGRES_URL   Postgres (default postgres://postgres@127.0.0.1:5432/test)
#
# Reports land in target/fuzz-report/<database>/: schemathesis's output, JUnit
# XML, an NDJSON event log, and dropped.txt (the failures hooks.py dropped, by
# operation and reason).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/fuzz-venv
REQUIREMENTS=scripts/fuzz-requirements.txt
source scripts/ci-lib.sh

DATABASES="${FUZZ_DATABASES:-sqlite postgres}"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-25}"
TIMEOUT="${FUZZ_TIMEOUT:-300}"
WORKERS="${FUZZ_WORKERS:-1}"
SEED="${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')}"
PG_URL="${LINKPLANE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

# What is not fuzzed, and why. Each is a schemathesis filter.
EXCLUDE=(
  # The fuzzer's own key would revoke itself (and every later request would
  # answer 401); revocation is covered by tests/api/identity.rs.
  --exclude-name 'DELETE /v1/api-keys/{key_id}'
  # Admin only: the fuzzer holds an account's root key, so this answers 403
  # whatever the input (tests/api/identity.rs drives it as the admin).
  --exclude-name 'POST /v1/accounts'
)

started=$(date +%s)
rc=0
PG_SCHEMA=""
cleanup() {
  stop_server "$rc"
  if [ -n "$PG_SCHEMA" ]; then
    psql "$PG_URL" -qXc "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null 2>&1 || true
    PG_SCHEMA=""
  fi
}
trap 'rc=$?; cleanup' EXIT

ensure_venv
version=$("$VENV/bin/st" --version | awk '{print $NF}')
build_server

# POST $2 to $1 with the admin secret (or the key in $3); prints the body,
# fails on a non-2xx.
post() {
  curl -fsS -X POST "$LP_URL$1" -H "Authorization: Bearer ${3:-$LP_ADMIN_TOKEN}" \
    -H 'Content-Type: application/json' -d "$2"
}

json_field() { "$VENV/bin/python" -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }

# fuzz <database>: one run against a fresh server on that database.
fuzz() {
  local db="$1" url=""
  case "$db" in
    sqlite) url="" ;;
    postgres)
      PG_SCHEMA="lp_fuzz_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
      psql "$PG_URL" -qXc "CREATE SCHEMA $PG_SCHEMA" >/dev/null
      local sep='?'
      case "$PG_URL" in *\?*) sep='&' ;; esac
      url="$PG_URL${sep}options=-c%20search_path%3D$PG_SCHEMA"
      ;;
    *) echo "ci-fuzz: unknown database '$db' (sqlite or postgres)" >&2; return 1 ;;
  esac
  # Webhooks the fuzzer registers may point anywhere: the server delivers
  # only to loopback, so a run never calls out (other hosts answer 400, a
  # refusal hooks.py knows as the deployment's choice).
  LINKPLANE_WEBHOOK_ALLOWED_HOSTS=127.0.0.1 start_server "$url"

  # The fuzzer acts as an account's root, with a real key, as a user would.
  local account arn key
  account=$(post /v1/accounts '{"name": "fuzzer"}')
  arn=$(json_field root_principal_arn <<<"$account")
  key=$(post /v1/api-keys "{\"principal_arn\": \"$arn\"}" | json_field secret)

  local report="target/fuzz-report/$db"
  rm -rf "$report"
  mkdir -p "$report"
  # One of everything in the fuzzer's account, and the configuration that
  # points generated ids at it (scripts/fuzz/seed.py says why).
  cp scripts/fuzz/schemathesis.toml "$report/schemathesis.toml"
  "$VENV/bin/python" scripts/fuzz/seed.py "$LP_URL" "$key" >>"$report/schemathesis.toml"
  echo "== schemathesis $version on $db: seed $SEED, $MAX_EXAMPLES examples per operation, at most $TIMEOUT s"
  local t0 status=0
  t0=$(date +%s)
  FUZZ_DROPPED="$report/dropped.txt" timeout --kill-after=10 "$TIMEOUT" "$VENV/bin/st" --config-file "$report/schemathesis.toml" run \
    "$LP_URL/openapi.json" \
    --header "Authorization: Bearer $key" \
    --checks all \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --workers "$WORKERS" \
    --request-timeout 30 \
    --no-color \
    --report junit,ndjson --report-dir "$report" \
    "${EXCLUDE[@]}" >"$report/output.txt" 2>&1 || status=$?
  local took=$(($(date +%s) - t0))
  if [ "$status" -ne 0 ]; then
    # Every error and failure, and the summary, from the end of the output.
    if grep -qE '^=+ (ERRORS|FAILURES) =+$' "$report/output.txt"; then
      sed -n '/^=\+ \(ERRORS\|FAILURES\) =\+$/,$p' "$report/output.txt" | cut -c1-400
    else
      tail -n 40 "$report/output.txt"
    fi
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
      echo "ci-fuzz: schemathesis on $db did not finish within $TIMEOUT s" >&2
    fi
    echo "ci-fuzz: FAILED on $db after $took s (FUZZ_SEED=$SEED FUZZ_DATABASES=$db generates the same cases again, with other ids; output in $report/output.txt)" >&2
    return 1
  fi
  sed -n '/^=\+ SUMMARY =\+$/,$p' "$report/output.txt" | grep -v -e '^$' -e '^Reports:' -e '^  - [A-Z]'
  echo "ci-fuzz: $db ok in $took s ($(wc -l <"$report/dropped.txt" 2>/dev/null || echo 0) kinds of refusal dropped by hooks.py; see $report/dropped.txt)"
  cleanup
}

for db in $DATABASES; do
  fuzz "$db"
done
echo "ci-fuzz: ok: schemathesis $version found nothing on $DATABASES (seed $SEED); $(($(date +%s) - started)) s in all"
