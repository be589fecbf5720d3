#!/usr/bin/env bash
# The AWS front, end to end with real AWS tooling: boto3 and the AWS CLI
# (pinned in scripts/aws-requirements.txt, installed into target/aws-venv)
# against a throwaway linkplane server with a SigV4 sealing key; the
# accounts and keys are made over REST, then tests/aws/story*.py drive
# STS, EC2 and ELBv2 with endpoint_url pointing at the server. Last, a
# second server in the harness mode (LINKPLANE_AWS_OPEN_ACCOUNT) runs
# tests/aws/moto_style_suite.py, a suite written as for moto's server mode.
#
#   bash scripts/ci-aws-sdk.sh        (STORY_TIMEOUT=seconds, default 120)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/aws-venv
REQUIREMENTS=scripts/aws-requirements.txt
source scripts/ci-lib.sh

started=$(date +%s)
rc=0
trap 'rc=$?; stop_server "$rc"' EXIT

ensure_venv
boto3_version=$("$VENV/bin/python" -c 'import boto3; print(boto3.__version__)')
cli_version=$("$VENV/bin/aws" --version 2>&1 | awk '{print $1}')

build_server
# A fresh server key for this run (the story never needs it again).
LINKPLANE_AWS_SECRETS_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
export LINKPLANE_AWS_SECRETS_KEY
start_server
# tests/aws/story.py first, then each tests/aws/story_*.py (they import
# story.py's helpers), every one against the same server.
for story in tests/aws/story.py tests/aws/story_*.py; do
  [ -e "$story" ] || continue
  echo "ci-aws-sdk: $story"
  LINKPLANE_URL="$LP_URL" LINKPLANE_ADMIN_TOKEN="$LP_ADMIN_TOKEN" AWS_CLI="$PWD/$VENV/bin/aws" \
    timeout "${STORY_TIMEOUT:-120}" "$VENV/bin/python" "$story" || {
    status=$?
    if [ "$status" -eq 124 ]; then echo "ci-aws-sdk: $story timed out" >&2; fi
    echo "ci-aws-sdk: FAILED ($story exited $status)" >&2
    exit 1
  }
done
# The AWS CLI walkthrough (docs/walkthrough-aws-cli.md): what it prints
# must be its expected output.
for walk in docs/walkthroughs/aws-cli/*.sh; do
  name=$(basename "$walk" .sh)
  expected="docs/walkthroughs/aws-cli/expected/$name.txt"
  echo "ci-aws-sdk: $walk"
  out=$(LP="$LP_URL" ADMIN="$LP_ADMIN_TOKEN" AWS_CLI="$PWD/$VENV/bin/aws" \
    timeout "${STORY_TIMEOUT:-120}" bash "$walk") || {
    echo "ci-aws-sdk: FAILED ($walk exited $?)" >&2
    exit 1
  }
  diff -u --label "$expected" --label "$name (this run)" "$expected" - <<<"$out" || {
    echo "ci-aws-sdk: FAILED ($walk printed something other than $expected)" >&2
    exit 1
  }
  echo "ci-aws-sdk: $name printed $expected"
done
# The harness mode: a second server with LINKPLANE_AWS_OPEN_ACCOUNT, and a
# suite written as for moto's server mode (dummy keys, a reset per test).
stop_server 0
echo "ci-aws-sdk: tests/aws/moto_style_suite.py (LINKPLANE_AWS_OPEN_ACCOUNT=123456789012)"
LINKPLANE_AWS_OPEN_ACCOUNT=123456789012 start_server
LINKPLANE_URL="$LP_URL" OPEN_ACCOUNT=123456789012 \
  timeout "${STORY_TIMEOUT:-120}" "$VENV/bin/python" tests/aws/moto_style_suite.py || {
  echo "ci-aws-sdk: FAILED (tests/aws/moto_style_suite.py exited $?)" >&2
  exit 1
}
finished=$(date +%s)
echo "ci-aws-sdk: ok: boto3 $boto3_version and $cli_version drove the AWS front in $((finished - started)) s"
