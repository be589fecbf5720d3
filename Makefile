# Conveniences; README's commands work without make.
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: fmt lint test test-pg openapi run bench ci

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets --locked -- -D warnings

test:
	cargo test --workspace --locked

test-pg:
	LINKPLANE_TEST_POSTGRES_URL=$(PG_URL) cargo test --workspace --locked

openapi:
	cargo run --quiet -- openapi > openapi/openapi.json

run:
	cargo run -- serve

bench:
	scripts/loadbench.sh

ci:
	bash .ci/run
