# linkplane container image.
#
#   docker build -t linkplane .
#   docker run --rm -p 8080:8080 -v linkplane-data:/var/lib/linkplane linkplane
#
# The image runs `linkplane serve` as an unprivileged user (uid 10001),
# listening on 0.0.0.0:8080, with an embedded SQLite database under the
# /var/lib/linkplane volume unless LINKPLANE_DATABASE_URL names another
# (docker-compose.yml points it at Postgres). `serve` applies migrations
# before it binds, so a new or older database needs no separate step.
# Without LINKPLANE_ADMIN_TOKEN the first start prints a generated admin
# secret once in the container log (`docker logs`).

# The toolchain: the workspace's rust-version is 1.94; build with the same
# minor the project's machines and CI use. Builder and runtime share
# bookworm, so the binary's glibc matches.
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS builder
WORKDIR /src
ENV CARGO_TERM_COLOR=never

# 1. Dependencies only, cached until Cargo.toml / Cargo.lock change: the
#    manifests with stub sources. Cargo parses every target the manifests
#    declare, so each [[bench]] gets a stub file too (names read from
#    Cargo.toml, so a new bench needs no edit here).
COPY Cargo.toml Cargo.lock build.rs ./
# Cargo's settings: the flags the bundled SQLite is compiled with.
COPY .cargo .cargo
COPY crates/linkplane-core/Cargo.toml crates/linkplane-core/Cargo.toml
RUN mkdir -p src benches crates/linkplane-core/src \
 && echo 'fn main() {}' > src/main.rs \
 && echo '//! stub' > src/lib.rs \
 && echo '//! stub' > crates/linkplane-core/src/lib.rs \
 && for bench in $(awk -F'"' '/^\[\[bench\]\]/ { b = 1; next } /^\[/ { b = 0 } b && /^name *=/ { print $2 }' Cargo.toml); do \
      echo 'fn main() {}' > "benches/${bench}.rs"; \
    done \
 && cargo build --release --locked --bin linkplane \
 && rm -rf src crates/linkplane-core/src

# 2. The real sources. `sqlx::migrate!` embeds migrations/ and the core
#    embeds crates/linkplane-core/data/ at compile time. The copied files
#    keep their (older) build-context mtimes, so touch the crate roots to
#    make cargo rebuild both workspace crates instead of reusing the stubs.
COPY src src
COPY crates crates
COPY migrations migrations
RUN touch src/main.rs src/lib.rs crates/linkplane-core/src/lib.rs \
 && cargo build --release --locked --bin linkplane \
 && install -m 0755 target/release/linkplane /usr/local/bin/linkplane \
 && /usr/local/bin/linkplane --version

FROM debian:bookworm-slim AS runtime
# ca-certificates only: the roots https webhooks are verified against
# (besides LINKPLANE_WEBHOOK_CA_FILE); the health check below needs no curl
# (bash's /dev/tcp speaks the one request it sends).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 linkplane \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/linkplane \
      --no-create-home --shell /usr/sbin/nologin linkplane \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/linkplane

COPY --from=builder /usr/local/bin/linkplane /usr/local/bin/linkplane

ENV LINKPLANE_LISTEN=0.0.0.0:8080 \
    LINKPLANE_DATABASE_URL="sqlite:///var/lib/linkplane/linkplane.db?mode=rwc" \
    RUST_LOG=info
WORKDIR /var/lib/linkplane
VOLUME ["/var/lib/linkplane"]
USER 10001:10001
EXPOSE 8080

# Ready = the database is reachable and migrated (GET /readyz answers 200).
# The port follows LINKPLANE_LISTEN, so `-e LINKPLANE_LISTEN=0.0.0.0:9090`
# keeps the check right.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${LINKPLANE_LISTEN##*:} && printf 'GET /readyz HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r _ status _ <&3 && [ \"$status\" = 200 ]"]

# SIGTERM (docker stop) drains requests in flight for up to
# LINKPLANE_SHUTDOWN_GRACE_MS (30 s); give `docker stop -t` a little more.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/linkplane"]
CMD ["serve"]
