# shellcheck shell=bash
# Helpers shared by the walkthroughs in this folder (sourced, not run).
#
#   LP     the server (default http://127.0.0.1:8080)
#   ADMIN  the admin secret (required)
#   KEY    the API key that call/post/get/... send (each walkthrough sets it)
#   VERBOSE=1 prints every resolve answer in full on stderr.
LP=${LP:-http://127.0.0.1:8080}
: "${ADMIN:?set ADMIN to the admin secret the server printed (or LINKPLANE_ADMIN_TOKEN)}"

# call METHOD PATH [BODY]: the response body, with the key in $KEY; an HTTP
# error fails with what was asked.
call() {
  local args=(-sS -X "$1" "$LP$2" -H "Authorization: Bearer $KEY" -w '\n%{http_code}') out code
  [ $# -lt 3 ] || args+=(-d "$3")
  out=$(curl "${args[@]}") || return 1
  code=${out##*$'\n'} out=${out%$'\n'*}
  [ "$code" -lt 400 ] || { echo "$1 $2 answered $code: $out" >&2; return 1; }
  printf '%s\n' "$out"
}
post() { call POST "$@"; }
get() { call GET "$1"; }
patch() { call PATCH "$@"; }
put() { call PUT "$@"; }
# expect ACTUAL EXPECTED [WHAT]: stop the walkthrough when they differ.
expect() { [ "$1" = "$2" ] || { echo "expected $2, got $1${3:+ ($3)}" >&2; exit 1; }; }
# until_is PATH FILTER VALUE: wait (at most 60 s) until GET PATH | jq -r FILTER is VALUE.
until_is() {
  local v
  for _ in $(seq 120); do v=$(get "$1" | jq -r "$2"); [ "$v" = "$3" ] && return 0; sleep 0.5; done
  echo "$1: $2 is still $v, expected $3" >&2; exit 1
}
# resolve SOURCE_ENI HOST PORT [REQUEST]: the answer of POST /v1/resolve in $ANSWER.
resolve() {
  ANSWER=$(post /v1/resolve "$(jq -cn --arg eni "$1" --arg host "$2" --argjson port "$3" --argjson req "${4:-null}" \
    '{source: {network_interface_id: $eni}, destination: {host: $host}, port: $port}
     + (if $req == null then {} else {request: $req} end)')")
  [ -z "${VERBOSE:-}" ] || jq . <<<"$ANSWER" >&2
}
# The answer in one line, without ids.
summary() { jq -c '{reachable, answered_by: .dns.answered_by, codes: [.explanations[].code], path: [.hops[].component]}' <<<"$ANSWER"; }
codes() { jq -c '[.explanations[].code]' <<<"$ANSWER"; }
# uri TEXT: TEXT escaped for a URL.
uri() { jq -rn --arg s "$1" '$s | @uri'; }
