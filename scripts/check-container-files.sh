#!/usr/bin/env bash
# Static checks of the container files, for CI (no Docker engine needed):
# docker-compose.yml must parse and keep its shape, the Dockerfile must keep
# its health check, user, listen address and build command, the files it
# copies must reach the build context, and README.md must give the container
# commands. Installs Debian's docker-compose when it is missing.
#
#   bash scripts/check-container-files.sh      (README=path overrides README.md)
set -euo pipefail
cd "$(dirname "$0")/.."

README="${README:-README.md}"
failures=0
fail() { echo "check-container-files: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# --- docker-compose, from Debian's packages when absent -----------------------
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "installing docker-compose (Debian package)"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -n); fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
docker-compose version | head -n1

# --- docker-compose.yml ----------------------------------------------------------
# The variables it interpolates must not leak from the caller's environment
# into what is checked: check the documented defaults.
unset POSTGRES_PASSWORD LINKPLANE_ADMIN_TOKEN LINKPLANE_DEFAULT_REGION RUST_LOG
docker-compose -f docker-compose.yml config -q
ok "docker-compose.yml parses"
normalized="$(docker-compose -f docker-compose.yml config)"

# One service's block of the normalized YAML (two-space indented under services:).
service_block() {
  awk -v svc="$1" '
    /^[^ ]/ { in_services = ($0 == "services:"); in_svc = 0; next }
    in_services && /^  [^ ]/ { in_svc = ($0 == "  " svc ":"); next }
    in_svc { print }
  ' <<<"$normalized"
}
# A top-level section (volumes:, ...) of the normalized YAML.
top_block() {
  awk -v key="$1" '/^[^ ]/ { inside = ($0 == key ":"); next } inside { print }' <<<"$normalized"
}
# has TEXT BLOCK DESCRIPTION: BLOCK contains TEXT (fixed string).
has() { grep -qF -- "$1" <<<"$2" || fail "$3"; }

pg="$(service_block postgres)"
lp="$(service_block linkplane)"
[ -n "$pg" ] || fail "docker-compose.yml has no 'postgres' service"
[ -n "$lp" ] || fail "docker-compose.yml has no 'linkplane' service"

has "image: postgres:16" "$pg" "postgres service is not image postgres:16"
for var in POSTGRES_USER POSTGRES_PASSWORD POSTGRES_DB; do
  has "$var:" "$pg" "postgres service does not set $var"
done
has "healthcheck:" "$pg" "postgres service has no healthcheck"
has "pg_isready" "$pg" "postgres healthcheck does not use pg_isready"
grep -qE -- '(- pgdata:/var/lib/postgresql/data|source: pgdata)' <<<"$pg" ||
  fail "postgres service does not keep /var/lib/postgresql/data in the named volume pgdata"
grep -qE '^  pgdata:' <<<"$(top_block volumes)" || fail "volume pgdata is not declared under top-level volumes:"

has "context: " "$lp" "linkplane service is not built from the repository (build: .)"
grep -qE -A1 '^    depends_on:' <<<"$lp" || fail "linkplane service has no depends_on"
awk '/^    depends_on:/ { d = 1; next } /^    [^ ]/ { d = 0 }
     d && /^      postgres:/ { p = 1; next } d && /^      [^ ]/ { p = 0 }
     d && p && /condition: service_healthy/ { found = 1 }
     END { exit !found }' <<<"$lp" ||
  fail "linkplane does not depend on postgres with condition: service_healthy"
grep -qE 'LINKPLANE_DATABASE_URL: postgres(ql)?://[^@]+@postgres:5432/' <<<"$lp" ||
  fail "linkplane's LINKPLANE_DATABASE_URL does not name the postgres service"
grep -qE "LINKPLANE_LISTEN: '?0\.0\.0\.0:8080" <<<"$lp" || fail "linkplane's LINKPLANE_LISTEN is not 0.0.0.0:8080"
has "LINKPLANE_ADMIN_TOKEN:" "$lp" "linkplane service does not set LINKPLANE_ADMIN_TOKEN"
grep -qE '(published: "?8080"?|- 8080:8080|- "?8080:8080"?)' <<<"$lp" || fail "linkplane does not publish port 8080"
has "healthcheck:" "$lp" "linkplane service has no healthcheck"
has "/readyz" "$lp" "linkplane healthcheck does not ask /readyz"
has "restart: " "$lp" "linkplane service has no restart policy"
ok "docker-compose.yml: postgres (healthcheck, pgdata) and linkplane (depends on healthy postgres)"

# --- Dockerfile --------------------------------------------------------------------
# Logical lines: backslash continuations joined.
dockerfile="$(awk '{ if (sub(/\\$/, "")) { buf = buf $0 } else { print buf $0; buf = "" } }' Dockerfile)"
dhas() { grep -qE -- "$1" <<<"$dockerfile" || fail "Dockerfile: $2"; }

dhas '^FROM rust:[^ ]*-bookworm AS builder' "no rust:*-bookworm builder stage"
dhas 'cargo build --release --locked --bin linkplane' "builder does not run cargo build --release --locked --bin linkplane"
dhas '^FROM debian:bookworm-slim' "runtime stage is not debian:bookworm-slim"
dhas '^HEALTHCHECK .*/readyz' "no HEALTHCHECK on /readyz"
dhas '^ENV .*LINKPLANE_LISTEN=0\.0\.0\.0:8080' "ENV does not set LINKPLANE_LISTEN=0.0.0.0:8080"
dhas '^EXPOSE 8080' "does not EXPOSE 8080"
dhas '^ENTRYPOINT \["/usr/local/bin/linkplane"\]' "ENTRYPOINT is not the linkplane binary"
dhas '^CMD \["serve"\]' "CMD is not serve"
last_user="$(grep -E '^USER ' <<<"$dockerfile" | tail -n1 | awk '{ print $2 }' || true)"
case "$last_user" in
  "") fail "Dockerfile has no USER: the server would run as root" ;;
  root | root:* | 0 | 0:*) fail "Dockerfile's final USER is root ($last_user)" ;;
  *) ok "Dockerfile runs as USER $last_user" ;;
esac

# Every path the builder COPYs from the context exists and is not excluded
# by .dockerignore (top-level entries; that is all the Dockerfile copies).
ignored=()
while IFS= read -r line; do
  line="${line%%#*}"
  line="${line#/}"
  line="${line%/}"
  [ -n "${line// /}" ] && ignored+=("$line")
done <.dockerignore
while read -r src; do
  [ -e "$src" ] || fail "Dockerfile copies '$src', which does not exist"
  top="${src%%/*}"
  for pat in "${ignored[@]}"; do
    # shellcheck disable=SC2053 # .dockerignore entries are glob patterns
    if [[ "$top" == $pat || "$src" == $pat ]]; then
      fail "Dockerfile copies '$src', but .dockerignore excludes it ($pat)"
    fi
  done
done < <(grep -E '^COPY ' <<<"$dockerfile" | grep -v -- '--from=' |
  awk '{ for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }')
ok "Dockerfile: builder, runtime, HEALTHCHECK /readyz, listen address, copied paths"

# --- README.md gives the container commands ------------------------------------------
for line in \
  'docker build -t linkplane .' \
  'docker run --rm -p 8080:8080 -v linkplane-data:/var/lib/linkplane linkplane' \
  'docker compose up --build'; do
  grep -qxF -- "$line" "$README" || fail "$README does not give the line: $line"
done

if [ "$failures" -ne 0 ]; then
  echo "check-container-files: $failures problem(s)" >&2
  exit 1
fi
echo "container files: all checks passed"
