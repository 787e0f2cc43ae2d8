#!/usr/bin/env bash
# Runs every test: the Rust suites on SQLite and PostgreSQL, then the browser tests in Chromium
# against the release build. PostgreSQL is expected at 127.0.0.1:5432 (database `test`);
# STREAMGATE_TEST_DATABASE_URL points elsewhere. With CI=true an unreachable PostgreSQL fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The browser tests first, on exactly the binary cargo-leptos built (the Rust test build below
# relinks it with test-only features).
printf '\n==> Browser tests (Playwright, Debian Chromium, release build)\n'
npx playwright test --config end2end/playwright.config.ts

printf '\n==> Rust tests on SQLite and PostgreSQL (release profile, reusing the build above)\n'
cargo test --release --locked --all-targets -p streamgate-domain -p streamgate-app -p streamgate-server
