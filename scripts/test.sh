#!/usr/bin/env bash
# Runs the workspace tests against SQLite and, when one is reachable, PostgreSQL (found by
# scripts/postgres.sh: $ZHIDU_TEST_PG_URL or a local default; ZHIDU_REQUIRE_PG=1 makes it
# mandatory).
#
# Extra arguments are passed to `cargo nextest run` / `cargo test` (e.g. a test name filter).
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/postgres.sh

if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --no-fail-fast "$@"
else
    cargo test --workspace --no-fail-fast "$@"
fi
